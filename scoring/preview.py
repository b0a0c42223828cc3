"""The impact preview of a draft policy (docs/scoring.md): what it would do to the ranking, before anyone
approves it, without publishing or writing anything.

Set-based in the database, like the recompute: the draft's scores are ONE grouped statement over every
counted offence (the same expressions, scoring/formula.py), of which only the top N come back, ordered
and cut in the database; the active policy's top N is the live ranking's. Only the union of the two top
Ns (at most 2N offenders) is ever read into Python, for the comparison: overlap, who enters and who
leaves (pseudonymised), Kendall's tau between the two policies' scores over the union, and each ethnic
group's share of the top N under each (ethnicity is read for this fairness check only; it is never an
input to any score).
"""

import math
from collections import Counter
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from scipy.stats import kendalltau

from offenders.choices import ethnicity_group
from offenders.models import DomesticIncident, Offence, Offender, offender_reference

from .formula import ScoreTerms, incident_counts, offender_aggregates
from .models import OffenderScore, ScoringPolicy
from .selectors import active_policy


def _draft_scores_sql(terms: ScoreTerms, *, offender_ids: list[int] | None, top_n: int | None) -> tuple[str, list]:
    """SELECT offender_id, score [, eligible] under the policy: the top N eligible, or these offenders."""
    offences, incidents = Offence.objects.all(), DomesticIncident.objects.all()
    if offender_ids is not None:
        offences = offences.filter(offender_id__in=offender_ids)
        incidents = incidents.filter(offender_id__in=offender_ids)
    aggregate_sql, aggregate_params = offender_aggregates(terms, offences).query.sql_with_params()
    params: list = list(aggregate_params)
    score = "a.score"
    join = ""
    if terms.policy.incident_days:
        incident_sql, incident_params = incident_counts(terms, incidents).query.sql_with_params()
        join = f" LEFT JOIN ({incident_sql}) i ON i.offender_id = a.offender_id"
        score = "a.score + COALESCE(i.incidents, 0) * %s"
        params = [connection.ops.adapt_decimalfield_value(terms.policy.incident_days, 7, 2), *params, *incident_params]
    sql = f"SELECT a.offender_id, {score} AS score FROM ({aggregate_sql}) a{join}"  # noqa: S608 - built SQL only
    if top_n is not None:
        sql = f"SELECT * FROM ({sql} WHERE a.eligible) t ORDER BY t.score DESC, t.offender_id LIMIT {int(top_n)}"  # noqa: S608
    return sql, params


def _run(sql: str, params: list) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            cursor.execute("SET LOCAL jit = off")  # one large aggregate, as the recompute's chunks
        cursor.execute(sql, params)
        return [(int(offender_id), float(score)) for offender_id, score in cursor.fetchall()]


def draft_top(*, policy: ScoringPolicy, top_n: int, as_of: date) -> list[tuple[int, float]]:
    """(offender id, score) of the top N eligible offenders under `policy`, best first (ties by id)."""
    return _run(*_draft_scores_sql(ScoreTerms(policy=policy, as_of=as_of), offender_ids=None, top_n=top_n))


def active_top(*, top_n: int) -> list[tuple[int, float]]:
    """The live ranking's top N under the active policy (the list officers see), best first."""
    rows = OffenderScore.objects.filter(eligible=True).order_by("-score", "offender_id")
    return [(offender_id, score) for offender_id, score in rows.values_list("offender_id", "score")[:top_n]]


def _composition(top: list[int], groups: dict[int, str]) -> dict[str, float]:
    counts = Counter(groups.get(offender_id, "Not stated") for offender_id in top)
    return {group: round(count / len(top), 4) for group, count in sorted(counts.items())} if top else {}


def policy_preview(*, policy: ScoringPolicy, top_n: int | None = None, as_of: date | None = None) -> dict[str, Any]:
    """The draft's top N compared with the active policy's (docs/scoring.md "Impact preview")."""
    top_n = top_n or settings.PORTAL_TOP_N
    as_of = as_of or timezone.localdate()
    active = active_policy()
    new = draft_top(policy=policy, top_n=top_n, as_of=as_of)
    old = active_top(top_n=top_n)
    new_ids, old_ids = [i for i, _s in new], [i for i, _s in old]
    union = sorted(set(new_ids) | set(old_ids))
    new_scores = dict(new)
    missing = [i for i in union if i not in new_scores]
    if missing:
        terms = ScoreTerms(policy=policy, as_of=as_of)
        new_scores.update(_run(*_draft_scores_sql(terms, offender_ids=missing, top_n=None)))
    old_scores = dict(OffenderScore.objects.filter(offender_id__in=union).values_list("offender_id", "score"))
    people = Offender.objects.filter(pk__in=union).values_list("pk", "ethnicity", "restricted")
    groups, hidden = {}, set()
    for pk, ethnicity, restricted in people:
        groups[pk] = ethnicity_group(ethnicity or "")
        if restricted:
            hidden.add(pk)  # absent from the lists for admin and oversight; counted in the figures
    return {
        "policy": policy.pk,
        "compared_with": active.pk if active else None,
        "top_n": top_n,
        "as_of": as_of.isoformat(),
        "overlap": len(set(new_ids) & set(old_ids)),
        "entered": [offender_reference(i) for i in new_ids if i not in set(old_ids) and i not in hidden],
        "left": [offender_reference(i) for i in old_ids if i not in set(new_ids) and i not in hidden],
        "rank_correlation": _kendall([old_scores.get(i, 0.0) for i in union], [new_scores.get(i, 0.0) for i in union]),
        "composition": {
            group: {
                "active": _composition(old_ids, groups).get(group, 0.0),
                "draft": _composition(new_ids, groups).get(group, 0.0),
            }
            for group in sorted(set(_composition(old_ids, groups)) | set(_composition(new_ids, groups)))
        },  # fmt: skip
    }


def _kendall(old: list[float], new: list[float]) -> float | None:
    """Kendall's tau-b between the two policies' scores over the union (None when undefined: fewer than
    two offenders, or every score the same under one policy)."""
    if len(old) < 2:
        return None
    tau = kendalltau(old, new).statistic
    return None if tau is None or math.isnan(tau) else round(float(tau), 6)
