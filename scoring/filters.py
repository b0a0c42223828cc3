"""FilterSets shared by the ranking page and the API (NetBox's rule: one filter definition for both)."""

import django_filters
from django.db.models import Exists, OuterRef

from offenders.choices import Category
from offenders.models import Offence

from .models import OffenderScore, ScoringPolicy, ScoringRun


class RankingFilter(django_filters.FilterSet):
    """Narrow the ranked list; an offender matches on any of their recorded offences."""

    borough = django_filters.CharFilter(method="filter_borough", label="Borough")
    category = django_filters.ChoiceFilter(choices=Category.choices, method="filter_category", label="Offence category")
    domestic = django_filters.BooleanFilter(method="filter_domestic", label="Domestic abuse")
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte", label="Minimum score")

    class Meta:
        model = OffenderScore
        fields = ["borough", "category", "domestic", "min_score"]

    @staticmethod
    def _having(queryset, **lookups):
        offences = Offence.objects.filter(offender_id=OuterRef("offender_id"), **lookups)
        return queryset.filter(Exists(offences))

    def filter_borough(self, queryset, name, value):
        return self._having(queryset, borough__iexact=value.strip()) if value.strip() else queryset

    def filter_category(self, queryset, name, value):
        return self._having(queryset, offence_type__category=value) if value else queryset

    def filter_domestic(self, queryset, name, value):
        return queryset if value is None else self._having(queryset, domestic=value)


class PolicyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ScoringPolicy.Status.choices)

    class Meta:
        model = ScoringPolicy
        fields = ["status", "is_illustrative"]


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ScoringRun.Status.choices)

    class Meta:
        model = ScoringRun
        fields = ["status"]
