"""Progress against a target: the actual figure, the share done, where a region on pace
would be today, the pace needed for the rest of the period, a forecast at the current
pace, and whether the region is behind schedule.

`progress_of(target, today=…)` reads the figure of the target's own region (and school)
over the target's period from `Tally` (reports.figures); a target whose indicator is
blank (nothing here counts it) has no actual and is never called behind.

By kind:
- 不少于 / 约 (at_least, about): the figure against the value; 约 is behind only when
  more than 10% short of where it should be by now.
- 每年不少于 (at_least_per_year): the value is a year's; over several years the target is
  the value times the years (the loader makes one target a year, so this is rare).
- 每县不少于 (at_least_per_county): the actual is the number of counties whose figure
  reaches the value, against all the counties the target covers (`counties_of`); the
  percentage, pace and forecast are of counties.
- 每人不少于 (at_least_per_person): a ratio held to its value all the way, not pro rata.

`regions_progress(target, by="city"|"county")` lists the child regions with their split
target (if any), actual, share of the parent's actual, percentage and behind flag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from skillaid.pairings.models import Pairing
from skillaid.regions.models import Level, Region, code_prefix

from . import periods
from .figures import Where, figure, figures_by
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
    goal: Decimal  # what `actual` is held to: the value, a year's value × years, or counties
    counties: tuple[int, int] | None = None  # per-county: (counties reached, counties covered)


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


def counties_of(target: Target, where: Where | None = None) -> list[str]:
    """The counties a per-county target covers, within `where` (default: the target's
    region; none: the whole country): for a pairing plan (结对帮扶) the counties paired
    with a school, for a key-area plan (重点帮扶) the key counties, else every current
    county."""
    where = where or where_of(target)
    rows = Region.objects.current().filter(level=Level.COUNTY)
    if where.prefix:
        rows = rows.filter(code__startswith=where.prefix)
    text = f"{target.plan}{target.title}"
    if "结对帮扶" in text:
        rows = rows.filter(code__in=Pairing.objects.values("county_id"))
    elif "帮扶" in text:
        rows = rows.filter(key_county__isnull=False)
    return list(rows.values_list("code", flat=True))


def _counties_reached(target: Target, where: Where, period: Period) -> tuple[Decimal, Decimal]:
    covered = counties_of(target, where)
    by_county = figures_by(target.indicator, "county", where, period)
    reached = sum(1 for c in covered if (by_county.get(c) or 0) >= target.value)
    return Decimal(reached), Decimal(len(covered))


def progress_of(target: Target, *, today: dt.date, where: Where | None = None) -> Progress:
    period = periods.span(target.period_start, target.period_end)
    where = where or where_of(target)
    value = target.value
    counties = None
    if target.kind == TargetKind.AT_LEAST_PER_COUNTY and target.indicator:
        actual, value = _counties_reached(target, where, period)
        counties = (int(actual), int(value))
    else:
        actual = figure(target.indicator, where, period) if target.indicator else None
    if target.kind == TargetKind.AT_LEAST_PER_YEAR:
        value = value * (period.end.year - period.start.year + 1)
    share = Decimal(str(period.elapsed(today)))
    # A rate (推介岗位 per trained person) is held to its target all the way, not pro rata.
    rate = target.kind == TargetKind.AT_LEAST_PER_PERSON
    expected = value if rate else _round(value * share, "1")
    left = months_left(period, today)
    percent = _round(actual / value * HUNDRED) if actual is not None and value else None
    pace = forecast = None
    if actual is not None and not rate:
        if left and actual < value:
            # Rounded up, so that keeping this pace every month left reaches the target.
            pace = ((value - actual) / left).quantize(Decimal("0.1"), rounding=ROUND_CEILING)
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
        goal=value,
        counties=counties,
    )


@dataclass(frozen=True)
class RegionProgress:
    region: Region
    target: Target | None  # its split of the parent, if one was made
    actual: Decimal | None
    share: Decimal | None  # of the parent's actual, per cent
    progress: Progress | None  # against its split target


def regions_progress(target: Target, *, by: str = "city", today: dt.date) -> list[RegionProgress]:
    """The child regions of the target's region (its cities, or its counties with
    by="county"), each with its split target (if any), its actual and share of the
    parent's actual, and its progress (percentage, behind) against the split target."""
    if by not in ("city", "county"):
        raise ValueError(f"不能按“{by}”列出地区")
    prefix = code_prefix(target.region_id) if target.region_id else ""
    level = Level.CITY if by == "city" else Level.COUNTY
    regions = Region.objects.current().filter(level=level)
    if prefix:
        regions = regions.filter(code__startswith=prefix)
    if by == "city" and len(prefix) >= 4:
        return []
    period = periods.span(target.period_start, target.period_end)
    splits = {t.region_id: t for t in target.parts.all()}
    per_county = target.kind == TargetKind.AT_LEAST_PER_COUNTY
    actuals: dict[object, Decimal | None] = {}
    if target.indicator and not per_county:
        actuals = figures_by(target.indicator, by, Where(region=prefix), period)
    parent_actual = sum((v for v in actuals.values() if v is not None), Decimal(0))
    ratio = target.kind == TargetKind.AT_LEAST_PER_PERSON
    rows = []
    for region in regions.order_by("code"):
        where = Where(region=code_prefix(region.code))
        actual: Decimal | None
        if not target.indicator:
            actual = None
        elif per_county:
            actual = _counties_reached(target, where, period)[0]
        else:
            actual = actuals.get(region.code, Decimal(0) if not ratio else None)
        share = None
        if actual is not None and parent_actual and not ratio and not per_county:
            share = _round(actual / parent_actual * HUNDRED)
        split = splits.get(region.code)
        progress = progress_of(split, today=today) if split is not None else None
        rows.append(RegionProgress(region, split, actual, share, progress))
    return rows


@dataclass(frozen=True)
class PairingProgress:
    pairing: object  # pairings.Pairing
    county: Region
    plan: object | None  # pairings.WorkPlan of the year, if filed
    planned_trainees: int | None
    trained: Decimal
    planned_enrolments: int | None
    enrolled: Decimal

    @staticmethod
    def _percent(actual: Decimal, planned: int | None) -> Decimal | None:
        return _round(actual / planned * HUNDRED) if planned else None

    @property
    def trained_percent(self) -> Decimal | None:
        return self._percent(self.trained, self.planned_trainees)

    @property
    def enrolled_percent(self) -> Decimal | None:
        return self._percent(self.enrolled, self.planned_enrolments)


def pairings_progress(user: object, *, year: int) -> list[PairingProgress]:
    """Each pairing in the user's scope against its year's work plan: the trainees it
    planned against those the school trained in the partner county (补贴性培训 of the
    school's classes held in that county, completed in the year), and the 两后生 it
    planned to enrol against the students from that county the school enrolled."""
    from skillaid.pairings.models import WorkPlan
    from skillaid.pairings.selectors import pairings_visible_to

    pairings = list(pairings_visible_to(user).order_by("school__name", "id"))
    plans = {
        p.pairing_id: p
        for p in WorkPlan.objects.filter(pairing__in=pairings, year=year).prefetch_related("items")
    }
    period = periods.year(year)
    rows = []
    for pairing in pairings:
        county = pairing.county or pairing.site.county
        where = Where(institution_id=pairing.school_id, county=county.code)
        plan = plans.get(pairing.pk)
        rows.append(
            PairingProgress(
                pairing=pairing,
                county=county,
                plan=plan,
                planned_trainees=plan.planned_trainees if plan else None,
                trained=figure("trainings", where, period) or Decimal(0),
                planned_enrolments=plan.planned_enrolments if plan else None,
                enrolled=figure("students_new", where, period) or Decimal(0),
            )
        )
    return rows
