"""Seeding step: offenders, victims and offences, made in chunks and bulk-inserted.

Heavy-tailed like the published VAWG studies: most suspects are named once, for lower-harm offences;
a few per cent are named many times, against several victims, for the gravest offences, and hold most
of the harm. Chunks keep memory flat however many offenders are asked for.

`--offenders N` is the force's size: the suspects named in the year to the anchor (every one of the N
has an offence in that year). With `--history-months M` the data reaches M months further back, and
the suspects named only in those earlier months are added (about 0.9 x N x M / 12 more, mostly named
once), so any 12 months of the data name about N suspects, not N spread over the whole span
(docs/evaluation.md, "The synthetic population"). The figures it is shaped on are tested in
tests/offenders/test_population_shape.py.
"""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from faker import Faker

from ..models import Offence, OffenceType, Offender, Victim
from . import SeedContext
from . import vocabulary as v
from .bulk import insert_rows, next_id, reset_sequences


@dataclass(frozen=True)
class Weighted:
    """Values with cumulative weights, so a draw is one bisect rather than a sum each time."""

    values: tuple
    cumulative: tuple

    @classmethod
    def of(cls, weights: dict) -> "Weighted":
        total, cumulative = 0.0, []
        for weight in weights.values():
            total += weight
            cumulative.append(total)
        return cls(tuple(weights), tuple(cumulative))

    def draw(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


ETHNICITY = Weighted.of(v.ETHNICITY_WEIGHTS)
SEX = Weighted.of(v.SEX_WEIGHTS)
RELATIONSHIP = Weighted.of(v.RELATIONSHIP_WEIGHTS)
RECENT_STATUS = Weighted.of(v.RECENT_STATUS_WEIGHTS)
OLDER_STATUS = Weighted.of(v.OLDER_STATUS_WEIGHTS)


YEAR_DAYS = 365
MONTH_DAYS = 30  # a history month (cases/history.py ranks every 30 days)
# Suspects named only before the year to the anchor, per suspect a year and per day of those earlier months:
# enough that a 12-month window ending in them names about as many as the last year (the year's repeat
# offenders mostly reach back into it too). Calibrated on the demo (35,000, 12 months): see the test.
EARLIER_RATE = 0.9
EARLIER_ONCE = 0.85  # the earlier-only suspects are named once or twice (a career that ended)


def earlier_suspects(offenders: int, history_months: int) -> int:
    """How many suspects are named only in the `history_months` before the year to the anchor."""
    return round(offenders * EARLIER_RATE * history_months * MONTH_DAYS / YEAR_DAYS)


def offence_count(rng: random.Random) -> int:
    """How often a suspect is named: about three quarters once (no further reported offence), a few per
    cent many times (the published figures this is shaped on are in docs/evaluation.md)."""
    draw = rng.random()
    if draw < 0.75:
        return 1
    if draw < 0.88:
        return 2
    if draw < 0.94:
        return 3
    if draw < 0.98:
        return rng.randint(4, 7)
    return min(24, 9 + int((rng.paretovariate(2.5) - 1) * 4))


class PeopleSeeder:
    """Makes one chunk of offenders at a time; every draw comes from one seeded stream, in order."""

    def __init__(self, context: SeedContext, rng: random.Random, fake: Faker):
        self.context, self.rng, self.fake = context, rng, fake
        codes = dict(OffenceType.objects.values_list("code", "id"))
        self.common = Weighted.of({codes[c]: w for c, w in v.COMMON_OFFENCES.items() if c in codes})
        self.serious = Weighted.of({codes[c]: w for c, w in v.SERIOUS_OFFENCES.items() if c in codes})
        self.offence_number = 0
        self.victim_number = 0
        self.ids = {model: next_id(model) for model in (Offender, Victim, Offence)}

    def take_id(self, model) -> int:
        """The next id for `model`: the seed numbers its rows itself (see bulk.py)."""
        self.ids[model] += 1
        return self.ids[model] - 1

    def offender(self, number: int) -> Offender:
        rng, anchor = self.rng, self.context.anchor
        sex = SEX.draw(rng)
        forenames = self.fake.first_name_female() if sex == "female" else self.fake.first_name_male()
        age_days = int(min(80.0, max(16.0, rng.gauss(34, 11))) * 365.25)
        review = anchor + dt.timedelta(days=rng.randint(7, 180)) if rng.random() < 0.1 else None
        return Offender(
            id=self.take_id(Offender),
            suspect_ref=f"{self.context.tag}-P{number:07d}",
            surname=self.fake.last_name(),
            forenames=forenames,
            date_of_birth=anchor - dt.timedelta(days=age_days) if rng.random() > 0.03 else None,
            sex=sex,
            ethnicity=ETHNICITY.draw(rng),
            restricted=rng.random() < v.RESTRICTED_SHARE,
            status="archived" if rng.random() < v.ARCHIVED_SHARE else "active",
            review_due=review,
        )

    def victims_for(self, count: int) -> list[tuple[Victim, str]]:
        """Each offender's victims with their relationship to him; repeaters have several."""
        extra = 1 if count >= 4 else 0
        how_many = 1 if count == 1 else min(count, 1 + extra + int(self.rng.expovariate(0.9)))
        victims = []
        for _ in range(how_many):
            self.victim_number += 1
            victim = Victim(id=self.take_id(Victim), victim_ref=f"{self.context.tag}-V{self.victim_number:07d}")
            victims.append((victim, RELATIONSHIP.draw(self.rng)))
        return victims

    def days_back(self, count: int, earlier: bool) -> list[int]:
        """Days before the anchor of each of a suspect's offences. A suspect of the year to the anchor has
        one offence in it (drawn first); an earlier-only suspect's last offence falls in the months before."""
        rng = self.rng
        if earlier:
            last = rng.randint(YEAR_DAYS, YEAR_DAYS + self.context.history_months * MONTH_DAYS - 1)
            return [last] + [last + rng.randint(30, YEAR_DAYS) for _ in range(count - 1)]
        named = rng.randint(0, YEAR_DAYS - 1)
        if count == 1:
            return [named]
        if count == 2:
            return [named, named + rng.randint(30, YEAR_DAYS)]
        # repeat offenders keep offending to the end of the data (a career, not a burst): what a man did in
        # the year before a ranking says something about the months after it, as in the published studies
        start = max(named, rng.randint(0, v.WINDOW_DAYS + self.context.history_months * MONTH_DAYS))
        return [min(named, start)] + [rng.randint(0, start) for _ in range(count - 1)]

    def offences_for(
        self, offender: Offender, count: int, victims: list[tuple[Victim, str]], earlier: bool = False
    ) -> list[Offence]:
        rng, anchor = self.rng, self.context.anchor
        # the gravest offences come mostly from men named a handful of times, as in the published top lists
        serious = rng.random() < (0.04 if count < 3 else 0.9 if count <= 8 else 0.05)
        types = self.serious if serious else self.common
        main_type = types.draw(rng)  # a repeat offender mostly repeats the same kind of offence
        home = rng.choice(v.LONDON_BOROUGHS)
        offences = []
        for back in self.days_back(count, earlier):
            self.offence_number += 1
            victim, relationship = rng.choice(victims)
            occurred = anchor - dt.timedelta(days=back)
            age = (anchor - occurred).days
            reported = occurred + dt.timedelta(days=min(age, self.report_delay()))
            status = (RECENT_STATUS if age < v.RECENT_DAYS else OLDER_STATUS).draw(rng)
            domestic = relationship in v.DOMESTIC_RELATIONSHIPS or rng.random() < 0.05
            offences.append(
                Offence(
                    id=self.take_id(Offence),
                    crime_ref=f"{self.context.tag}-C{self.offence_number:08d}",
                    offender=offender,
                    victim=victim,
                    offence_type_id=main_type if count >= 3 and rng.random() < 0.8 else types.draw(rng),
                    victim_relationship=relationship,
                    occurred_on=occurred,
                    reported_on=reported,
                    status=status,
                    borough=home if rng.random() < 0.8 else rng.choice(v.LONDON_BOROUGHS),
                    domestic=domestic,
                )
            )
        return offences

    def report_delay(self) -> int:
        draw = self.rng.random()
        if draw < 0.7:
            return self.rng.randint(0, 2)
        if draw < 0.9:
            return self.rng.randint(3, 30)
        return self.rng.randint(31, 365)

    def draw(self, first: int, last: int) -> tuple[list[Offender], list[Victim], list[Offence]]:
        """Offenders numbered first..last (the year's suspects first, then the earlier-only ones), their
        victims and offences, drawn and not yet saved."""
        plans = []
        for number in range(first, last + 1):
            earlier = number > self.context.offenders
            count = offence_count(self.rng)
            if earlier:
                count = 1 if self.rng.random() < EARLIER_ONCE else 2
            plans.append((self.offender(number), count, self.victims_for(count), earlier))
        victims = [victim for _, _, pairs, _ in plans for victim, _ in pairs]
        offences = [o for offender, n, pairs, earlier in plans for o in self.offences_for(offender, n, pairs, earlier)]
        return [offender for offender, _, _, _ in plans], victims, offences

    def chunk(self, first: int, last: int) -> dict[str, int]:
        """Offenders numbered first..last, then their victims and offences, each in one prepared insert."""
        offenders, victims, offences = self.draw(first, last)
        insert_rows(Offender, offenders)
        insert_rows(Victim, victims)
        insert_rows(Offence, offences)
        return {"offenders": len(offenders), "victims": len(victims), "offences": len(offences)}


def _ranges(context: SeedContext) -> Iterator[tuple[int, int]]:
    total = context.offenders + earlier_suspects(context.offenders, context.history_months)
    for first in range(1, total + 1, context.batch_size):
        yield first, min(total, first + context.batch_size - 1)


def draw_people(context: SeedContext) -> Iterator[tuple[list[Offender], list[Victim], list[Offence]]]:
    """The rows `seed_people` would insert for this context, chunk by chunk, drawn without saving: the
    same draws in the same order (the population's shape is checked on these at the demo's full size)."""
    seeder = PeopleSeeder(context, context.random("people"), context.faker("people"))
    for first, last in _ranges(context):
        yield seeder.draw(first, last)


def seed_people(context: SeedContext) -> dict[str, int]:
    """The offenders, victims and offences of the data set (step one)."""
    seeder = PeopleSeeder(context, context.random("people"), context.faker("people"))
    totals = {"offenders": 0, "victims": 0, "offences": 0}
    for first, last in _ranges(context):
        made = seeder.chunk(first, last)
        totals = {name: totals[name] + made[name] for name in totals}
    reset_sequences([Offender, Victim, Offence])
    return totals
