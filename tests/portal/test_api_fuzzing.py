"""Schemathesis fuzzes every operation of /api/schema/ as each role: no 5xx, and every answer (status,
content type, body) matches the schema. Bounded examples so it runs in a few minutes."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.accounts.permissions import SYSTEM
from portal.accounts.services import token_issue

EXAMPLES_PER_OPERATION = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZED: dict[str, int] = {}


@pytest.fixture
def wsgi_app(db):
    """The real WSGI application, in process. Like Django's test client, keep the test's database
    connection open between requests (the handler would close it at the end of each one)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def sample_records(db):
    """A few records so generated ids sometimes hit something real."""
    from tests.factories import OffenceFactory, OffenderFactory

    for restricted in (False, False, True):
        person = OffenderFactory(restricted=restricted)
        OffenceFactory(offender=person)
        OffenceFactory(offender=person)


def _fuzz_operation(operation, headers: dict[str, str], counter: dict[str, int]) -> None:
    """Up to EXAMPLES_PER_OPERATION generated requests; counts each one sent, even when one fails."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case):
        counter["requests"] += 1
        # Each request in its own savepoint: a database error in one (PostgreSQL aborts the whole
        # transaction) is reported for that operation and cannot cascade into the others.
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    fuzz()


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    detail = [line.strip() for line in text if line.strip()][:6]
    return " | ".join(detail)[:600]


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin", "oversight"])
def test_fuzz_the_api_as(role, make_user, sample_records, wsgi_app):
    user = make_user(role, restricted_access=role == "supervisor")
    _, key = token_issue(user=user, by=SYSTEM)
    headers = {"Authorization": f"Token {key}", "X-Access-Purpose": "investigation"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    counter, failures, operations = {"requests": 0}, [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _fuzz_operation(operation, headers, counter)
        except (Exception, FailureGroup) as error:  # noqa: BLE001 - collect each operation's failures, fail once
            failures.append(f"{operation.label}: {_first_line(error)}")
    total = counter["requests"]
    FUZZED[role] = total
    print(f"\nschemathesis: {total} requests fuzzed as {role} over {operations} operations")
    assert operations >= 20
    assert not failures, "\n".join(failures)
