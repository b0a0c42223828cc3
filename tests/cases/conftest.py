"""Fixtures for case management: people in each role, an offender, and cases opened through the service."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.services.cases import case_open
from tests.factories import OffenceFactory, OffenderFactory


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor", username="sgt_sup", email="sup@force.example")


@pytest.fixture
def lead(make_user):
    return make_user("officer", username="pc_lead", email="lead@force.example")


@pytest.fixture
def teammate(make_user):
    return make_user("officer", username="pc_team", email="team@force.example")


@pytest.fixture
def outsider(make_user):
    """An officer on no case: may read cases but not work them."""
    return make_user("officer", username="pc_other", email="other@force.example")


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", username="admin_one")


@pytest.fixture
def oversight_user(make_user):
    return make_user("oversight", username="overseer")


@pytest.fixture
def offender(db):
    person = OffenderFactory()
    OffenceFactory(offender=person, borough="Camden")
    OffenceFactory(offender=person, borough="Hackney")
    return person


@pytest.fixture
def open_case(supervisor):
    """open_case(offender=None, lead=..., team=(...)) -> a tasked case, opened by the supervisor."""

    def factory(offender=None, *, lead, team=(), reason="Top of the list; repeat partner abuse", review_due=None):
        return case_open(
            offender=offender or OffenderFactory(),
            lead=lead,
            team=list(team),
            reason=reason,
            review_due=review_due,
            by=supervisor,
        )

    return factory


@pytest.fixture
def case(open_case, offender, lead, teammate):
    return open_case(offender, lead=lead, team=[teammate])


@pytest.fixture
def organisation(db, today):
    """An IDVA service with an information-sharing agreement in force (a year either side of today)."""
    from tests.factories.partners import organisation_with_agreement

    org, _agreement = organisation_with_agreement(
        purpose="Safeguarding victims of domestic abuse (MATAC)",
        legal_basis="DPA 2018 s.35 and Sch 8 para 4 (safeguarding)",
        starts_on=today - dt.timedelta(days=365),
        ends_on=today + dt.timedelta(days=365),
    )
    return org


@pytest.fixture
def partner(make_user, organisation):
    return make_user("partner", username="idva_one", organisation=organisation, email="idva@partner.example")
