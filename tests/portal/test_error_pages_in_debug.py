"""The portal's own 404 and 500 pages with DEBUG on (the demo's mode): never Django's debug pages, which
list the URL patterns and, for a 500, settings and local values. The API keeps its JSON."""

from unittest import mock

import pytest
from django.test import Client, override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore")]


@override_settings(DEBUG=True)
@pytest.mark.parametrize("address", ["/offenders/?page=9999", "/no-such-page/", "/cases/999999/"])
def test_a_missing_page_is_the_portals_404_with_debug_on(make_user, web_for, address):
    response = web_for(make_user("officer")).get(address)
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "DEBUG = True" not in body and "URLconf" not in body


@override_settings(DEBUG=True)
def test_an_error_is_the_portals_500_with_debug_on(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("officer"))
    with mock.patch("portal.views.dashboard_panels", side_effect=RuntimeError("boom in a panel")):
        response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body and "boom in a panel" not in body


@override_settings(DEBUG=True)
def test_the_api_keeps_its_json_404_with_debug_on(make_user, api_for):
    response = api_for(make_user("officer")).get("/api/v1/cases/999999/")
    assert response.status_code == 404 and response.json()["detail"]


@override_settings(DEBUG=True, PORTAL_DEBUG_ERROR_PAGES=True)
def test_a_developer_may_ask_for_djangos_pages(make_user, web_for):
    response = web_for(make_user("officer")).get("/no-such-page/")
    assert response.status_code == 404 and "DEBUG = True" in response.content.decode()
