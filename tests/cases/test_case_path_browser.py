"""The whole case path in a real browser: a supervisor tasks the top-ranked offender, the officer adds
and completes an action in each strand, and the supervisor closes the case with an exit reason."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, PlanAction
from tests.conftest import browser_login
from tests.factories import OffenceFactory, OffenderFactory

pytestmark = pytest.mark.browser

STRAND_WORK = [
    ("pursue", "Arrest for breach of the non-molestation order", "arrest"),
    ("prevent", "Refer to the perpetrator programme", "referral"),
    ("protect", "Apply for a domestic abuse protection order", "dapo"),
    ("prepare", "Fill the intelligence gap on his current address", "other"),
]


@pytest.fixture
def ranked_offenders(reference_data):
    """Two scored offenders; the first is top of the live ranking."""
    from scoring.models import OffenderScore, ScoringPolicy

    policy = ScoringPolicy.objects.get(status="active")
    today = timezone.localdate()
    people = []
    for surname, score in (("Ashdown", 1460.0), ("Bellamy", 365.0)):
        person = OffenderFactory(surname=surname, forenames="Mark")
        OffenceFactory(offender=person)
        OffenceFactory(offender=person)
        OffenderScore.objects.create(offender=person, policy=policy, score=score, harm_days=score, offence_count=2,
                                     victim_count=2, eligible=True, as_of=today, computed_at=timezone.now())  # fmt: skip
        people.append(person)
    return people


def sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")


def test_case_path(ranked_offenders, page, make_user):
    top = ranked_offenders[0]
    make_user("supervisor", username="sgt_browser")
    officer = make_user("officer", username="pc_browser", first_name="Priya", last_name="Constable")
    make_user("officer", username="pc_helper")
    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()

    # The supervisor tasks the top-ranked offender from the dashboard's "not yet tasked" panel.
    browser_login(page, "sgt_browser")
    panel = page.locator("[data-testid=panel-untasked]")
    assert "Ashdown" in panel.locator("tr").nth(1).inner_text()  # top of the list comes first
    panel.locator("tr").nth(1).get_by_role("link", name="Task this offender").click()
    page.select_option("#id_lead", str(officer.pk))
    page.fill("#id_reason", "Top of the harm ranking; repeat partner abuse against two victims")
    page.click("[data-testid=task-form] button[type=submit]")
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get(offender=top)
    assert page.locator("[data-testid=stage]").first.inner_text() == "Tasked"
    page.select_option("#id_to", "active")
    page.fill("#id_reason", "Plan agreed with the lead officer")
    page.click("[data-testid=transition-form] button[type=submit]")
    assert page.locator("[data-testid=stage]").first.inner_text() == "Active"
    sign_out(page)

    # The officer finds the case among his own and works the plan in every strand.
    browser_login(page, "pc_browser")
    page.goto("/cases/?scope=mine")
    page.get_by_role("link", name=f"Case {case.pk}").click()
    for strand, description, _ in STRAND_WORK:
        page.select_option("#id_strand", strand)
        page.fill("#id_description", description)
        page.select_option("#id_owner", str(officer.pk))
        page.fill("#id_due_on", due)
        page.click("[data-testid=action-form] button[type=submit]")
        assert description in page.locator(f"[data-testid=strand-{strand}]").inner_text()
    # Done without an outcome is refused with a clear message and changes nothing.
    first = PlanAction.objects.get(case=case, strand="pursue")
    page.select_option(f"#status-{first.pk}", "done")
    page.click(f"[data-testid=complete-{first.pk}] button")
    assert "A done action needs an outcome." in page.locator(".govuk-error-summary").inner_text()
    assert PlanAction.objects.get(pk=first.pk).status == "open"
    for strand, _, outcome in STRAND_WORK:
        action = PlanAction.objects.get(case=case, strand=strand)
        page.select_option(f"#status-{action.pk}", "done")
        page.select_option(f"#outcome-{action.pk}", outcome)
        page.click(f"[data-testid=complete-{action.pk}] button")
        assert "Done" in page.locator(f"[data-testid=action-{action.pk}]").inner_text()
    page.fill("#id_text", "All four strands actioned; victim safety plan in place.")
    page.click("[data-testid=note-form] button[type=submit]")
    assert "victim safety plan" in page.locator("[data-testid=note]").first.inner_text()
    assert page.locator("[data-testid=transition-form]").count() == 0  # officers do not change stages
    sign_out(page)

    # The supervisor closes the case with an exit reason.
    browser_login(page, "sgt_browser")
    page.goto(f"/cases/{case.pk}/")
    page.select_option("#id_to", "closed")
    page.fill("#id_reason", "Convicted at crown court; custodial sentence")
    page.click("[data-testid=transition-form] button[type=submit]")
    assert "exit reason" in page.locator(".govuk-error-summary").inner_text()  # refused: none given
    page.select_option("#id_to", "closed")
    page.fill("#id_reason", "Convicted at crown court; custodial sentence")
    page.select_option("#id_exit_reason", "convicted")
    page.click("[data-testid=transition-form] button[type=submit]")
    assert "Check before you close this case" in page.locator("h1").inner_text()  # nothing closed yet
    assert "Convicted" in page.locator("[data-testid=check-answers]").inner_text()
    page.click("[data-testid=confirm]")
    assert page.locator("[data-testid=stage]").first.inner_text() == "Closed"
    assert "Convicted" in page.locator("[data-testid=exit-reason]").inner_text()

    case.refresh_from_db()
    assert (case.stage, case.exit_reason) == ("closed", "convicted")
    assert dict(case.actions.values_list("strand", "outcome")) == {s: o for s, _, o in STRAND_WORK}
    assert [c.to_stage for c in case.stage_changes.order_by("id")] == ["tasked", "active", "closed"]
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
