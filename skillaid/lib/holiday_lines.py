"""A year's statutory holidays and make-up working days, typed or pasted one entry a line:

    2028-01-01 元旦 休
    2028-01-26至2028-02-01 春节 休
    2028-02-06 春节 班

A line is a date, or a range of dates joined by 至 (or 到, ~, ～, —), then the holiday's
name (may be left out), then 休 for a day off or 班 for a make-up working day. Dates may be
written 2028/1/1 or 2028年1月1日; the end of a range may leave out its year (2028-01-26至02-01).
Columns pasted from Excel (tabs) are read like spaces.

`parse` returns one `Entry` per day or every problem, each naming its line; `format_lines`
writes entries back in this form, consecutive days of one holiday as one range, so that
what a year holds can be edited and saved again unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

HOLIDAY, WORKDAY = "holiday", "workday"
KIND_WORDS = {
    "休": HOLIDAY,
    "休息": HOLIDAY,
    "放假": HOLIDAY,
    "假": HOLIDAY,
    "法定节假日休息日": HOLIDAY,
    "班": WORKDAY,
    "上班": WORKDAY,
    "补班": WORKDAY,
    "调休上班": WORKDAY,
    "调休上班日": WORKDAY,
}
# How format_lines writes each kind.
KIND_SHORT = {HOLIDAY: "休", WORKDAY: "班"}
NAME_MAX = 32
# The longest run of rest days ever announced is ten (the Spring Festival of 2020, extended);
# a range of more than a month is a slip of the end date.
RANGE_MAX_DAYS = 31
WEEKDAYS = "一二三四五六日"
EXAMPLE = "“2028-01-01 元旦 休”或“2028-02-06 春节 班”"

_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_MONTH_DAY = r"\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
LINE = re.compile(
    rf"^(?P<first>{_DATE})(?:\s*(?:至|到|~|—|–)\s*(?P<last>{_DATE}|{_MONTH_DAY}))?"
    r"(?:\s+(?P<name>.+?))?\s+(?P<kind>\S+)$"
)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one line: its number (from 1, counting blank lines, as an editor
    does) and a message that names it, so that a page can show it beside the line."""

    line: int
    message: str


class HolidayLinesError(ValueError):
    """Every bad line, each message naming its line number; `problems` without a line
    (line 0) concern the text as a whole."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    day: dt.date
    kind: str  # HOLIDAY or WORKDAY
    name: str
    line: int = 0  # the line it was read from; 0 when not read from text

    @property
    def key(self) -> tuple[dt.date, str, str]:
        """What the entry says, whichever line it came from."""
        return (self.day, self.kind, self.name)


def weekday_name(day: dt.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def _date(text: str, year: int | None = None) -> dt.date:
    """A date as written; ValueError if it does not exist. `year` for a month and day alone."""
    digits = [int(d) for d in re.findall(r"\d+", text)]
    if len(digits) == 2 and year is not None:
        digits = [year, *digits]
    return dt.date(*digits)


def parse(text: str, *, year: int) -> list[Entry]:
    """The entries of `text` in date order, one per day, all of `year`; or HolidayLinesError
    naming every bad line. Nothing is returned when any line is bad."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        row = unicodedata.normalize("NFKC", raw).replace("\t", " ").strip()
        if not row:
            continue
        shown = raw.strip()

        def bad(message: str, number: int = number) -> None:
            problems.append(Problem(number, f"第{number}行：{message}"))

        match = LINE.match(row)
        if match is None:
            bad(f"“{shown}”看不懂，应写成{EXAMPLE}")
            continue
        kind = KIND_WORDS.get(match["kind"])
        if kind is None:
            bad(f"末尾应写“休”（放假）或“班”（调休上班），“{match['kind']}”无法识别")
            continue
        name = (match["name"] or "").strip()
        if len(name) > NAME_MAX:
            bad(f"节日名称“{name}”过长（最多{NAME_MAX}个字）")
            continue
        try:
            first = _date(match["first"])
        except ValueError:
            bad(f"日期“{match['first']}”不存在")
            continue
        last = first
        if match["last"]:
            try:
                last = _date(match["last"], first.year)
            except ValueError:
                bad(f"日期“{match['last']}”不存在")
                continue
            if last < first:
                bad(f"起止日期颠倒：{first:%Y-%m-%d}至{last:%Y-%m-%d}")
                continue
            if (last - first).days + 1 > RANGE_MAX_DAYS:
                bad(
                    f"{first:%Y-%m-%d}至{last:%Y-%m-%d}共{(last - first).days + 1}天，"
                    f"一段放假或调休不超过{RANGE_MAX_DAYS}天，请检查结束日期"
                )
                continue
        if first.year != year or last.year != year:
            outside = first if first.year != year else last
            bad(f"日期{outside:%Y-%m-%d}不属于{year}年")
            continue
        line_problems = 0
        day = first
        while day <= last:
            if day in seen:
                bad(f"{day:%Y-%m-%d}已在第{seen[day]}行写过，同一天只能写一次")
                line_problems += 1
            elif kind == WORKDAY and day.weekday() < 5:
                bad(
                    f"{day:%Y-%m-%d}是{weekday_name(day)}，本来就是工作日，"
                    "不必登记为调休上班日（调休上班日是要上班的周六或周日）"
                )
                line_problems += 1
            else:
                seen[day] = number
                entries.append(Entry(day, kind, name, number))
            day += dt.timedelta(days=1)
    if not entries and not problems:
        problems.append(Problem(0, f"请逐行填写{year}年的放假日期和调休上班日期，如{EXAMPLE}"))
    if problems:
        raise HolidayLinesError(problems)
    return sorted(entries, key=lambda e: e.day)


def format_lines(entries: list[Entry]) -> list[str]:
    """The entries as lines `parse` reads back to the same entries: consecutive days of the
    same kind and name written as one range (of at most RANGE_MAX_DAYS days)."""
    lines: list[str] = []
    run: list[Entry] = []

    def flush() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        when = f"{first.day:%Y-%m-%d}"
        if last.day != first.day:
            when += f"至{last.day:%Y-%m-%d}"
        lines.append(" ".join(p for p in (when, first.name, KIND_SHORT[first.kind]) if p))
        run.clear()

    for entry in sorted(entries, key=lambda e: e.day):
        if run and not (
            entry.day == run[-1].day + dt.timedelta(days=1)
            and (entry.kind, entry.name) == (run[-1].kind, run[-1].name)
            and len(run) < RANGE_MAX_DAYS
        ):
            flush()
        run.append(entry)
    flush()
    return lines
