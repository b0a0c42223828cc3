"""One format for numbers, days and moments on every page (portal/formats.py)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from portal.formats import day, moment, number


@pytest.mark.parametrize(
    "value, expected",
    [(27111.0, "27,111"), (35002, "35,002"), (7927.18, "7,927.2"), (0.25, "0.2"), (None, ""), ("n/a", "n/a")],
)
def test_numbers_have_separators_and_a_fraction_only_when_there_is_one(value, expected):
    assert number(value) == expected


def test_days_and_moments_are_en_gb_on_the_24_hour_clock():
    assert day(dt.date(2026, 3, 7)) == "7 Mar 2026"
    late = timezone.make_aware(dt.datetime(2026, 7, 1, 21, 5), dt.UTC)  # 22:05 in London (summer time)
    assert moment(late) == "1 Jul 2026 22:05"


def test_the_filters_need_no_load():
    assert Template("{{ n|number }} {{ n|number:2 }}").render(Context({"n": 1234.567})) == "1,234.6 1,234.57"
