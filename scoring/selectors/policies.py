"""Policies and runs: the active policy and its codes, each version's weight table and what changed
from the one before, and the runs (the one going now, the recent ones)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from ..models import HarmEntry, ScoringPolicy, ScoringRun


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
