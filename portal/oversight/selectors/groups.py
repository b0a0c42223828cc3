"""The groups the fairness report compares: ethnicity (ONS 18+1 codes in five groups plus not stated),
sex, age band and borough, each as a database expression so counting stays in SQL."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf

from offenders.choices import ETHNICITY_CODES, NOT_STATED, Sex
from offenders.models import Offence

ETHNIC_GROUPS = ["Asian", "Black", "Mixed", "White", "Other", NOT_STATED]
AGE_BANDS = [
    (None, 18, "Under 18"),
    (18, 25, "18 to 24"),
    (25, 35, "25 to 34"),
    (35, 45, "35 to 44"),
    (45, 55, "45 to 54"),
    (55, 65, "55 to 64"),
    (65, None, "65 and over"),
]
NOT_RECORDED = "Not recorded"


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def ethnicity_expression(prefix: str = ""):
    """The offender's ethnic group; `prefix` ("offender__") reads it from a row that points at him."""
    whens = [
        When(
            **{f"{prefix}ethnicity__in": [code for code, (_label, g) in ETHNICITY_CODES.items() if g == group]},
            then=Value(group),
        )
        for group in ETHNIC_GROUPS
        if group != NOT_STATED
    ]
    return Case(*whens, default=Value(NOT_STATED), output_field=CharField())


def age_band_expression(as_of: datetime.date):
    """Age on `as_of`: born after (as_of - 18 years) is under 18, and so on."""
    whens = [When(date_of_birth__isnull=True, then=Value(NOT_RECORDED))]
    for _low, high, label in AGE_BANDS:
        if high is None:
            whens.append(When(date_of_birth__isnull=False, then=Value(label)))
        else:
            whens.append(When(date_of_birth__gt=years_before(as_of, high), then=Value(label)))
    return Case(*whens, default=Value(NOT_RECORDED), output_field=CharField())


def borough_expression():
    """The borough of the offender's most recent offence (people have no address in the portal)."""
    latest = Offence.objects.filter(offender=OuterRef("pk")).order_by("-occurred_on", "-id").values("borough")[:1]
    return Coalesce(NullIf(Subquery(latest, output_field=CharField()), Value("")), Value(NOT_RECORDED))


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    fixed_groups: list[str] | None  # every group always shown (None: the groups found in the data)


DIMENSIONS = [
    Dimension("ethnicity", "Ethnicity (ONS 2021 groups)", ETHNIC_GROUPS),
    Dimension("sex", "Sex", [label for _value, label in Sex.choices]),
    Dimension("age", "Age band", [label for _l, _h, label in AGE_BANDS] + [NOT_RECORDED]),
    Dimension("borough", "Borough", None),
]
SEX_LABELS = dict(Sex.choices)


def expression_for(dimension: str, as_of: datetime.date):
    if dimension == "ethnicity":
        return ethnicity_expression()
    if dimension == "sex":
        return F("sex")
    if dimension == "age":
        return age_band_expression(as_of)
    if dimension == "borough":
        return borough_expression()
    raise KeyError(dimension)


def group_counts(offenders, dimension: str, as_of: datetime.date) -> dict[str, int]:
    """How many of these offenders fall in each group of the dimension (one GROUP BY query)."""
    rows = (
        offenders.order_by()
        .annotate(group=expression_for(dimension, as_of))
        .values("group")
        .annotate(n=Count("pk", distinct=True))
    )
    counts: dict[str, int] = {}
    for row in rows:
        label = SEX_LABELS.get(row["group"], row["group"]) if dimension == "sex" else row["group"]
        counts[label or NOT_RECORDED] = counts.get(label or NOT_RECORDED, 0) + row["n"]
    return counts
