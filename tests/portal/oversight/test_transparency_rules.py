"""The transparency page states the review and retention rules in plain words, read from the settings
that enforce them (docs/records.md)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_rules_in_plain_words(make_user, web_for):
    body = web_for(make_user("oversight")).get("/oversight/transparency/").content.decode()
    assert 'data-testid="retention-rules"' in body
    assert (
        "2 years after the person&#x27;s last recorded offence; 6 years when any of his offences was charged or convicted"
        in body
    )
    assert "The next review is at least 1 year later." in body
    assert "never names a victim" in body and "open case" in body
    assert "Kept for 7 years" in body and "kept for 2 years" in body


def test_they_follow_the_configuration(make_user, web_for, settings):
    settings.PORTAL_REVIEW_YEARS, settings.PORTAL_REVIEW_YEARS_CHARGED = 3, 10
    settings.PORTAL_REVIEW_CHARGED_STATUSES = ["convicted"]
    settings.PORTAL_AUDIT_RETENTION_DAYS = 400
    body = web_for(make_user("supervisor")).get("/oversight/transparency/").content.decode()
    assert (
        "3 years after the person&#x27;s last recorded offence; 10 years when any of his offences was convicted" in body
    )
    assert "Kept for 400 days" in body
