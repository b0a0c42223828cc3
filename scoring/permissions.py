"""Object rules for scoring: identities on the ranked list follow the offender's restricted flag."""

from django.db.models import Q

from offenders.models import Offender
from portal.accounts.permissions import register_rule
from portal.accounts.roles import has_restricted_access


def _identity_rule(user) -> Q:
    return Q() if has_restricted_access(user) else Q(restricted=False)


register_rule("ranking.view_identities", Offender, _identity_rule)
