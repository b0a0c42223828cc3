"""Object rules for scoring: identities on the ranked list follow the offender's restricted flag."""

from offenders.models import Offender
from offenders.querysets import restricted_q
from portal.accounts.permissions import register_rule

register_rule("ranking.view_identities", Offender, restricted_q)
