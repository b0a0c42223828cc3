"""Who may call each write service, as data (docs/decisions/0506): one row per service (or per kind of
record it is called on), the actors allowed, and what the call would change. Called directly, with no
view and no client: tests/portal/test_service_permissions.py turns every (row, actor) cell into a test.

Adding a service: write a row. `call(world, by)` makes the call as `by`; `changed(world)` reads what
the call writes (compared before and after); `prepare(world)` builds what must exist before the
comparison starts; `allowed` names the actors who succeed; `otherwise` the few actors the permission
lets through to another answer (say, someone else's record: DoesNotExist); every other actor must be
refused (Refused, nothing written, the refusal on record).
"""

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.services.cases import case_note_add, case_open, case_transition, case_update
from cases.services.meetings import (
    meeting_close,
    meeting_decide,
    meeting_minutes_export,
    meeting_open,
    meeting_refer,
)
from cases.services.plan_actions import plan_action_add, plan_action_update
from cases.services.safety import clares_law_record, safety_check_record
from offenders.models import ImportBatch
from offenders.services.access import subject_access_disclose
from offenders.services.disposal import offender_dispose
from offenders.services.imports import offences_import, offences_import_confirm, offences_import_preview
from offenders.services.incidents import incident_record, incidents_import
from offenders.services.offences import offence_create, offence_delete, offence_update
from offenders.services.offenders import offender_create, offender_mark_restricted, offender_update
from offenders.services.orders import order_breach_record, order_create, order_update
from offenders.services.reviews import offender_review
from portal.accounts.models import Organisation, SharingAgreement
from portal.accounts.permissions import SYSTEM
from portal.accounts.roles import Role, role_names
from portal.accounts.services import (
    organisation_create,
    sharing_agreement_create,
    sharing_agreement_update,
    token_issue,
    token_revoke,
    totp_reset,
    user_access_set,
    user_create,
    user_deactivate,
    user_password_set,
    user_role_set,
    user_update,
)
from portal.accounts.totp import totp_device_enrol
from portal.audit.models import AuditEvent
from scoring.models import ScoringPolicy
from scoring.services.harm_index import harm_index_import
from scoring.services.policies import policy_activate, policy_approve, policy_create_draft, policy_update_draft
from scoring.services.runs import ranking_export_record, run_start
from tests.conftest import TEST_PASSWORD
from tests.factories import OffenceFactory, OffenderFactory
from tests.factories.imports import csv_bytes, offence_row, upload_of
from tests.factories.workbooks import harm_workbook

# The actors. `lead` is an officer leading the sample case; `author` an admin who wrote the sample
# policies; the inactive ones would be allowed everything of their role if they were active.
OFFICER, OFFICER_R, LEAD = "officer", "officer+restricted", "lead officer"
SUPERVISOR, SUPERVISOR_R = "supervisor", "supervisor+restricted"
ADMIN, AUTHOR, OVERSIGHT = "admin", "policy author (admin)", "oversight"
INACTIVE_SUPERVISOR, INACTIVE_ADMIN, ROLELESS, SYSTEM_ACTOR = (
    "inactive supervisor+restricted", "inactive admin", "no role", "SYSTEM",
)  # fmt: skip
ACTORS = (
    OFFICER, OFFICER_R, LEAD, SUPERVISOR, SUPERVISOR_R, ADMIN, AUTHOR, OVERSIGHT,
    INACTIVE_SUPERVISOR, INACTIVE_ADMIN, ROLELESS, SYSTEM_ACTOR,
)  # fmt: skip
ACCOUNTS = {  # actor: (role, restricted_access, active)
    OFFICER: ("officer", False, True), OFFICER_R: ("officer", True, True), LEAD: ("officer", False, True),
    SUPERVISOR: ("supervisor", False, True), SUPERVISOR_R: ("supervisor", True, True),
    ADMIN: ("admin", False, True), AUTHOR: ("admin", False, True), OVERSIGHT: ("oversight", False, True),
    INACTIVE_SUPERVISOR: ("supervisor", True, False), INACTIVE_ADMIN: ("admin", False, False),
    ROLELESS: (None, False, True),
}  # fmt: skip

FRONT_LINE = frozenset({OFFICER, OFFICER_R, LEAD, SUPERVISOR, SUPERVISOR_R})
GRANTED = frozenset({OFFICER_R, SUPERVISOR_R})
SUPERVISORS = frozenset({SUPERVISOR, SUPERVISOR_R})
ON_THE_CASE = frozenset({LEAD, SUPERVISOR, SUPERVISOR_R})
ADMINS = frozenset({ADMIN, AUTHOR})


class World:
    """The records a row works on, each built the first time a row asks for it."""

    def __init__(self, make_user):
        self._make_user = make_user
        self._actors: dict[str, Any] = {}

    def actor(self, name: str):
        if name == SYSTEM_ACTOR:
            return SYSTEM
        if name not in self._actors:
            role, granted, active = ACCOUNTS[name]
            username = name.split(" (")[0].replace(" ", "_").replace("+", "_")
            if role is None:
                user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD)
            else:
                user = self._make_user(role, restricted_access=granted, username=username, is_active=active)
            self._actors[name] = user
        return self._actors[name]

    def person(self, role: str, **extra):
        return self._make_user(role, **extra)

    @cached_property
    def offender(self):
        return OffenderFactory(surname="Visible")

    @cached_property
    def hidden(self):
        return OffenderFactory(surname="Hidden", restricted=True)

    @cached_property
    def untasked(self):
        """An offender with no case: one a review may dispose of."""
        return OffenderFactory(surname="Untasked")

    @cached_property
    def offence(self):
        return OffenceFactory(offender=self.offender)

    @cached_property
    def hidden_offence(self):
        return OffenceFactory(offender=self.hidden)

    @cached_property
    def draft(self):
        active = ScoringPolicy.objects.get(status="active")
        return policy_create_draft(name="Draft by the author", by=self.actor(AUTHOR), based_on=active)

    @cached_property
    def approved(self):
        return policy_approve(policy=self.draft, by=self.person("admin", username="approver"))

    @cached_property
    def case(self):
        boss = self.person("supervisor", username="boss")
        return case_open(offender=self.offender, lead=self.actor(LEAD), reason="sample", by=boss)

    @cached_property
    def action(self):
        soon = timezone.localdate() + dt.timedelta(days=7)
        return plan_action_add(
            case=self.case, strand="pursue", description="sample", owner=self.actor(LEAD), due_on=soon,
            by=self.actor(LEAD),
        )  # fmt: skip

    @cached_property
    def order(self):
        boss = self.person("supervisor", username="order_boss")
        return order_create(
            offender=self.offender, kind="restraining", starts_on=_soon(-20), protected_victims=[self.offence.victim],
            by=boss,
        )  # fmt: skip

    @cached_property
    def organisation(self):
        return Organisation.objects.create(name="Northside IDVA Service")

    @cached_property
    def agreement(self):
        return SharingAgreement.objects.create(
            organisation=self.organisation,
            purpose="MATAC",
            legal_basis="DPA s.35",
            starts_on=_soon(0),
            ends_on=_soon(60),
        )

    @cached_property
    def meeting(self):
        """An open meeting (a published ranking of one offender first), with a referral to decide."""
        from tests.cases.meeting_world import publish

        publish([OffenderFactory()])
        boss = self.person("supervisor", username="chair")
        return meeting_open(held_on=timezone.localdate(), chair=boss, by=boss)

    @cached_property
    def meeting_item(self):
        boss = self.meeting.chair
        return meeting_refer(meeting=self.meeting, offender=OffenderFactory(), reason="referred", by=boss)

    @cached_property
    def decided_meeting(self):
        """A meeting whose every item has its decision: ready to close."""
        boss = self.meeting.chair
        for item in self.meeting.items.select_related("offender", "meeting"):
            meeting_decide(item=item, decision="defer", reason="later", until=_soon(30), by=boss)
        return self.meeting

    @cached_property
    def account(self):
        """The person an administrator manages: an officer."""
        return self.person("officer", username="managed")

    @cached_property
    def token(self):
        return token_issue(user=self.account, by=SYSTEM)[0]

    @cached_property
    def preview(self):
        """An administrator's checked offences file, waiting for its confirmation."""
        return offences_import_preview(uploaded=offences_file(), by=self.actor(ADMIN)).batch


def offences_file(crime_ref: str = "CR/SP/1") -> SimpleUploadedFile:
    return SimpleUploadedFile("offences.csv", csv_bytes([offence_row(1, crime_ref=crime_ref)]))


@dataclass(frozen=True)
class Row:
    name: str
    call: Callable[[World, Any], Any]
    changed: Callable[[World], Any]
    allowed: frozenset[str]
    capabilities: tuple[str, ...]
    prepare: Callable[[World], Any] = field(default=lambda world: None)
    otherwise: dict[str, type[Exception]] = field(default_factory=dict)


def _offender_data(ref: str = "P-SP-1") -> dict[str, str]:
    return {"suspect_ref": ref, "surname": "Newman", "forenames": "Ann", "sex": "female"}


def _offence_data(offender, crime_ref: str = "CR-SP-NEW") -> dict[str, Any]:
    return {
        "crime_ref": crime_ref, "offence_code": "19C", "occurred_on": "2024-03-01", "reported_on": "2024-03-02",
        "status": "reported", "offender": offender, "victim_ref": "V-SP-1", "victim_relationship": "partner",
        "borough": "Camden", "domestic": "false",
    }  # fmt: skip


def _totp_devices(user) -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user).count()


def _fresh(model_instance, *fields):
    model_instance.refresh_from_db()
    return tuple(getattr(model_instance, name) for name in fields)


def _count(model_path: str) -> Callable[[World], int]:
    def count(world: World) -> int:
        return apps.get_model(model_path).objects.count()

    return count


def _harm_workbook():
    return upload_of(harm_workbook(), "cchi.xlsx")


_incident_numbers = itertools.count(1)


def _incident_data(offender) -> dict[str, Any]:
    return {"incident_ref": f"INC-SP-{next(_incident_numbers)}", "offender": offender, "victim_ref": "V-SP-1",
            "occurred_on": "2024-03-01", "kind": "verbal"}  # fmt: skip


def _incidents_upload(offender_ref: str = "SP-NOBODY"):
    text = f"incident_ref,suspect_ref,victim_ref,occurred_on,kind\nINC-SP-FILE,{offender_ref},V1,2024-03-01,verbal\n"
    return upload_of(text.encode(), "incidents.csv")


def _offences_upload():
    return upload_of(csv_bytes([offence_row(2, crime_ref="CR/SP/2")]))


def _soon(days: int = 14) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


OFFENDER_ROWS = [
    Row("offender_create", lambda w, by: offender_create(data=_offender_data(), by=by),
        _count("offenders.Offender"), FRONT_LINE, ("offender.edit",)),
    Row("offender_create, restricted", lambda w, by: offender_create(data=_offender_data(), restricted=True, by=by),
        _count("offenders.Offender"), frozenset({SUPERVISOR_R}), ("offender.edit", "offender.mark_restricted")),
    Row("offender_update", lambda w, by: offender_update(offender=w.offender, data={"surname": "Changed"}, by=by),
        lambda w: _fresh(w.offender, "surname"), FRONT_LINE, ("offender.edit",)),
    Row("offender_update, a restricted offender",
        lambda w, by: offender_update(offender=w.hidden, data={"surname": "Changed"}, by=by),
        lambda w: _fresh(w.hidden, "surname"), GRANTED, ("offender.edit",)),
    Row("offender_update, the restricted flag",
        lambda w, by: offender_update(offender=w.offender, data={}, restricted=True, by=by),
        lambda w: _fresh(w.offender, "restricted"), frozenset({SUPERVISOR_R}),
        ("offender.edit", "offender.mark_restricted")),
    Row("offender_mark_restricted",
        lambda w, by: offender_mark_restricted(offender=w.offender, restricted=True, reason="employee", by=by),
        lambda w: _fresh(w.offender, "restricted"), frozenset({SUPERVISOR_R}), ("offender.mark_restricted",)),
    Row("offence_create", lambda w, by: offence_create(data=_offence_data(w.offender), by=by),
        _count("offenders.Offence"), FRONT_LINE, ("offence.edit", "offender.edit")),
    Row("offence_create, a restricted offender", lambda w, by: offence_create(data=_offence_data(w.hidden), by=by),
        _count("offenders.Offence"), GRANTED, ("offence.edit", "offender.edit")),
    Row("offence_update", lambda w, by: offence_update(offence=w.offence, data={"status": "charged"}, by=by),
        lambda w: _fresh(w.offence, "status"), FRONT_LINE, ("offence.edit",)),
    Row("offence_update, to a restricted offender",
        lambda w, by: offence_update(offence=w.offence, data={"offender": w.hidden.pk}, by=by),
        lambda w: _fresh(w.offence, "offender_id"), GRANTED, ("offence.edit", "offender.edit")),
    Row("offence_update, a restricted offender's offence",
        lambda w, by: offence_update(offence=w.hidden_offence, data={"status": "charged"}, by=by),
        lambda w: _fresh(w.hidden_offence, "status"), GRANTED, ("offence.edit",)),
    Row("offence_delete", lambda w, by: offence_delete(offence=w.offence, by=by),
        _count("offenders.Offence"), FRONT_LINE, ("offence.edit",), prepare=lambda w: w.offence),
    Row("order_create",
        lambda w, by: order_create(offender=w.offender, kind="dapo", starts_on=_soon(-10), by=by),
        _count("offenders.ProtectiveOrder"), FRONT_LINE, ("order.edit",)),
    Row("order_update", lambda w, by: order_update(order=w.order, ends_on=_soon(30), by=by),
        lambda w: _fresh(w.order, "ends_on"), FRONT_LINE, ("order.edit",), prepare=lambda w: w.order),
    Row("order_breach_record",
        lambda w, by: order_breach_record(order=w.order, occurred_on=_soon(-1), crime_ref="CR-SP-BREACH", by=by),
        _count("offenders.OrderBreach"), FRONT_LINE, ("order.edit", "offender.edit"), prepare=lambda w: w.order),
    Row("incident_record", lambda w, by: incident_record(data=_incident_data(w.offender), by=by),
        _count("offenders.DomesticIncident"), FRONT_LINE, ("offence.edit", "offender.edit")),
]  # fmt: skip

REVIEWERS = frozenset({SUPERVISOR, SUPERVISOR_R, ADMIN, AUTHOR})
RECORD_ROWS = [
    Row("offender_review, retain",
        lambda w, by: offender_review(offender=w.untasked, outcome="retain", reason="still needed", by=by),
        _count("offenders.RecordReview"), REVIEWERS, ("records.review",)),
    Row("offender_review, dispose",
        lambda w, by: offender_review(offender=w.untasked, outcome="dispose", reason="no longer needed", by=by),
        _count("offenders.RecordReview"), ADMINS, ("records.review", "records.dispose")),
    Row("offender_dispose", lambda w, by: offender_dispose(offender=w.untasked, reason="no longer needed", by=by),
        _count("offenders.RecordReview"), ADMINS, ("records.dispose",)),
    Row("subject_access_disclose",
        lambda w, by: subject_access_disclose(offender=w.untasked, channel_format="json", by=by),
        lambda w: apps.get_model("audit.AuditEvent").objects.filter(action="offender.disclose").count(), ADMINS,
        ("records.subject_access",)),
]  # fmt: skip

IMPORT_ROWS = [
    Row("incidents_import", lambda w, by: incidents_import(upload=_incidents_upload(), by=by),
        _count("offenders.ImportBatch"), ADMINS | {SYSTEM_ACTOR}, ("import.run",)),
    Row("offences_import", lambda w, by: offences_import(upload=_offences_upload(), by=by),
        _count("offenders.ImportBatch"), ADMINS | {SYSTEM_ACTOR}, ("import.run",)),
    Row("offences_import_preview", lambda w, by: offences_import_preview(uploaded=offences_file(), by=by),
        _count("offenders.ImportBatch"), ADMINS, ("import.run",)),
    Row("offences_import_confirm (an admin's own preview)",
        lambda w, by: offences_import_confirm(batch_id=w.preview.pk, by=by),
        _count("offenders.Offence"), frozenset({ADMIN}), ("import.run",), prepare=lambda w: w.preview,
        otherwise={AUTHOR: ImportBatch.DoesNotExist}),  # another admin's preview is not found
    Row("harm_index_import", lambda w, by: harm_index_import(upload=_harm_workbook(), name="Workbook", by=by),
        _count("scoring.ScoringPolicy"), ADMINS | {SYSTEM_ACTOR}, ("import.run",)),
]  # fmt: skip

SCORING_ROWS = [
    Row("policy_create_draft", lambda w, by: policy_create_draft(name="New draft", by=by),
        _count("scoring.ScoringPolicy"), ADMINS | {SYSTEM_ACTOR}, ("policy.edit",)),
    Row("policy_update_draft", lambda w, by: policy_update_draft(policy=w.draft, name="Renamed", by=by),
        lambda w: _fresh(w.draft, "name"), ADMINS, ("policy.edit",), prepare=lambda w: w.draft),
    Row("policy_approve (four eyes: not its author)", lambda w, by: policy_approve(policy=w.draft, by=by),
        lambda w: _fresh(w.draft, "status"), frozenset({ADMIN}), ("policy.approve",), prepare=lambda w: w.draft),
    Row("policy_activate (four eyes: not its author)", lambda w, by: policy_activate(policy=w.approved, by=by),
        lambda w: _fresh(w.approved, "status"), frozenset({ADMIN}), ("policy.approve",),
        prepare=lambda w: w.approved),
    Row("run_start", lambda w, by: run_start(by=by, reason="test", dispatch=False),
        _count("scoring.ScoringRun"), SUPERVISORS | ADMINS | {SYSTEM_ACTOR}, ("recompute.start",)),
]  # fmt: skip

ACCOUNT_ROWS = [
    Row("user_create", lambda w, by: user_create(username="newcomer", role="officer", password=TEST_PASSWORD, by=by),
        _count("accounts.User"), ADMINS | {SYSTEM_ACTOR}, ("users.manage",)),
    Row("user_update", lambda w, by: user_update(user=_renamed(w.account), role="officer", by=by),
        lambda w: _fresh(w.account, "first_name"), ADMINS, ("users.manage",), prepare=lambda w: w.account),
    Row("user_access_set", lambda w, by: user_access_set(user=w.account, role="supervisor", by=by),
        lambda w: role_names(w.account), ADMINS, ("users.manage",), prepare=lambda w: w.account),
    Row("user_role_set", lambda w, by: user_role_set(user=w.account, role=Role.SUPERVISOR, by=by),
        lambda w: role_names(w.account), ADMINS | {SYSTEM_ACTOR}, ("users.manage",), prepare=lambda w: w.account),
    Row("user_deactivate", lambda w, by: user_deactivate(user=w.account, by=by),
        lambda w: _fresh(w.account, "is_active"), ADMINS, ("users.manage",), prepare=lambda w: w.account),
    Row("user_password_set", lambda w, by: user_password_set(user=w.account, password="another-passphrase-77", by=by),
        lambda w: _fresh(w.account, "password"), ADMINS, ("users.manage",), prepare=lambda w: w.account),
    Row("token_issue", lambda w, by: token_issue(user=w.account, by=by),
        _count("accounts.ApiToken"), ADMINS | {SYSTEM_ACTOR}, ("users.manage",), prepare=lambda w: w.account),
    Row("token_revoke", lambda w, by: token_revoke(token=w.token, by=by),
        lambda w: _fresh(w.token, "revoked_at"), ADMINS, ("users.manage",), prepare=lambda w: w.token),
    Row("totp_reset", lambda w, by: totp_reset(user=w.account, by=by),
        lambda w: _totp_devices(w.account), ADMINS, ("users.manage",), prepare=lambda w: totp_device_enrol(user=w.account)),
    Row("organisation_create", lambda w, by: organisation_create(name="Probation North", by=by),
        _count("accounts.Organisation"), ADMINS | {SYSTEM_ACTOR}, ("partners.manage",)),
    Row("sharing_agreement_create",
        lambda w, by: sharing_agreement_create(organisation=w.organisation, purpose="MATAC", legal_basis="DPA s.35",
                                               starts_on=_soon(0), ends_on=_soon(90), by=by),
        _count("accounts.SharingAgreement"), ADMINS, ("partners.manage",), prepare=lambda w: w.organisation),
    Row("sharing_agreement_update",
        lambda w, by: sharing_agreement_update(agreement=w.agreement, ends_on=_soon(30), by=by),
        lambda w: _fresh(w.agreement, "ends_on"), ADMINS, ("partners.manage",), prepare=lambda w: w.agreement),
]  # fmt: skip

CASE_ROWS = [
    Row("case_open", lambda w, by: case_open(offender=w.offender, lead=w.actor(LEAD), reason="tasked", by=by),
        _count("cases.Case"), SUPERVISORS, ("case.manage", "offender.view")),
    Row("case_open, a restricted offender",
        lambda w, by: case_open(offender=w.hidden, lead=w.actor(OFFICER_R), reason="tasked", by=by),
        _count("cases.Case"), frozenset({SUPERVISOR_R}), ("case.manage", "offender.view")),
    Row("case_update", lambda w, by: case_update(case=w.case, review_due=_soon(), by=by),
        lambda w: _fresh(w.case, "review_due"), SUPERVISORS, ("case.manage",), prepare=lambda w: w.case),
    Row("case_transition", lambda w, by: case_transition(case=w.case, to="active", reason="found", by=by),
        lambda w: _fresh(w.case, "stage"), SUPERVISORS, ("case.manage",), prepare=lambda w: w.case),
    Row("case_note_add", lambda w, by: case_note_add(case=w.case, text="seen today", by=by),
        _count("cases.CaseNote"), ON_THE_CASE, ("case.work",), prepare=lambda w: w.case),
    Row("plan_action_add",
        lambda w, by: plan_action_add(case=w.case, strand="prevent", description="visit", owner=w.actor(LEAD),
                                      due_on=_soon(), by=by),
        _count("cases.PlanAction"), ON_THE_CASE, ("case.act",), prepare=lambda w: w.case),
    Row("plan_action_update", lambda w, by: plan_action_update(action=w.action, status="cancelled", by=by),
        lambda w: _fresh(w.action, "status"), ON_THE_CASE, ("case.act",), prepare=lambda w: w.action),
    Row("safety_check_record",
        lambda w, by: safety_check_record(case=w.case, victim=w.offence.victim, checked_on=_soon(0), risk_grade="high",
                                          by=by),
        _count("cases.SafetyCheck"), ON_THE_CASE, ("case.safety",), prepare=lambda w: (w.offence, w.case)),
    Row("clares_law_record",
        lambda w, by: clares_law_record(case=w.case, route="right_to_ask", decision="pending", decided_on=_soon(0),
                                        by=by),
        _count("cases.ClaresLawDisclosure"), ON_THE_CASE, ("case.safety",), prepare=lambda w: w.case),
]  # fmt: skip


def _events(action: str) -> Callable[[World], int]:
    return lambda world: AuditEvent.objects.filter(action=action).count()


MEETING_ROWS = [
    Row("meeting_open", lambda w, by: meeting_open(held_on=timezone.localdate(), chair=w.meeting.chair, by=by),
        _count("cases.TaskingMeeting"), SUPERVISORS, ("meeting.chair",), prepare=lambda w: w.meeting),
    Row("meeting_refer", lambda w, by: meeting_refer(meeting=w.meeting, offender=w.offender, reason="seen", by=by),
        _count("cases.MeetingItem"), SUPERVISORS, ("meeting.chair", "offender.view"), prepare=lambda w: w.meeting),
    Row("meeting_decide", lambda w, by: meeting_decide(item=w.meeting_item, decision="decline", reason="no", by=by),
        _count("cases.MeetingDecision"), SUPERVISORS, ("meeting.chair",), prepare=lambda w: w.meeting_item),
    Row("meeting_close", lambda w, by: meeting_close(meeting=w.decided_meeting, by=by),
        lambda w: _fresh(w.decided_meeting, "closed_at"), SUPERVISORS, ("meeting.chair",),
        prepare=lambda w: w.decided_meeting),
    Row("meeting_minutes_export", lambda w, by: meeting_minutes_export(meeting=w.meeting, by=by),
        _events("meeting.export"), FRONT_LINE | ADMINS | {OVERSIGHT}, ("meeting.view",), prepare=lambda w: w.meeting),
    Row("ranking_export_record", lambda w, by: ranking_export_record(rows=[], query={}, by=by),
        _events("ranking.export"), FRONT_LINE | ADMINS | {OVERSIGHT}, ("ranking.view",)),
]  # fmt: skip

ROWS = [*OFFENDER_ROWS, *RECORD_ROWS, *IMPORT_ROWS, *SCORING_ROWS, *ACCOUNT_ROWS, *CASE_ROWS, *MEETING_ROWS]


def _renamed(user):
    user.first_name = "Renamed"
    return user
