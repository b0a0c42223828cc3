"""Reads of the scoring app: the ranked list, one offender's score and why, runs and policy history."""

import bisect
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from offenders.models import DomesticIncident, Offence, Offender, offender_reference
from portal.accounts.models import User
from portal.accounts.permissions import restrict, role_allows

from .filters import RankingFilter
from .formula import ScoreTerms, counted_incidents, offence_contributions, offender_aggregates
from .markers import escalation_markers
from .models import HarmEntry, OffenderScore, RankingEntry, RankingSnapshot, RescoreRequest, ScoringPolicy, ScoringRun


def active_policy() -> ScoringPolicy | None:
    return ScoringPolicy.objects.active().first()


def active_policy_codes() -> Iterable[tuple[str, int | None, str]] | None:
    """(code, offence type id or None, title) of the active policy's harm entries: the codes an offences
    import may use (asked through offenders.hooks). None without an active policy: no opinion."""
    if not ScoringPolicy.objects.active().exists():
        return None
    entries = HarmEntry.objects.filter(policy__in=ScoringPolicy.objects.active())
    return entries.values_list("code", "offence_type_id", "title")


def policy_entries(*, policy: ScoringPolicy) -> list[dict[str, Any]]:
    """The policy's weight table as the API and the edit form show it, by code."""
    return [dict(row) for row in policy.entries.order_by("code").values("code", "title", "days", "provenance")]


def latest_snapshot() -> RankingSnapshot | None:
    return RankingSnapshot.objects.select_related("policy").order_by("-published_at", "-id").first()


def ranking_count(queryset: QuerySet[OffenderScore]) -> int:
    """How many rows a (filtered) ranking has, cached per query until any score is next written.

    Counting 200,000 eligible rows costs more than the whole top-100 page; the newest `computed_at`
    (read off its index) changes with every write, so a cached count is never stale. The key is the
    query's own SQL, so two readers whose rules leave out different records never share a count.
    """
    try:
        sql = str(queryset.query)
    except EmptyResultSet:
        return 0
    newest = OffenderScore.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    cache_key = "scoring:count:" + hashlib.sha256(f"{sql}|{newest}".encode()).hexdigest()
    count = cache.get(cache_key)
    if count is None:
        count = queryset.count()
        cache.set(cache_key, count, settings.SCORING_COUNT_CACHE_SECONDS)
    return count


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
    above = eligible.filter(score__gt=top).count()
    span = sorted(eligible.filter(score__gt=bottom, score__lte=top).values_list("score", flat=True))
    return [1 + above + len(span) - bisect.bisect_right(span, score) for score in scores]


def offender_rank(offender: Offender) -> int | None:
    """The offender's live rank, or None when not scored or not eligible to be ranked."""
    row = OffenderScore.objects.filter(offender_id=offender.pk).values("score", "eligible").first()
    if row is None or not row["eligible"]:
        return None
    return OffenderScore.objects.filter(eligible=True, score__gt=row["score"]).count() + 1


def rescore_waiting(*, offender_id: int) -> bool:
    """Whether a re-score of this offender is still waiting in the outbox: the broker could not be reached
    when it was asked for, so the score shown is the one before the change until the resend sends it."""
    return RescoreRequest.objects.filter(offender_id=offender_id, sent_at__isnull=True).exists()


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
    scores = list(queryset.order_by("-score", "offender_id").values(*RANKING_VALUES)[offset : offset + limit])
    snapshot = latest_snapshot() if snapshot is LATEST else snapshot
    return _ranking_rows(user, scores, snapshot=snapshot, digits=None if exact else 2)


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


def _ranking_rows(
    user: User, scores: list[dict], *, snapshot: RankingSnapshot | None, digits: int | None
) -> list[dict[str, Any]]:
    figure = (lambda value: value) if digits is None else (lambda value: round(value, digits))
    ids = [s["offender_id"] for s in scores]
    ranks = live_ranks([s["score"] for s in scores])
    before, published = {}, {}
    if snapshot is not None:
        entries = RankingEntry.objects.filter(snapshot=snapshot, offender_id__in=ids).order_by()
        for offender_id, rank, previous_rank in entries.values_list("offender_id", "rank", "previous_rank"):
            before[offender_id] = rank
            published[offender_id] = None if previous_rank is None else previous_rank - rank
    identities = visible_identities(user=user, offender_ids=ids)
    rows = []
    for s, rank in zip(scores, ranks, strict=True):
        previous = before.get(s["offender_id"])
        shown = s["offender_id"] in identities
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
            "published_movement": published.get(s["offender_id"]),  # frozen in the snapshot, vs the one before
            "is_new": snapshot is not None and previous is None,
            "previous_rank": previous,
        })  # fmt: skip
    return rows


def offender_score_breakdown(offender: Offender) -> dict[str, Any]:
    """The offender's score and why: one row per counted offence from the SAME expressions as the
    recompute (so the rows always sum to the score), under the active policy for today.

    Returns {"score", "rank", "eligible", "components", "policy", "as_of", "breakdown": [...]}.
    """
    policy = active_policy()
    if policy is None:
        return {"score": None, "rank": None, "breakdown": []}
    terms = ScoreTerms(policy=policy, as_of=timezone.localdate())
    offences = Offence.objects.filter(offender_id=offender.pk)
    totals = (
        offender_aggregates(terms, offences)
        .annotate(uplift=terms.uplift(Count("victim_id", distinct=True)))
        .order_by("offender_id")
        .first()
    )
    uplift = totals["uplift"] if totals else 1.0
    rows = offence_contributions(terms, offences).select_related("offence_type").order_by("occurred_on", "id")
    breakdown = [
        {
            "kind": "offence", "crime_ref": o.crime_ref, "code": o.offence_type.code, "title": o.offence_type.title,
            "occurred_on": o.occurred_on, "status": o.status, "days": o.harm_days_entry,
            "multiplier": o.multiplier, "factor": o.factor, "decay": round(o.decay, 6), "uplift": uplift,
            "contribution": _contribution(o.contribution, uplift),
        }
        for o in rows
    ]  # fmt: skip
    incidents = _incident_rows(terms, offender)
    incident_harm = sum(row["contribution"] for row in incidents)
    separation_on = counted_incidents(
        terms, DomesticIncident.objects.filter(offender_id=offender.pk, separation=True)
    ).aggregate(last=Max("occurred_on"))["last"]
    markers = escalation_markers(offences=breakdown, separation_on=separation_on)
    breakdown += incidents
    return {
        "score": (totals["score"] if totals else 0.0) + incident_harm,
        "rank": offender_rank(offender),
        "eligible": bool(totals and totals["eligible"]),
        "components": {
            "harm_days": (totals["harm_days"] if totals else 0.0) + incident_harm,
            "offence_count": totals["offence_count"] if totals else 0,
            "victim_count": totals["victim_count"] if totals else 0,
            "days_since_last": totals["days_since_last"] if totals else None,
        },
        "policy": {
            "id": policy.pk,
            "version": policy.version,
            "name": policy.name,
            "is_illustrative": policy.is_illustrative,
        },
        "as_of": terms.as_of,
        "markers": markers,  # flags beside the score, never scored (scoring/markers.py)
        "breakdown": breakdown,
    }


def _incident_rows(terms: ScoreTerms, offender: Offender) -> list[dict[str, Any]]:
    """The breakdown's rows for counted non-crime incidents: each adds the policy's days exactly (none
    when the policy gives incidents no weight)."""
    days = terms.policy.incident_days
    if not days:
        return []
    incidents = counted_incidents(terms, DomesticIncident.objects.filter(offender_id=offender.pk))
    return [
        {
            "kind": "incident", "crime_ref": i.incident_ref, "code": "",
            "title": f"Non-crime incident: {i.get_kind_display()}",
            "occurred_on": i.occurred_on, "status": "", "days": days, "multiplier": 1, "factor": 1, "decay": 1.0,
            "uplift": 1.0, "contribution": float(days),
        }
        for i in incidents.order_by("occurred_on", "id")
    ]  # fmt: skip


def _contribution(contribution, uplift: float) -> float:
    """A breakdown row's share of the score: exact decimals stay exact (their shortest float) unless an
    uplift multiplies them."""
    if isinstance(contribution, Decimal):
        contribution = float(contribution.normalize())
    return contribution * uplift if uplift != 1 else contribution


def offender_score_panel(*, user: User, offender: Offender, score_summary: dict[str, Any]) -> dict[str, Any]:
    """The profile's score panel (registered through offenders.hooks): the score and why, as the profile
    already read it (offender_score_breakdown), the score by offence type, and the harm chart."""
    return {
        "summary": score_summary,
        "by_type": score_by_offence_type(breakdown=score_summary.get("breakdown") or []),
        "history": offender_harm_history(offender=offender),
    }


def score_by_offence_type(*, breakdown: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The breakdown's rows summed per offence type, largest share first: "why he ranks where he does"
    in a few lines. Summed from the very rows of the breakdown, so the two always agree with the score."""
    types: dict[str, dict[str, Any]] = {}
    for row in breakdown:
        entry = types.setdefault(row["code"], {"code": row["code"], "title": row["title"], "count": 0, "harm": 0.0})
        entry["count"] += 1
        entry["harm"] += float(row["contribution"])
    total = sum(entry["harm"] for entry in types.values())
    for entry in types.values():
        entry["share"] = entry["harm"] / total if total else 0.0
    return sorted(types.values(), key=lambda entry: (-entry["harm"], entry["code"]))


def offender_harm_history(*, offender: Offender) -> dict[str, list]:
    """Harm over time for the profile chart: each month's harm days from the same contribution
    expression, over the offender's whole history (no window, no decay) so the trend is visible."""
    policy = active_policy()
    if policy is None:
        return {"labels": [], "values": []}
    whole_history = ScoringPolicy(pk=policy.pk, window_days=36_500, status_factors=policy.status_factors)
    terms = ScoreTerms(policy=whole_history, as_of=timezone.localdate())
    months: dict[str, float] = {}
    rows = offence_contributions(terms, Offence.objects.filter(offender_id=offender.pk)).order_by("occurred_on")
    for occurred_on, contribution in rows.values_list("occurred_on", "contribution"):
        key = occurred_on.strftime("%Y-%m")
        months[key] = months.get(key, 0.0) + float(contribution)
    return {"labels": list(months), "values": [round(v, 1) for v in months.values()]}


def snapshot_entries(*, snapshot: RankingSnapshot, user: User) -> QuerySet[RankingEntry]:
    """A published ranking's entries this user may see, in rank order (ranks as frozen: a hidden record
    leaves its gap, as on the live list)."""
    entries = restrict(snapshot.entries.select_related("offender"), user, "ranking.view")
    return entries.order_by("rank", "offender_id")


def runs_recent(*, limit: int = 20) -> QuerySet[ScoringRun]:
    return ScoringRun.objects.select_related("policy").order_by("-queued_at", "-id")[:limit]


def illustrative_versions(*, labels: Iterable[str]) -> list[str]:
    """Which of these policy versions ("v3", as cases copy them) carry illustrative harm values, oldest
    first: a harm figure computed under one must say so wherever it is shown."""
    versions = {int(label[1:]) for label in labels if label[1:].isdigit()}
    found = ScoringPolicy.objects.filter(version__in=versions, is_illustrative=True).values_list("version", flat=True)
    return [f"v{version}" for version in sorted(found)]


def run_current() -> ScoringRun | None:
    """The run queued or going now (at most one: a partial unique index holds it, ADR 0202)."""
    return ScoringRun.objects.filter(status__in=[ScoringRun.Status.QUEUED, ScoringRun.Status.RUNNING]).first()


def run_current_or_latest() -> ScoringRun | None:
    """What the runs page's progress bar follows: the run going now, else the last one that ran."""
    return run_current() or ScoringRun.objects.order_by("-queued_at", "-id").first()


def policy_diff(*, policy: ScoringPolicy) -> dict[str, Any]:
    """What changed from the policy it was based on (or the version before): parameters and entries."""
    return policy_diffs([policy])[policy.pk]


def policy_diffs(policies: Iterable[ScoringPolicy]) -> dict[int, dict[str, Any]]:
    """`policy_diff` of each policy, by id, in three queries however many there are (the governance
    report and the transparency record list every version with its change)."""
    policies = list(policies)
    bases = _bases_of(policies)
    wanted = {p.pk for p in policies} | {base.pk for base in bases.values() if base is not None}
    entries: dict[int, dict[str, HarmEntry]] = {pk: {} for pk in wanted}
    for entry in HarmEntry.objects.filter(policy_id__in=wanted).order_by():
        entries[entry.policy_id][entry.code] = entry
    diffs = {}
    for policy in policies:
        base = bases[policy.pk]
        diffs[policy.pk] = _diff(policy, base, old=entries[base.pk] if base is not None else {}, new=entries[policy.pk])
    return diffs


def _bases_of(policies: list[ScoringPolicy]) -> dict[int, ScoringPolicy | None]:
    """Each policy's base: the one it was based on, else the version before it, else None."""
    named = ScoringPolicy.objects.in_bulk({p.based_on_id for p in policies if p.based_on_id})
    unnamed = [p.version for p in policies if not p.based_on_id]
    earlier = list(ScoringPolicy.objects.filter(version__lt=max(unnamed)).order_by("-version")) if unnamed else []
    return {
        p.pk: named.get(p.based_on_id) if p.based_on_id else next((e for e in earlier if e.version < p.version), None)
        for p in policies
    }


def _diff(policy, base, *, old: dict[str, HarmEntry], new: dict[str, HarmEntry]) -> dict[str, Any]:
    if base is None:
        return {"base": None, "parameters": [], "added": [], "removed": [], "changed": []}
    parameters = [
        {"name": name, "before": base.parameters[name], "after": value}
        for name, value in policy.parameters.items()
        if base.parameters[name] != value
    ]
    return {
        "base": base,
        "parameters": parameters,
        "added": [new[c] for c in sorted(new.keys() - old.keys())],
        "removed": [old[c] for c in sorted(old.keys() - new.keys())],
        "changed": [
            (old[c], new[c])
            for c in sorted(new.keys() & old.keys())
            if old[c].days != new[c].days or old[c].title != new[c].title
        ],
    }
