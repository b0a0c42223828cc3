"""Audit records of reading personal data: a profile opened, a list searched (CONTRACT.md section 7).

Reading is a write to the audit chain, so it lives with the other writes: the page and the API call
the same function, and the record of a read can never differ between the two.
"""

from collections.abc import Mapping
from typing import Any, Literal

from portal.audit.services import audit_record

from ..case_dashboard import PERSONAL_PANELS
from ..models import Offender


def offender_view_record(*, offender: Offender, purpose: str) -> None:
    """A profile was opened, with the purpose the officer gave; recorded under the pseudonym, never the name."""
    audit_record(action="offender.view", target=offender, object_repr=offender.reference, purpose=purpose)


def list_view_record(*, subject: Literal["offender", "offence", "case"], query: Mapping[str, str]) -> None:
    """A list of offenders, offences or cases was shown, with the filters used: who searched for what."""
    audit_record(action=f"{subject}.list", target_type=f"offenders.{subject}", changes={"query": dict(query)})


def dashboard_view_record(*, panels: dict[str, Any]) -> None:
    """The officer and supervisor panels name offenders (my cases, actions, reviews, new entrants), so a
    dashboard that shows any writes ONE `dashboard.view` event with the rows per panel; the aggregate
    (counts-only) dashboard of admin and oversight writes none."""
    rows = {name: len(panels[name]) for name in PERSONAL_PANELS if panels.get(name)}
    if rows:
        audit_record(
            action="dashboard.view", target_type="portal.dashboard", target_id=panels["panels"], changes={"rows": rows}
        )
