"""The synthetic demonstration data set, built by steps run in order (people first, then cases...).

This package holds the machinery and the people step (``people.py``); each app above brings its own
step (``cases.seeding``), and ``manage.py seed_demo`` (in the cases app) runs them in order.

Each step is a function ``step(context) -> dict[str, int]`` (what it created, for the summary). Steps
draw from their own random stream (``context.random("people")``), so adding a step never changes the
data an earlier step makes for the same seed.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker


@dataclass
class SeedContext:
    """What every step needs: the seed, the size asked for and the day the data set ends on."""

    seed: int
    offenders: int
    anchor: dt.date
    batch_size: int = 5000
    history_months: int = 0  # months of past published rankings and tasking (seed_demo --history-months)
    tasking_effect: float = 0.0  # the planted proportional change in tasked offenders' later harm
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        """The prefix of every reference the seed makes: plainly synthetic, and one per seed."""
        return f"DEMO{self.seed}"

    def random(self, step: str) -> random.Random:
        """A random stream of its own for each step, fixed by the seed."""
        return random.Random(f"{self.seed}:{step}")

    def faker(self, step: str) -> Faker:
        """A British-English name generator, seeded per step (names are generated, never real records)."""
        fake = Faker("en_GB")
        fake.seed_instance(f"{self.seed}:{step}")
        return fake


SeedStep = Callable[[SeedContext], dict[str, int]]


def run_steps(context: SeedContext, steps: list[SeedStep], *, report: Callable[[str], None] = print) -> None:
    """Run each step in order, adding what it made to ``context.counts``."""
    for step in steps:
        started = time.monotonic()
        made = step(context)
        context.counts.update(made)
        summary = ", ".join(f"{n:,} {what}" for what, n in made.items())
        report(f"{step.__module__.rsplit('.', 1)[-1]}: {summary} ({time.monotonic() - started:.1f}s)")
