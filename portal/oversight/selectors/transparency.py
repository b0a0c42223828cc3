"""The algorithmic transparency record (in the spirit of the UK Algorithmic Transparency Recording
Standard), written from the live configuration so it can never drift from what the portal does."""

from django.conf import settings

from offenders.choices import OffenceStatus
from offenders.models import OffenceType
from scoring.models import ScoringPolicy

from .policies import active_policy, policy_rows

# The recorded personal data the score never reads. The scoring app's formula is the authority; a test
# checks that its code names none of these fields.
NEVER_USED = [
    ("Ethnicity", "recorded only to monitor fairness (the disproportionality report)"),
    ("Sex", "recorded only to monitor fairness"),
    ("Age and date of birth", "used only to find possible duplicate records and to monitor fairness"),
    ("Name", "never read by the score"),
    ("Borough", "used only to filter lists and to monitor fairness"),
    ("The restricted flag", "decides who may see a record, never its score"),
]
STATUS_LABELS = dict(OffenceStatus.choices)


def _status_factors(factors: dict) -> str:
    zero = [STATUS_LABELS.get(status, status) for status, factor in factors.items() if not factor]
    other = sorted({factor for factor in factors.values() if factor})
    counted = ", ".join(f"{factor:g}" for factor in other) or "none"
    return f"count for nothing: {', '.join(zero) or 'none'}; every other status counts with factor {counted}"


def _multipliers(multipliers: dict) -> str:
    if not multipliers:
        return "none: every offence counts at its harm days"
    titles = dict(OffenceType.objects.filter(code__in=multipliers).values_list("code", "title"))
    parts = [
        f"{titles.get(code, code)} ({code}) counts {factor:g} times its harm days"
        for code, factor in multipliers.items()
    ]
    return "; ".join(parts) + "; every other offence once"


def method_rows(policy: ScoringPolicy) -> list[tuple[str, str]]:
    """The method and its thresholds, in words, from the policy's own parameters."""
    half_life = policy.recency_half_life_days
    uplift = policy.victim_uplift
    return [
        ("Harm of each offence", f"days of prison at the sentencing-guideline starting point, from the weight "
         f"table ({policy.entries.count()} offence classifications)"
         + (" — illustrative values, not the official Cambridge Crime Harm Index" if policy.is_illustrative else "")),
        ("Window", f"offences that occurred in the last {policy.window_days} days count"),
        ("Offence status", _status_factors(policy.status_factors or {})),
        ("Minimum to be ranked", f"{policy.min_offences} counted offences; people with fewer are scored, not ranked"),
        ("Recency", f"each offence's harm halves every {half_life} days of age" if half_life else "off"),
        ("Several victims", f"the total is multiplied by 1 + {uplift:g} for each distinct victim beyond the first"
         if uplift else "off"),
        ("Weight given to some offences", _multipliers(policy.multipliers or {})),
        ("Non-crime domestic incidents", f"each incident in the window adds {policy.incident_days.normalize():f} days "
         "to the score (no recency, no victim uplift)" if policy.incident_days else
         "recorded and shown to officers, but not counted in the score"),
        ("Score", "harm days x multiplier x status factor x recency, summed over counted offences, x the victim "
         "uplift, plus the days of counted non-crime incidents"),
        ("Escalation markers", "non-fatal strangulation, stalking, threats to kill, a breach of an order and "
         "separation recorded on an incident are shown beside the score as flags; they add nothing to it"),
        ("List read at tasking", f"the top {settings.PORTAL_TOP_N}, with each person's breakdown"),
    ]  # fmt: skip


def _years(count: int) -> str:
    return f"{count} year" + ("" if count == 1 else "s")


def _days(count: int) -> str:
    return _years(count // 365) if count % 365 == 0 else f"{count} days"


def retention_rows() -> list[tuple[str, str]]:
    """The review and retention rules in plain words, from the settings that enforce them (docs/records.md)."""
    statuses = " or ".join(
        STATUS_LABELS.get(status, status).lower() for status in settings.PORTAL_REVIEW_CHARGED_STATUSES
    )
    return [
        ("When a record is reviewed", f"{_years(settings.PORTAL_REVIEW_YEARS)} after the person's last recorded "
         f"offence; {_years(settings.PORTAL_REVIEW_YEARS_CHARGED)} when any of his offences was {statuses}. "
         "A record with no offence is reviewed that long after it was made. The date moves whenever his "
         "offences change."),
        ("Who reviews", "A supervisor or an administrator decides whether the record is still needed for a "
         "policing purpose, and records why."),
        ("Kept after a review", f"The next review is at least {_years(settings.PORTAL_REVIEW_RETAIN_YEARS)} later."),
        ("Disposed of after a review", "An administrator erases the person's name, date of birth and other "
         "personal details, his offences, and any victim linked to no one else. He then appears in no list, "
         "ranking, report or export. Rankings already published keep only his reference number, rank and "
         "score, so they can still be checked. A record with an open case is not disposed of until the case "
         "is closed."),
        ("What a person may ask for", "Anyone may ask what is held about them (a subject access request). "
         "The answer gives his personal details, offences, score and why, tasking decisions and case stages; "
         "it never names a victim and never includes officers' notes."),
        ("The audit log", f"Kept for {_days(settings.PORTAL_AUDIT_RETENTION_DAYS)}; older entries are removed "
         "each night in a way that still lets anyone check that nothing was altered."),
        ("Import records", f"The record of each file imported is kept for "
         f"{_days(settings.PORTAL_IMPORT_RETENTION_DAYS)}; files are never kept after they are loaded, and "
         "unconfirmed uploads are deleted after a day."),
    ]  # fmt: skip


def transparency_facts() -> dict:
    """Everything the transparency page states, read now from settings and the active policy."""
    policy = active_policy()
    return {
        "portal_name": settings.PORTAL_NAME,
        "top_n": settings.PORTAL_TOP_N,
        "policy": policy,
        "method": method_rows(policy) if policy is not None else [],
        "history": policy_rows(ScoringPolicy.objects.order_by("-version")[:50]),
        "never_used": NEVER_USED,
        "purposes": settings.PORTAL_ACCESS_PURPOSES,
        "retention": retention_rows(),
    }
