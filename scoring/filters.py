"""FilterSets shared by the ranking page and the API (NetBox's rule: one filter definition for both)."""

import django_filters
from django.db.models import Exists, OuterRef

from offenders.choices import Category
from offenders.filters import names_q
from offenders.models import Offence, Offender

from .models import OffenderScore, ScoringPolicy, ScoringRun

NAME_MATCHES_READ_FIRST = 1000  # a name matching at most this many men is looked up before the ranking


class RankingFilter(django_filters.FilterSet):
    """Narrow the ranked list; an offender matches on any of their recorded offences."""

    borough = django_filters.CharFilter(method="filter_borough", label="Borough")
    category = django_filters.ChoiceFilter(choices=Category.choices, method="filter_category", label="Offence category")
    domestic = django_filters.BooleanFilter(method="filter_domestic", label="Domestic abuse")
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte", label="Minimum score")
    q = django_filters.CharFilter(method="filter_q", label="Name or reference", max_length=100)

    class Meta:
        model = OffenderScore
        fields = ["borough", "category", "domestic", "min_score", "q"]

    def __init__(self, *args, identities: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.identities = identities  # may this reader search by name (never a pseudonymised reader)

    def filter_q(self, queryset, name, value):
        """A reference (`S-000042`, or its number) matches that offender; words match the start of his
        forenames or surname, each word (only for readers who may see names: a pseudonymised reader
        searching by name would learn identities)."""
        text = value.strip()
        number = text.upper().removeprefix("S-").lstrip("0") or "0"
        if number.isdigit() and text.upper().removeprefix("S-").isdigit():
            return queryset.filter(offender_id=int(number))
        if not text or not self.identities:
            return queryset if not text else queryset.none()
        names = names_q(text)
        # A name that few men bear is read first, off the name indexes, so the ranking looks up only
        # them; walking the ranking in score order for matches would read it to the end when they are
        # few or rank low (ADR 1431). A common prefix ("s") matches densely: score order finds a page soon.
        matches = Offender.objects.filter(names).values_list("pk", flat=True)[: NAME_MATCHES_READ_FIRST + 1]
        few = list(matches)
        if len(few) <= NAME_MATCHES_READ_FIRST:
            return queryset.filter(offender_id__in=few)
        return queryset.filter(offender__in=Offender.objects.filter(names))

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
