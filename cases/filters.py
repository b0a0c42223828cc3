"""The FilterSet shared by the /cases/ page and the cases API, so both filter the same way.

It filters a queryset that restrict() has already limited, so a filter can never reveal a hidden case.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from offenders.models import Offence
from portal.accounts.selectors import is_partner

from .models import Case, CaseQuerySet, CaseStage
from .selectors import cases_of_person


class CaseFilter(django_filters.FilterSet):
    """Stage, overdue actions, borough (of any of the offender's offences), and whose cases."""

    SCOPE_CHOICES = [("mine", "Mine"), ("team", "My team"), ("all", "All")]

    stage = django_filters.MultipleChoiceFilter(choices=CaseStage.choices, label="Stage")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Has overdue actions")
    borough = django_filters.CharFilter(method="filter_borough", label="Borough")
    mine = django_filters.BooleanFilter(method="filter_mine", label="Cases I lead or am on")
    scope = django_filters.ChoiceFilter(choices=SCOPE_CHOICES, method="filter_scope", label="Whose cases")
    lead = django_filters.NumberFilter(field_name="lead_id", label="Lead officer (user id)")
    offender = django_filters.NumberFilter(field_name="offender_id", label="Offender id")

    class Meta:
        model = Case
        fields = ["stage", "overdue", "borough", "mine", "scope", "lead", "offender"]

    def filter_overdue(self, queryset: CaseQuerySet, name: str, value) -> CaseQuerySet:
        if value is None:
            return queryset
        return queryset.with_overdue_actions() if value else queryset.without_overdue_actions()

    def filter_borough(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        in_borough = Offence.objects.filter(offender_id=OuterRef("offender_id"), borough__iexact=value)
        return queryset.filter(Exists(in_borough))

    def filter_mine(self, queryset: CaseQuerySet, name: str, value) -> CaseQuerySet:
        if value is None:
            return queryset
        mine = cases_of_person(queryset, user=self.request.user).values("pk")
        return queryset.filter(pk__in=mine) if value else queryset.exclude(pk__in=mine)

    def filter_scope(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Mine: I lead it. My team: I lead it, am on its team, or tasked it. All: every case I may read."""
        user = self.request.user
        if value == "mine":
            return queryset.filter(lead_id=user.pk)
        if value == "team":
            ours = cases_of_person(Case.objects.all(), user=user).values("pk")
            return queryset.filter(Q(pk__in=ours) | Q(opened_by_id=user.pk))
        return queryset


class PartnerCaseFilter(django_filters.FilterSet):
    """A partner's list of their cases filters by stage only: no filter may ask about the offender's
    offences (a borough) or other people's work (docs/partners.md)."""

    stage = django_filters.MultipleChoiceFilter(choices=CaseStage.choices, label="Stage")

    class Meta:
        model = Case
        fields = ["stage"]


def case_filter_for(user) -> type[django_filters.FilterSet]:
    return PartnerCaseFilter if is_partner(user) else CaseFilter
