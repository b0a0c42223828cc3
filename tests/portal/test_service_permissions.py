"""The services decide who may write (docs/decisions/0506), whoever calls them.

- Every write service, called directly (no view, no client) by every kind of actor: the refusals hold in
  the service itself (Refused, nothing written, the refusal on record) and the allowed actors succeed.
  One test per cell of tests/portal/service_permissions.py.
- A refusal is recorded exactly once, whichever path raised it (a service behind a page or the API, a
  view's early check, a transaction rolled back around the raise).
- Guards: every public function of every app's services modules takes a required keyword `by` (or is on
  the commented allow-list below), and no view-side module can reach the SYSTEM actor.
"""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.test import RequestFactory

from offenders.imports.pending import pending_path
from offenders.models import Offence, Offender
from offenders.services.imports import offences_import_confirm
from portal.accounts.permissions import SYSTEM, Refused, can, restrict
from portal.audit.models import AuditEvent
from portal.audit.services import audit_refusal
from scoring.models import ScoringPolicy
from scoring.services.policies import policy_create_draft
from scoring.services.runs import run_start
from tests.portal import service_permissions as table

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("portal", "offenders", "scoring", "cases")
CELLS = [pytest.param(row, actor, id=f"{row.name} by {actor}") for row in table.ROWS for actor in table.ACTORS]


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # an import preview keeps its file under this test's own folder
    return table.World(make_user)


def _last_sequence() -> int:
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def _events_since(sequence: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(sequence__gt=sequence))


def _refusals_since(sequence: int) -> list[AuditEvent]:
    return [event for event in _events_since(sequence) if event.action == "access.refused"]


@pytest.mark.parametrize("row, actor", CELLS)
def test_each_write_service_answers_each_actor(world, row, actor):
    row.prepare(world)
    by = world.actor(actor)
    before, since = row.changed(world), _last_sequence()
    if actor in row.allowed:
        row.call(world, by)
        assert row.changed(world) != before, "an allowed call changed nothing"
        assert not [e for e in _events_since(since) if e.action == "access.refused"]
        return
    expected = row.otherwise.get(actor, Refused)
    with pytest.raises(expected) as raised:
        row.call(world, by)
    assert row.changed(world) == before, "a refused call wrote something"
    events = _events_since(since)
    if expected is not Refused:
        assert events == []
        return
    assert [event.action for event in events] == ["access.refused"]  # the refusal, and nothing else
    refusal = events[0]
    assert refusal.changes["reason"] == str(raised.value) and refusal.changes["capability"] in row.capabilities
    assert refusal.actor_id == getattr(by, "pk", None)


def test_the_system_actor_reads_nothing(db):
    """SYSTEM passes the write services that say so; it is no user, so no read can be made with it."""
    Offender.objects.create(suspect_ref="SYS-1", surname="Any", forenames="One")
    assert not can(SYSTEM, "offender.view") and not can(SYSTEM, "import.run")
    assert restrict(Offender.objects.all(), SYSTEM, "offender.view").count() == 0


def test_a_confirmed_import_whose_kept_file_changed_is_refused(world):
    """Beyond the role: the file loaded must be the very file the preview checked (its SHA-256)."""
    admin, batch = world.actor(table.ADMIN), world.preview
    pending_path(batch.pk).write_bytes(b"crime_ref\nCR/SWAPPED\n")
    before, since = Offence.objects.count(), _last_sequence()
    with pytest.raises(Refused, match="does not match the one checked"):
        offences_import_confirm(batch_id=batch.pk, by=admin)
    assert Offence.objects.count() == before
    (refusal,) = _events_since(since)
    assert refusal.action == "access.refused" and refusal.actor_id == admin.pk
    assert refusal.changes["capability"] == "import.run"


# --- a refusal is recorded once, whichever path raised it ------------------------------------------------


@pytest.fixture
def authored(make_user):
    author = make_user("admin", username="author")
    draft = policy_create_draft(name="Mine", based_on=ScoringPolicy.objects.get(status="active"), by=author)
    return author, draft


def test_a_service_refusal_behind_a_page_is_recorded_once(authored, web_for):
    author, draft = authored
    since = _last_sequence()
    response = web_for(author).post(f"/scoring/policies/{draft.pk}/approve/")
    assert response.status_code == 403
    (refusal,) = _refusals_since(since)
    assert refusal.actor_username == "author" and refusal.channel == "web"
    assert refusal.target_type == "url" and refusal.target_id == f"/scoring/policies/{draft.pk}/approve/"
    assert refusal.changes == {"reason": "Four eyes: the author of a policy may not approve it.",
                               "capability": "policy.approve"}  # fmt: skip


def test_a_service_refusal_behind_the_api_is_recorded_once(authored, api_for):
    author, draft = authored
    since = _last_sequence()
    response = api_for(author).post(f"/api/v1/scoring/policies/{draft.pk}/activate/")
    assert response.status_code == 409  # a draft: the state is checked before four eyes, as it always was
    response = api_for(author).post(f"/api/v1/scoring/policies/{draft.pk}/approve/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Four eyes: the author of a policy may not approve it."}
    (refusal,) = _refusals_since(since)
    assert refusal.channel == "api" and refusal.changes["capability"] == "policy.approve"


def test_an_early_refusal_in_the_view_is_recorded_once(make_user, api_for, web_for):
    officer = make_user("officer")
    since = _last_sequence()
    assert api_for(officer).post("/api/v1/scoring/policies/", {"name": "x"}, format="json").status_code == 403
    assert web_for(officer).post("/scoring/runs/").status_code == 403  # the page's early check (write_capability)
    refusals = _refusals_since(since)
    assert [event.channel for event in refusals] == ["api", "web"]
    assert all("capability" not in event.changes for event in refusals)  # the handlers' own records
    assert ScoringPolicy.objects.filter(name="x").count() == 0


def test_a_refusal_rolled_back_with_its_transaction_is_recorded_by_the_handler(make_user):
    """A caller's transaction rolled back around the raise takes the service's record with it (the Django
    admin saves inside one): the 403 handlers then record the refusal themselves, once."""
    officer = make_user("officer")
    request = RequestFactory().post("/scoring/runs/")
    request.user = officer
    since = _last_sequence()
    with pytest.raises(Refused) as kept:
        run_start(by=officer, reason="kept")
    assert audit_refusal(request=request, reason=str(kept.value), exception=kept.value) is None
    assert len(_events_since(since)) == 1
    with pytest.raises(Refused) as rolled_back, transaction.atomic():
        run_start(by=officer, reason="rolled back")
    assert len(_events_since(since)) == 1
    assert audit_refusal(request=request, reason=str(rolled_back.value), exception=rolled_back.value) is not None
    assert len(_events_since(since)) == 2


# --- guards: every write service takes `by`; SYSTEM never reaches a view -------------------------------

# Public functions of services modules that take no `by`, and why. Each is either part of the portal's
# own machinery, a record of something already allowed, or a pure helper that writes nothing.
NO_BY = {
    # The portal's own jobs (Celery tasks, the beat schedule, the outbox after a commit): nobody asks
    # for them, so there is nobody to check. No view calls them.
    "scoring.services:offenders_rescore_later", "scoring.services.scores:scores_write",
    "scoring.services.scores:offenders_rescore", "scoring.services.outbox:rescore_requests_record",
    "scoring.services.outbox:rescore_requests_send", "scoring.services.outbox:rescore_requests_resend",
    "scoring.services.runs:runs_fail_stale", "scoring.services.runs:runs_supersede",
    "scoring.services.runs:run_plan", "scoring.services.runs:run_chunk_execute", "scoring.services.runs:run_fail",
    "scoring.services.runs:snapshot_publish", "cases.services.digests:cases_mark_due",
    "cases.services.digests:digest_send",
    "cases.services.digests:cases_morning_run",
    # An import whose process was killed leaves its batch `running`: the portal marks it failed before
    # the next import (which has checked its own caller) or when an admin lists the batches.
    "offenders.services.imports:import_batches_fail_abandoned",
    # A step of the case services, run after their own check (the last activity on a case).
    "cases.services.cases:case_touch",
    # A step of the disposal service (offenders.services.disposal), run after its own check.
    "scoring.services.scores:offender_scores_erase",
    # Records of a read the selector or the view's capability already allowed (docs/access-and-audit.md).
    "offenders.services.access:offender_view_record", "offenders.services.access:list_view_record",
    "scoring.services.runs:snapshot_view_record", "scoring.services.runs:ranking_view_record",
    "cases.services.cases:case_view_record", "cases.services.cases:dashboard_view_record",
    "cases.services.cases:partner_disclosure_record", "cases.services.safety:victims_view_record",
    "cases.services.safety:clares_law_view_record",
    "portal.oversight.services:report_access_record", "portal.audit.services:audit_log_read",
    "portal.audit.services:audit_log_exported",
    # Records of a sign-in attempt, a sign-out or a session ended: nobody needs permission to try.
    "portal.accounts.services.sign_in:login_succeeded", "portal.accounts.services.sign_in:login_failed",
    "portal.accounts.services.sign_in:token_refused", "portal.accounts.services.sign_in:login_locked_out",
    "portal.accounts.services.sign_in:logout_recorded", "portal.accounts.services.sign_in:session_end",
    # The audit chain itself: every service above writes through it, so it checks nothing.
    "portal.audit.services:audit_key", "portal.audit.services:canonical_content",
    "portal.audit.services:event_hash", "portal.audit.services:head_seal", "portal.audit.services:scrub",
    "portal.audit.services:chain_tail", "portal.audit.services:head_sealed", "portal.audit.services:chain_event",
    "portal.audit.services:head_advance", "portal.audit.services:audit_record",
    "portal.audit.services:checkpoint_seal",
    "portal.audit.services:audit_refusal", "portal.audit.services:model_changes",
    # Pure helpers the services share with pages (snapshots, field checks, the rule's wording): no writes.
    "offenders.services.disposal:disposed_reference",
    "offenders.services.imports:import_stopped_by",
    "scoring.services.policies:parameters_clean", "scoring.services.policies:entries_clean",
    "scoring.services.policies:carries_illustrative_values",
    "scoring.services.policies:policy_frozen_reason", "cases.services.cases:case_require_open",
    "cases.services.cases:case_worker_error", "cases.services.cases:team_member_error",
    "portal.accounts.services.partners:organisation_rule_check",
    # The safety gate: a step of plan_action_update, run after its own check (case.act); the gate's setting.
    "cases.services.safety:safety_gate_check", "cases.services.safety:safety_check_days",
    # The harm-index code a breach of a kind of order is recorded as: a lookup, no write.
    "offenders.services.orders:breach_offence_code",
}  # fmt: skip


def _services_modules():
    """Every app's `services` module, and every module of a `services` package."""
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        try:
            package = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        yield package
        for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
            yield importlib.import_module(f"{package.__name__}.{info.name}")


def _public_functions():
    for module in _services_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module.__name__:
                yield f"{module.__name__}:{name}", function


def test_every_public_service_function_takes_by_or_is_listed():
    functions = dict(_public_functions())
    assert len(functions) > 60  # the discovery found the services
    missing = []
    for qualified, function in functions.items():
        by = inspect.signature(function).parameters.get("by")
        required_keyword = by is not None and by.kind is by.KEYWORD_ONLY and by.default is by.empty
        if not required_keyword and qualified not in NO_BY:
            missing.append(qualified)
    assert missing == [], "take a required keyword `by` and check it (or list the function, with why, in NO_BY)"
    assert sorted(NO_BY - set(functions)) == [], "NO_BY names a function that no longer exists"


VIEW_SIDE = ("views.py", "admin.py", "forms.py", "serializers.py", "filters.py", "urls.py")


def _view_side_files():
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            if path.name in VIEW_SIDE or "api" in path.parts or "templatetags" in path.parts or path.stem == "api":
                yield path


def test_no_view_side_module_can_reach_the_system_actor():
    """SYSTEM is for tasks, commands and the benchmark; a view acting as it would skip the checks."""
    files = list(_view_side_files())
    assert len(files) > 20
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text())
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
        attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        if {"SYSTEM", "SystemActor"} & (names | attributes):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
