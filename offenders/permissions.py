"""Object rules for offenders and offences: a restricted offender is invisible without the grant (the rule
itself is offenders/querysets.py's `restricted_q`; the rules for cases are the cases app's own)."""

from django.db.models import Q

from portal.accounts.permissions import register_rule

from .models import Offence, Offender
from .querysets import restricted_q


def _offence_rule(user) -> Q:
    return restricted_q(user, "offender")


for _capability in ("offender.view", "offender.edit", "offender.mark_restricted"):
    register_rule(_capability, Offender, restricted_q)
for _capability in ("offence.view", "offence.edit"):
    register_rule(_capability, Offence, _offence_rule)
