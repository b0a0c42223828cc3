"""Partners in a real browser: a supervisor adds a partner (an IDVA) to a case, records a safety check
with the victim and a protective order, and gives the partner an action; the partner signs in, sees only
that case, redacted, and completes the action (docs/partners.md)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import ActionStatus, PlanAction, VictimSafety
from cases.services.cases import case_note_add, case_open
from offenders.models import ProtectiveOrder
from tests.conftest import browser_login
from tests.factories import OffenceFactory, OffenderFactory
from tests.factories.partners import organisation_with_agreement

pytestmark = pytest.mark.browser

POLICE_ONLY = "Informant: he keeps a knife in the van"


def sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")


def test_a_partner_on_the_case_completes_their_action(reference_data, page, make_user):
    today = timezone.localdate()
    idva_service, _agreement = organisation_with_agreement()
    supervisor = make_user("supervisor", username="sgt_protect")
    lead = make_user("officer", username="pc_protect")
    partner = make_user(
        "partner", username="idva_sam", first_name="Sam", last_name="Advocate", organisation=idva_service
    )
    offender = OffenderFactory(surname="Hartwell", ethnicity="W3")
    victim = OffenceFactory(offender=offender).victim
    other = OffenderFactory(surname="Otherton")
    OffenceFactory(offender=other)
    case = case_open(offender=offender, lead=lead, reason="Repeat abuse of an ex-partner", by=supervisor)
    other_case = case_open(offender=other, lead=lead, reason="Another case", by=supervisor)
    case_note_add(case=case, text=POLICE_ONLY, by=supervisor)
    due = (today + dt.timedelta(days=7)).isoformat()

    # The supervisor adds the IDVA to the team, records a safety check and an order, and gives her an action.
    browser_login(page, "sgt_protect")
    page.goto(f"/cases/{case.pk}/edit/")
    page.check(f'input[name=team][value="{partner.pk}"]')
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    page.select_option("#id_victim", str(victim.pk))
    page.fill("#id_checked_on", today.isoformat())
    page.select_option("#id_risk_grade", "high")
    page.fill("#id_notes", "Safety plan agreed; panic alarm fitted")
    page.click("[data-testid=safety-form] button[type=submit]")
    assert "Check due" not in page.locator(f"[data-testid=victim-{victim.pk}]").inner_text()
    page.select_option("#id_order-kind", "dapo")
    page.fill("#id_order-starts_on", (today - dt.timedelta(days=1)).isoformat())
    page.fill("#id_order-ends_on", (today + dt.timedelta(days=180)).isoformat())
    page.fill("#id_order-conditions", "No contact with the victim; not to enter her street")
    page.select_option("#id_order-protected_victims", [str(victim.pk)])
    page.click("[data-testid=order-form] button[type=submit]")
    assert "Domestic abuse protection order" in page.locator("[data-testid=orders]").inner_text()
    page.select_option("#id_strand", "protect")
    page.fill("#id_description", "IDVA to review the safety plan with the victim")
    page.select_option("#id_owner", str(partner.pk))
    page.fill("#id_due_on", due)
    page.click("[data-testid=action-form] button[type=submit]")
    action = PlanAction.objects.get(case=case, owner=partner)
    assert VictimSafety.objects.get(case=case, victim=victim).risk_grade == "high"
    assert ProtectiveOrder.objects.get(offender=offender).protected_victims.get() == victim
    sign_out(page)

    # The partner signs in, lands on her cases, sees only this one, redacted, and completes her action.
    browser_login(page, "idva_sam")
    page.wait_for_url("**/cases/")
    listing = page.content()
    assert f"/cases/{case.pk}/" in listing and f"/cases/{other_case.pk}/" not in listing
    page.get_by_role("link", name=f"Case {case.pk}").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    body = page.content()
    for secret in (POLICE_ONLY, victim.victim_ref, "Gypsy or Irish Traveller", "Repeat abuse of an ex-partner"):
        assert secret not in body
    form = page.locator(f"[data-testid=complete-{action.pk}]")
    form.locator("select[name=status]").select_option("done")
    form.locator("select[name=outcome]").select_option("safeguarding_visit")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Done" in page.locator(f"[data-testid=action-{action.pk}]").inner_text()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    response = page.goto("/rankings/")
    assert response is not None and response.status == 403
