"""PostgreSQL: index the upper-cased names for prefix search (the ranked list's and the offender list's
`?q=`, each word matching the start of a forename or surname).

Django writes `istartswith` as `UPPER("surname"::text) LIKE UPPER('smi%')`; a plain index on the name
cannot answer that (the case, and LIKE under a non-C collation), so a search for a name that ranks low
or nowhere walked the whole eligible list (about 370 ms at 350,000 offenders). These expression indexes,
with `text_pattern_ops`, answer it in well under a millisecond. SQLite needs nothing: its LIKE cannot use
an index on an expression and the demo's data set is small.
"""

from django.db import migrations

POSTGRESQL_UP = [
    "CREATE INDEX offender_surname_prefix_idx ON offenders_offender (UPPER(surname::text) text_pattern_ops)",
    "CREATE INDEX offender_forenames_prefix_idx ON offenders_offender (UPPER(forenames::text) text_pattern_ops)",
]
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS offender_surname_prefix_idx",
    "DROP INDEX IF EXISTS offender_forenames_prefix_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("offenders", "0012_i15_offence_reported_on")]
    operations = [migrations.RunPython(_run(POSTGRESQL_UP), _run(POSTGRESQL_DOWN))]
