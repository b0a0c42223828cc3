"""Reading the scoring app's policies and snapshots for the reports (the scoring app owns them)."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from scoring.models import RankingEntry, RankingSnapshot
from scoring.selectors import active_policy, policy_diff

__all__ = [
    "active_policy",
    "known_offence_type_q",
    "policy_change_summary",
    "policy_rows",
    "snapshot_for",
    "top_n_ids",
]


def known_offence_type_q(policy, prefix: str = "offence_type") -> Q:
    """Offences (or types, with prefix "") whose classification the policy gives a harm value."""
    entries = policy.entries.all()
    type_ids = entries.exclude(offence_type__isnull=True).values("offence_type_id")
    codes = entries.values("code")
    id_lookup = f"{prefix}__in" if prefix else "pk__in"
    code_lookup = f"{prefix}__code__in" if prefix else "code__in"
    return Q(**{id_lookup: type_ids}) | Q(**{code_lookup: codes})


def policy_change_summary(policy) -> str:
    """One line a reader can scan: what this version changed from the one it was based on."""
    diff = policy_diff(policy=policy)
    if diff["base"] is None:
        return "first version"
    parts = [f"{row['name']} {row['before']} -> {row['after']}" for row in diff["parameters"]]
    for key, label in (("added", "added"), ("removed", "removed"), ("changed", "changed")):
        if diff[key]:
            parts.append(f"{len(diff[key])} offence codes {label}")
    return f"from v{diff['base'].version}: " + ("; ".join(parts) if parts else "no change")


def snapshot_for(period) -> RankingSnapshot | None:
    """The ranking in force at the end of the period: the last one published by then."""
    return (
        RankingSnapshot.objects.filter(published_at__lt=period.end_before)
        .select_related("policy")
        .order_by("-published_at", "-id")
        .first()
    )


def top_n_ids(snapshot, top_n: int | None = None):
    """The offender ids in a snapshot's top N (ties at the boundary included), as a subquery."""
    top_n = top_n or settings.PORTAL_TOP_N
    return RankingEntry.objects.filter(snapshot=snapshot, rank__lte=top_n).values("offender_id")


def policy_rows(policies) -> list[dict]:
    def day(value):
        return timezone.localtime(value).date() if value else None

    return [
        {
            "version": p.version,
            "name": p.name,
            "status": p.status,
            "illustrative": "illustrative" if p.is_illustrative else "",
            "author": p.author_username,
            "approved_by": p.approved_by_username,
            "approved_on": day(p.approved_at),
            "activated_by": p.activated_by_username,
            "activated_on": day(p.activated_at),
            "retired_on": day(p.retired_at),
            "changes": policy_change_summary(p),
        }
        for p in policies
    ]
