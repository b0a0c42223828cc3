"""Every page listed in docs/pages.md, as its role, at desktop and phone width: axe-core finds no
serious or critical violation, and at phone width the page never scrolls sideways.

The list of pages lives in docs/pages.md only (add a row there for a new page). axe-core comes from
node_modules and is injected by the browser driver, so no page of the portal loads it and no CDN is
involved.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from cases.services.meetings import meeting_open
from offenders.models import Offender
from scoring.models import ScoringPolicy
from tests.conftest import browser_login
from tests.portal.query_count_world import world_create, world_grow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules/axe-core/axe.min.js"
PAGES_DOC = ROOT / "docs/pages.md"
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = ("serious", "critical")
ROW = re.compile(r"^\| (anonymous|officer|supervisor|admin|oversight) \| (.+?) \| `([^`]+)` \|$")


def pages_listed() -> list[tuple[str, str, str]]:
    """(role, page name, address) for every row of the table in docs/pages.md."""
    rows = [ROW.match(line.strip()) for line in PAGES_DOC.read_text(encoding="utf-8").splitlines()]
    return [(match[1], match[2], match[3]) for match in rows if match]


def test_the_pages_list_covers_every_role_and_enough_pages():
    listed = pages_listed()
    assert len(listed) >= 25
    assert {role for role, _name, _address in listed} == {"anonymous", "officer", "supervisor", "admin", "oversight"}


def _sample_ids(world) -> dict[str, int]:
    ids = world.ids()
    ids["untasked"] = Offender.objects.filter(cases__isnull=True, restricted=False).order_by("pk")[0].pk
    ids["policy_active"] = ScoringPolicy.objects.get(status="active").pk
    chair = world.people["supervisor"]
    ids["meeting"] = meeting_open(held_on=timezone.localdate(), chair=chair, by=chair).pk
    return ids


def _problems(page, label: str, *, phone: bool) -> list[str]:
    if page.locator("[data-testid=purpose-form]").count():
        page.locator("[data-testid=purpose-form] [name=purpose]").first.check()
        page.click("[data-testid=purpose-form] button[type=submit]")
        page.wait_for_load_state()
    result = page.evaluate(
        """async () => await axe.run(document, {resultTypes: ['violations'],
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    found = [
        f"{label}: {v['impact']} {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
    if phone:
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            found.append(f"{label}: the page is {overflow} px wider than a 390 px screen: {_widest(page)}")
    return found


def _widest(page) -> list[str]:
    """The innermost elements that reach past the screen's right edge, to say what to fix."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => !e.closest('.portal-table-scroll') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
            .slice(0, 4).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} "${e.textContent.trim().slice(0, 30)}"`)"""
    )


def test_every_listed_page_passes_axe_and_fits_a_phone(reference_data, browser, live_server):
    world = world_grow(world_create(), new=3)
    ids = _sample_ids(world)
    by_role: dict[str, list[tuple[str, str]]] = {}
    for role, name, address in pages_listed():
        by_role.setdefault(role, []).append((name, address.format(**ids)))
    problems: list[str] = []
    for role, pages in by_role.items():
        context = browser.new_context(base_url=live_server.url)
        context.add_init_script(path=str(AXE))  # by the driver, not the page: the portal's CSP stays strict
        page = context.new_page()
        page.set_default_timeout(15000)
        if role != "anonymous":
            browser_login(page, world.people[role].username)
        for width_name, size in WIDTHS.items():
            page.set_viewport_size(size)
            for name, address in pages:
                page.goto(address)
                problems += _problems(page, f"{role} {name} {address} @{width_name}", phone=width_name == "phone")
        context.close()
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_menu_collapses_and_a_wide_table_says_it_scrolls(reference_data, page):
    world = world_grow(world_create(), new=2)
    page.set_viewport_size(WIDTHS["phone"])
    browser_login(page, world.people["oversight"].username)
    menu = page.locator(".govuk-service-navigation__toggle")
    assert menu.is_visible() and not page.locator("#portal-navigation").is_visible()
    menu.click()
    assert page.locator("#portal-navigation a[href='/oversight/audit/']").is_visible()
    page.goto("/oversight/audit/")
    box = page.locator(".portal-table-scroll--more").first
    assert box.get_attribute("tabindex") == "0" and "scrolls sideways" in (box.get_attribute("aria-label") or "")
    cue = page.evaluate("e => getComputedStyle(e, '::before').content", box.element_handle())
    assert "Scroll sideways" in cue
    page.set_viewport_size(WIDTHS["desktop"])
    page.goto("/")
    assert page.locator("#portal-navigation a[href='/oversight/audit/']").is_visible()
    assert not menu.is_visible()
