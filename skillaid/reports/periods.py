"""Periods figures are read over: a month, a quarter, a half-year, a year, or a plan's
years (2021—2025). Written as codes in links and forms: 2026-05, 2026Q2, 2026H1, 2026,
2021-2025."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

QUARTERS = "一二三四"


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, half, year, plan
    start: dt.date
    end: dt.date  # inclusive

    @property
    def code(self) -> str:
        s = self.start
        if self.kind == "month":
            return f"{s.year}-{s.month:02d}"
        if self.kind == "quarter":
            return f"{s.year}Q{(s.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{s.year}H{1 if s.month == 1 else 2}"
        if self.kind == "year":
            return str(s.year)
        return f"{s.year}-{self.end.year}"

    @property
    def label(self) -> str:
        s = self.start
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "quarter":
            return f"{s.year}年第{QUARTERS[(s.month - 1) // 3]}季度"
        if self.kind == "half":
            return f"{s.year}年{'上' if s.month == 1 else '下'}半年"
        if self.kind == "year":
            return f"{s.year}年"
        return f"{s.year}—{self.end.year}年"

    def months(self) -> list[dt.date]:
        """The first day of each month of the period, in order."""
        out, m = [], self.start.replace(day=1)
        while m <= self.end:
            out.append(m)
            m = (m + dt.timedelta(days=32)).replace(day=1)
        return out

    def elapsed(self, today: dt.date) -> float:
        """The share of the period's days gone by the end of `today` (0 to 1)."""
        days = (self.end - self.start).days + 1
        gone = (min(today, self.end) - self.start).days + 1
        return max(0.0, min(1.0, gone / days))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def month(year: int, m: int) -> Period:
    return Period("month", dt.date(year, m, 1), _month_end(year, m))


def quarter(year: int, q: int) -> Period:
    return Period("quarter", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q))


def half(year: int, h: int) -> Period:
    return Period(
        "half", dt.date(year, 1 if h == 1 else 7, 1), _month_end(year, 6 if h == 1 else 12)
    )


def year(y: int) -> Period:
    return Period("year", dt.date(y, 1, 1), dt.date(y, 12, 31))


def plan(first: int, last: int) -> Period:
    return Period("plan", dt.date(first, 1, 1), dt.date(last, 12, 31))


def span(start: dt.date, end: dt.date) -> Period:
    """A target's own period: a plan's whole years, a year, or else its days as given."""
    if start == dt.date(start.year, 1, 1) and end == dt.date(end.year, 12, 31):
        return year(start.year) if start.year == end.year else plan(start.year, end.year)
    return Period("plan", start, end)


def of_kind(kind: str, on: dt.date) -> Period:
    """The period of `kind` that holds `on`."""
    if kind == "month":
        return month(on.year, on.month)
    if kind == "quarter":
        return quarter(on.year, (on.month - 1) // 3 + 1)
    if kind == "half":
        return half(on.year, 1 if on.month <= 6 else 2)
    return year(on.year)


PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), lambda y, m: month(y, m) if 1 <= m <= 12 else None),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), quarter),
    (re.compile(r"^(\d{4})[Hh]([12])$"), half),
    (re.compile(r"^(\d{4})$"), year),
    (re.compile(r"^(\d{4})-(\d{4})$"), lambda a, b: plan(a, b) if a <= b else None),
]


def parse(text: str) -> Period:
    """The period a code names; ValueError in Chinese for anything else."""
    text = (text or "").strip()
    for pattern, build in PATTERNS:
        match = pattern.match(text)
        if match:
            numbers = [int(g) for g in match.groups()]
            if all(1900 <= n <= 2200 for n in numbers[:1]):
                period = build(*numbers)
                if period is not None and period.start.year <= 2200 and period.end.year <= 2200:
                    return period
    raise ValueError(
        f"统计期间“{text[:20]}”无法识别：请写作 2026（年）、2026H1（半年）、2026Q2（季度）、"
        "2026-05（月）或 2021-2025（规划期）"
    )
