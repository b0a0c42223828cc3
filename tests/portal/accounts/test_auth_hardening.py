"""Authentication and session security as a hostile tester probes it: user management through the
Django admin (no self-promotion, no superuser box, the last admin stays), createuser's username
rules, what django-axes keeps of an attempt, TOTP replay, token doors, session fixation and CSRF."""

import json
import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from portal.accounts.models import ApiToken
from portal.accounts.permissions import SYSTEM, Refused
from portal.accounts.roles import has_restricted_access, user_role
from portal.accounts.services import token_issue, user_deactivate, user_password_set
from portal.accounts.totp import totp_code, totp_device_enrol, totp_secret_of
from portal.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD

User = get_user_model()


def _login(client, username, password=TEST_PASSWORD, otp="", address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "otp_token": otp}, REMOTE_ADDR=address
    )


def _change_form(user, **overrides) -> dict:
    """What the admin's change page posts for `user`, with `overrides` applied."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "role": user_role(user) or "",
        "restricted_access": "on" if has_restricted_access(user) else "",
        "organisation": user.organisation_id or "",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != ""}


def _fresh(user):
    return User.objects.get(pk=user.pk)


# --- the Django admin: roles, grant, superuser, last admin --------------------------------------------


def test_admin_form_offers_no_superuser_groups_or_permissions_boxes(make_user, web_for):
    admin_user, officer = make_user("admin"), make_user("officer")
    client = web_for(admin_user)
    page = client.get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="restricted_access"' in page
    for hidden in ('name="is_superuser"', 'name="groups"', 'name="user_permissions"', 'name="is_staff"'):
        assert hidden not in page
    forged = _change_form(officer, is_superuser="on", is_staff="on", groups=["1", "2", "3", "4"])
    response = client.post(f"/admin/accounts/user/{officer.pk}/change/", forged)
    assert response.status_code == 302, response.content.decode()[:3000]
    officer = _fresh(officer)
    assert not officer.is_superuser and not officer.is_staff and user_role(officer) == "officer"


def test_role_and_grant_change_in_the_admin_is_audited_before_and_after(make_user, web_for):
    admin_user, officer = make_user("admin"), make_user("officer")
    response = web_for(admin_user).post(
        f"/admin/accounts/user/{officer.pk}/change/", _change_form(officer, role="supervisor", restricted_access="on")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    officer = _fresh(officer)
    assert user_role(officer) == "supervisor" and has_restricted_access(officer)
    event = AuditEvent.objects.get(action="user.role_change", target_id=str(officer.pk))
    assert event.actor_username == admin_user.username
    assert event.changes == {
        "restricted_access": {"before": False, "after": True},
        "role": {"before": ["officer"], "after": ["supervisor"]},
    }
    for stored in AuditEvent.objects.filter(target_id=str(officer.pk)):
        assert officer.password not in json.dumps(stored.changes) and "password" not in stored.changes


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_admin_cannot_give_restricted_access_to_admin_or_oversight(make_user, web_for, role):
    admin_user, target = make_user("admin"), make_user(role)
    response = web_for(admin_user).post(
        f"/admin/accounts/user/{target.pk}/change/", _change_form(target, restricted_access="on")
    )
    assert response.status_code == 200 and "Only officers and supervisors" in response.content.decode()
    assert not _fresh(target).user_permissions.exists()


def test_admin_cannot_change_their_own_role_or_deactivate_themselves(make_user, web_for):
    admin_user = make_user("admin")
    make_user("admin")  # not the last admin: the refusal is about acting on oneself
    client = web_for(admin_user)
    url = f"/admin/accounts/user/{admin_user.pk}/change/"
    for change in ({"role": "supervisor"}, {"role": "oversight"}, {"is_active": ""}):
        response = client.post(url, _change_form(admin_user, **change))
        assert response.status_code == 200 and "cannot change your own" in response.content.decode(), change
    response = client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [admin_user.pk]})
    assert response.status_code == 302
    admin_user = _fresh(admin_user)
    assert admin_user.is_active and user_role(admin_user) == "admin"
    assert not AuditEvent.objects.filter(action__in=["user.role_change", "user.deactivate"]).exists()
    # editing one's own name is still fine
    assert client.post(url, _change_form(admin_user, first_name="Ada")).status_code == 302


def test_supervisor_cannot_grant_themselves_restricted_access(make_user, web_for):
    supervisor = make_user("supervisor")
    client = web_for(supervisor)
    response = client.post(
        f"/admin/accounts/user/{supervisor.pk}/change/", _change_form(supervisor, restricted_access="on")
    )
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"].startswith("/accounts/login/")
    assert not has_restricted_access(_fresh(supervisor))


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(make_user, web_for):
    first, second = make_user("admin"), make_user("admin")
    client = web_for(first)
    response = client.post(f"/admin/accounts/user/{second.pk}/change/", _change_form(second, role="officer"))
    assert response.status_code == 302  # two admins: demoting the other one is allowed
    assert user_role(_fresh(second)) == "officer"
    # `first` is now the last admin: the service refuses to remove them too. Only an administrator may
    # call it (never the demoted one, nor a script: SYSTEM), and never on themselves; two admins removing
    # each other at once meet the last-admin rule (test_two_admins_removing_each_other_at_once_leave_one).
    for by in (_fresh(second), SYSTEM):
        with pytest.raises(Refused):
            user_deactivate(user=_fresh(first), by=by)
    with pytest.raises(ValidationError, match="cannot deactivate yourself"):
        user_deactivate(user=_fresh(first), by=_fresh(first))
    assert _fresh(first).is_active


def test_superuser_flag_does_not_open_restricted_records(make_user):
    officer = make_user("officer", is_superuser=True)
    assert officer.has_perm("accounts.restricted_access")  # Django's answer for a superuser
    assert not has_restricted_access(officer)
    granted = make_user("officer", restricted_access=True)
    assert has_restricted_access(granted)


def test_user_created_in_the_admin_gets_one_role_and_validated_password(make_user, web_for):
    client = web_for(make_user("admin"))
    weak = {
        "username": "pc_new",
        "usable_password": "true",
        "password1": "short",
        "password2": "short",
        "role": "officer",
    }
    assert client.post("/admin/accounts/user/add/", weak).status_code == 200
    assert not User.objects.filter(username="pc_new").exists()
    good = {**weak, "password1": "a-long-enough-passphrase-77", "password2": "a-long-enough-passphrase-77"}
    response = client.post("/admin/accounts/user/add/", good)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="pc_new")
    assert user_role(created) == "officer" and not created.is_superuser
    assert AuditEvent.objects.filter(action="user.create", target_id=str(created.pk)).exists()
    assert AuditEvent.objects.filter(action="user.role_change", target_id=str(created.pk)).exists()


def test_revoked_token_cannot_be_revived_in_the_admin_and_revoking_is_audited(make_user, web_for):
    officer = make_user("officer")
    token, key = token_issue(user=officer, by=SYSTEM)
    client = web_for(make_user("admin"))
    response = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="token.revoke", target_id=str(token.pk)).count() == 1
    client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"revoked_at_0": "", "revoked_at_1": ""})
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/scoring/policies/").status_code == 401


# --- createuser: usernames the admin would refuse -------------------------------------------------------


@pytest.mark.parametrize(
    "username, message",
    [("", "username is needed"), ("pc one", "valid username"), ("pc/one!", "valid username"),
     ("x" * 151, "at most 150"), ("\uff50c_one", "normal Unicode form")],
)  # fmt: skip
def test_createuser_refuses_usernames_the_admin_would_refuse(db, monkeypatch, username, message):
    monkeypatch.setenv("PORTAL_PASSWORD", "a-long-enough-passphrase-77")
    with pytest.raises(CommandError, match=message):
        call_command("createuser", username, "--role", "officer", stdout=StringIO())
    assert not User.objects.exists()


def test_createuser_refuses_an_existing_username(make_user, monkeypatch):
    existing = make_user("officer")
    monkeypatch.setenv("PORTAL_PASSWORD", "a-long-enough-passphrase-77")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", existing.username, "--role", "admin", stdout=StringIO())
    assert user_role(_fresh(existing)) == "officer"


# --- lockout bookkeeping, TOTP replay ----------------------------------------------------------------


def test_axes_keeps_neither_the_code_nor_the_csrf_token_of_an_attempt(make_user):
    from axes.models import AccessAttempt

    user = make_user("admin")
    secret = totp_secret_of(totp_device_enrol(user=user))
    client = Client()
    client.post(
        "/accounts/login/",
        {"username": user.username, "password": "wrong-password-123", "otp_token": "123456",
         "csrfmiddlewaretoken": "csrf-secret-value"},
        REMOTE_ADDR="10.0.0.1",
    )  # fmt: skip
    attempt = AccessAttempt.objects.get()
    assert "123456" not in attempt.post_data and "csrf-secret-value" not in attempt.post_data
    assert "wrong-password-123" not in attempt.post_data and secret not in attempt.post_data


def test_lockout_is_not_dodged_by_padding_or_unicode_variants_of_the_username(make_user):
    user = make_user("officer", username="constable")
    client = Client()
    for _ in range(5):
        _login(client, user.username, password="wrong-password-123")
    for variant in (" constable", "constable ", "\uff43onstable"):  # the form strips and NFKC-normalises
        assert _login(Client(), variant).status_code == 403, repr(variant)


def test_a_totp_code_cannot_be_replayed_nor_one_from_two_windows_ago_used(make_user):
    user = make_user("oversight")
    secret = totp_secret_of(totp_device_enrol(user=user))
    stale = totp_code(secret, at=time.time() - 90)
    if stale != totp_code(secret):
        assert _login(Client(), user.username, otp=stale).status_code == 200
        user.totpdevice_set.get().throttle_reset()
    code = totp_code(secret)
    assert _login(Client(), user.username, otp=code).status_code == 302
    user.totpdevice_set.get().throttle_reset()
    replay = _login(Client(), user.username, otp=code)
    assert replay.status_code == 200 and "wrong or has expired" in replay.content.decode()


# --- token doors ---------------------------------------------------------------------------------------


def test_only_the_token_header_authenticates(make_user):
    import base64

    user = make_user("officer")
    _, key = token_issue(user=user, by=SYSTEM)
    refused = [f"Bearer {key}", f"Token {key} extra", f"Token {key[:-1]}", f"Basic {key}", "Token \u00e9t\u00e9"]
    basic = base64.b64encode(f"{user.username}:{TEST_PASSWORD}".encode()).decode()
    for header in [*refused, f"Basic {basic}"]:
        assert APIClient().get("/api/v1/scoring/policies/", HTTP_AUTHORIZATION=header).status_code == 401, header
    for name in ("token", "auth_token", "key", "access_token"):
        assert APIClient().get(f"/api/v1/scoring/policies/?{name}={key}").status_code == 401, name
    assert APIClient().get("/api/v1/scoring/policies/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    stored = ApiToken.objects.get()
    assert stored.key_hash != key and key not in (stored.key_hash, stored.prefix * 5)


def test_a_token_follows_a_role_change(make_user):
    from portal.accounts.roles import Role
    from portal.accounts.services import user_role_set

    user = make_user("officer")
    _, key = token_issue(user=user, by=SYSTEM)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/offenders/").status_code == 200
    user_role_set(user=user, role=Role.OVERSIGHT, by=SYSTEM)
    assert api.get("/api/v1/offenders/").status_code == 403


# --- sessions: fixation, server-side logout, password change, CSRF, redirects --------------------------


def test_session_key_changes_at_sign_in(make_user):
    user = make_user("officer")
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    assert _login(client, user.username).status_code == 302
    assert client.cookies["sessionid"].value != planted
    thief = Client()
    thief.cookies["sessionid"] = planted
    assert thief.get("/").status_code == 302


def test_logout_ends_the_session_on_the_server(make_user):
    user = make_user("officer")
    client = Client()
    _login(client, user.username)
    copied = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = copied
    assert replay.get("/").status_code == 302


def test_password_change_ends_the_users_other_sessions(make_user):
    user = make_user("officer")
    client = Client()
    _login(client, user.username)
    user_password_set(user=user, password="another-long-passphrase-99", by=make_user("admin"))
    assert client.get("/").status_code == 302


def test_state_changing_forms_need_the_csrf_token(make_user):
    user = make_user("officer")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 403
    client.force_login(user)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/").status_code == 200  # still signed in


def test_redirects_to_sign_in_encode_the_path(make_user):
    admin_user = make_user("admin")
    client = Client()
    client.force_login(admin_user)  # never passed TOTP
    response = client.get("/rankings/%26next=//evil.example/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/rankings/%26next%3D//evil.example/"
    response = Client().get("/admin/login/?next=/admin/%26next=//evil.example")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F%26next%3D%2F%2Fevil.example"


def test_no_password_endpoint_on_the_api(db):
    client = APIClient()
    for path in ("/api-auth/login/", "/api/v1/auth/login/", "/api/v1/token/", "/api/v1/auth/token/"):
        response = client.post(path, {"username": "x", "password": "y"})
        assert response.status_code == 404, path


def test_restricted_grant_is_only_given_through_the_service(make_user):
    """Belt and braces for the matrix: the grant an admin gives through the service is audited."""
    from portal.accounts.services import user_access_set

    admin_user, supervisor = make_user("admin"), make_user("supervisor")
    user_access_set(by=admin_user, user=supervisor, role="supervisor", restricted_access=True)
    assert has_restricted_access(_fresh(supervisor))
    grant = Permission.objects.get(codename="restricted_access")
    assert _fresh(supervisor).user_permissions.filter(pk=grant.pk).exists()
    with pytest.raises(Exception, match="cannot change your own"):
        user_access_set(by=admin_user, user=admin_user, role="supervisor", restricted_access=False)


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["demote", "deactivate"])
def test_two_admins_removing_each_other_at_once_leave_one(step, reference_data, make_user):
    """The last-admin rule under a race: both requests at the same moment, each on its own connection.
    The administrators' rows are locked before the check, so the second one sees the first's change. (Or,
    if the first one has committed before the second even starts, the second is no longer an admin and
    the service refuses it outright.)"""
    import threading

    from django.core.exceptions import PermissionDenied
    from django.db import connection

    from portal.accounts.roles import role_names
    from portal.accounts.services import user_access_set

    first, second = make_user("admin", username="adm_one"), make_user("admin", username="adm_two")
    barrier, outcomes = threading.Barrier(2), []

    def remove(by_pk: int, target_pk: int):
        try:
            by, target = get_user_model().objects.get(pk=by_pk), get_user_model().objects.get(pk=target_pk)
            barrier.wait()
            if step == "demote":
                user_access_set(by=by, user=target, role="officer")
            else:
                user_deactivate(user=target, by=by)
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        except PermissionDenied as error:
            outcomes.append(str(error))
        except Exception as error:  # noqa: BLE001 - shown by the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=pair) for pair in ((first.pk, second.pk), (second.pk, first.pk))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refusals = ("last active administrator", "Only an administrator may manage users")
    assert outcomes.count("done") == 1 and any(r in o for o in outcomes for r in refusals), outcomes
    admins = [u for u in get_user_model().objects.filter(is_active=True) if "admin" in role_names(u)]
    assert len(admins) == 1
