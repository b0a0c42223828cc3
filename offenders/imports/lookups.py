"""`reference = ANY(%s)`: matching thousands of references with one array parameter on PostgreSQL.

`__in` sends one parameter per value (5,000 a chunk) and PostgreSQL plans a 5,000-item list every
time; one array parameter is about twice as fast. Registered only on the three reference fields the
import matches on; other databases keep `__in`.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Field, Lookup

from offenders.models import Offence, Offender, Victim


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY({rhs_sql})", [*lhs_params, *rhs_params]


for _model, _name in ((Offence, "crime_ref"), (Offender, "suspect_ref"), (Victim, "victim_ref")):
    _field = _model._meta.get_field(_name)
    assert isinstance(_field, Field), "a reference is a concrete column"
    _field.register_lookup(AnyOf)


def matching(model, key: str, keys: Iterable[str]):
    """The rows of `model` whose `key` is one of `keys`, as a queryset."""
    lookup = "any_of" if connection.vendor == "postgresql" else "in"
    return model.objects.filter(**{f"{key}__{lookup}": list(keys)})
