"""A class timetable typed or pasted from Excel, one session a line:

    2026-12-01 09:00-12:00 马山县职教中心实训楼201 韦老师

Dates may be written 2026/12/1 or 2026年12月1日; the time range may use -, ~, ～ or 至.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

LINE = re.compile(
    r"^(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s+"
    r"(?P<start>\d{1,2}[:：]\d{2})\s*(?:-|~|～|—|至|到)\s*(?P<end>\d{1,2}[:：]\d{2})"
    r"(?:\s+(?P<place>\S+))?(?:\s+(?P<teacher>.+))?$"
)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one line: its number (from 1, counting blank lines, as an editor
    does) and a message that names it, so that a page can show it beside the line."""

    line: int
    message: str


class TimetableError(ValueError):
    """Every bad line, each message naming its line number."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Line:
    number: int
    day: dt.date
    start: dt.time
    end: dt.time
    place: str
    teacher: str


def _time(text: str) -> dt.time:
    hours, minutes = text.replace("：", ":").split(":")
    return dt.time(int(hours), int(minutes))


def parse(text: str, *, default_place: str = "", default_teacher: str = "") -> list[Line]:
    lines: list[Line] = []
    problems: list[Problem] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        row = unicodedata.normalize("NFKC", raw).strip().replace("\t", " ")
        if not row:
            continue
        match = LINE.match(row)
        if match is None:
            problems.append(
                Problem(
                    number,
                    f"第{number}行“{raw.strip()}”看不懂，应写成“2026-12-01 09:00-12:00 地点 教师”",
                )
            )
            continue
        try:
            digits = [int(d) for d in re.findall(r"\d+", match["date"])]
            day = dt.date(*digits)
        except ValueError:
            problems.append(Problem(number, f"第{number}行的日期“{match['date']}”不存在"))
            continue
        try:
            start, end = _time(match["start"]), _time(match["end"])
        except ValueError:
            problems.append(
                Problem(number, f"第{number}行的时间“{match['start']}-{match['end']}”不存在")
            )
            continue
        if end <= start:
            problems.append(Problem(number, f"第{number}行的结束时间不晚于开始时间"))
            continue
        place = match["place"] or default_place
        teacher = (match["teacher"] or default_teacher).strip()
        if not place:
            problems.append(Problem(number, f"第{number}行缺少上课地点"))
            continue
        if not teacher:
            problems.append(Problem(number, f"第{number}行缺少授课教师"))
            continue
        lines.append(Line(number, day, start, end, place, teacher))
    ordered = sorted(lines, key=lambda line: (line.day, line.start))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.day == after.day and after.start < before.end:
            # Said at the later line of the two, the one that runs into the other.
            later = max(before.number, after.number)
            problems.append(Problem(later, f"第{before.number}行与第{after.number}行的时间重叠"))
    if problems:
        raise TimetableError(sorted(problems, key=lambda p: p.line))
    return ordered


def format_lines(lines: list[tuple[dt.datetime, dt.datetime, str, str]]) -> str:
    """The text form of saved sessions, for editing them again."""
    return "\n".join(
        f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} {place} {teacher}"
        for start, end, place, teacher in lines
    )
