"""FilterSets shared by the /offenders/ page and the API, so both search the same way (NetBox's discipline).

They filter a queryset that `restrict()` has already limited, so a filter can never reveal a hidden row.
"""

import re

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.dates import BoundedDateField

from .choices import OffenceStatus, OffenderStatus, Relationship, Sex
from .models import Offence, Offender

_PSEUDONYM = re.compile(r"^S-?0*(\d+)$", re.IGNORECASE)


def names_q(text: str) -> Q:
    """Every word (up to four; commas separate too) starts a surname or forename, in any case, so
    "jo smi" and "Smith, Jo" find "Joanne Smith". The offender search and the ranked list's search
    both ask this; on PostgreSQL the upper-cased name indexes of migration 0013 answer each word's test."""
    names = Q()
    for word in text.replace(",", " ").split()[:4]:
        names &= Q(surname__istartswith=word) | Q(forenames__istartswith=word)
    return names


def name_or_reference_q(text: str) -> Q:
    """Match the pseudonym (`S-000123`), the force reference, or every word against the names."""
    text = text.strip()
    if not text:
        return Q()
    query = Q(suspect_ref__iexact=text)
    if match := _PSEUDONYM.match(text):
        query |= Q(pk=int(match[1]))
    return query | names_q(text)


class OffenderFilter(django_filters.FilterSet):
    """Search offenders by name or reference, borough of any of their offences, sex, status and flag."""

    q = django_filters.CharFilter(method="filter_q", label="Name or reference")
    search = django_filters.CharFilter(method="filter_q", label="Name or reference (same as q)")
    borough = django_filters.CharFilter(method="filter_borough", label="Borough")
    sex = django_filters.ChoiceFilter(choices=Sex.choices)
    status = django_filters.ChoiceFilter(choices=OffenderStatus.choices)
    restricted = django_filters.BooleanFilter(label="Restricted")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("surname", "surname"),
            ("forenames", "forenames"),
            ("suspect_ref", "suspect_ref"),
            ("date_of_birth", "date_of_birth"),
            ("id", "reference"),
        ),
        field_labels={"id": "Reference"},
    )

    class Meta:
        model = Offender
        fields = ["q", "search", "borough", "sex", "status", "restricted"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(name_or_reference_q(value))

    def filter_borough(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        named_there = Offence.objects.filter(offender=OuterRef("pk"), borough__iexact=value.strip())
        return queryset.filter(Exists(named_there))


class BoundedDateFilter(django_filters.DateFilter):
    """A date filter that refuses dates outside the portal's range (a 400 on the API, a form error on a page)."""

    field_class = BoundedDateField


class OffenceFilter(django_filters.FilterSet):
    """Filter offences by offender, type, status, borough, flag and date range."""

    offender = django_filters.NumberFilter(field_name="offender_id")
    crime_ref = django_filters.CharFilter(field_name="crime_ref", lookup_expr="iexact")
    offence_code = django_filters.CharFilter(field_name="offence_type__code", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=OffenceStatus.choices)
    victim_relationship = django_filters.ChoiceFilter(choices=Relationship.choices)
    borough = django_filters.CharFilter(field_name="borough", lookup_expr="iexact")
    domestic = django_filters.BooleanFilter()
    occurred_after = BoundedDateFilter(field_name="occurred_on", lookup_expr="gte", label="Occurred on or after")
    occurred_before = BoundedDateFilter(field_name="occurred_on", lookup_expr="lte", label="Occurred on or before")
    ordering = django_filters.OrderingFilter(
        fields=(("occurred_on", "occurred_on"), ("reported_on", "reported_on"), ("crime_ref", "crime_ref"))
    )

    class Meta:
        model = Offence
        fields = ["offender", "crime_ref", "offence_code", "status", "borough", "domestic"]
