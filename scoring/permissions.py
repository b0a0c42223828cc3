"""Object rules for scoring: a restricted offender is absent from the live ranking and every published
one without the grant (the offenders app's one rule, `restricted_q`), and identities on the ranked list
follow the same rule on top of the role's."""

from functools import partial

from offenders.models import Offender
from offenders.querysets import restricted_q
from portal.accounts.permissions import register_rule

from .models import OffenderScore, RankingEntry

# A disposed offender has no live score, and a published ranking keeps his row by the pseudonymous
# reference only (his identity is erased; `ranking.view_identities` below never names him): docs/records.md.
of_offender_kept = partial(restricted_q, path="offender", include_disposed=True)
register_rule("ranking.view", OffenderScore, of_offender_kept)
register_rule("ranking.view", RankingEntry, of_offender_kept)
register_rule("ranking.view_identities", Offender, restricted_q)
