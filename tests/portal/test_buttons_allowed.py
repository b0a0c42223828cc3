"""No page offers a button or link its reader would be refused: every page of docs/pages.md, opened with
Django's test client as every kind of requester that may open it, and every POST form and every link on
it followed as that requester. A control shown to someone the view then refuses (403, or sent to sign
in) fails the test, naming the page, the requester and the control: a page hides what its reader may not
do through the same permission check the view makes (`can(...)` in the selector or view that builds the
page), never a second rule in a template.

A form is submitted with the values it would send unchanged (its hidden fields, defaults and first
choices, each submit button in turn), inside a savepoint that is rolled back, so nothing it does stays;
the answer is classified as the access matrix classifies it (tests/portal/test_access_matrix.outcome_of:
a form error or a 400/409 about the input is allowed, a refusal is not). The pages and the world are the
accessibility sweep's (tests/portal/test_accessibility_browser.py).
"""

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.conftest import mark_session_mfa_verified
from tests.portal import access_matrix as matrix
from tests.portal.query_count_world import person, world_create, world_grow
from tests.portal.test_access_matrix import outcome_of
from tests.portal.test_accessibility_browser import _sample_ids, pages_listed

# Links that are not actions of the portal: assets, the page itself, the API's own browser.
SKIPPED_PREFIXES = ("/static/", "/media/", "/api/schema/")


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    submits: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, formaction)


class Controls(HTMLParser):
    """The POST forms (with the values they would send) and the links of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, options, selected
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(action=a.get("action", "")) if a.get("method", "get").lower() == "post" else None
        elif self._form is not None and "disabled" not in a:
            self._form_control(self._form, tag, a)

    def _form_control(self, form: Form, tag: str, a: dict[str, str]) -> None:
        kind = a.get("type", "submit" if tag == "button" else "text").lower()
        if tag in ("input", "button") and kind in ("submit", "image"):
            form.submits.append((a.get("name", ""), a.get("value", ""), a.get("formaction", "")))
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a and a.get("name"):
                form.fields.append((a["name"], a.get("value", "on")))
        elif tag == "input" and kind != "button" and a.get("name"):
            form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            self._form.fields += [(name, value) for value in (selected or options[:1])]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None


def _data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def _submitted(client: Client, url: str, data: dict) -> str:
    """POST as the form would, then undo it: the outcome only (the session cookie kept as it was)."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)

    class Undo(Exception):
        pass

    outcome = ""
    try:
        with transaction.atomic():
            outcome = outcome_of(client.post(url, data), api=False)
            raise Undo
    except Undo:
        pass
    finally:
        client.cookies = cookies
    return outcome


def refused_controls(
    client: Client, page: str, html: str, *, followed: dict[str, str], anonymous: bool = False
) -> list[str]:
    """Every control on `html` (served at `page`) that `client` would be refused: POST forms submitted as
    they stand (each submit button), links followed with GET. `followed` caches link outcomes."""
    controls = Controls()
    controls.feed(html)
    allowed = {matrix.OK, matrix.LOGIN} if anonymous else {matrix.OK}  # a link home before signing in is fine
    refused = []
    for form in controls.forms:
        for name, value, formaction in form.submits or [("", "", "")]:
            url = urljoin(page, formaction or form.action or page)
            data = _data(form.fields + ([(name, value)] if name else []))
            outcome = _submitted(client, url, data)
            if outcome != matrix.OK:
                refused.append(f"form POST {url} ({name or 'submit'}={value!r}): {outcome}")
    for href in controls.links:
        url = urljoin(page, href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or url.startswith(SKIPPED_PREFIXES):
            continue
        if url.split("#")[0] == page or (parts.path == urlsplit(page).path and not parts.query):
            continue
        if url not in followed:
            followed[url] = outcome_of(client.get(url), api=False)
        if followed[url] not in allowed:
            refused.append(f"link {url}: {followed[url]}")
    return refused


# --- the checker itself can fail ----------------------------------------------------------------------

PLANTED = """<main>
  <form method="post" action="/cases/{case}/transition/"><input type="hidden" name="to" value="active">
    <button type="submit">Move to active</button></form>
  <form method="post" action="/cases/{case}/notes/"><textarea name="text">A note</textarea>
    <button>Add note</button></form>
  <form method="get" action="/cases/{case}/edit/"><button>Not a write</button></form>
  <a href="/cases/{case}/edit/">Edit case</a> <a href="/cases/">Cases</a> <a href="https://example.org/">Out</a>
</main>"""


def test_the_checker_finds_a_planted_button_the_reader_would_be_refused(make_user, open_case_for_sweep):
    """An officer on the case may add notes but not move its stage or edit it (supervisors do): the
    planted transition form and edit link are reported, the note form and the cases link are not."""
    case, lead = open_case_for_sweep
    client = Client()
    client.force_login(lead)
    page = f"/cases/{case.pk}/"
    found = refused_controls(client, page, PLANTED.format(case=case.pk), followed={})
    assert found == [
        f"form POST /cases/{case.pk}/transition/ (submit=''): {matrix.DENY}",
        f"link /cases/{case.pk}/edit/: {matrix.DENY}",
    ]
    assert not case.notes.exists()  # the note form was submitted, and undone


@pytest.fixture
def open_case_for_sweep(make_user):
    from cases.services.cases import case_open
    from tests.factories import OffenceFactory

    supervisor, lead = make_user("supervisor"), make_user("officer")
    offender = OffenceFactory().offender
    return case_open(offender=offender, lead=lead, team=[], reason="sweep", by=supervisor), lead


# --- the sweep ----------------------------------------------------------------------------------------


def _requesters(world) -> dict[str, object]:
    """Every kind of reader: each role, the case's lead and a teammate, an officer on no case, and a
    partner on the case's team (with an agreement in force); anonymous is None."""
    from tests.factories.partners import organisation_with_agreement

    today = timezone.localdate()
    organisation, _agreement = organisation_with_agreement("Sweep IDVA Service", ends_on=today + dt.timedelta(days=30))
    partner = person("sweep_partner", "partner")
    partner.organisation = organisation
    partner.save(update_fields=["organisation"])
    world.cases[0].team.add(partner)
    people = world.people
    return {
        "anonymous": None, "officer (lead)": people["officer"], "officer (team)": people["teammate"],
        "officer (no case)": person("sweep_outsider", "officer"), "supervisor": people["supervisor"],
        "admin": people["admin"], "oversight": people["oversight"], "partner": partner,
    }  # fmt: skip


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        mark_session_mfa_verified(client, user)
    return client


def test_no_page_offers_a_control_its_reader_would_be_refused(db):
    world = world_grow(world_create(), new=2)
    ids = _sample_ids(world)
    addresses = sorted({address.format(**ids) for _role, _name, address in pages_listed()})
    problems: list[str] = []
    opened: set[tuple[str, str]] = set()
    for who, user in _requesters(world).items():
        client, followed = _client_for(user), {}
        for address in addresses:
            if address == "/accounts/logout/":
                continue  # signing out ends the session the rest of the sweep uses; its form is everyone's
            page, response = address, client.get(address)
            if response.status_code == 302 and outcome_of(response, api=False) == matrix.OK:
                page = response["Location"]  # a page that sends its reader on (a draft already open, say)
                response = client.get(page)
            if response.status_code != 200 or response.get("Content-Type", "").split(";")[0] != "text/html":
                continue  # a page this reader may not open (or a download)
            opened.add((who, address))
            html = response.content.decode()
            problems += [
                f"{who} on {address}: {p}"
                for p in refused_controls(client, page, html, followed=followed, anonymous=user is None)
            ]
    # The sweep really read the pages: each row's role opened its page, and the other readers theirs.
    as_listed = {"officer": "officer (lead)"}
    expected = {
        (as_listed.get(role, role), address.format(**ids))
        for role, name, address in pages_listed()
        if address != "/accounts/logout/" and name != "Page not found"
    }
    assert expected <= opened, sorted(expected - opened)
    readers = {who for who, _address in opened}
    assert readers == {"anonymous", *as_listed.values(), "officer (team)", "officer (no case)", "supervisor",
                       "admin", "oversight", "partner"}  # fmt: skip
    assert ("partner", f"/cases/{ids['case']}/") in opened
    assert not problems, "\n".join(problems)
