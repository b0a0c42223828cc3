"""Fixtures for the scoring tests: offenders and offences built directly, dates relative to today."""

import itertools
import threading
from datetime import date, timedelta

import pytest
from django.utils import timezone

from portal.accounts.permissions import SYSTEM

_counter = itertools.count(1)


@pytest.fixture
def sent(monkeypatch):
    """The tasks the rescore outbox hands to the broker, in order (the worker tests send them for real)."""
    from scoring.services import outbox

    calls = []
    monkeypatch.setattr(outbox, "task_send", lambda *, name, args: calls.append((name.rsplit(".", 1)[1], args)))
    return calls


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def policy(db):
    from scoring.models import ScoringPolicy

    return ScoringPolicy.objects.get(status="active")


@pytest.fixture
def make_offender(db):
    from offenders.models import Offender

    def factory(*, restricted: bool = False, surname: str | None = None) -> Offender:
        n = next(_counter)
        return Offender.objects.create(
            suspect_ref=f"SUS{n:06d}", surname=surname or f"Surname{n}", forenames=f"Forename{n}", restricted=restricted
        )

    return factory


@pytest.fixture
def make_offence(db, today):
    """make_offence(offender, code="19C", days_ago=10, status="reported", victim="V1", borough=, domestic=)."""
    from offenders.models import Offence, OffenceType, Victim

    def factory(offender, *, code="19C", days_ago=10, status="reported", victim="V1", borough="", domestic=False):
        n = next(_counter)
        occurred = today - timedelta(days=days_ago)
        return Offence.objects.create(
            crime_ref=f"CR{n:07d}",
            offender=offender,
            victim=Victim.objects.get_or_create(victim_ref=victim)[0],
            offence_type=OffenceType.objects.get(code=code),
            occurred_on=occurred,
            reported_on=max(occurred, today),
            status=status,
            borough=borough,
            domestic=domestic,
        )

    return factory


def days_of(code: str) -> int:
    from offenders.reference_data import illustrative_rows

    return next(row.days for row in illustrative_rows() if row.code == code)


def run_synchronously(*, by=SYSTEM, **kwargs):
    """Plan and execute a full run in this process (the worker tests cover the Celery path)."""
    from scoring import services
    from scoring.models import ScoringRun

    run, _created = services.run_start(by=by, **kwargs)
    for chunk_id in services.run_plan(run_id=run.pk):
        services.run_chunk_execute(chunk_id=chunk_id)
    return ScoringRun.objects.get(pk=run.pk)


def at_once(call, *, times: int = 2) -> list:
    """Run `call()` in `times` threads released together by a barrier, each on its own connection; returns
    their results. Any exception in a thread fails the test."""
    from django.db import connection

    barrier = threading.Barrier(times)
    results, errors = [], []

    def one():
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", username="import_admin")
