"""A partner's organisation set in the Django admin, by the same rule as `createuser --organisation`
(portal.accounts.services.partners): every partner has one, nobody else does; a bad combination is a form error
and changes nothing."""

import pytest
from django.contrib.auth import get_user_model

from portal.accounts.models import Organisation
from portal.accounts.roles import user_role
from portal.audit.models import AuditEvent
from tests.portal.accounts.test_auth_hardening import _change_form, _fresh

User = get_user_model()
PASSPHRASE = "a-long-enough-passphrase-77"


@pytest.fixture
def agency(db):
    return Organisation.objects.create(name="Northside IDVA Service")


def _add_form(**overrides) -> dict:
    data = {"username": "idva_new", "usable_password": "true", "password1": PASSPHRASE, "password2": PASSPHRASE}
    return {**data, **overrides}


def test_the_add_form_makes_a_partner_in_an_organisation(make_user, web_for, agency):
    client = web_for(make_user("admin"))
    page = client.get("/admin/accounts/user/add/").content.decode()
    assert 'name="organisation"' in page and agency.name in page
    response = client.post("/admin/accounts/user/add/", _add_form(role="partner", organisation=agency.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    made = User.objects.get(username="idva_new")
    assert user_role(made) == "partner" and made.organisation == agency
    created = AuditEvent.objects.get(action="user.create", target_id=str(made.pk))
    assert created.changes["organisation_id"] == {"before": None, "after": agency.pk}


@pytest.mark.parametrize(
    ("role", "with_agency", "message"),
    [("partner", False, "A partner belongs to an organisation"), ("officer", True, "Only a partner belongs")],
)
def test_the_add_form_refuses_a_bad_combination_and_makes_nobody(
    make_user, web_for, agency, role, with_agency, message
):
    client = web_for(make_user("admin"))
    body = _add_form(role=role, **({"organisation": agency.pk} if with_agency else {}))
    response = client.post("/admin/accounts/user/add/", body)
    assert response.status_code == 200 and message in response.content.decode()
    assert not User.objects.filter(username="idva_new").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_the_change_form_moves_an_officer_to_a_partner_and_back(make_user, web_for, agency):
    client = web_for(make_user("admin"))
    person = make_user("officer")
    url = f"/admin/accounts/user/{person.pk}/change/"
    response = client.post(url, _change_form(person, role="partner", organisation=agency.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    person = _fresh(person)
    assert user_role(person) == "partner" and person.organisation == agency
    assert f'value="{agency.pk}" selected' in client.get(url).content.decode()
    update = AuditEvent.objects.get(action="user.update", target_id=str(person.pk))
    assert update.changes == {"organisation_id": {"before": None, "after": agency.pk}}

    response = client.post(url, _change_form(person, role="officer", organisation=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    person = _fresh(person)
    assert user_role(person) == "officer" and person.organisation is None


@pytest.mark.parametrize(
    ("start", "change", "message"),
    [
        ("officer", {"role": "partner"}, "A partner belongs to an organisation"),  # no organisation chosen
        ("officer", {"organisation": "AGENCY"}, "Only a partner belongs"),  # an officer given one
        ("partner", {"role": "supervisor"}, "Only a partner belongs"),  # promoted, the agency left set
        ("partner", {"organisation": ""}, "A partner belongs to an organisation"),  # the agency cleared
    ],
)
def test_the_change_form_refuses_a_bad_combination_and_changes_nothing(
    make_user, web_for, agency, start, change, message
):
    client = web_for(make_user("admin"))
    person = make_user(start, **({"organisation": agency} if start == "partner" else {}))
    events = AuditEvent.objects.count()
    body = _change_form(person)
    for name, value in change.items():  # "" leaves the field empty, as a cleared box posts nothing
        body.pop(name, None) if value == "" else body.update({name: agency.pk if value == "AGENCY" else value})
    response = client.post(f"/admin/accounts/user/{person.pk}/change/", body)
    assert response.status_code == 200 and message in response.content.decode()
    after = _fresh(person)
    assert user_role(after) == start and after.organisation_id == person.organisation_id
    assert AuditEvent.objects.count() == events


def test_the_service_refuses_what_the_form_would(make_user, agency):
    """user_update checks the rule itself (a caller other than the form is refused the same way)."""
    from django.core.exceptions import ValidationError

    from portal.accounts.services import user_update

    admin = make_user("admin")
    person = make_user("officer")
    person.organisation = agency
    with pytest.raises(ValidationError, match="Only a partner belongs"):
        user_update(user=person, role="officer", by=admin)
    assert _fresh(person).organisation is None
