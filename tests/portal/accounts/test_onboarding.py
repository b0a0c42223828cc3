"""First-sign-in authenticator enrolment and its reset, without a browser (the browser walk is
tests/portal/accounts/test_onboarding_browser.py)."""

import pytest
from django.test import Client

from portal.accounts.models import User
from portal.accounts.totp import totp_code, totp_device_enrol, totp_device_of, totp_secret_of
from portal.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _password_step(client, username):
    return client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})


def test_enrolment_page_needs_a_password_checked_first(client):
    response = client.get("/accounts/login/authenticator/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?")


def test_first_sign_in_without_an_authenticator_leads_to_enrolment_not_a_session(make_user):
    person = make_user("admin", username="admin_first")
    client = Client()
    response = _password_step(client, person.username)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/authenticator/"
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/login/authenticator/")
    assert page.status_code == 200 and b"<svg" in page.content
    assert client.get("/").status_code == 302  # still not signed in
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=person, confirmed=False)
    client.get("/accounts/login/authenticator/")  # a reload keeps the same secret
    assert TOTPDevice.objects.get(user=person).pk == device.pk
    done = client.post("/accounts/login/authenticator/", {"otp_token": totp_code(totp_secret_of(device))})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="user.totp_enrol", target_id=str(person.pk)).count() == 1


def test_an_enrolled_person_cannot_reach_enrolment_with_a_password_alone(make_user):
    person = make_user("oversight", username="ovs_enrolled")
    totp_device_enrol(user=person)
    client = Client()
    response = _password_step(client, person.username)
    assert response.status_code == 200 and b"authenticator" in response.content.lower()
    assert client.get("/accounts/login/authenticator/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_resets_an_authenticator_in_the_admin_audited_and_sessions_end(make_user, web_for):
    person = make_user("oversight", username="ovs_lost_phone")
    totp_device_enrol(user=person)
    admin = make_user("admin", username="admin_resets")
    client = web_for(admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_authenticator", "_selected_action": [person.pk]}, follow=True
    )
    assert response.status_code == 200
    assert totp_device_of(person) is None
    assert User.objects.get(pk=person.pk).sessions_valid_after is not None
    event = AuditEvent.objects.get(action="user.totp_reset")
    assert event.actor_username == "admin_resets" and event.target_id == str(person.pk)
    own = client.post("/admin/accounts/user/", {"action": "reset_authenticator", "_selected_action": [admin.pk]})
    assert own.status_code == 302 and totp_device_of(admin) is not None
