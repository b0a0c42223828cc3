"""factory_boy factories for the offenders app, shared by every area's tests.

Offence types come from the migration-loaded illustrative index (get-or-create on the code), so
factories never invent a classification the scoring policy does not know.
"""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from offenders.choices import OffenceStatus, Relationship, Sex
from offenders.models import Offence, OffenceType, Offender, Victim


def _today() -> dt.date:
    return timezone.localdate()


class OffenceTypeFactory(DjangoModelFactory):
    """Defaults to 008/67 (a migration-loaded type); pass code= for another existing one."""

    class Meta:
        model = OffenceType
        django_get_or_create = ("code",)

    code = "008/67"
    title = factory.LazyAttribute(lambda o: f"Offence type {o.code}")
    category = "violence"


class OffenderFactory(DjangoModelFactory):
    class Meta:
        model = Offender

    suspect_ref = factory.Sequence(lambda n: f"SUS{n:07d}")
    surname = factory.Faker("last_name", locale="en_GB")
    forenames = factory.Faker("first_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=70)
    sex = Sex.MALE
    ethnicity = "W1"
    restricted = False


class VictimFactory(DjangoModelFactory):
    class Meta:
        model = Victim
        django_get_or_create = ("victim_ref",)

    victim_ref = factory.Sequence(lambda n: f"VIC{n:07d}")


class OffenceFactory(DjangoModelFactory):
    """An offence 30 days ago, reported a day later, status `reported`."""

    class Meta:
        model = Offence

    crime_ref = factory.Sequence(lambda n: f"CR/{n:08d}")
    offender = factory.SubFactory(OffenderFactory)
    victim = factory.SubFactory(VictimFactory)
    offence_type = factory.SubFactory(OffenceTypeFactory)
    victim_relationship = Relationship.PARTNER
    occurred_on = factory.LazyFunction(lambda: _today() - dt.timedelta(days=30))
    reported_on = factory.LazyAttribute(lambda o: o.occurred_on + dt.timedelta(days=1))
    status = OffenceStatus.REPORTED
    borough = "Camden"
    domestic = True
