"""The synthetic population is shaped like the published figures (docs/evaluation.md, "The synthetic
population"), each checked with its tolerance:

| figure (published) | checked | tolerance |
| --- | --- | --- |
| about 35,000 suspects a year (a force of the Met's size) | distinct suspects with an offence in each 12-month window of the demo's data | within 10% of 35,000 |
| around three quarters have no further reported offence | share of the year's suspects named once in the whole data | 70% to 80% |
| a small share (3-5%) cause most of the harm (Thames Valley: 3% caused 90%) | the top 5% of the year's suspects by harm hold most of it; the top 3% | over 50%; over 40% |
| the top 100 have about 4 to 5 offences and 2 victims each (the Met: 445 and 201 for 100 men) | mean offences and victims of the year's top 100 by harm (named twice or more) | 3.5 to 6.0; 1.5 to 3.0 |

"35,000 a year" is a count, so it is checked at the demo's own size (`make demo`: 35,000 and 12 months of
history) on the rows the generator draws, without saving them (`draw_people`: the very draws
`seed_people` inserts, in the same order), which keeps the test to seconds. The scale-free figures are
checked again on a small seeded data set, through the database.
"""

import datetime as dt
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Count

from cases.management.commands.seed_demo import DEFAULT_OFFENDERS
from offenders.models import Offence, OffenceType, Offender
from offenders.reference_data import illustrative_rows
from offenders.seeding import SeedContext
from offenders.seeding.people import MONTH_DAYS, draw_people, earlier_suspects

pytestmark = pytest.mark.django_db
ANCHOR = dt.date(2026, 6, 30)
DEMO_HISTORY_MONTHS = 12  # scripts/demo.py's default
UNCOUNTED = {"cancelled", "acquitted"}
TOP = 100


def shape(offences: list[tuple[int, dt.date, str, int, str]], per_year: int, history_months: int) -> dict:
    """The figures of the table above, from (offender, occurred on, offence code, victim, status) rows."""
    days = {row.code: row.days for row in illustrative_rows()}
    windows = []
    for months_back in range(history_months + 1):  # every 12-month window wholly inside the data's span
        end = ANCHOR - dt.timedelta(days=MONTH_DAYS * months_back)
        start = end - dt.timedelta(days=365)
        windows.append(len({o for o, day, _, _, _ in offences if start < day <= end}))
    named = Counter(o for o, _, _, _, _ in offences)
    year_start = ANCHOR - dt.timedelta(days=365)
    year = [row for row in offences if row[1] > year_start and row[4] not in UNCOUNTED]
    suspects = {o for o, day, _, _, _ in offences if day > year_start}
    harm: dict[int, float] = defaultdict(float)
    counts: Counter = Counter()
    victims: dict[int, set] = defaultdict(set)
    for offender, _, code, victim, _ in year:
        harm[offender] += days.get(code, 0)
        counts[offender] += 1
        victims[offender].add(victim)
    ranked = sorted(harm.values(), reverse=True)
    total = sum(ranked)
    top = sorted((o for o in counts if counts[o] >= 2), key=lambda o: (-harm[o], o))[: round(TOP * per_year / 35_000)]
    return {
        "windows": windows,
        "once": sum(1 for o in suspects if named[o] == 1) / len(suspects),
        "top_5_percent": sum(ranked[: len(suspects) // 20]) / total,
        "top_3_percent": sum(ranked[: len(suspects) * 3 // 100]) / total,
        "top_offences": sum(counts[o] for o in top) / len(top),
        "top_victims": sum(len(victims[o]) for o in top) / len(top),
    }


def check(figures: dict, per_year: int) -> None:
    assert all(abs(n - per_year) <= 0.10 * per_year for n in figures["windows"]), figures["windows"]
    assert 0.70 <= figures["once"] <= 0.80, figures
    assert figures["top_5_percent"] > 0.5 and figures["top_3_percent"] > 0.4, figures
    assert 3.5 <= figures["top_offences"] <= 6.0, figures
    assert 1.5 <= figures["top_victims"] <= 3.0, figures


def test_the_demo_population_is_shaped_like_the_published_figures():
    context = SeedContext(seed=2024, offenders=DEFAULT_OFFENDERS, anchor=ANCHOR, history_months=DEMO_HISTORY_MONTHS)
    codes = dict(OffenceType.objects.values_list("id", "code"))
    rows, offenders = [], 0
    for chunk_offenders, _, chunk_offences in draw_people(context):
        offenders += len(chunk_offenders)
        rows += [
            (o.offender.id, o.occurred_on, codes[o.offence_type_id], o.victim.id, o.status) for o in chunk_offences
        ]
    assert offenders == DEFAULT_OFFENDERS + earlier_suspects(DEFAULT_OFFENDERS, DEMO_HISTORY_MONTHS)
    figures = shape(rows, DEFAULT_OFFENDERS, DEMO_HISTORY_MONTHS)
    print(figures)  # the measured figures, for the record (pytest -s)
    check(figures, DEFAULT_OFFENDERS)


def test_a_seeded_data_set_has_the_same_shape_at_a_smaller_size():
    """Through the database: the suspects named in the year are the size asked for, and the earlier months'
    suspects are added; the scale-free figures hold (the 35,000 count is the size, scaled here)."""
    per_year, months = 3_000, 6
    call_command("seed_demo", "--offenders", str(per_year), "--seed", "5", "--anchor", ANCHOR.isoformat(),
                 "--history-months", str(months), stdout=io.StringIO())  # fmt: skip
    assert Offender.objects.count() == per_year + earlier_suspects(per_year, months)
    year = Offence.objects.filter(occurred_on__gt=ANCHOR - dt.timedelta(days=365))
    assert year.values("offender_id").distinct().count() == per_year
    rows = list(Offence.objects.values_list("offender_id", "occurred_on", "offence_type__code", "victim_id", "status"))
    check(shape(rows, per_year, months), per_year)
    assert Offender.objects.annotate(n=Count("offences")).filter(n=0).count() == 0
