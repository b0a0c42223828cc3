"""The tasking meeting pages: open one, work the agenda (a form error for a decision without a reason),
close it, read and export the minutes (pseudonymised for admin and oversight, audited as an export)."""

import datetime as dt

import pytest

from cases.models import Case, MeetingDecision, TaskingMeeting
from portal.audit.models import AuditEvent
from tests.factories import OffenderFactory

from .meeting_world import publish


@pytest.fixture
def ranked(settings):
    settings.PORTAL_TOP_N = 2
    people = [OffenderFactory(surname=name) for name in ("Ashdown", "Brightwell", "Cardew")]
    publish(people)
    return people


def _open_meeting(web, supervisor, today):
    response = web.post("/meetings/", {"held_on": today.isoformat(), "chair": supervisor.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    return TaskingMeeting.objects.get()


def test_a_supervisor_works_the_agenda_and_reads_the_minutes(web_for, supervisor, lead, ranked, today):
    web = web_for(supervisor)
    meeting = _open_meeting(web, supervisor, today)
    page = web.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Ashdown" in page and "Brightwell" in page and "Cardew" not in page  # top 2 only
    first, second = meeting.items.order_by("position")
    url = f"/meetings/{meeting.pk}/items/{first.pk}/decision/"
    refused = web.post(url, {f"item{first.pk}-decision": "task", f"item{first.pk}-lead": lead.pk})
    assert refused.status_code == 400 and "Give the reason for this decision" in refused.content.decode()
    assert not MeetingDecision.objects.exists()
    done = web.post(url, {f"item{first.pk}-decision": "task", f"item{first.pk}-lead": lead.pk,
                          f"item{first.pk}-reason": "Rank 1; repeat victims"})  # fmt: skip
    assert done.status_code == 302
    assert Case.objects.get(offender=first.offender).lead == lead
    too_soon = web.post(f"/meetings/{meeting.pk}/close/")
    assert too_soon.status_code == 409 and "still have no decision" in too_soon.content.decode()
    web.post(f"/meetings/{meeting.pk}/items/{second.pk}/decision/", {f"item{second.pk}-decision": "decline",
             f"item{second.pk}-reason": "Managed by probation"})  # fmt: skip
    assert web.post(f"/meetings/{meeting.pk}/close/").status_code == 302
    late = web.post(url, {f"item{first.pk}-decision": "decline", f"item{first.pk}-reason": "again"})
    assert late.status_code == 409
    minutes = web.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Repeat victims".lower() in minutes.lower() and "Managed by probation" in minutes and "Ashdown" in minutes
    assert 'media="print"' in minutes


def test_minutes_csv_is_audited_and_pseudonymised_for_admin(web_for, make_user, supervisor, ranked, today):
    web = web_for(supervisor)
    meeting = _open_meeting(web, supervisor, today)
    item = meeting.items.order_by("position").first()
    web.post(f"/meetings/{meeting.pk}/items/{item.pk}/decision/", {f"item{item.pk}-decision": "defer",
             f"item{item.pk}-reason": "=HYPERLINK(\"x\")", f"item{item.pk}-until": (today + dt.timedelta(days=9)).isoformat()})  # fmt: skip
    named = b"".join(web.get(f"/meetings/{meeting.pk}/minutes/?format=csv").streaming_content).decode()
    assert "Ashdown" in named and "'=HYPERLINK" in named  # a formula never runs in a spreadsheet
    admin = make_user("admin", username="minutes_admin")
    csv = b"".join(web_for(admin).get(f"/meetings/{meeting.pk}/minutes/?format=csv").streaming_content).decode()
    assert item.offender.reference in csv and "Ashdown" not in csv and "HYPERLINK" not in csv
    assert "Reason" not in csv.splitlines()[0]
    exports = AuditEvent.objects.filter(action="meeting.export", target_id=str(meeting.pk))
    assert exports.count() == 2 and {e.actor_username for e in exports} == {"sgt_sup", "minutes_admin"}


def test_officers_read_but_may_not_open_or_decide(web_for, lead, supervisor, ranked, today):
    meeting = _open_meeting(web_for(supervisor), supervisor, today)
    item = meeting.items.first()
    web = web_for(lead)
    assert web.get(f"/meetings/{meeting.pk}/").status_code == 200
    assert web.post("/meetings/", {"held_on": today.isoformat(), "chair": supervisor.pk}).status_code == 403
    assert web.post(f"/meetings/{meeting.pk}/items/{item.pk}/decision/",
                    {f"item{item.pk}-decision": "decline", f"item{item.pk}-reason": "x"}).status_code == 403  # fmt: skip
    assert not MeetingDecision.objects.exists()


def test_a_referral_by_reference(web_for, supervisor, ranked, today):
    web = web_for(supervisor)
    meeting = _open_meeting(web, supervisor, today)
    outsider = ranked[2]
    assert (
        web.post(
            f"/meetings/{meeting.pk}/items/", {"reference": outsider.reference, "reason": "IDVA concern"}
        ).status_code
        == 302
    )
    assert meeting.items.filter(offender=outsider, kind="referral").exists()
    unknown = web.post(f"/meetings/{meeting.pk}/items/", {"reference": "S-999999", "reason": "x"})
    assert unknown.status_code == 400 and "No offender you may see" in unknown.content.decode()


def test_the_case_page_shows_the_score_since_tasking(web_for, supervisor, lead, open_case):
    from scoring.models import OffenderScore, ScoringPolicy

    offender = OffenderFactory(surname="Trajectory")
    policy = ScoringPolicy.objects.get(status="active")
    OffenderScore.objects.create(offender=offender, policy=policy, score=1000, harm_days=1000, offence_count=2,
                                 victim_count=1, eligible=True, as_of=dt.date.today(), computed_at="2026-01-01T00:00Z")  # fmt: skip
    web = web_for(supervisor)
    case = open_case(offender, lead=lead)
    assert 'data-testid="trajectory-empty"' in web.get(f"/cases/{case.pk}/").content.decode()
    publish([OffenderFactory(), offender])  # rank 2, score 900: down 10% since tasking
    page = web.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="trajectory"' in page and "-10.0%" in page and "trajectory-data" in page
