"""Check your answers before a consequential action (approve, activate, close a case), and refusals
that say why."""

import pytest
from django.test import Client

from cases.models import Case
from cases.services.cases import case_open
from scoring.models import ScoringPolicy
from scoring.services.policies import policy_create_draft
from tests.conftest import mark_session_mfa_verified
from tests.factories import OffenderFactory

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    mark_session_mfa_verified(client, user)
    return client


def test_closing_a_case_is_checked_first(make_user):
    supervisor = make_user("supervisor")
    case = case_open(offender=OffenderFactory(), lead=make_user("officer"), reason="tasked", by=supervisor)
    web = _web(supervisor)
    answers = {"to": "closed", "reason": "Convicted at crown court", "exit_reason": "convicted"}
    check = web.post(f"/cases/{case.pk}/transition/", {**answers, "check": "1"})
    body = check.content.decode()
    assert check.status_code == 200 and "Check before you close this case" in body
    assert "Convicted at crown court" in body and 'data-testid="confirm"' in body
    assert Case.objects.get(pk=case.pk).stage == "tasked"  # nothing changed yet
    assert web.post(f"/cases/{case.pk}/transition/", answers).status_code == 302
    assert Case.objects.get(pk=case.pk).stage == "closed"


def test_approving_and_activating_a_policy_are_checked_first(make_user):
    author, approver = make_user("admin", username="pol_author"), make_user("admin", username="pol_approver")
    active = ScoringPolicy.objects.get(status="active")
    draft = policy_create_draft(name="Checked", based_on=active, by=author)
    web = _web(approver)
    check = web.post(f"/scoring/policies/{draft.pk}/approve/", {"check": "1"})
    assert check.status_code == 200 and "Check before you approve this policy" in check.content.decode()
    assert ScoringPolicy.objects.get(pk=draft.pk).status == "draft"
    assert web.post(f"/scoring/policies/{draft.pk}/approve/").status_code == 302
    check = web.post(f"/scoring/policies/{draft.pk}/activate/", {"check": "1"})
    assert "full recompute" in check.content.decode() and ScoringPolicy.objects.get(pk=draft.pk).status == "approved"


def test_the_author_is_refused_at_the_check_and_told_why(make_user):
    author = make_user("admin", username="pol_self")
    draft = policy_create_draft(name="Mine", based_on=ScoringPolicy.objects.get(status="active"), by=author)
    response = _web(author).post(f"/scoring/policies/{draft.pk}/approve/", {"check": "1"})
    assert response.status_code == 403 and "Four eyes: the author of a policy may not approve it." in (
        response.content.decode()
    )


def test_a_page_refused_by_role_says_who_it_is_for(make_user):
    response = _web(make_user("officer")).get("/scoring/policies/new/")
    assert response.status_code == 403
    assert "This is for admins only; you are signed in as officer." in response.content.decode()
