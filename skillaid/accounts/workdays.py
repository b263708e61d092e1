"""Statutory working days (法定工作日), counted from the calendar table (accounts.holidays).

A day is a working day when the table marks it a make-up working day (调休上班日), or when
it is Monday to Friday and the table does not mark it a statutory holiday. Only years the
table holds are known: a question that reaches any other year raises UnknownCalendarYear,
saying which year an administrator must enter; nothing is guessed.

The counts, precisely (`start` itself is never counted):
- `add_working_days(start, n)`: for n > 0 the n-th working day after `start`; for n < 0 the
  |n|-th working day before it; n == 0 is `start` itself, working day or not. So a
  publication put up on day P that runs five working days from the next day ends on
  `add_working_days(P, 5)`.
- `working_days_between(a, b)`: the working days d with a < d <= b; 0 when a == b, and
  -working_days_between(b, a) when b < a. For n >= 0,
  working_days_between(d, add_working_days(d, n)) == n.

Each function reads each year it needs once per call; code that asks many questions in a
row (a list of publications) keeps one `WorkCalendar` for all of them.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from .holidays import CalendarDay, CalendarYear, DayKind

ONE_DAY = dt.timedelta(days=1)
CALENDAR_PAGE = "节假日安排"


class UnknownCalendarYear(ValidationError):
    """A count reached a year whose holidays the table does not hold."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排尚未录入，无法计算工作日："
            f"请系统管理员在“{CALENDAR_PAGE}”页面录入",
            code="calendar_year_unknown",
        )


def _as_date(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        raise TypeError("working days are counted between dates, not datetimes")
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


class WorkCalendar:
    """The table's years as read once: each year's special days, loaded when first needed."""

    def __init__(self) -> None:
        self._years: dict[int, dict[dt.date, str]] = {}

    def _special(self, year: int) -> dict[dt.date, str]:
        days = self._years.get(year)
        if days is None:
            if not CalendarYear.objects.filter(year=year).exists():
                raise UnknownCalendarYear(year)
            days = dict(
                CalendarDay.objects.filter(calendar_year__year=year).values_list("date", "kind")
            )
            self._years[year] = days
        return days

    def knows(self, year: int) -> bool:
        try:
            self._special(year)
        except UnknownCalendarYear:
            return False
        return True

    def is_working_day(self, day: dt.date) -> bool:
        day = _as_date(day)
        kind = self._special(day.year).get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        day = _as_date(start)
        step = ONE_DAY if n >= 0 else -ONE_DAY
        left = abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a + ONE_DAY
        while day <= b:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a statutory working day; UnknownCalendarYear if its year is not entered."""
    return WorkCalendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (before it, for negative n); `start` never counts."""
    return WorkCalendar().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """The number of working days d with a < d <= b (negative when b is before a)."""
    return WorkCalendar().working_days_between(a, b)


def known_years() -> list[int]:
    """The years the calendar table holds, oldest first."""
    return sorted(CalendarYear.objects.values_list("year", flat=True))
