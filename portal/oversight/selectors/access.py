"""Who looked at what: the audit log summarised for oversight staff (the ICO found the Gangs Matrix
unaudited; this report is the answer to "who accessed that record, and why")."""

import re
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from cases.models import Case
from offenders.models import Offence, Offender, offender_reference
from portal.accounts.permissions import restrict, withheld
from portal.audit.models import AuditEvent

from .. import statistics
from .base import Chart, Column, Figure, Period, Report, Table

OFFENDER_TARGET = "offenders.offender"
CASE_TARGET = "offenders.case"
REFUSAL = "access.refused"
SIGN_IN_FAILED = "auth.login_failed"
USER_TARGET = "accounts.user"
WITHHELD = "restricted record"
# An offender's, offence's or case's id in a page or API address, as /offenders/12/ or the admin's
# /offender/12/: the id of a record this reader may not see is shown as WITHHELD instead.
RECORD_IN_PATH = re.compile(r"\b(offender|offence|case)(s?/)(\d+)")


def _events(*, user, period: Period):
    """Audit events in the period; the reports capability decides whether any are visible at all."""
    events = restrict(AuditEvent.objects.all(), user, "reports.view")
    return events.filter(occurred_at__gte=period.start_at, occurred_at__lt=period.end_before)


def withheld_ids(*, user) -> dict[str, set[str]]:
    """The ids (as audit targets and addresses write them) of the offenders, offences and cases this
    reader may not see: without the grant a restricted offender is absent from the report's rows, so
    his reference and ids are never quoted (docs/access-and-audit.md), though his events are counted."""
    models = {"offender": Offender, "offence": Offence, "case": Case}
    hidden = {name: withheld(model._default_manager.all(), user, "reports.view") for name, model in models.items()}
    return {name: {str(pk) for pk in rows.values_list("pk", flat=True)} for name, rows in hidden.items()}


def _reference(target_id: str, hidden: dict[str, set[str]]) -> str:
    """An offender's pseudonymous reference from an audit target id (never the stored object_repr)."""
    if target_id in hidden["offender"]:
        return WITHHELD
    return offender_reference(int(target_id)) if target_id.isdigit() else "unknown"


def path_for_reader(path: str, hidden: dict[str, set[str]]) -> str:
    """A refused request's address with the id of any record this reader may not see replaced."""
    return RECORD_IN_PATH.sub(
        lambda match: f"{match[1]}{match[2]}({WITHHELD})" if match[3] in hidden[match[1]] else match[0], path
    )


def _daily(events):
    rows = (
        events.annotate(day=TruncDate("occurred_at"))
        .values("actor_username", "role", "day")
        .annotate(events=Count("id"))
        .order_by("-day", "actor_username")
    )
    for row in rows.iterator(chunk_size=2000):
        yield {
            "day": row["day"],
            "user": row["actor_username"] or "(system)",
            "role": row["role"],
            "events": row["events"],
        }


def _failed_sign_ins(events) -> dict[str, int]:
    """Failed sign-ins per existing account in the period, by its username. A failure has no actor (nobody
    is signed in yet): the account is the event's target. Attempts at names that are no account are not
    listed (a password typed into the username box must not reach a report)."""
    rows = (
        events.filter(action=SIGN_IN_FAILED, target_type=USER_TARGET)
        .exclude(target_id="")
        .values("object_repr")
        .annotate(n=Count("id"))
    )
    return {row["object_repr"]: row["n"] for row in rows}


def per_user_totals(events) -> list[dict]:
    """Events per person, with days active, exports, refusals and failed sign-ins, and whether they stand
    out from their peers. People are compared with people: the portal's own events (no actor: tasks,
    commands, sign-in attempts) are no one's and are left out."""
    people = events.exclude(actor_username="")
    totals = list(
        people.values("actor_username", "role")
        .annotate(
            events=Count("id"),
            days=Count(TruncDate("occurred_at"), distinct=True),
            exports=Count("id", filter=Q(action__endswith=".export")),
            refusals=Count("id", filter=Q(action=REFUSAL)),
        )
        .order_by("-events", "actor_username")
    )
    failed = _failed_sign_ins(events)
    listed = {row["actor_username"] for row in totals}
    totals += [
        {"actor_username": name, "role": "", "events": 0, "days": 0, "exports": 0, "refusals": 0}
        for name in sorted(failed)
        if name not in listed
    ]
    by_role: dict[str, dict[str, int]] = defaultdict(dict)
    for row in totals:
        by_role[row["role"]][row["actor_username"]] = row["events"]
    flags = {role: statistics.outliers_among_peers(counts) if role else {} for role, counts in by_role.items()}
    return [
        {
            "user": row["actor_username"],
            "role": row["role"] or "(no sign-in)",
            "events": row["events"],
            "days_active": row["days"],
            "exports": row["exports"],
            "refusals": row["refusals"],
            "failed_sign_ins": failed.get(row["actor_username"], 0),
            "peer_median": statistics.median(
                [v for u, v in by_role[row["role"]].items() if u != row["actor_username"]]
            ),
            "flag": flags[row["role"]].get(row["actor_username"], ""),
        }
        for row in totals
    ]


def _restricted_accesses(events, hidden: dict[str, set[str]]):
    """Events whose target is a restricted offender, or the case of one (the case app's events); which
    offender only for a reader who may see him."""
    offender_ids = [str(pk) for pk in Offender.objects.filter(restricted=True).values_list("pk", flat=True)]
    case_offender = {
        str(case_id): offender_id
        for case_id, offender_id in Case.objects.filter(offender__restricted=True).values_list("pk", "offender_id")
    }
    rows = events.filter(
        Q(target_type=OFFENDER_TARGET, target_id__in=offender_ids)
        | Q(target_type=CASE_TARGET, target_id__in=list(case_offender))
    ).order_by("-occurred_at", "-sequence")
    for event in rows.values(
        "occurred_at", "actor_username", "role", "action", "target_type", "target_id", "purpose", "channel"
    ).iterator(chunk_size=2000):
        target = event["target_id"]
        if event["target_type"] == CASE_TARGET:
            target = str(case_offender[target])
        yield {
            "when": event["occurred_at"],
            "user": event["actor_username"],
            "role": event["role"],
            "action": event["action"],
            "offender": _reference(target, hidden),
            "purpose": event["purpose"],
            "channel": event["channel"],
        }


def _refusals(events, hidden: dict[str, set[str]]):
    rows = events.filter(action=REFUSAL).order_by("-occurred_at")
    for event in rows.values("occurred_at", "actor_username", "role", "target_id", "changes").iterator(2000):
        reason = event["changes"].get("reason", "") if isinstance(event["changes"], dict) else ""
        yield {
            "when": event["occurred_at"],
            "user": event["actor_username"] or "(anonymous)",
            "role": event["role"],
            "path": path_for_reader(event["target_id"], hidden),
            "reason": reason,
        }


def _exports(events, hidden: dict[str, set[str]]):
    rows = events.filter(action__endswith=".export").order_by("-occurred_at")
    for event in rows.values("occurred_at", "actor_username", "role", "action", "target_type", "target_id").iterator(
        2000
    ):
        target = event["target_id"]
        if event["target_type"] == OFFENDER_TARGET:
            target = _reference(target, hidden)
        yield {
            "when": event["occurred_at"],
            "user": event["actor_username"],
            "role": event["role"],
            "action": event["action"],
            "what": target,
        }


def _purposes(events) -> list[dict]:
    rows = (
        events.exclude(purpose="")
        .values("purpose")
        .annotate(events=Count("id"), users=Count("actor_username", distinct=True))
        .order_by("-events", "purpose")
    )
    return [{"purpose": row["purpose"], "events": row["events"], "users": row["users"]} for row in rows]


def _chart(events) -> Chart:
    """Events per day, one series per role, so a spike reads at a glance."""
    rows = events.annotate(day=TruncDate("occurred_at")).values("day", "role").annotate(n=Count("id")).order_by("day")
    days: list[str] = []
    series: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        day = row["day"].isoformat()
        if not days or days[-1] != day:
            days.append(day)
        series[row["role"] or "(none)"][day] = row["n"]
    datasets = [
        {"label": role, "data": [counts.get(day, 0) for day in days]} for role, counts in sorted(series.items())
    ]
    return Chart("events-per-day", "Audit events per day, by role", "bar", days, datasets, "events", stacked=True)


USER_COLUMNS = [
    Column("user", "User"),
    Column("role", "Role"),
    Column("events", "Events", True),
    Column("days_active", "Days active", True),
    Column("exports", "Exports", True),
    Column("refusals", "Refusals", True),
    Column("failed_sign_ins", "Failed sign-ins", True),
    Column("peer_median", "Peers' median", True),
    Column("flag", "Stands out"),
]
DAILY_COLUMNS = [Column("day", "Day"), Column("user", "User"), Column("role", "Role"), Column("events", "Events", True)]
WHO = [Column("when", "When"), Column("user", "User"), Column("role", "Role")]
RESTRICTED_COLUMNS = WHO + [
    Column("action", "Action"),
    Column("offender", "Offender"),
    Column("purpose", "Purpose"),
    Column("channel", "Channel"),
]
REFUSAL_COLUMNS = WHO + [Column("path", "Page or endpoint"), Column("reason", "Reason")]
EXPORT_COLUMNS = WHO + [Column("action", "Action"), Column("what", "What")]
PURPOSE_COLUMNS = [Column("purpose", "Purpose"), Column("events", "Events", True), Column("users", "People", True)]


def _figures(events, totals: list[dict]) -> list[Figure]:
    summary = events.aggregate(
        total=Count("id"),
        users=Count("actor_username", distinct=True, filter=~Q(actor_username="")),
        refusals=Count("id", filter=Q(action=REFUSAL)),
        exports=Count("id", filter=Q(action__endswith=".export")),
        failed=Count("id", filter=Q(action=SIGN_IN_FAILED)),
    )
    if not summary["total"]:
        summary = dict.fromkeys(summary)  # no events at all: every figure is "no data", not 0
    return [
        Figure("Audit events", summary["total"]),
        Figure("People active", summary["users"]),
        Figure("Refusals", summary["refusals"]),
        Figure("Exports", summary["exports"]),
        Figure("Failed sign-ins", summary["failed"], "every failed attempt, whether or not the name is an account"),
        Figure(
            "People far above their peers",
            sum(1 for row in totals if row["flag"]) if summary["total"] else None,
            "more than peers' mean + 3 sd, or 3x peers' median, among the same role",
        ),
    ]


RESTRICTED_NOTE = (
    f"Which record is named only to readers who hold restricted access; for everyone else it reads "
    f"'{WITHHELD}', as does its id in a refused address (the audit log keeps the reference)."
)


def access_report(*, user, period: Period) -> Report:
    """Access to personal data in the period: volumes, outliers, restricted records, refusals, exports."""
    events = _events(user=user, period=period)
    hidden = withheld_ids(user=user)
    totals = per_user_totals(events)
    peers_note = (
        "Each person compared with the others in the same role (at least two peers needed); the portal's "
        "own events (tasks, commands) are no one's and are left out."
    )
    tables = [
        Table("users", "Events per user", USER_COLUMNS, totals, peers_note),
        Table("daily", "Events per user and day", DAILY_COLUMNS, lambda: _daily(events)),
        Table("restricted", "Every access to a restricted record", RESTRICTED_COLUMNS,
              lambda: _restricted_accesses(events, hidden), RESTRICTED_NOTE),
        Table("refusals", "Refusals", REFUSAL_COLUMNS, lambda: _refusals(events, hidden)),
        Table("exports", "Exports", EXPORT_COLUMNS, lambda: _exports(events, hidden)),
        Table("purposes", "Purposes given", PURPOSE_COLUMNS, _purposes(events)),
    ]  # fmt: skip
    return Report(
        name="access",
        title="Access",
        summary="Who looked at what, when and why, from the tamper-evident audit log.",
        period=period,
        figures=_figures(events, totals),
        tables=tables,
        charts=[_chart(events)] if totals else [],
    )
