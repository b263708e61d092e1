"""Progress against a target: the actual figure, the share done, where a region on pace
would be today, the pace needed for the rest of the period, a forecast at the current
pace, and whether the region is behind schedule.

`progress_of(target, today=…)` reads the figure of the target's own region (and school)
over the target's period from `Tally` (reports.figures); a target whose indicator is
blank (nothing here counts it) has no actual and is never called behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from skillaid.regions.models import code_prefix

from . import periods
from .figures import Where, figure
from .models import Target, TargetKind
from .periods import Period

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Progress:
    target: Target
    period: Period
    actual: Decimal | None  # None: nothing here counts it, or a ratio with nothing under it
    percent: Decimal | None  # actual ÷ target × 100, one decimal
    expected: Decimal  # where a region on pace would be today: target × share of time gone
    pace_needed: Decimal | None  # per month, for the months left (None when done or over)
    forecast: Decimal | None  # the period's end figure at the pace so far
    behind: bool  # short of `expected` (a per-person or ratio target: short of the target)
    months_left: int
    finished: bool  # the period has ended


def where_of(target: Target) -> Where:
    region = code_prefix(target.region_id) if target.region_id else ""
    if target.institution_id:
        return Where(region="", institution_id=target.institution_id, county=target.region_id or "")
    return Where(region=region)


def _round(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def months_left(period: Period, today: dt.date) -> int:
    if today > period.end:
        return 0
    if today < period.start:
        return len(period.months())
    return sum(1 for m in period.months() if m > today.replace(day=1)) + 1


def progress_of(target: Target, *, today: dt.date, where: Where | None = None) -> Progress:
    period = periods.span(target.period_start, target.period_end)
    where = where or where_of(target)
    actual = figure(target.indicator, where, period) if target.indicator else None
    share = Decimal(str(period.elapsed(today)))
    value = target.value
    # A rate (推介岗位 per trained person) is held to its target all the way, not pro rata.
    rate = target.kind == TargetKind.AT_LEAST_PER_PERSON
    expected = value if rate else _round(value * share, "1")
    left = months_left(period, today)
    percent = _round(actual / value * HUNDRED) if actual is not None and value else None
    pace = forecast = None
    if actual is not None and not rate:
        if left and actual < value:
            pace = _round((value - actual) / left, "1")
        if share > 0 and today >= period.start:
            forecast = _round(actual / share, "1")
    behind = actual is not None and actual < expected and target.kind != TargetKind.ABOUT
    if target.kind == TargetKind.ABOUT and actual is not None:
        behind = actual < expected * Decimal("0.9")
    return Progress(
        target=target,
        period=period,
        actual=actual,
        percent=percent,
        expected=expected,
        pace_needed=pace,
        forecast=forecast,
        behind=behind,
        months_left=left,
        finished=today > period.end,
    )
