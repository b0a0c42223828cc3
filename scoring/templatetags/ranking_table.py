"""The rows of the ranked list (`{% ranking_rows %}`), formatted in Python in one pass.

The list is the page officers work all day and it shows 100 rows of ten cells: written as a template
loop it resolved some 3,000 variables and filters per request, more than half of the page's server time
at 350,000 offenders (docs/decisions/1420). This tag writes the same markup from the rows the selector
already built; like every tag it only formats (it never reads the database). Each value is escaped.
"""

from datetime import datetime
from html import escape

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import is_aware, localtime

from portal.formats import number

from .scoring_tags import movement_label, whole

register = template.Library()

CELL = '<td class="govuk-table__cell">'
FIGURE = '<td class="govuk-table__cell govuk-table__cell--numeric">'


def _day(value, layout: str) -> str:
    """What the `date` filter writes (`j M`: 7 Dec), in the current time zone for a moment."""
    if not value:
        return ""
    return dateformat.format(localtime(value) if isinstance(value, datetime) and is_aware(value) else value, layout)


def _offender(row: dict, *, profiles: bool, profile_prefix: str) -> str:
    offender = row["offender"]
    reference = escape(offender["reference"])
    if not offender["display_name"]:
        return f'<span data-testid="pseudonym">{reference}</span>'
    name = escape(offender["display_name"])
    shown = f'<a class="govuk-link" href="{escape(profile_prefix)}{offender["id"]}/">{name}</a>' if profiles else name
    tag = ' <strong class="govuk-tag govuk-tag--red" data-testid="restricted-tag">Restricted</strong>'
    return f'{shown} <span class="govuk-hint">{reference}</span>{tag if row["restricted"] else ""}'


def _movement(movement: int | None, since: str) -> str:
    """Places since the last published snapshot: a tag ("up 3", "down 2"), "no change", or New."""
    if movement is None:
        return '<strong class="govuk-tag govuk-tag--blue">New</strong>'
    if movement == 0:
        return f"no change{since}"
    colour = "green" if movement > 0 else "orange"
    return f'<strong class="govuk-tag govuk-tag--{colour}">{movement_label(movement)}</strong>{since}'


def _published(row: dict) -> str:
    if row["previous_rank"] is None:
        return "–"
    return "new then" if row["published_movement"] is None else movement_label(row["published_movement"])


def _tasking(row: dict, *, can_task: bool, urls: dict[str, str]) -> str:
    """His open case (linked for roles that read cases), else the last meeting decision, and the Task
    link for a supervisor where his name is shown."""
    marks, offender_id = row.get("marks") or {}, row["offender"]["id"]
    task = can_task and row["offender"]["display_name"]
    if marks.get("case_id"):
        case_id = marks["case_id"]
        return (
            f'<a class="govuk-link" href="{urls["case"]}{case_id}/">Open case {case_id}</a>'
            if marks.get("case_link")
            else "Open case"
        )
    if marks.get("decision"):
        until = f" (until {_day(marks['until'], 'j M')})" if marks.get("until") else ""
        link = f' · <a class="govuk-link" href="{urls["task"]}?offender={offender_id}">Task</a>' if task else ""
        return f"{escape(str(marks['decision']))} {_day(marks.get('decided_on'), 'j M Y')}{until}{link}"
    if task:
        return f'<a class="govuk-link" href="{urls["task"]}?offender={offender_id}" data-testid="task-link">Task</a>'
    return "–"


@register.simple_tag
def ranking_rows(
    rows: list[dict], *, snapshot, can_task: bool, can_view_profiles: bool, profile_prefix: str
) -> SafeString:
    """Every row of the ranked list as table rows (rank, offender, figures, movement, at last publication,
    case or last decision)."""
    since = f" since {_day(snapshot.published_at, 'j M')}" if snapshot else ""
    # Reversed once per page by name (the case pages belong to a later app: no import of it here).
    urls = {"case": reverse("cases:case-detail", args=[0])[:-2], "task": reverse("cases:case-open")}
    lines = []
    for row in rows:
        figures, tasking = row["components"], _tasking(row, can_task=can_task, urls=urls)
        lines.append(
            f'\n    <tr class="govuk-table__row" data-testid="ranking-row" data-offender="{row["offender"]["id"]}">'
            f"\n      {FIGURE}{number(row['rank'])}</td>"
            f"\n      {CELL}{_offender(row, profiles=can_view_profiles, profile_prefix=profile_prefix)}</td>"
            f"\n      {FIGURE}{whole(row['score'])}</td>"
            f"\n      {FIGURE}{whole(figures['harm_days'])}</td>"
            f"\n      {FIGURE}{figures['offence_count']}</td>"
            f"\n      {FIGURE}{figures['victim_count']}</td>"
            f"\n      {FIGURE}{whole(figures['days_since_last'])}</td>"
            f'\n      <td class="govuk-table__cell" data-testid="movement">{_movement(row["movement"], since)}</td>'
            f'\n      <td class="govuk-table__cell" data-testid="published-movement">{_published(row)}</td>'
            f'\n      <td class="govuk-table__cell" data-testid="tasking">{tasking}</td>'
            "\n    </tr>"
        )
    return mark_safe("".join(lines))  # noqa: S308 - every value above is escaped or a number the rows hold
