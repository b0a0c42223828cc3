"""Bad input a person can type into the pages (or an address bar) gives a page that says so, never a 500.

Found by walking the pages in a real browser: a NUL character in a filter, an over-long username at
sign-in, POST-only addresses opened with GET, a page without a heading and a refusal that misled.
"""

import pytest
from django.test import Client
from django.utils import timezone

from scoring import services
from scoring.models import ScoringPolicy, ScoringRun
from tests.factories import OffenderFactory


@pytest.mark.parametrize(
    ("role", "address"),
    [
        ("officer", "/offenders/?q=%00"),
        ("officer", "/offenders/?borough=a%00b&ordering=surname"),
        ("supervisor", "/cases/?stage=%00"),
        ("supervisor", "/rankings/?borough=%00"),
        ("admin", "/oversight/audit/?actor=%00"),
        ("oversight", "/oversight/audit/?since=2026-01-01&target_id=%00"),
        ("oversight", "/oversight/outcomes/?from=%00"),
        ("officer", "/offenders/?%00=1"),
    ],
)
def test_nul_in_a_page_filter_is_a_400_page(make_user, web_for, role, address):
    response = web_for(make_user(role)).get(address)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Null characters are not allowed." in body
    assert "Sign out" in body  # the portal's own page, with its navigation


@pytest.mark.parametrize(
    ("role", "address"),
    [
        ("officer", "/api/v1/offenders/?q=%00"),
        ("supervisor", "/api/v1/cases/?stage=%00"),
        ("officer", "/api/v1/offences/?borough=%00"),
        ("admin", "/api/v1/audit/events/?actor=%00"),
    ],
)
def test_nul_in_an_api_filter_is_a_400_json(make_user, api_for, role, address):
    response = api_for(make_user(role)).get(address)
    assert response.status_code == 400
    assert response.json()["detail"] == "Null characters are not allowed."


def test_the_api_names_the_parameter_that_holds_the_nul(make_user, api_for):
    response = api_for(make_user("officer")).get("/api/v1/offenders/", {"q": "a\x00", "sex": "male"})
    assert response.status_code == 400 and set(response.json()) == {"detail", "q"}


def test_an_over_long_username_is_a_form_error_not_a_500(db):
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()


def test_a_long_but_allowed_username_still_fails_as_a_wrong_password(make_user):
    user = make_user("officer", username="u" * 150)
    response = Client().post("/accounts/login/", {"username": user.username, "password": "not-the-password"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("step", ["approve", "activate"])
def test_a_policy_step_opened_with_get_shows_the_policy(make_user, web_for, step):
    policy = ScoringPolicy.objects.get(version=1)
    response = web_for(make_user("admin")).get(f"/scoring/policies/{policy.pk}/{step}/")
    assert response.status_code == 302 and response["Location"] == f"/scoring/policies/{policy.pk}/"
    assert ScoringPolicy.objects.get(pk=policy.pk).status == policy.status  # nothing changed


def test_the_new_policy_address_opened_with_get_shows_the_list_with_its_form(make_user, web_for):
    client = web_for(make_user("admin"))
    response = client.get("/scoring/policies/new/", follow=True)
    assert response.redirect_chain == [("/scoring/policies/", 302)]
    assert 'data-testid="create-draft"' in response.content.decode()


def test_a_policy_step_with_get_is_still_refused_to_other_roles(make_user, web_for):
    policy = ScoringPolicy.objects.get(version=1)
    assert web_for(make_user("supervisor")).get(f"/scoring/policies/{policy.pk}/approve/").status_code == 403
    assert web_for(make_user("officer")).get("/scoring/policies/new/").status_code == 403


def test_the_restricted_flag_address_opened_with_get_goes_to_the_profile(make_user, web_for):
    offender = OffenderFactory()
    client = web_for(make_user("supervisor", restricted_access=True))
    response = client.get(f"/offenders/{offender.pk}/restricted/")
    assert response.status_code == 302 and response["Location"] == f"/offenders/{offender.pk}/"
    assert web_for(make_user("officer")).get(f"/offenders/{offender.pk}/restricted/").status_code == 403


def test_the_run_detail_page_has_its_own_heading(make_user, web_for):
    """Every page has one h1 (screen-reader users jump to it); the run page had none."""
    run = ScoringRun.objects.create(
        policy=ScoringPolicy.objects.get(version=1), as_of=timezone.localdate(), status="succeeded"
    )
    body = web_for(make_user("oversight")).get(f"/scoring/runs/{run.pk}/").content.decode()
    assert body.count("<h1") == 1 and f"Recompute run {run.pk}</h1>" in body


def test_the_four_eyes_refusal_page_says_why(make_user, web_for):
    """An admin's role allows approving in general; refusing their own draft must say it is the four-eyes
    rule, not "your role does not allow this"."""
    author = make_user("admin")
    draft = services.policy_create_draft(name="Mine", based_on=ScoringPolicy.objects.get(version=1), by=author)
    response = web_for(author).post(f"/scoring/policies/{draft.pk}/approve/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Four eyes: the author of a policy may not approve it." in body
    assert "Your role does not allow this" not in body


def test_role_refusal_pages_say_who_the_page_is_for(make_user, web_for):
    body = web_for(make_user("officer")).get("/oversight/audit/").content.decode()
    assert "This is for admins and oversight staff only; you are signed in as officer." in body
