"""The one rule for a date someone types: nothing before 1900.

A year typed as 0026 or 1026 (a slip for 2026) would otherwise be stored and break ages,
sorting and the two-digit years Excel shows. Services check with `too_early`; API schemas
take `Day`, which refuses such a date with the same message before any service runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator

EARLIEST = dt.date(1900, 1, 1)
TOO_EARLY = "日期不能早于1900年1月1日，请检查年份"


def too_early(day: object) -> bool:
    """Whether `day` is a date (or a datetime) before 1900; anything else is not this rule's."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return isinstance(day, dt.date) and day < EARLIEST


def check(day: dt.date | None) -> dt.date | None:
    """`day` itself, or ValueError with the Chinese message if it is before 1900."""
    if too_early(day):
        raise ValueError(TOO_EARLY)
    return day


# A date field of an API schema: 422 with the message for a date before 1900.
Day = Annotated[dt.date, AfterValidator(check)]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day
    (2026-01-31 + 1 month → 2026-02-28): a claim period as people count it."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
