"""What moving cases into their own app must not change (ADR 0505): the tables, the audit vocabulary and
what audit readers see, the task name; and the hooks through which offenders reaches scoring and cases."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection

from cases.models import Case, CaseDigest, CaseNote, CaseStageChange, PlanAction
from cases.services.cases import case_note_add
from cases.services.plan_actions import plan_action_add
from cases.tasks import cases_morning_run
from offenders import hooks
from offenders.hooks import score_summary as offender_score_summary
from offenders.imports.harm_codes import active_harm_codes
from offenders.models import OffenceType, Offender
from offenders.services.offences import offence_create
from portal.audit.models import AuditEvent
from portal.audit.redaction import event_changes_for_reader, event_repr_for_reader
from portal.audit.targets import model_of
from scoring.models import RescoreRequest
from scoring.services import outbox
from tests.factories import OffenderFactory

MOVED = {
    Case: "offenders_case",
    CaseDigest: "offenders_casedigest",
    CaseNote: "offenders_casenote",
    CaseStageChange: "offenders_casestagechange",
    PlanAction: "offenders_planaction",
}


def test_the_case_models_keep_their_tables(db):
    assert {model: model._meta.db_table for model in MOVED} == MOVED
    assert Case.team.through._meta.db_table == "offenders_case_team"
    tables = set(connection.introspection.table_names())
    assert set(MOVED.values()) | {"offenders_case_team"} <= tables
    assert all(model._meta.app_label == "cases" for model in MOVED)


def test_events_about_cases_keep_the_offenders_target_types(case, lead, today):
    plan_action_add(case=case, strand="pursue", description="Arrest for breach of bail", owner=lead,
                    due_on=today + dt.timedelta(days=3), by=lead)  # fmt: skip
    case_note_add(case=case, text="Seen at the bail address", by=lead)
    kinds = dict(AuditEvent.objects.filter(action__startswith="case.").values_list("action", "target_type"))
    assert kinds == {
        "case.open": "offenders.case",
        "case.action.create": "offenders.planaction",
        "case.note.create": "offenders.casenote",
    }
    for target_type, model in [("offenders.case", Case), ("offenders.planaction", PlanAction),
                               ("offenders.casenote", CaseNote)]:  # fmt: skip
        assert model_of(target_type) is model


def test_readers_still_see_case_events_redacted(case):
    event = AuditEvent.objects.get(action="case.open")
    assert event.changes["stage"] == {"before": None, "after": "tasked"}
    event.changes["reason"] = {"before": None, "after": "named person"}
    shown = event_changes_for_reader(event)
    assert shown["reason"] == {"before": "(redacted)", "after": "(redacted)"}
    assert shown["stage"] == {"before": None, "after": "tasked"}  # not personal: shown


def test_an_offender_event_is_named_by_the_pseudonym_for_readers(db):
    offender = OffenderFactory()
    event = AuditEvent(target_type="offenders.offender", target_id=str(offender.pk), object_repr="SMITH, John")
    assert event_repr_for_reader(event) == offender.reference
    victim = AuditEvent(target_type="offenders.victim", target_id="7", object_repr="V-REF-1")
    assert event_repr_for_reader(victim) == "victim 7"
    other = AuditEvent(target_type="scoring.scoringpolicy", target_id="3", object_repr="v3 Illustrative")
    assert event_repr_for_reader(other) == "v3 Illustrative"
    assert event_changes_for_reader(AuditEvent(target_type="url", changes={"reason": "x"})) == {"reason": "x"}


def test_the_morning_job_keeps_its_registered_name():
    assert cases_morning_run.name == "offenders.cases_morning_run"


def test_scoring_and_cases_register_their_hooks():
    panels = hooks.profile_panels()
    assert panels == {"beside": ["cases/offender_cases_panel.html"], "below": ["scoring/offender_score_panel.html"]}
    assert [page.name for page in hooks.import_pages()] == ["upload_harm_index"]
    assert apps.get_app_config("cases").verbose_name == "Cases"


def test_a_saved_offence_is_handed_to_scoring_through_the_hook(
    make_user, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(outbox, "task_send", lambda *, name, args: queued.append(args[0]))
    offender, officer = OffenderFactory(), make_user("officer")
    data = {"crime_ref": "CR-HOOK-1", "offence_code": "19C", "occurred_on": "2025-01-02", "reported_on": "2025-01-03",
            "status": "reported", "offender": offender, "victim_ref": "V-HOOK-1", "victim_relationship": "partner",
            "borough": "Camden", "domestic": "true"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        offence_create(data=data, by=officer)
        assert queued == []  # queued only once the offence is committed
    assert queued == [offender.pk]
    assert RescoreRequest.objects.filter(offender_id=offender.pk, sent_at__isnull=False).exists()


@pytest.fixture
def nothing_registered(monkeypatch):
    """offenders as if no app above it were installed."""
    monkeypatch.setattr(hooks, "_registry", hooks._Registry())


def test_without_the_apps_above_each_hook_does_the_least(db, nothing_registered, django_capture_on_commit_callbacks):
    offender = OffenderFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        hooks.offences_changed(offender_ids=[offender.pk])
    assert callbacks == []  # nobody to re-score
    assert offender_score_summary(offender=Offender.objects.get(pk=offender.pk)) == {}
    type_ids, _titles = active_harm_codes()
    assert set(type_ids) == set(OffenceType.objects.values_list("code", flat=True))  # every known type
    assert hooks.profile_panels() == {} and hooks.import_pages() == []
