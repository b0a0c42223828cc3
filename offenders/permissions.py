"""Object rules for offenders and what belongs to them: one rule, `restricted_q`, hides a restricted
offender and everything of his (offences, cases, scores, ranking entries, report rows) from everyone
without the restricted_access grant. Every capability that reaches such rows registers it (the cases
and scoring apps register it for their own models)."""

from functools import partial

from django.db.models import Q

from portal.accounts.permissions import register_rule
from portal.accounts.roles import has_restricted_access

from .models import Offence, Offender


def restricted_q(user, path: str = "") -> Q:
    """Without the grant a restricted offender is absent, not pseudonymised (docs/access-and-audit.md).

    `path` leads from the rows filtered to their offender ("offender__" for an offence, a case or a
    score). Empty (every row) for an officer or supervisor who holds the grant."""
    return Q() if has_restricted_access(user) else Q(**{f"{path}restricted": False})


of_offender = partial(restricted_q, path="offender__")  # the rule for rows that belong to one offender

for _capability in ("offender.view", "offender.edit", "offender.mark_restricted", "reports.view"):
    register_rule(_capability, Offender, restricted_q)
for _capability in ("offence.view", "offence.edit", "reports.view"):
    register_rule(_capability, Offence, of_offender)
