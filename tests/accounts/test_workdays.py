"""Working days counted from the calendar table: holidays rest, make-up days work, weekdays
work otherwise; a count that reaches a year not entered is refused, naming the year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.accounts.holidays import CalendarDay, CalendarYear, calendar_year_enter
from skillaid.accounts.models import Channel
from skillaid.accounts.workdays import (
    UnknownCalendarYear,
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

D = dt.date


@pytest.fixture
def year_2027(work_calendar, zhou):
    """2027 as an administrator enters it (chinese-calendar 1.11 stops at 2026): 元旦 on
    Friday 1 January, 春节 from 6 to 12 February with Saturday 13 February worked."""
    return calendar_year_enter(
        actor=zhou,
        channel=Channel.PAGE,
        year=2027,
        text="2027-01-01 元旦 休\n2027-02-06至2027-02-12 春节 休\n2027-02-13 春节 班",
    )


def test_national_day_rests_and_its_saturday_make_up_day_works(work_calendar):
    assert not is_working_day(D(2026, 10, 1))  # a Thursday of the National Day holiday
    assert not is_working_day(D(2026, 10, 3))  # a Saturday
    assert is_working_day(D(2026, 10, 10))  # a Saturday worked for the holiday
    assert is_working_day(D(2026, 10, 8))  # the Thursday after
    assert not is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_five_working_days_from_the_eve_of_national_day_end_after_the_make_up_saturday(
    work_calendar,
):
    # 30 Sep 2026: the next working days are 8, 9, 10 (Saturday, worked), 12, 13 October.
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == 5
    assert working_days_between(D(2026, 10, 13), D(2026, 9, 30)) == -5


def test_the_start_never_counts_and_zero_days_is_the_start(work_calendar):
    monday = D(2026, 6, 1)
    assert add_working_days(monday, 0) == monday
    assert add_working_days(monday, 1) == D(2026, 6, 2)
    assert add_working_days(D(2026, 6, 6), 0) == D(2026, 6, 6)  # a Saturday stays itself
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, D(2026, 6, 2)) == 1
    assert add_working_days(D(2026, 6, 2), -1) == monday


def test_a_count_reaching_a_year_not_entered_is_refused_naming_the_year(work_calendar):
    message = "2027年的法定节假日安排尚未录入，无法计算工作日：请系统管理员在“节假日安排”页面录入"
    with pytest.raises(UnknownCalendarYear) as caught:
        add_working_days(D(2026, 12, 28), 5)
    assert caught.value.year == 2027
    assert isinstance(caught.value, ValidationError) and caught.value.messages == [message]
    with pytest.raises(UnknownCalendarYear):
        working_days_between(D(2026, 12, 1), D(2027, 1, 4))
    with pytest.raises(UnknownCalendarYear):
        is_working_day(D(2027, 1, 4))
    # The days before the unknown year are still counted.
    assert add_working_days(D(2026, 12, 24), 4) == D(2026, 12, 30)


def test_an_empty_table_knows_no_year(db):
    with pytest.raises(UnknownCalendarYear) as caught:
        is_working_day(D(2026, 6, 1))
    assert caught.value.year == 2026


def test_a_year_entered_by_an_administrator_is_counted_as_entered(year_2027):
    assert not is_working_day(D(2027, 1, 1))
    assert is_working_day(D(2027, 2, 13))  # the make-up Saturday
    assert not is_working_day(D(2027, 2, 8))  # a Monday of the Spring Festival
    # 31 December 2026 (Thursday): then 4 Jan (1 Jan rests, 2-3 a weekend), 5, 6, 7, 8.
    assert add_working_days(D(2026, 12, 31), 5) == D(2027, 1, 8)
    # From Friday 5 February: Saturday 13th is the first working day, then 15th.
    assert add_working_days(D(2027, 2, 5), 2) == D(2027, 2, 15)


def test_each_year_is_read_once_however_many_questions(work_calendar, django_assert_num_queries):
    calendar = WorkCalendar()
    with django_assert_num_queries(2):  # the year's row, then its days
        for n in range(1, 60):
            calendar.add_working_days(D(2026, 1, 1), n)
        assert calendar.working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 248


def test_a_datetime_is_not_taken_for_its_date(work_calendar):
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 6, 1, 9, 0))


# Starts from which 25 working days either way stay within the years the library knows
# (2004–2026): a count that reaches 2003 or 2027 is refused, rightly, as an unknown year.
days = st.dates(D(2004, 3, 1), D(2026, 10, 31))


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=days, n=st.integers(0, 25), m=st.integers(0, 25))
def test_adding_lands_on_a_working_day_counts_back_and_grows_with_n(work_calendar, start, n, m):
    calendar = WorkCalendar()
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    if n:
        assert calendar.is_working_day(end) and end > start
        # No working day is skipped: the one before is the (n-1)th.
        assert calendar.working_days_between(start, end - dt.timedelta(days=1)) == n - 1
    low, high = sorted((n, m))
    assert calendar.add_working_days(start, low) <= calendar.add_working_days(start, high)
    # Going back as many working days from a working day returns to it.
    if n and calendar.is_working_day(start):
        assert calendar.add_working_days(calendar.add_working_days(start, -n), n) == start


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(a=days, b=days, c=days)
def test_counts_add_up_across_a_middle_day_and_match_chinese_calendar(work_calendar, a, b, c):
    import chinese_calendar

    calendar = WorkCalendar()
    assert calendar.working_days_between(a, b) + calendar.working_days_between(
        b, c
    ) == calendar.working_days_between(a, c)
    # The seeded table says what the library says, day for day.
    assert calendar.is_working_day(a) == chinese_calendar.is_workday(a)


def test_the_table_holds_every_special_day_of_the_library(work_calendar):
    import chinese_calendar

    assert CalendarDay.objects.count() == len(chinese_calendar.holidays) + len(
        chinese_calendar.workdays
    )
    assert CalendarYear.objects.count() == 2026 - 2004 + 1
