"""The skeleton every page stands on: login, the dashboard, headers and static assets."""

import pytest


def test_login_page_renders_without_inline_script(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sign in" in body
    assert "<script>" not in body  # CSP: no inline script
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_dashboard_needs_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin", "oversight"])
def test_dashboard_for_each_role(make_user, web_for, role):
    response = web_for(make_user(role)).get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_stylesheet_is_served_locally_and_uses_arial(client, db):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Arial" in css and b"GDS Transport" not in css
