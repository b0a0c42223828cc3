"""One offender's score and why: the breakdown (from the same expressions as the recompute), the
profile's score panel, the score by offence type and the harm history."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from offenders.models import DomesticIncident, Offence, Offender
from portal.accounts.models import User

from ..formula import ScoreTerms, counted_incidents, offence_contributions, offender_aggregates
from ..markers import escalation_markers
from ..models import RescoreRequest, ScoringPolicy
from .policies import active_policy
from .rankings import offender_rank


def rescore_waiting(*, offender_id: int) -> bool:
    """Whether a re-score of this offender is still waiting in the outbox: the broker could not be reached
    when it was asked for, so the score shown is the one before the change until the resend sends it."""
    return RescoreRequest.objects.filter(offender_id=offender_id, sent_at__isnull=True).exists()


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
