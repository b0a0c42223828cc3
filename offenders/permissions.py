"""Object rules for offenders and offences: a restricted offender is invisible without the grant (the rules
for cases are the cases app's own)."""

from django.db.models import Q

from portal.accounts.permissions import register_rule
from portal.accounts.roles import has_restricted_access

from .models import Offence, Offender


def _offender_rule(user) -> Q:
    return Q() if has_restricted_access(user) else Q(restricted=False)


def _offence_rule(user) -> Q:
    return Q() if has_restricted_access(user) else Q(offender__restricted=False)


for _capability in ("offender.view", "offender.edit", "offender.mark_restricted"):
    register_rule(_capability, Offender, _offender_rule)
for _capability in ("offence.view", "offence.edit"):
    register_rule(_capability, Offence, _offence_rule)
