"""Indicators (统计指标), each defined once, and the table of their figures kept up to date.

An `Indicator` says what is counted and from which records: a queryset of the counted
records and the paths, on them, to the county, the institution, the day that places the
record in a month, the person (for the list of people behind a number) and the amount
(for sums of money). From that one definition come both the figures (`tally_refresh`
groups the records by county × institution × month into `Tally`) and the drill-down
(`indicator_records`: exactly the records a figure counts). A ratio indicator (referrals
per trained worker) divides two others and keeps no rows of its own.

Indicators are registered by `reports.indicators` (the definitions); figures are read by
`reports.figures`. `tally_refresh` is run by the worker every few minutes
(SKILLAID_TALLY_MINUTES, `skillaid serve`) and by `skillaid reports-refresh`, so a figure
is never more than a few minutes behind the records.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Count, F, Func, Sum
from django.utils import timezone

from skillaid.db import bulk_insert

from .models import Tally, TallyState


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str  # 补贴性职业技能培训
    unit: str  # 人次, 人, 元, 个
    counts: str  # what is counted, from which records, in Chinese for the page
    records: Callable[[], models.QuerySet] | None = None  # the counted records
    county: str = ""  # path to the county's code on a record
    day: str = ""  # path to the date (or datetime, local) that places it in a month
    institution: str | None = None  # path to the institution's id, if any
    person: str | None = None  # path to the person's id, for the list of people
    amount: str | None = None  # summed instead of counted, if given
    ratio: tuple[str, str] | None = None  # (numerator, denominator) indicator codes
    aliases: tuple[str, ...] = field(default=())  # plan_targets.csv's wordings of it
    group: str = ""  # 培训 / 评价 / 技工院校 / 就业 / 能力建设 / 资金 / 台账
    # Rebuilt by the recent refresh (this month and last) as well as the full one. An
    # indicator whose records settle months later (employment three months after a class's
    # end) and whose reading is dear is rebuilt by the full refresh only.
    recent: bool = True

    @property
    def derived(self) -> bool:
        return self.ratio is not None


INDICATORS: dict[str, Indicator] = {}


def indicator_register(indicator: Indicator) -> Indicator:
    INDICATORS[indicator.code] = indicator
    return indicator


def indicator(code: str) -> Indicator:
    try:
        return INDICATORS[code]
    except KeyError:
        raise ValueError(f"没有统计指标“{code[:40]}”") from None


def indicators() -> list[Indicator]:
    return list(INDICATORS.values())


def indicator_for_title(title: str) -> Indicator | None:
    """The indicator a plan's wording names (plan_targets.csv), if one counts it here."""
    for ind in INDICATORS.values():
        if title in ind.aliases:
            return ind
    return None


class MonthOf(Func):
    """The first day of the month of a date, or of a datetime in China's local time (UTC+8
    all year): computed by the database itself, never by Python per row."""

    output_field = models.DateField()

    def __init__(self, expression: object, *, local: bool = False) -> None:
        super().__init__(expression)
        self.local = local

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        sql, params = compiler.compile(self.source_expressions[0])
        shift = ", '+8 hours'" if self.local else ""
        return f"date({sql}{shift}, 'start of month')", params

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        sql, params = compiler.compile(self.source_expressions[0])
        if self.local:
            sql = f"({sql} AT TIME ZONE 'Asia/Shanghai')"
        return f"CAST(date_trunc('month', {sql}) AS date)", params


def _is_datetime(ind: Indicator) -> bool:
    records = ind.records()
    if ind.day in records.query.annotations:  # a day the records compute (capacity's)
        return isinstance(records.query.annotations[ind.day].output_field, models.DateTimeField)
    model = records.model
    target = model
    parts = ind.day.split("__")
    for part in parts[:-1]:
        target = target._meta.get_field(part).related_model
    return isinstance(target._meta.get_field(parts[-1]), models.DateTimeField)


def grouped(
    ind: Indicator, *, since: dt.date | None = None
) -> list[tuple[str, int | None, dt.date, Decimal]]:
    """The indicator's records grouped by county × institution × month (of the months from
    `since` on, if given)."""
    month = MonthOf(F(ind.day), local=_is_datetime(ind))
    keys = {"c": F(ind.county), "m": month}
    if ind.institution:
        keys["i"] = F(ind.institution)
    measure = Sum(ind.amount) if ind.amount else Count("pk")
    rows = (
        indicator_records(ind, start=since)
        .filter(**{f"{ind.day}__isnull": False})
        .values(**keys)
        .annotate(v=measure)
        .order_by()
    )
    return [(r["c"], r.get("i"), r["m"], Decimal(r["v"] or 0)) for r in rows]


def recent_since(today: dt.date) -> dt.date:
    """The first month a recent refresh rebuilds: last month's first day (records of the
    last days of a month are often entered in the first days of the next)."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def tally_refresh(
    codes: list[str] | None = None, *, since: dt.date | None = None
) -> dict[str, int]:
    """Rebuild the figures of the indicators named (all of them by default), each in one
    transaction, so that a reader sees an indicator's old rows or its new ones. With
    `since` (a month's first day), only the months from it on are rebuilt: the recent
    refresh the worker runs every SKILLAID_TALLY_MINUTES, cheap at a province's size
    because it reads only the records of those months, and which leaves out indicators
    not `recent`; without it, every month of every indicator (every
    SKILLAID_TALLY_FULL_MINUTES, which also catches a change to an older month's record).
    Returns the number of rows written for each indicator."""
    done: dict[str, int] = {}
    for ind in indicators():
        if ind.derived or (codes is not None and ind.code not in codes):
            continue
        if since is not None and not ind.recent:
            continue
        began = time.monotonic()
        first = since
        rows = grouped(ind, since=first)
        with transaction.atomic():
            old = Tally.objects.filter(indicator=ind.code)
            if first is not None:
                old = old.filter(month__gte=first)
            old.delete()
            bulk_insert(
                Tally._meta.db_table,
                ["indicator", "county_id", "institution_id", "month", "value"],
                [(ind.code, c, i, _adapt_date(m), v) for c, i, m, v in rows],
            )
            seconds = round(time.monotonic() - began, 3)
            if since is None:
                fields = {"refreshed_at": timezone.now(), "seconds": seconds, "rows": len(rows)}
            else:
                fields = {"recent_at": timezone.now(), "recent_seconds": seconds}
            TallyState.objects.update_or_create(indicator=ind.code, defaults=fields)
        done[ind.code] = len(rows)
    return done


def _adapt_date(day: dt.date | str) -> object:
    if isinstance(day, str):  # SQLite's date() gives text
        day = dt.date.fromisoformat(day)
    return day.isoformat() if connection.vendor == "sqlite" else day


def refreshed_at() -> dt.datetime | None:
    """When the figures were last rebuilt, in full or their recent months (the oldest
    indicator's latest time)."""
    states = TallyState.objects.filter(indicator__in=list(INDICATORS))
    times = [max(t for t in (s.refreshed_at, s.recent_at) if t) for s in states if s.refreshed_at]
    return min(times) if times else None


def full_refreshed_at() -> dt.datetime | None:
    """When every month of every indicator was last rebuilt (the oldest indicator's)."""
    states = TallyState.objects.filter(indicator__in=list(INDICATORS))
    times = [s.refreshed_at for s in states if s.refreshed_at]
    return min(times) if times else None


def indicator_records(
    ind: Indicator,
    *,
    region: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    institution_id: int | None = None,
) -> models.QuerySet:
    """Exactly the records a figure counts: of counties under the region code prefix
    `region`, within [start, end], of the institution if given."""
    records = ind.records().filter(**{f"{ind.county}__isnull": False})
    if region:
        records = records.filter(**{f"{ind.county}__prefix": region})
    if _is_datetime(ind):
        tz = timezone.get_fixed_timezone(8 * 60)
        if start:
            records = records.filter(
                **{f"{ind.day}__gte": dt.datetime.combine(start, dt.time(), tz)}
            )
        if end:
            after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz)
            records = records.filter(**{f"{ind.day}__lt": after})
    else:
        if start:
            records = records.filter(**{f"{ind.day}__gte": start})
        if end:
            records = records.filter(**{f"{ind.day}__lte": end})
    if institution_id is not None:
        if not ind.institution:  # counted by no institution: a school's figure is 0
            return records.none()
        records = records.filter(**{ind.institution: institution_id})
    return records


def ready() -> None:
    from . import indicators  # noqa: F401 - registers the definitions
