"""The one seam through which the offenders app makes the apps above it act (docs/decisions/0505).

Dependencies run one way: portal.accounts and portal.audit <- offenders <- scoring <- cases <-
portal.oversight (`lint-imports` checks it). So offenders never imports scoring or cases, yet some of
its work concerns them:

- an offence saved, changed, deleted or imported must be re-scored (`offences_changed`: scoring);
- the offence import accepts only the codes the active harm index knows (`offence_codes`: scoring);
- the offender API answers with the live score and its breakdown (`score_summary`: scoring);
- a page that saved an offence says when its re-score is still waiting for the broker
  (`score_update_waiting`: scoring);
- the profile page shows the score panel and the cases panel (`profile_panels`, each panel with the
  function that reads its data: scoring, cases);
- the admin's import pages offer the harm-index workbook beside the offences CSV (`import_pages`: scoring);
- disposing of a record (docs/records.md) must be refused while an app above still needs him (an open
  case: `disposal_blockers`), and must erase what the apps above hold about him (`record_erasers`);
- the subject access bundle has sections the apps above write (his score and why, his cases:
  `subject_access_sections`).

Each app above registers its functions here from its AppConfig.ready(); offenders calls only the
functions below. With nothing registered (the app above not installed) each hook does the least that
is still correct: no re-score, every known offence type accepted, no score, no panel, no extra page.
Registering the same thing twice is harmless (ready() may run again in some test set-ups).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# (code, offence type id or None when the entry has no type yet, title)
CodeRows = Iterable[tuple[str, int | None, str]]
# A profile panel's reads: (user=, offender=, score_summary=) -> what its template shows, as `data`.
PanelData = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class ImportPage:
    """An admin page beside the ImportBatch list: `route` under it, `view(request, *, admin_context)`,
    and the URL name's tail (`admin:offenders_importbatch_<name>`)."""

    route: str
    view: Callable[..., Any]
    name: str


@dataclass
class _Registry:
    offences_changed: list[Callable[..., None]] = field(default_factory=list)
    offence_codes: Callable[[], CodeRows | None] | None = None
    score_summary: Callable[..., dict[str, Any]] | None = None
    score_update_waiting: Callable[..., bool] | None = None
    profile_panels: dict[str, list[str]] = field(default_factory=dict)
    panel_data: dict[str, PanelData] = field(default_factory=dict)
    import_pages: dict[str, ImportPage] = field(default_factory=dict)
    disposal_blockers: list[Callable[..., str]] = field(default_factory=list)
    record_erasers: list[Callable[..., dict[str, int]]] = field(default_factory=list)
    subject_access_sections: dict[str, Callable[..., Any]] = field(default_factory=dict)


_registry = _Registry()


def register(
    *,
    offences_changed: Callable[..., None] | None = None,
    offence_codes: Callable[[], CodeRows | None] | None = None,
    score_summary: Callable[..., dict[str, Any]] | None = None,
    score_update_waiting: Callable[..., bool] | None = None,
    profile_panel: tuple[str, str, PanelData] | None = None,
    import_page: ImportPage | None = None,
    disposal_blocker: Callable[..., str] | None = None,
    record_eraser: Callable[..., dict[str, int]] | None = None,
    subject_access_section: tuple[str, Callable[..., Any]] | None = None,
) -> None:
    """Called by an app above from its AppConfig.ready(), with each thing it provides.

    `offences_changed(offender_ids=...)`: called inside the writer's transaction; a receiver that must
    wait for the commit defers itself (scoring queues the re-score on commit). `offence_codes()`: the
    codes an import may use, or None for "no opinion" (then every known offence type).
    `score_summary(offender=...)`: the live score as the offender API shows it.
    `score_update_waiting(offender_id=...)`: whether his re-score has not reached the workers yet. `profile_panel`:
    (slot, template name, data), the slot being "beside" (next to the details) or "below" (after the
    offences); `data(user=..., offender=..., score_summary=...)` reads what the panel shows (the profile
    has already read the score summary, so a panel that shows it does not read it again), and the
    template gets it as `data` beside the page's `offender`: templates only format, never read.
    `import_page`: an ImportPage. `disposal_blocker(offender=...)`: why he may not be disposed of yet
    (e.g. "He has an open case: close it first."), or "". `record_eraser(offender=...)`: erase what the app
    holds about him, inside the disposal's transaction; returns counts for the audit record ({"case notes": 3}).
    `subject_access_section`: (name, read(offender=...) -> JSON-able data) for the bundle.
    """
    if offences_changed is not None and offences_changed not in _registry.offences_changed:
        _registry.offences_changed.append(offences_changed)
    if offence_codes is not None:
        _registry.offence_codes = offence_codes
    if score_summary is not None:
        _registry.score_summary = score_summary
    if score_update_waiting is not None:
        _registry.score_update_waiting = score_update_waiting
    if profile_panel is not None:
        slot, template, data = profile_panel
        templates = _registry.profile_panels.setdefault(slot, [])
        if template not in templates:
            templates.append(template)
        _registry.panel_data[template] = data
    if import_page is not None:
        _registry.import_pages[import_page.name] = import_page
    _register_records(disposal_blocker, record_eraser, subject_access_section)


def _register_records(
    disposal_blocker: Callable[..., str] | None,
    record_eraser: Callable[..., dict[str, int]] | None,
    subject_access_section: tuple[str, Callable[..., Any]] | None,
) -> None:
    if disposal_blocker is not None and disposal_blocker not in _registry.disposal_blockers:
        _registry.disposal_blockers.append(disposal_blocker)
    if record_eraser is not None and record_eraser not in _registry.record_erasers:
        _registry.record_erasers.append(record_eraser)
    if subject_access_section is not None:
        name, read = subject_access_section
        _registry.subject_access_sections[name] = read


def offences_changed(*, offender_ids: Iterable[int]) -> None:
    """These offenders' offences were written (inside the caller's transaction): tell the apps above."""
    ids = list(offender_ids)
    for receiver in _registry.offences_changed:
        receiver(offender_ids=ids)


def offence_codes() -> CodeRows | None:
    """The (code, offence type id, title) rows an import may use; None when no app above decides."""
    return _registry.offence_codes() if _registry.offence_codes else None


def score_summary(*, offender) -> dict[str, Any]:
    """The offender's live score and its breakdown as the app that scores explains it; {} without one."""
    return _registry.score_summary(offender=offender) if _registry.score_summary else {}


def score_update_waiting(*, offender_id: int) -> bool:
    """Whether the offender's re-score after a save is still waiting for the broker (it was down): the
    save stands and the score follows when the outbox is resent. False without an app that scores."""
    return bool(_registry.score_update_waiting(offender_id=offender_id)) if _registry.score_update_waiting else False


def profile_panels() -> dict[str, list[str]]:
    """Slot -> the templates the profile includes there, in the order the apps registered them."""
    return {slot: list(templates) for slot, templates in _registry.profile_panels.items()}


def profile_panel_data(*, template: str, user, offender, score_summary: dict[str, Any]) -> dict[str, Any]:
    """What the panel `template` shows for this user and offender, read by the app that registered it."""
    return _registry.panel_data[template](user=user, offender=offender, score_summary=score_summary)


def import_pages() -> list[ImportPage]:
    return list(_registry.import_pages.values())


def disposal_blockers(*, offender) -> list[str]:
    """Why the apps above refuse to let this record be disposed of now (empty: nothing stands in the way)."""
    return [reason for blocker in _registry.disposal_blockers if (reason := blocker(offender=offender))]


def record_erasers() -> list[Callable[..., dict[str, int]]]:
    """The apps above's erasers, in the order they registered (the disposal service runs its own after)."""
    return list(_registry.record_erasers)


def subject_access_sections(*, offender) -> dict[str, Any]:
    """Each app above's section of the subject access bundle, by name."""
    return {name: read(offender=offender) for name, read in _registry.subject_access_sections.items()}
