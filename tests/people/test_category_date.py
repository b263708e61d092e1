"""The one household-category date rule: not after today, not before the current category began."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillaid.people.fields import FieldError, category_start
from skillaid.people.services import household_set_category

DAYS = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31))


@given(DAYS, st.one_of(st.none(), DAYS), DAYS)
def test_a_date_is_taken_exactly_when_it_is_neither_after_today_nor_before_the_current_start(
    day, current_start, today
):
    allowed = day <= today and (current_start is None or day >= current_start)
    try:
        taken = category_start(day, current_start, today=today)
    except FieldError as exc:
        assert not allowed
        assert "晚于今天" in str(exc) or f"起始日期 {current_start}" in str(exc)
    else:
        assert allowed and taken == day


def test_the_service_refuses_a_change_dated_in_the_future(wei, person_factory):
    household = person_factory(category="lifted").household
    with pytest.raises(Exception) as info:
        household_set_category(
            actor=wei,
            channel="api",
            household=household,
            category="monitored",
            on=dt.date.today() + dt.timedelta(days=1),
        )
    assert "晚于今天" in info.value.message_dict["on"][0]
