"""The profile of the offender with the most offences, as an officer meets it: the case near the top,
the score summed by offence type with its total in view (no sideways scrolling, at desktop and phone
width), the long lists folded away so the page stays short."""

import pytest
from django.db.models import Count

from cases.services.cases import case_open
from offenders.models import Offender
from scoring.models import ScoringPolicy
from tests.conftest import browser_login
from tests.scoring.conftest import make_offence, make_offender, run_synchronously, today  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def prolific(reference_data, make_offender, make_offence, make_user):  # noqa: F811 - fixtures imported above
    codes = list(ScoringPolicy.objects.get(status="active").entries.order_by("code").values_list("code", flat=True)[:6])
    for index in range(4):  # others with fewer offences
        other = make_offender(surname=f"Lesser{index}")
        for n in range(3 + index):
            make_offence(other, code=codes[n % len(codes)], days_ago=5 + n, victim=f"L{index}-{n}")
    many = make_offender(surname="Prolific")
    for n in range(60):
        make_offence(many, code=codes[n % len(codes)], days_ago=1 + 5 * n, victim=f"P{n % 9}", borough="Islington")
    run_synchronously()
    most = Offender.objects.annotate(n=Count("offences")).order_by("-n")[0]
    supervisor = make_user("supervisor", username="sgt_prolific")
    case_open(offender=most, lead=make_user("officer", username="pc_prolific"), reason="Top of the list", by=supervisor)
    return most


@pytest.mark.parametrize("width", [1366, 390])
def test_the_score_total_of_the_most_prolific_offender_is_in_view(prolific, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, "pc_prolific")
    page.goto(f"/offenders/{prolific.pk}/")
    page.locator("[data-testid=purpose-form] [name=purpose]").first.check()
    page.click("[data-testid=purpose-form] button[type=submit]")
    total = page.locator("[data-testid=score-total]")
    total.wait_for()
    assert total.is_visible()
    box = total.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    scrolled = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scrolled <= 0
    shown = total.inner_text().replace(",", "")
    assert float(shown) == pytest.approx(float(prolific.score.score), abs=0.05)
    by_type = page.locator("[data-testid=score-by-type] tbody tr")
    assert by_type.count() == 7  # six offence types and the total

    cases_top = page.locator("[data-testid=offender-cases]").bounding_box()
    score_top = page.locator("[data-testid=score-panel]").bounding_box()
    assert cases_top and score_top and (cases_top["y"] < score_top["y"])  # the case before the detail
    assert page.locator("[data-testid=offences-details]").get_attribute("open") is None
    assert page.locator("[data-testid=score-breakdown-details]").get_attribute("open") is None
    if width == 1366:
        assert page.evaluate("() => document.documentElement.scrollHeight") < 4000
