"""The statutory calendar (节假日安排): which years it knows, and their holidays and make-up days.

Working days are counted from this table (skillaid.accounts.workdays), never from a
library at run time. `skillaid setup` copies every year that `chinese-calendar` knows
(`calendar_seed`); a year whose schedule the library does not hold yet is entered by an
administrator on the calendar page (`calendar_year_enter`). A year entered by hand is the
administrator's: seeding never overwrites it. A year missing from the table is unknown,
and counting across it is refused (workdays.UnknownCalendarYear) rather than guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from skillaid.lib import holiday_lines
from skillaid.lib.holiday_lines import Entry, HolidayLinesError

from .capabilities import require
from .models import Action, Channel, User, audit
from .system import system_user

FIRST_YEAR, LAST_YEAR = 2000, 2100
# A year has a few dozen special days; a text this long is not a year's schedule.
TEXT_MAX = 20000


class CalendarSource(models.TextChoices):
    SEEDED = "seeded", "chinese-calendar 预置"
    ENTERED = "entered", "系统管理员录入"


class DayKind(models.TextChoices):
    HOLIDAY = holiday_lines.HOLIDAY, "法定节假日休息日"
    WORKDAY = holiday_lines.WORKDAY, "调休上班日"


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are known. Its special days are all
    there is to know: any other weekday is a working day, any other weekend day a rest day."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField("来源", max_length=16, choices=CalendarSource.choices)
    basis = models.CharField(
        "依据",
        max_length=255,
        blank=True,
        help_text="如：国务院办公厅关于2028年部分节假日安排的通知",
    )
    recorded_by = models.ForeignKey(
        User, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        ordering = ["-year"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        constraints = [
            models.CheckConstraint(
                name="calendar_year_in_range",
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"

    def entries(self) -> list[Entry]:
        return [
            Entry(d.date, d.kind, d.name) for d in sorted(self.days.all(), key=lambda d: d.date)
        ]

    def lines(self) -> list[str]:
        """The year's days as the calendar page's form reads them."""
        return holiday_lines.format_lines(self.entries())


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a holiday's rest day or a make-up working day."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name="年度", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类别", max_length=16, choices=DayKind.choices)
    name = models.CharField("节日", max_length=holiday_lines.NAME_MAX, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日或调休上班日"
        verbose_name_plural = "节假日或调休上班日"
        constraints = [
            models.CheckConstraint(
                name="calendar_day_kind", condition=models.Q(kind__in=DayKind.values)
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} {self.get_kind_display()}"


def _line_error(problem: holiday_lines.Problem) -> ValidationError:
    """One bad line, carrying its number: the form shows it under its line. The message goes
    in as a parameter, so that a "%" typed on the line is shown as typed."""
    params: dict[str, object] = {"message": problem.message}
    if problem.line:
        params["line"] = problem.line
    return ValidationError("%(message)s", code="calendar_line", params=params)


def _days(row: CalendarYear, entries: list[Entry]) -> list[CalendarDay]:
    return [CalendarDay(calendar_year=row, date=e.day, kind=e.kind, name=e.name) for e in entries]


def calendar_year_enter(
    *, actor: User, channel: str, year: int, text: str, basis: str = ""
) -> CalendarYear:
    """Store `year`'s holidays and make-up working days as the lines of `text` give them
    (holiday_lines), replacing what the year held, seeded or entered; the year is then the
    administrators' and seeding leaves it alone. Any bad line: nothing is stored, and the
    ValidationError names every bad line under "days". Saving what is already there stores
    and logs nothing."""
    require(actor, "calendar.edit")
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": f"年度应在{FIRST_YEAR}年至{LAST_YEAR}年之间"})
    text = str(text or "")
    if len(text) > TEXT_MAX:
        raise ValidationError({"days": f"内容过长（最多{TEXT_MAX}个字），一年的放假安排不会这么长"})
    basis = " ".join(str(basis or "").split())
    if len(basis) > 255:
        raise ValidationError({"basis": "依据最多255个字"})
    try:
        entries = holiday_lines.parse(text, year=year)
    except HolidayLinesError as exc:
        raise ValidationError({"days": [_line_error(p) for p in exc.problems]}) from None
    lines = holiday_lines.format_lines(entries)
    try:
        with transaction.atomic():
            row = CalendarYear.objects.select_for_update().filter(year=year).first()
            if row is None:
                row = CalendarYear(year=year)
                changes: dict[str, list] = {"year": [None, year]}
                old = {"source": None, "basis": None, "days": None}
            else:
                changes = {}
                old = {"source": row.source, "basis": row.basis, "days": row.lines()}
            new = {"source": CalendarSource.ENTERED, "basis": basis, "days": lines}
            changes |= {k: [old[k], v] for k, v in new.items() if old[k] != v}
            if not changes:
                return row
            adding = row.pk is None
            row.source, row.basis = CalendarSource.ENTERED, basis
            row.recorded_by, row.recorded_at = actor, timezone.now()
            row.save()
            if "days" in changes:
                row.days.all().delete()
                CalendarDay.objects.bulk_create(_days(row, entries))
            audit(
                actor=actor,
                channel=channel,
                action=Action.CREATE if adding else Action.UPDATE,
                object_type=row,
                changes=changes,
            )
    except IntegrityError:
        # Another administrator entered the same year a moment before: theirs stands.
        raise ValidationError(
            {"year": f"{year}年的节假日安排刚刚已由他人录入，请打开该年度查看后再修改"}
        ) from None
    return row


def missing_years_note(today: dt.date | None = None) -> str:
    """What an administrator should be told when this year or the next is not in the table
    (the State Council announces a year's schedule late in the year before), or ''."""
    today = today or timezone.localdate()
    wanted = [today.year, today.year + 1]
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    missing = [y for y in wanted if y not in known]
    if not missing:
        return ""
    years = "、".join(f"{y}年" for y in missing)
    return (
        f"节假日安排尚未录入{years}：跨入该年的工作日（如公示期）将无法计算，"
        "请在国务院办公厅公布放假安排后，由系统管理员在“节假日安排”页面（/calendar/）录入"
    )


@dataclass
class CalendarSeed:
    created: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # already in the table, seeded or entered
    version: str = ""


def library_years() -> dict[int, list[Entry]]:
    """Every year `chinese-calendar` knows, with its special days, named in Chinese."""
    import chinese_calendar

    names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    days = [
        Entry(day, DayKind.HOLIDAY, names.get(name, name)[: holiday_lines.NAME_MAX])
        for day, name in chinese_calendar.holidays.items()
    ] + [
        Entry(day, DayKind.WORKDAY, names.get(name, name)[: holiday_lines.NAME_MAX])
        for day, name in chinese_calendar.workdays.items()
    ]
    days.sort(key=lambda e: e.day)
    by_year = {year: list(group) for year, group in groupby(days, key=lambda e: e.day.year)}
    # The library answers for every year from its first to its last (a year with no
    # special day at all would still be one it knows).
    for year in range(min(by_year), max(by_year) + 1):
        by_year.setdefault(year, [])
    return by_year


def calendar_seed(*, actor: User | None = None) -> CalendarSeed:
    """Add every year `chinese-calendar` knows that the table does not hold yet. A year
    already in the table is kept as it is, above all one an administrator entered: running
    this twice changes nothing."""
    import chinese_calendar

    result = CalendarSeed(version=f"chinese-calendar {chinese_calendar.__version__}")
    known = set(CalendarYear.objects.values_list("year", flat=True))
    missing = {y: e for y, e in library_years().items() if y not in known}
    result.kept = sorted(known)
    if not missing:
        return result
    actor = actor or system_user()
    for year, entries in sorted(missing.items()):
        with transaction.atomic():
            row, created = CalendarYear.objects.get_or_create(
                year=year,
                defaults={
                    "source": CalendarSource.SEEDED,
                    "basis": result.version,
                    "recorded_by": actor,
                },
            )
            if not created:  # entered meanwhile by someone else
                result.kept.append(year)
                continue
            CalendarDay.objects.bulk_create(_days(row, entries))
            audit(
                actor=actor,
                channel=Channel.COMMAND,
                action=Action.CREATE,
                object_type=row,
                changes={"year": [None, year], "source": [None, CalendarSource.SEEDED]},
                note=f"由 {result.version} 预置",
            )
            result.created.append(year)
    result.kept.sort()
    return result
