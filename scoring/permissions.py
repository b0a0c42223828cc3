"""Object rules for scoring: a restricted offender is absent from the live ranking and every published
one without the grant (the offenders app's one rule, `restricted_q`), and identities on the ranked list
follow the same rule on top of the role's."""

from offenders.models import Offender
from offenders.permissions import of_offender
from offenders.querysets import restricted_q
from portal.accounts.permissions import register_rule

from .models import OffenderScore, RankingEntry

register_rule("ranking.view", OffenderScore, of_offender)
register_rule("ranking.view", RankingEntry, of_offender)
register_rule("ranking.view_identities", Offender, restricted_q)
