"""The ranked list: its rows (for the page, the API and the CSV), filters, sort and live ranks, and
the published snapshots it is compared with."""

import bisect
import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value

from offenders.models import Offender, offender_reference
from portal.accounts.models import User
from portal.accounts.permissions import restrict, role_allows

from ..filters import RankingFilter
from ..models import OffenderScore, RankingEntry, RankingSnapshot


def latest_snapshot() -> RankingSnapshot | None:
    return RankingSnapshot.objects.select_related("policy").order_by("-published_at", "-id").first()


def ranking_count(queryset: QuerySet[OffenderScore]) -> int:
    """How many rows a (filtered) ranking has, cached per query until any score is next written.

    Counting 200,000 eligible rows costs more than the whole top-100 page. The key is the query's own
    SQL, so two readers whose rules leave out different records never share a count.
    """
    try:
        sql = str(queryset.query)
    except EmptyResultSet:
        return 0
    return _count_until_next_write(queryset, sql)


COUNTS_GENERATION = "scoring:count:generation"  # moved on when scores are removed, not rewritten


def _count_until_next_write(queryset: QuerySet[OffenderScore], sql: str) -> int:
    """`queryset.count()`, cached under its SQL until any score is next written: the newest
    `computed_at` (read off its index) changes with every write, and a score removed (a disposal) moves
    COUNTS_GENERATION on, so a cached count is never stale."""
    newest = OffenderScore.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    generation = cache.get(COUNTS_GENERATION, 0)
    cache_key = "scoring:count:" + hashlib.sha256(f"{sql}|{newest}|{generation}".encode()).hexdigest()
    count = cache.get(cache_key)
    if count is None:
        count = queryset.count()
        cache.set(cache_key, count, settings.SCORING_COUNT_CACHE_SECONDS)
    return count


EXACT_COUNT_LIMIT = 1000  # counted on each read up to here; beyond, cached until the next score write


def eligible_above(score: float) -> int:
    """How many eligible scores are strictly higher than `score`, everyone counted (a rank is this + 1).

    Near the top of the list this is a short read off the partial index on score; deep in the list (a
    search for a man ranked 100,000th) the count walks that many index entries, about 15 ms at 350,000
    offenders, so past EXACT_COUNT_LIMIT it is kept until any score is next written, as `ranking_count`
    keeps its counts (ADR 1430). The answer is exact either way."""
    above = OffenderScore.objects.filter(eligible=True, score__gt=score)
    near = above[:EXACT_COUNT_LIMIT].count()
    if near < EXACT_COUNT_LIMIT:
        return near
    return _count_until_next_write(above, f"eligible above {score!r}")


def eligible_scores(*, user: User | None) -> QuerySet[OffenderScore]:
    """The eligible scores this user may see, best first (ties in offender id order): the queryset the
    ranking FilterSet narrows. A restricted offender is absent without the grant (`ranking.view`'s rule);
    ranks are added per page by `live_ranks`, on the whole list. `user=None` is the system's own read
    (the tasking list's top N, counted for everyone): every eligible score."""
    scores = OffenderScore.objects.filter(eligible=True).order_by("-score", "offender_id")
    return scores if user is None else restrict(scores, user, "ranking.view")


def live_ranks(scores: list[float]) -> list[int]:
    """Each score's place on the whole eligible list: 1 + how many eligible scores are strictly higher
    (ties share a rank: 1, 2, 2, 4), the definition `offender_rank` and the snapshot's RANK() use.

    Whoever reads and whatever filter is set, everyone eligible counts, records this reader may not see
    included: a hidden record leaves a gap in the ranks and never renumbers the rest (ADR 0831). For one
    page of scores: one count of those above it and one read of the eligible scores it spans, both off
    the partial index on score; never a count per row (the span is the page and the records between its
    rows: a handful on the whole list, more on a page of a sparse filter).
    """
    if not scores:
        return []
    top, bottom = max(scores), min(scores)
    eligible = OffenderScore.objects.filter(eligible=True)
    above = eligible_above(top)
    span = sorted(eligible.filter(score__gt=bottom, score__lte=top).values_list("score", flat=True))
    return [1 + above + len(span) - bisect.bisect_right(span, score) for score in scores]


def offender_rank(offender: Offender) -> int | None:
    """The offender's live rank, or None when not scored or not eligible to be ranked."""
    row = OffenderScore.objects.filter(offender_id=offender.pk).values("score", "eligible").first()
    if row is None or not row["eligible"]:
        return None
    return eligible_above(row["score"]) + 1


def visible_identities(*, user: User, offender_ids: list[int]) -> set[int]:
    """Offenders whose identity this user may see on the list (role, then the restricted rule)."""
    if not role_allows(user, "ranking.view_identities"):
        return set()
    return set(
        restrict(Offender.objects.filter(pk__in=offender_ids), user, "ranking.view_identities").values_list(
            "pk", flat=True
        )
    )


RANKING_VALUES = (
    "offender_id", "score", "harm_days", "offence_count", "victim_count", "days_since_last",
    "offender__forenames", "offender__surname", "offender__restricted",
)  # fmt: skip


def snapshot_rows(*, user: User, snapshot: RankingSnapshot, limit: int) -> list[dict[str, Any]]:
    """The first `limit` rows this user may see of a published ranking, frozen as published (ranks and
    movement included), for its page and the API: a name only where this user may see it (the live
    list's rule), else the pseudonymous reference; a restricted offender absent without the grant."""
    entries = list(snapshot_entries(snapshot=snapshot, user=user)[:limit])
    visible = visible_identities(user=user, offender_ids=[entry.offender_id for entry in entries])
    return [
        {
            "rank": e.rank, "offender": {"id": e.offender_id, "reference": e.offender.reference,
            "display_name": e.offender.display_name if e.offender_id in visible else None},
            "score": e.score,
            "components": {"harm_days": e.harm_days, "offence_count": e.offence_count,
                           "victim_count": e.victim_count, "days_since_last": e.days_since_last},
            "movement": e.movement,
        }
        for e in entries
    ]  # fmt: skip


def ranking_filter(*, user: User, params) -> RankingFilter:
    """The ranking's FilterSet bound to the request's parameters, over the eligible scores this user may
    see (page and API)."""
    return RankingFilter(
        params, queryset=eligible_scores(user=user), identities=role_allows(user, "ranking.view_identities")
    )


LATEST = object()  # ranking_rows_for's default: read the latest published snapshot itself


def ranking_rows_for(
    *,
    user: User,
    filters: RankingFilter | None = None,
    limit: int | None = None,
    offset: int = 0,
    exact: bool = False,
    snapshot: Any = LATEST,
) -> list[dict[str, Any]]:
    """The live ranked list as this user may see it, for the ranking page and the API alike: rows
    `offset` to `offset + limit` (default PORTAL_TOP_N) of everyone eligible, or of those `filters`
    keep (each keeps his place on the whole list). A filter set that is not valid narrows nothing (the API
    refuses it first). Each row: rank, offender (a name only where allowed), score, components, movement
    since the latest published snapshot (None: a new entrant), and for the page the movement that
    publication recorded (`published_movement`, `previous_rank`, `is_new`) and `restricted`.

    Pages round the figures to 2 places; `exact` gives them as stored (the API), so the list, the
    profile's score and a client's own recomputation agree to the last digit. A caller that shows the
    latest snapshot itself passes it (`snapshot`, None when there is none) so it is read once."""
    if filters is None or not filters.is_valid():
        queryset = eligible_scores(user=user) if filters is None else filters.queryset
    else:
        queryset = filters.qs
    limit = limit or settings.PORTAL_TOP_N
    snapshot = latest_snapshot() if snapshot is LATEST else snapshot
    read = _with_row_facts(queryset, user=user, snapshot=snapshot)
    scores = list(read.order_by("-score", "offender_id").values(*RANKING_VALUES, *ROW_FACTS)[offset : offset + limit])
    return _ranking_rows(scores, snapshot=snapshot, digits=None if exact else 2)


RANKING_SORTS: dict[str, Any] = {
    "rank": lambda row: row["rank"],
    "name": lambda row: (row["offender"]["display_name"] or row["offender"]["reference"]).lower(),
    "score": lambda row: row["score"],
    "harm_days": lambda row: row["components"]["harm_days"],
    "offences": lambda row: row["components"]["offence_count"],
    "victims": lambda row: row["components"]["victim_count"],
    "days_since_last": lambda row: (row["components"]["days_since_last"] is None, row["components"]["days_since_last"]),
    "movement": lambda row: (row["movement"] is None, -(row["movement"] or 0)),
}


def ranking_sorted(rows: list[dict[str, Any]], *, sort: str) -> list[dict[str, Any]]:
    """The shown rows ordered by a column (`-name` reverses); each keeps its rank on the whole list. An
    unknown column leaves the rank order."""
    key = RANKING_SORTS.get(sort.removeprefix("-"))
    if key is None:
        return rows
    return sorted(rows, key=key, reverse=sort.startswith("-"))


def ranking_count_for(*, filters: RankingFilter) -> int:
    """How many rows the ranking narrowed by these (valid) filters has: the API's `count`."""
    return ranking_count(filters.qs.order_by())


ROW_FACTS = ("identity_shown", "snapshot_rank", "snapshot_previous_rank")


def _with_row_facts(scores: QuerySet[OffenderScore], *, user: User, snapshot: RankingSnapshot | None) -> QuerySet:
    """The scores with what each row shows beside them, read in the same query (ADR 1430): whether this
    user may see the name (`visible_identities`' rule, as a subquery) and the offender's rank in the
    latest snapshot and the one before it. PostgreSQL works these out only for the rows of the page."""
    shown: Any = Value(False, output_field=BooleanField())
    if role_allows(user, "ranking.view_identities"):
        offender = Offender.objects.filter(pk=OuterRef("offender_id"))
        shown = Exists(restrict(offender, user, "ranking.view_identities"))
    entry = RankingEntry.objects.filter(snapshot=snapshot, offender_id=OuterRef("offender_id")).order_by()
    no_rank = Value(None, output_field=IntegerField())
    return scores.annotate(
        identity_shown=shown,
        snapshot_rank=no_rank if snapshot is None else Subquery(entry.values("rank")[:1]),
        snapshot_previous_rank=no_rank if snapshot is None else Subquery(entry.values("previous_rank")[:1]),
    )


def _ranking_rows(scores: list[dict], *, snapshot: RankingSnapshot | None, digits: int | None) -> list[dict[str, Any]]:
    figure = (lambda value: value) if digits is None else (lambda value: round(value, digits))
    ranks = live_ranks([s["score"] for s in scores])
    rows = []
    for s, rank in zip(scores, ranks, strict=True):
        previous, before_that = s["snapshot_rank"], s["snapshot_previous_rank"]
        shown = s["identity_shown"]
        rows.append({
            "rank": rank,
            "offender": {
                "id": s["offender_id"],
                "reference": offender_reference(s["offender_id"]),
                "display_name": f"{s['offender__forenames']} {s['offender__surname']}" if shown else None,
            },
            "restricted": s["offender__restricted"],
            "score": figure(s["score"]),
            "components": {
                "harm_days": figure(s["harm_days"]), "offence_count": s["offence_count"],
                "victim_count": s["victim_count"], "days_since_last": s["days_since_last"],
            },
            "movement": None if previous is None else previous - rank,
            # frozen in the snapshot, against the one before it
            "published_movement": None if previous is None or before_that is None else before_that - previous,
            "is_new": snapshot is not None and previous is None,
            "previous_rank": previous,
        })  # fmt: skip
    return rows


def snapshot_entries(*, snapshot: RankingSnapshot, user: User) -> QuerySet[RankingEntry]:
    """A published ranking's entries this user may see, in rank order (ranks as frozen: a hidden record
    leaves its gap, as on the live list)."""
    entries = restrict(snapshot.entries.select_related("offender"), user, "ranking.view")
    return entries.order_by("rank", "offender_id")
