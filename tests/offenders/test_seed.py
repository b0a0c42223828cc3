"""seed_demo: the same seed and anchor give the same data; the shape looks like the real thing."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from offenders.choices import OffenceStatus
from offenders.models import Offence, Offender, Victim
from offenders.reference_data import illustrative_rows
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ANCHOR = "2025-06-30"


def seed(offenders=600, seed_value=11, *extra):
    out = StringIO()
    call_command(
        "seed_demo", "--offenders", str(offenders), "--seed", str(seed_value), "--anchor", ANCHOR, *extra, stdout=out
    )
    return out.getvalue()


def digest() -> str:
    """Every seeded row by its natural keys (database ids and timestamps differ between runs)."""
    hasher = hashlib.sha256()
    offenders = Offender.objects.order_by("suspect_ref").values_list(
        "suspect_ref", "surname", "forenames", "date_of_birth", "sex", "ethnicity", "restricted", "status", "review_due"
    )
    offences = Offence.objects.order_by("crime_ref").values_list(
        "crime_ref", "offender__suspect_ref", "victim__victim_ref", "offence_type__code", "victim_relationship",
        "occurred_on", "reported_on", "status", "borough", "domestic",
    )  # fmt: skip
    for row in [*offenders, *offences, *Victim.objects.order_by("victim_ref").values_list("victim_ref")]:
        hasher.update(repr(row).encode())
    return hasher.hexdigest()


def seeded_digest(offenders=600, seed_value=11) -> str:
    """Seed, digest, and roll the data back (a savepoint), so runs can be compared side by side."""
    with transaction.atomic():
        seed(offenders, seed_value)
        result = digest()
        transaction.set_rollback(True)
    assert not Offender.objects.exists()
    return result


def test_same_seed_gives_identical_data():
    first = seeded_digest()
    assert seeded_digest() == first
    assert seeded_digest(600, 12) != first


def test_shape_of_the_data_set():
    seed(2000)
    assert Offender.objects.count() == 2000
    counts = list(Offender.objects.annotate(n=Count("offences")).values_list("n", flat=True))
    assert all(n >= 1 for n in counts)
    assert sum(1 for n in counts if n == 1) / len(counts) > 0.55  # most are named once
    assert max(counts) >= 10  # a few are named many times
    assert set(Offence.objects.values_list("status", flat=True)) == set(OffenceStatus.values)
    anchor = dt.date.fromisoformat(ANCHOR)
    assert Offence.objects.filter(occurred_on__gt=anchor).count() == 0
    assert Offence.objects.filter(reported_on__gt=anchor).count() == 0
    assert Offence.objects.filter(occurred_on__lt=anchor - dt.timedelta(days=3 * 366)).count() == 0
    assert Offence.objects.values("borough").distinct().count() == 32
    assert Offender.objects.values("ethnicity").distinct().count() >= 12
    assert 0 < Offender.objects.filter(restricted=True).count() < 30


def test_harm_is_concentrated_in_a_few_repeat_offenders():
    seed(3000)
    days = {row.code: row.days for row in illustrative_rows()}
    harm: dict[int, int] = {}
    for offender_id, code in Offence.objects.values_list("offender_id", "offence_type__code"):
        harm[offender_id] = harm.get(offender_id, 0) + days[code]
    ranked = sorted(harm.values(), reverse=True)
    top_five_percent = sum(ranked[: len(ranked) // 20])
    assert top_five_percent / sum(ranked) > 0.5
    repeaters = Offender.objects.annotate(v=Count("offences__victim", distinct=True)).filter(v__gte=2)
    assert repeaters.exists()


def test_if_empty_does_nothing_when_offenders_exist():
    seed(50)
    before = digest()
    output = seed(80, 99, "--if-empty")
    assert "nothing seeded" in output
    assert digest() == before and Offender.objects.count() == 50


def test_a_second_run_of_the_same_seed_is_refused_not_duplicated():
    seed(50)
    with pytest.raises(CommandError, match="already loaded"):
        seed(50)
    assert Offender.objects.count() == 50


def test_one_summary_audit_event_not_one_per_row():
    before = AuditEvent.objects.count()
    seed(300)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="seed.run")
    assert event.changes["offenders"] == 300 and event.changes["seed"] == 11


def test_bad_arguments():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--offenders", "0", stdout=StringIO())


def test_records_can_be_added_after_seeding():
    """The seed numbers its rows itself; the id sequences must move past them (PostgreSQL)."""
    from tests.factories import OffenceFactory

    seed(40)
    offence = OffenceFactory()
    assert offence.pk > Offence.objects.exclude(pk=offence.pk).order_by("-pk").first().pk
    assert offence.offender.pk > 40
