"""The three-month clock: calendar months after the start, clamped to a shorter month's
end, leap years right; the period read from the county's rule, none where none is set."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.employment.followups import followup_due_on, followup_months
from tests.conftest import MASHAN
from tests.employment.fixtures_followups import seeded_rules  # noqa: F401


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (dt.date(2026, 11, 30), dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), dt.date(2028, 2, 29)),
        (dt.date(2026, 8, 31), dt.date(2026, 11, 30)),
        (dt.date(2026, 10, 31), dt.date(2027, 1, 31)),
        (dt.date(2026, 12, 15), dt.date(2027, 3, 15)),
        (dt.date(2027, 11, 29), dt.date(2028, 2, 29)),
    ],
)
def test_three_months_land_on_the_right_day(start, due):
    assert followup_due_on(start, 3) == due


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
    months=st.integers(min_value=1, max_value=24),
)
def test_the_due_day_is_months_later_clamped_to_the_month_end(start, months):
    due = followup_due_on(start, months)
    assert due > start
    # The calendar month is exactly `months` on.
    assert (due.year - start.year) * 12 + due.month - start.month == months
    last = calendar.monthrange(due.year, due.month)[1]
    # The same day of the month, or the month's last day where it is shorter.
    assert due.day == min(start.day, last)
    # Never more than `months` months: the same day a month later would be past it.
    assert (due - start).days <= months * 31


def test_a_period_below_one_month_is_refused():
    with pytest.raises(ValueError):
        followup_due_on(dt.date(2026, 1, 1), 0)


@pytest.mark.django_db
def test_the_period_comes_from_the_rule_with_its_source(seeded_rules):  # noqa: F811
    months, rule = followup_months(MASHAN, dt.date(2026, 6, 1))
    assert months == 3
    assert rule.rule.code == "gx-limit-followup-months"


@pytest.mark.django_db
def test_without_a_rule_there_is_no_period(regions):
    # No rules loaded: no period, never a silent three.
    assert followup_months(MASHAN, dt.date(2026, 6, 1)) == (None, None)
