"""With the broker unreachable an offence save answers at once and its re-score waits in the outbox; once
the broker is back, the periodic resend, run by a real worker, brings the offender's score up to date."""

import time

import pytest
from django.conf import settings

from portal.celery import app
from scoring.models import OffenderScore, RescoreRequest
from tests.conftest import BROKER_SCHEMES, broker_nowhere, browser_login, wait_for

from .conftest import days_of

pytestmark = pytest.mark.django_db(transaction=True)
QUICK = 2.0  # seconds; the probe that found the problem measured about 19


def offence_body(offender, today, **overrides) -> dict:
    body = {
        "crime_ref": "CR-DOWN-1", "offence_code": "002/00", "occurred_on": today.isoformat(),
        "reported_on": today.isoformat(), "status": "charged", "offender": offender.pk, "victim_ref": "V-DOWN-1",
    }  # fmt: skip
    return {**body, **overrides}


def page_form(today, **overrides) -> dict:
    form = {
        "crime_ref": "CR-DOWN-2", "offence_code": "19C", "occurred_on": today.isoformat(),
        "reported_on": today.isoformat(), "status": "reported", "victim_ref": "V-DOWN-2",
        "victim_relationship": "stranger", "borough": "Sutton",
    }  # fmt: skip
    return {**form, **overrides}


def waiting_requests(offender) -> list[RescoreRequest]:
    return list(RescoreRequest.objects.filter(offender_id=offender.pk, sent_at__isnull=True))


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("scheme", BROKER_SCHEMES)
def test_an_api_save_answers_at_once_and_its_rescore_waits(
    scheme, reference_data, make_user, api_for, make_offender, today
):
    offender = make_offender()
    api = api_for(make_user("officer"))
    with broker_nowhere(scheme):
        started = time.monotonic()
        created = api.post("/api/v1/offences/", offence_body(offender, today), format="json")
        assert time.monotonic() - started < QUICK
        started = time.monotonic()
        changed = api.patch(f"/api/v1/offences/{created.json()['id']}/", {"status": "convicted"}, format="json")
        assert time.monotonic() - started < QUICK

    assert created.status_code == 201, created.content
    assert created.json()["crime_ref"] == "CR-DOWN-1" and created.json()["offender"] == offender.pk  # as usual
    assert changed.status_code == 200 and changed.json()["status"] == "convicted"
    requests = waiting_requests(offender)
    assert len(requests) == 2 and all(request.attempts >= 1 for request in requests)
    assert not OffenderScore.objects.filter(offender=offender).exists()


@pytest.mark.browser
def test_a_page_save_answers_at_once_and_says_the_score_will_follow(
    page, reference_data, make_user, make_offender, today
):
    user = make_user("officer", username="pc_outbox")
    offender = make_offender()
    browser_login(page, user.username)
    page.goto(f"/offenders/{offender.pk}/offences/new/")
    form = page.locator("[data-testid=offence-form]")
    for name in ("crime_ref", "offence_code", "occurred_on", "reported_on", "victim_ref", "borough"):
        form.locator(f"[name={name}]").fill(page_form(today)[name])

    with broker_nowhere():
        started = time.monotonic()
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            form.locator("button[type=submit]").click()
        assert time.monotonic() - started < QUICK
        banner = page.locator(".govuk-notification-banner__heading")
        assert banner.inner_text() == "Offence recorded; the score will update shortly."

    assert posted.value.status == 302
    assert len(waiting_requests(offender)) == 1


def test_with_the_broker_up_the_page_says_only_what_was_saved(reference_data, make_user, web_for, make_offender, today):
    offender = make_offender()
    client = web_for(make_user("officer"))
    recorded = client.post(f"/offenders/{offender.pk}/offences/new/", page_form(today), follow=True)
    assert flashed(recorded) == ["Offence recorded."]
    assert RescoreRequest.objects.get(offender_id=offender.pk).sent_at is not None


def test_edit_and_delete_pages_say_the_score_will_follow_while_the_broker_is_down(
    reference_data, make_user, web_for, make_offender, make_offence, today
):
    offender = make_offender()
    offence = make_offence(offender)
    client = web_for(make_user("officer"))
    form = page_form(today, crime_ref=offence.crime_ref, victim_ref="V1", status="charged")
    with broker_nowhere("amqp"):
        edited = client.post(f"/offences/{offence.pk}/edit/", form, follow=True)
        deleted = client.post(f"/offences/{offence.pk}/delete/", follow=True)
    assert flashed(edited) == ["Offence saved; the score will update shortly."]
    assert flashed(deleted) == [f"Offence {offence.crime_ref} deleted; the score will update shortly."]
    assert len(waiting_requests(offender)) == 2


@pytest.mark.worker
def test_the_resend_delivers_the_score_once_the_broker_is_back(
    reference_data, celery_worker, make_user, api_for, make_offender, make_offence, today
):
    offender = make_offender()
    make_offence(offender, code="19C", days_ago=10)
    api = api_for(make_user("officer"))
    with broker_nowhere():  # down for this process; the worker started on the real broker
        response = api.post("/api/v1/offences/", offence_body(offender, today), format="json")
    assert response.status_code == 201, response.content
    [request] = waiting_requests(offender)
    assert request.attempts == 1 and not OffenderScore.objects.filter(offender=offender).exists()

    # The broker is back: the resend arrives as the beat sends it every SCORING_RESEND_SECONDS.
    app.send_task(settings.CELERY_BEAT_SCHEDULE["scoring-rescore-resend"]["task"])

    expected = days_of("19C") + days_of("002/00")
    wait_for(lambda: OffenderScore.objects.filter(offender=offender, score=expected).exists(), timeout=60)
    assert waiting_requests(offender) == []
    assert RescoreRequest.objects.get(pk=request.pk).sent_at is not None
