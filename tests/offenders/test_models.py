"""Rules the database itself holds, so no writer (import, admin, a bug) can break them."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from offenders.models import Offence, OffenceType, Offender
from tests.factories import OffenceFactory, OffenderFactory


def test_offence_types_come_from_the_illustrative_index(db):
    assert OffenceType.objects.filter(code="008/67", title="Controlling or coercive behaviour").exists()
    assert OffenceType.objects.filter(code="19C", category="sexual").exists()


def test_crime_reference_is_unique(db):
    OffenceFactory(crime_ref="CR-DUP")
    with pytest.raises(IntegrityError), transaction.atomic():
        OffenceFactory(crime_ref="CR-DUP")


def test_suspect_reference_is_unique(db):
    OffenderFactory(suspect_ref="SUS-DUP")
    with pytest.raises(IntegrityError), transaction.atomic():
        OffenderFactory(suspect_ref="SUS-DUP")


def test_reported_may_not_precede_occurred(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OffenceFactory(occurred_on=dt.date(2024, 5, 2), reported_on=dt.date(2024, 5, 1))
    OffenceFactory(occurred_on=dt.date(2024, 5, 2), reported_on=dt.date(2024, 5, 2))


@pytest.mark.parametrize("field", ["status", "victim_relationship"])
def test_offence_vocabularies_are_enforced(db, field):
    offence = OffenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Offence.objects.filter(pk=offence.pk).update(**{field: "made_up"})


@pytest.mark.parametrize("field", ["status", "sex"])
def test_offender_vocabularies_are_enforced(db, field):
    offender = OffenderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Offender.objects.filter(pk=offender.pk).update(**{field: "made_up"})


def test_reference_is_a_stable_pseudonym(db):
    offender = OffenderFactory()
    assert offender.reference == f"S-{offender.pk:06d}"
    assert offender.surname not in offender.reference


def test_offenders_with_offences_cannot_be_deleted(db):
    offence = OffenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Offender.objects.filter(pk=offence.offender_id).delete()
