"""The statutory calendar over HTTP: the years it knows and their days, a year entered by an
administrator as the page takes it, and working days counted as the system counts them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from skillaid.lib.dates import Day

from .capabilities import require
from .holidays import TEXT_MAX, CalendarYear, calendar_year_enter
from .models import Channel
from .workdays import WorkCalendar

router = Router(tags=["calendar"])
MAX_DAYS = 3660  # ten years of counting; a larger count is a mistake, not a deadline


class YearOut(Schema):
    year: int
    source: str
    source_label: str
    basis: str
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def of(row: CalendarYear) -> YearOut:
        return YearOut(
            year=row.year,
            source=row.source,
            source_label=row.get_source_display(),
            basis=row.basis,
            recorded_by=row.recorded_by.display_name,
            recorded_at=row.recorded_at,
        )


class DayOut(Schema):
    date: dt.date
    kind: str = Field(description="holiday（法定节假日休息日）或 workday（调休上班日）")
    name: str


class YearDetailOut(YearOut):
    days: list[DayOut]
    lines: list[str] = Field(description="the days as the 节假日安排 form writes them")


class YearIn(Schema):
    days: str = Field(
        description="one line a date or range, name and 休/班: “2028-01-01 元旦 休”",
        max_length=TEXT_MAX,
    )
    basis: str = Field("", max_length=255)


class CountIn(Schema):
    start: Day
    days: int | None = Field(None, ge=-MAX_DAYS, le=MAX_DAYS)
    end: Day | None = None


class CountOut(Schema):
    start: dt.date
    end: dt.date
    days: int = Field(description="working days d with start < d <= end")


def _detail(row: CalendarYear) -> YearDetailOut:
    days = list(row.days.all())
    return YearDetailOut(
        **YearOut.of(row).dict(),
        days=[DayOut(date=d.date, kind=d.kind, name=d.name) for d in days],
        lines=row.lines(),
    )


@router.get("/calendar", response=list[YearOut], summary="The years the calendar knows")
def list_years(request: HttpRequest):  # noqa: ANN201
    require(request.user, "calendar.read")
    return [YearOut.of(r) for r in CalendarYear.objects.select_related("recorded_by")]


@router.get(
    "/calendar/working-days",
    response=CountOut,
    summary="The working day `days` after `start`, or the working days from `start` to `end`",
)
def count_working_days(request: HttpRequest, query: Query[CountIn]):  # noqa: ANN201
    """Give `days` for the date of the n-th working day after `start` (before it when
    negative; `start` never counts), or `end` for the number of working days after `start`
    up to and including `end`. A count reaching a year the calendar does not hold is 422,
    naming the year."""
    require(request.user, "calendar.read")
    if (query.days is None) == (query.end is None):
        raise ValidationError({"days": "请给出 days（第几个工作日）或 end（截止日期）之一"})
    calendar = WorkCalendar()
    if query.days is not None:
        end = calendar.add_working_days(query.start, query.days)
        return CountOut(start=query.start, end=end, days=query.days)
    return CountOut(
        start=query.start,
        end=query.end,
        days=calendar.working_days_between(query.start, query.end),
    )


@router.get("/calendar/{int:year}", response=YearDetailOut, summary="A year and its days")
def read_year(request: HttpRequest, year: int):  # noqa: ANN201
    require(request.user, "calendar.read")
    return _detail(get_object_or_404(CalendarYear.objects.select_related("recorded_by"), year=year))


@router.put(
    "/calendar/{int:year}",
    response=YearDetailOut,
    summary="Enter or replace a year's holidays and make-up working days (administrators)",
)
def enter_year(request: HttpRequest, year: int, body: YearIn):  # noqa: ANN201
    """Every bad line is 422 with its number; nothing is stored unless every line is good."""
    row = calendar_year_enter(
        actor=request.user, channel=Channel.API, year=year, text=body.days, basis=body.basis
    )
    return _detail(CalendarYear.objects.select_related("recorded_by").get(pk=row.pk))
