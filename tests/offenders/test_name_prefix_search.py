"""Searching by name: each word must start a forename or surname, whatever its case; on PostgreSQL the
upper-cased name indexes (offenders migration 0013) answer the query Django writes for it."""

import pytest
from django.db import connection

from offenders.filters import name_or_reference_q
from offenders.models import Offender
from tests.factories.people import OffenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "joanne": OffenderFactory(forenames="Joanne", surname="Smithson"),
        "john": OffenderFactory(forenames="John", surname="Smith"),
        "mark": OffenderFactory(forenames="Mark", surname="Joseph"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("smi", {"joanne", "john"}), ("JO", {"joanne", "john", "mark"}), ("jo smith", {"joanne", "john"}),
     ("john smith", {"john"}), ("smith, jo", {"joanne", "john"}), ("smithy", set()), ("oan", set())],
)  # fmt: skip
def test_each_word_starts_a_name_in_any_case(people, text, expected):
    found = set(Offender.objects.filter(name_or_reference_q(text)).values_list("pk", flat=True))
    assert found == {people[name].pk for name in expected}


@pytest.mark.postgresql_only
@pytest.mark.parametrize("column", ["surname", "forenames"])
def test_postgresql_answers_the_prefix_search_from_its_index(people, column):
    sql, params = Offender.objects.filter(**{f"{column}__istartswith": "smi"}).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be read whole
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"offender_{column}_prefix_idx" in plan, plan
