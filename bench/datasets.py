"""Synthetic benchmark data, generated inside the database (PostgreSQL) or in bulk (SQLite).

Never the ORM per row: `generate_series` on PostgreSQL, executemany on SQLite. Deterministic for a
seed. Offences average about 4.3 per offender (1.5 million for 350,000 offenders), spread over the
last two years so that about half fall inside the default 365-day window.
"""

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

OFFENCES_PER_OFFENDER = 4.3
VICTIMS_PER_OFFENDER = 2
STATUSES = (
    ["reported"] * 30
    + ["investigating"] * 25
    + ["charged"] * 15
    + ["convicted"] * 10
    + ["nfa"] * 10
    + ["acquitted"] * 5
    + ["cancelled"] * 5
)
BOROUGHS = [
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon", "Ealing", "Enfield",
    "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow",
    "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham",
    "Redbridge", "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest", "Wandsworth",
    "Westminster",
]  # fmt: skip
TABLES = [
    "scoring_rankingentry",
    "scoring_offenderscore",
    "offenders_offence",
    "offenders_victim",
    "offenders_offender",
]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def clear() -> None:
    """Empty the tables the data set fills (the bench database only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        else:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")
            names = ", ".join(f"'{t}'" for t in TABLES)
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({names})")


def generate(offenders: int, *, seed: int = 20261122) -> int:
    """Fill offenders, victims and offences; returns the number of offences."""
    from offenders.models import OffenceType

    clear()
    type_ids = list(OffenceType.objects.order_by("id").values_list("id", flat=True))
    offences = int(offenders * OFFENCES_PER_OFFENDER)
    victims = offenders * VICTIMS_PER_OFFENDER
    if connection.vendor == "postgresql":
        _generate_postgresql(offenders, victims, offences, type_ids, seed)
    else:
        _generate_sqlite(offenders, victims, offences, type_ids, seed)
    return offences


def _generate_postgresql(offenders: int, victims: int, offences: int, type_ids: list[int], seed: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        cursor.execute(
            "INSERT INTO offenders_offender (suspect_ref, surname, forenames, date_of_birth, sex, ethnicity, "
            "restricted, status, created_at, updated_at) "
            "SELECT 'B' || lpad(g::text, 8, '0'), 'Surname' || (g %% 4999), 'Forename' || (g %% 701), "
            "DATE '1960-01-01' + ((g::bigint * 7919) %% 15000)::int, "
            "(ARRAY['male','female','other','unknown'])[1 + g %% 4], "
            "(ARRAY['W1','B1','A1','M1','O2',''])[1 + g %% 6], g %% 250 = 0, 'active', now(), now() "
            "FROM generate_series(1, %s) g",
            [offenders],
        )
        cursor.execute(
            "INSERT INTO offenders_victim (victim_ref, created_at) "
            "SELECT 'BV' || lpad(g::text, 9, '0'), now() FROM generate_series(1, %s) g",
            [victims],
        )
        types = "ARRAY[" + ", ".join(str(i) for i in type_ids) + "]"
        cursor.execute(
            "INSERT INTO offenders_offence (crime_ref, offender_id, victim_id, offence_type_id, victim_relationship, "
            "occurred_on, reported_on, status, borough, domestic, created_at, updated_at) "
            "SELECT 'BC' || lpad(g::text, 9, '0'), "
            "1 + floor(random() * %s)::bigint, 1 + floor(random() * %s)::bigint, "
            f"({types})[1 + floor(random() * {len(type_ids)})::int], 'unknown', d, LEAST(d + 3, CURRENT_DATE), "
            f"({_sql_array(STATUSES)})[1 + floor(random() * {len(STATUSES)})::int], "
            f"({_sql_array(BOROUGHS)})[1 + floor(random() * {len(BOROUGHS)})::int], random() < 0.4, now(), now() "
            "FROM (SELECT g, CURRENT_DATE - floor(random() * 730)::int AS d FROM generate_series(1, %s) g) s",
            [offenders, victims, offences],
        )
        cursor.execute("ANALYZE offenders_offender")
        cursor.execute("ANALYZE offenders_victim")
        cursor.execute("ANALYZE offenders_offence")


def _generate_sqlite(offenders: int, victims: int, offences: int, type_ids: list[int], seed: int) -> None:
    rng = random.Random(seed)
    now = timezone.now().isoformat()
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO offenders_offender (suspect_ref, surname, forenames, sex, ethnicity, restricted, status, "
            "created_at, updated_at) VALUES (%s, %s, %s, 'unknown', '', %s, 'active', %s, %s)",
            (  # type: ignore[arg-type]  # Django's executemany takes any iterable; the stubs ask for a Sequence
                (f"B{g:08d}", f"Surname{g % 4999}", f"Forename{g % 701}", g % 250 == 0, now, now)
                for g in range(1, offenders + 1)
            ),
        )
        cursor.executemany(
            "INSERT INTO offenders_victim (victim_ref, created_at) VALUES (%s, %s)",
            ((f"BV{g:09d}", now) for g in range(1, victims + 1)),  # type: ignore[arg-type]  # as above
        )

        def rows():
            for g in range(1, offences + 1):
                occurred = today - timedelta(days=rng.randrange(730))
                yield (
                    f"BC{g:09d}", rng.randint(1, offenders), rng.randint(1, victims), rng.choice(type_ids),
                    occurred.isoformat(), min(occurred + timedelta(days=3), today).isoformat(), rng.choice(STATUSES),
                    rng.choice(BOROUGHS), rng.random() < 0.4, now, now,
                )  # fmt: skip

        cursor.executemany(
            "INSERT INTO offenders_offence (crime_ref, offender_id, victim_id, offence_type_id, victim_relationship, "
            "occurred_on, reported_on, status, borough, domestic, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, 'unknown', %s, %s, %s, %s, %s, %s, %s)",
            rows(),
        )
        cursor.execute("ANALYZE")
