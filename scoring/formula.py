"""The score, written once as database expressions (docs/scoring.md).

The same expressions feed the set-based recompute (grouped by offender) and the per-offence breakdown
shown to officers, so the explanation can never drift from the number. They compile on SQLite and
PostgreSQL alike; the only vendor-specific piece is the day count between two dates.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Expression,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Power, Round
from django.db.models.lookups import GreaterThanOrEqual

from offenders.models import DomesticIncident, Offence

from .models import ScoringPolicy

ENTRY = "policy_entry"  # the policy's harm entry for the offence's type, LEFT-joined (may be missing)
DAYS_FIELD = f"{ENTRY}__days"
CODE_FIELD = f"{ENTRY}__code"
# Exact terms (days, multipliers and status factors have at most two places each): numeric on PostgreSQL,
# so a sum of 182.25s is 182.25s exactly. EXACT_PLACES also rounds away SQLite's binary noise.
EXACT_PLACES = 6
EXACT: DecimalField = DecimalField(max_digits=24, decimal_places=EXACT_PLACES)


def exact(value) -> Value:
    """A policy number as an exact database value (its shortest text, never its binary expansion)."""
    return Value(Decimal(str(value)), output_field=EXACT)


class DaysBetween(Func):
    """Whole days from `start` to `end` (both dates): `end - start`."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, start, end, **extra):
        super().__init__(start, end, **extra)

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date - date is an integer
        start, end = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        return f"(CAST({end_sql} AS date) - CAST({start_sql} AS date))", [*end_params, *start_params]

    def as_sqlite(self, compiler, connection, **extra):
        start, end = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        return f"CAST(julianday({end_sql}) - julianday({start_sql}) AS integer)", [*end_params, *start_params]


@dataclass(frozen=True)
class ScoreTerms:
    """The policy's parameters bound to one `as_of` date, ready to build expressions from."""

    policy: ScoringPolicy
    as_of: date

    @property
    def window_start(self) -> date:
        """Exclusive: an offence counts when window_start < occurred_on <= as_of."""
        return self.as_of - timedelta(days=self.policy.window_days)

    @property
    def counted_statuses(self) -> list[str]:
        return sorted(status for status, factor in self.policy.status_factors.items() if float(factor) > 0)

    @property
    def is_exact(self) -> bool:
        """Without recency decay every term is an exact decimal, and so is each offender's harm."""
        return not self.policy.recency_half_life_days

    def status_factor(self) -> Expression:
        whens = [When(status=status, then=exact(factor)) for status, factor in self.policy.status_factors.items()]
        return Case(*whens, default=exact(1), output_field=EXACT)

    def multiplier(self) -> Expression:
        """The policy's factor for the offence's harm entry (`multipliers`, by code); 1 when none is set."""
        multipliers = getattr(self.policy, "multipliers", None) or {}
        if not multipliers:
            return exact(1)
        whens = [When(**{CODE_FIELD: code}, then=exact(factor)) for code, factor in sorted(multipliers.items())]
        return Case(*whens, default=exact(1), output_field=EXACT)

    def age_days(self) -> Expression:
        return DaysBetween(F("occurred_on"), Value(self.as_of))

    def decay(self) -> Expression:
        """0.5 ** (age / half-life); exactly 1 when the policy has no half-life."""
        half_life = self.policy.recency_half_life_days
        if not half_life:
            return Value(1.0, output_field=FloatField())
        exponent = Cast(self.age_days(), FloatField()) / Value(float(half_life), output_field=FloatField())
        return Power(Value(0.5, output_field=FloatField()), exponent, output_field=FloatField())

    def days(self) -> Expression:
        """The harm entry's days for the offence's type; 0 when the policy lists no entry for it."""
        return Coalesce(F(DAYS_FIELD), exact(0), output_field=EXACT)

    def contribution(self) -> Expression:
        """One offence's harm: days x multiplier x status factor (exact), x decay when the policy has one
        (before any per-offender victim uplift)."""
        exact_part = Cast(self.days() * self.multiplier() * self.status_factor(), output_field=EXACT)
        if self.is_exact:
            return exact_part
        return Cast(exact_part, FloatField()) * self.decay()

    def harm(self) -> Expression:
        """The sum of the counted offences' contributions: exact (to EXACT_PLACES) without decay."""
        if self.is_exact:
            return Round(Sum(self.contribution(), output_field=EXACT), EXACT_PLACES, output_field=EXACT)
        return Sum(self.contribution(), output_field=FloatField())

    def uplift(self, victim_count: Expression) -> Expression:
        """1 + uplift x (distinct victims - 1): the MATAC 'victims' idea; exactly 1 when the policy has none."""
        uplift = self.policy.victim_uplift
        if not uplift:
            return Value(1.0, output_field=FloatField())
        extra_victims = Greatest(Cast(victim_count, FloatField()) - Value(1.0), Value(0.0))
        return Value(1.0) + Value(float(uplift)) * extra_victims


def counted_offences(terms: ScoreTerms, offences: QuerySet | None = None) -> QuerySet:
    """Offences that count under the policy on `as_of` (docs/scoring.md): in the window with a status
    factor above zero. The policy's harm entry is LEFT-joined, not required: an offence whose type the
    policy does not list still counts (offence_count, victim_count, eligibility) with 0 harm days, so a
    harm table that lacks a code the force uses cannot silently drop offenders from the ranking."""
    offences = Offence.objects.all() if offences is None else offences
    entry = FilteredRelation("offence_type__harm_entries", condition=Q(offence_type__harm_entries__policy=terms.policy))
    return (
        offences.annotate(**{ENTRY: entry})
        .filter(
            occurred_on__gt=terms.window_start,
            occurred_on__lte=terms.as_of,
            status__in=terms.counted_statuses,
        )
        .order_by()
    )


def offender_aggregates(terms: ScoreTerms, offences: QuerySet) -> QuerySet:
    """One row per offender: score, harm days, counts, last offence and eligibility (the recompute's SELECT)."""
    victims = Count("victim_id", distinct=True)
    harm = Cast(terms.harm(), FloatField())
    score = harm if not terms.policy.victim_uplift else harm * terms.uplift(victims)
    return (
        counted_offences(terms, offences)
        .values("offender_id")
        .annotate(
            score=score,
            harm_days=harm,
            offence_count=Count("*"),
            victim_count=victims,
            last_offence_on=Max("occurred_on"),
            days_since_last=DaysBetween(Max("occurred_on"), Value(terms.as_of)),
            eligible=GreaterThanOrEqual(Count("*"), terms.policy.min_offences),
        )
        .order_by()
    )


def offence_contributions(terms: ScoreTerms, offences: QuerySet) -> QuerySet:
    """One row per counted offence with its days, multiplier, factor, decay and contribution (the breakdown)."""
    return counted_offences(terms, offences).annotate(
        harm_days_entry=terms.days(),
        multiplier=terms.multiplier(),
        factor=terms.status_factor(),
        decay=terms.decay(),
        contribution=terms.contribution(),
    )


def counted_incidents(terms: ScoreTerms, incidents: QuerySet | None = None) -> QuerySet:
    """Non-crime domestic incidents that count on `as_of`: in the same window as offences. Each adds the
    policy's `incident_days` to the score, exactly (no decay, no uplift), and nothing when that is 0."""
    incidents = DomesticIncident.objects.all() if incidents is None else incidents
    return incidents.filter(occurred_on__gt=terms.window_start, occurred_on__lte=terms.as_of).order_by()


def incident_counts(terms: ScoreTerms, incidents: QuerySet) -> QuerySet:
    """One row per offender with counted incidents: offender_id, incidents (the count)."""
    return counted_incidents(terms, incidents).values("offender_id").annotate(incidents=Count("*")).order_by()
