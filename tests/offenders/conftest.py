"""Fixtures for the offenders area: people in each role and a small, known set of records."""

import pytest

from tests.factories import OffenceFactory, OffenderFactory

PURPOSE = {"HTTP_X_ACCESS_PURPOSE": "investigation"}


@pytest.fixture
def officer(make_user):
    return make_user("officer", username="officer_a")


@pytest.fixture
def officer_api(api_for, officer):
    return api_for(officer)


@pytest.fixture
def offender(db):
    return OffenderFactory(surname="Testwood", forenames="Alan", suspect_ref="SUS-1")


@pytest.fixture
def hidden_offender(db):
    """A restricted offender: only officers and supervisors with the grant may see it."""
    return OffenderFactory(surname="Hiddenfield", forenames="Rex", suspect_ref="SUS-HIDDEN", restricted=True)


@pytest.fixture
def offence(offender):
    return OffenceFactory(offender=offender, crime_ref="CR-1", borough="Hackney")


def offence_body(who, /, **overrides) -> dict:
    """A valid API body for a new offence against `who` (an offender)."""
    body = {
        "crime_ref": "CR-NEW-1",
        "offence_code": "00867",
        "occurred_on": "2024-01-10",
        "reported_on": "2024-01-12",
        "status": "reported",
        "offender": who.pk,
        "victim_ref": "VIC-NEW-1",
        "victim_relationship": "ex_partner",
        "borough": "Camden",
        "domestic": True,
    }
    body.update(overrides)
    return body
