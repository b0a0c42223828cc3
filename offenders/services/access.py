"""Audit records of reading personal data: a profile opened, a list searched (docs/access-and-audit.md).

Reading is a write to the audit chain, so it lives with the other writes: the page and the API call
the same function, and the record of a read can never differ between the two.
"""

from collections.abc import Mapping
from typing import Literal

from portal.accounts.permissions import require
from portal.audit.services import audit_record

from ..models import Offender


def offender_view_record(*, offender: Offender, purpose: str) -> None:
    """A profile was opened, with the purpose the officer gave; recorded under the pseudonym, never the name."""
    audit_record(action="offender.view", target=offender, object_repr=offender.reference, purpose=purpose)


def list_view_record(*, subject: Literal["offender", "offence", "case", "incident"], query: Mapping[str, str]) -> None:
    """A list of offenders, offences or cases was shown, with the filters used: who searched for what.
    (The cases app records its list here too: every list of personal data is audited the same way, under
    the `offenders.*` target types the log has always used.)"""
    audit_record(action=f"{subject}.list", target_type=f"offenders.{subject}", changes={"query": dict(query)})


SUBJECT_ACCESS_REFUSAL = "Only admins may answer a subject access request."


def subject_access_disclose(*, offender: Offender, channel_format: str, by) -> None:
    """A subject access bundle was produced (docs/records.md): a disclosure of his data outside the
    portal, so it is audited as one, with the format (`json` or `page`)."""
    require(by, "records.subject_access", refusal=SUBJECT_ACCESS_REFUSAL)
    require(by, "records.subject_access", offender, refusal=SUBJECT_ACCESS_REFUSAL)
    audit_record(
        action="offender.disclose",
        target=offender,
        object_repr=offender.reference,
        purpose="subject_access",
        changes={"disclosure": "subject access request", "format": channel_format},
    )
