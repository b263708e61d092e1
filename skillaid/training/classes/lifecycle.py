"""A class's own fields, its timetable, saving a draft and declaring it for review."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit, audit_changes
from skillaid.accounts.review import ReviewStep, review_move
from skillaid.catalogue.models import DemandEntry, Occupation, SkillLevel, TrainingKind
from skillaid.lib import dates, timetable
from skillaid.regions.models import Level, Region

from ..models import ClassSession, ClassStatus, TrainingClass

CLASS_FIELDS = (
    "name",
    "occupation",
    "level",
    "training_kind",
    "subsidised",
    "county",
    "start_on",
    "end_on",
    "planned_size",
    "teachers",
    "teaching_plan",
    "assessment_plan",
)


def class_log(
    actor: User,
    channel: str,
    action: str,
    c: TrainingClass,
    changes: dict | None = None,
    note: str = "",
) -> None:
    """The audit entry of a change to a class."""
    audit(
        actor=actor,
        channel=channel,
        action=action,
        object_type=c,
        changes=changes or {},
        note=note,
    )


def _date(value: object, field: str, errors: dict[str, str]) -> dt.date | None:
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            errors[field] = f"日期“{value}”无效，应写成 2026-12-01"
            return None
    if dates.too_early(value):
        errors[field] = dates.TOO_EARLY
        return None
    return value


def _clean(
    actor: User, institution_id: int, data: dict[str, Any]
) -> tuple[dict[str, Any], list[timetable.Line] | None, dict[str, Any]]:
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写班级名称"
    values["name"] = name[:128]
    occupation = data.get("occupation")
    if not isinstance(occupation, Occupation):
        occupation = (
            Occupation.objects.filter(pk=occupation).first()
            if str(occupation or "").isdigit()
            else None
        )
    if occupation is None:
        errors["occupation"] = "请从需求目录选择职业（工种）"
    values["occupation"] = occupation
    level = str(data.get("level") or "")
    if level not in SkillLevel.values:
        errors["level"] = f"等级“{level}”无效"
    values["level"] = level
    kind = str(data.get("training_kind") or "")
    if kind not in TrainingKind.values:
        errors["training_kind"] = f"培训类型“{kind}”无效"
    values["training_kind"] = kind
    raw = data.get("subsidised")
    values["subsidised"] = (
        raw if isinstance(raw, bool) else str(raw).lower() in {"1", "true", "on", "是"}
    )
    county_code = str(getattr(data.get("county"), "code", data.get("county")) or "").strip()
    county = Region.objects.current().filter(code=county_code, level=Level.COUNTY).first()
    if county is None:
        errors["county"] = f"培训地县级区划“{county_code}”不存在"
    values["county"] = county
    start = _date(data.get("start_on"), "start_on", errors)
    end = _date(data.get("end_on"), "end_on", errors)
    if start and end and end < start:
        errors["end_on"] = "结业日期不能早于开班日期"
    values["start_on"], values["end_on"] = start, end
    try:
        size = int(data.get("planned_size") or 0)
        if size < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["planned_size"] = "计划人数应为非负整数"
        size = 0
    values["planned_size"] = size
    for field, limit in (("teachers", 255), ("teaching_plan", 4000), ("assessment_plan", 4000)):
        values[field] = str(data.get(field) or "").strip()[:limit]
    if occupation is not None and level in SkillLevel.values:
        from skillaid.institutions.models import InstitutionOccupation

        if not InstitutionOccupation.objects.filter(
            institution_id=institution_id, occupation=occupation, level=level
        ).exists():
            errors["occupation"] = (
                f"本机构未登记可培训“{occupation.name}（{SkillLevel(level).label}）”，"
                "请先在机构页面登记可培训职业"
            )
    lines = None
    if "timetable" in data:
        try:
            lines = timetable.parse(str(data.get("timetable") or ""))
        except timetable.TimetableError as exc:
            errors["timetable"] = [_line_error(p) for p in exc.problems]
        if lines is not None and start and end:
            outside = [
                timetable.Problem(line.number, f"第{line.number}行的日期不在开班日期至结业日期之间")
                for line in lines
                if not start <= line.day <= end
            ]
            if outside:
                errors["timetable"] = [_line_error(p) for p in outside]
    return values, lines, errors


def _line_error(problem: timetable.Problem) -> ValidationError:
    """One error of the timetable, carrying its line number: the form shows it under its line
    and the API lists it with the number. The message goes in as a parameter, so that a "%"
    typed on the line is shown as typed."""
    return ValidationError(
        "%(message)s",
        code="timetable_line",
        params={"line": problem.line, "message": problem.message},
    )


def _aware(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def _write_sessions(c: TrainingClass, lines: list[timetable.Line]) -> None:
    c.sessions.all().delete()
    ClassSession.objects.bulk_create(
        ClassSession(
            training_class=c,
            starts_at=_aware(line.day, line.start),
            ends_at=_aware(line.day, line.end),
            place=line.place[:128],
            teacher=line.teacher[:64],
        )
        for line in lines
    )


def timetable_text(c: TrainingClass) -> str:
    return timetable.format_lines(
        [
            (timezone.localtime(s.starts_at), timezone.localtime(s.ends_at), s.place, s.teacher)
            for s in c.sessions.all()
        ]
    )


@transaction.atomic
def class_save(
    *,
    actor: User,
    data: dict[str, Any],
    training_class: TrainingClass | None = None,
    channel: str = "page",
) -> TrainingClass:
    """Create a draft class for the officer's institution, or change one not yet approved."""
    if training_class is not None:
        # The class as it is now, held until the change is written: the caller's copy may
        # predate a review move, whose state must not be written back.
        training_class = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    institution_id = training_class.institution_id if training_class else actor.institution_id
    require(actor, "class.declare", training_class)
    if institution_id is None:
        raise PermissionDenied("您的账号未关联院校/机构")
    if training_class is not None and not training_class.editable:
        raise ValidationError(f"培训班处于“{training_class.get_status_display()}”状态，不能修改")
    values, lines, errors = _clean(actor, institution_id, data)
    if training_class is None and lines is None:
        lines = []
    if errors:
        raise ValidationError(errors)
    c = training_class or TrainingClass(institution_id=institution_id)
    audit_changes(c, values, actor=actor, channel=channel)
    if lines is not None:
        before = timetable_text(c)
        _write_sessions(c, lines)
        after = timetable_text(c)
        if before != after:
            class_log(actor, channel, Action.UPDATE, c, {"timetable": [before, after]})
    return c


def entry_for(c: TrainingClass) -> DemandEntry | None:
    """The catalogue line in force for the class's occupation, kind and level where it is held."""
    county = c.county_id
    regions = [county, county[:4] + "00", county[:2] + "0000"]
    entries = DemandEntry.objects.in_force(c.start_on).filter(
        occupation=c.occupation,
        training_kind=c.training_kind,
        level=c.level,
        region_id__in=regions,
    )
    # The most local line wins: county, then city, then province.
    return min(entries, key=lambda e: regions.index(e.region_id), default=None)


# A 课时 (the catalogue's 标准课时, standard_hours) is counted as one clock hour of
# timetabled session: nothing in SkillAid defines a shorter teaching hour (a 学时 of 45
# minutes is common in schools), and the pages say "按每课时60分钟计" wherever hours are compared.
MINUTES_PER_HOUR = 60


def timetable_hours(c: TrainingClass) -> Decimal:
    """The hours the class's timetable holds: the sessions' lengths added up, in clock hours
    to one decimal place (rounded down, so that a shortfall is never rounded away)."""
    seconds = sum((s.ends_at - s.starts_at).total_seconds() for s in c.sessions.all())
    minutes = int(seconds // 60)
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(Decimal("0.1"), ROUND_DOWN)


def _figure(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def hours_shortfall(c: TrainingClass, entry: DemandEntry | None = None) -> str:
    """What is said of a timetable shorter than the catalogue's standard hours for the
    class's occupation, kind and level (its own line, else the line in force), or ""."""
    entry = entry or c.entry or entry_for(c)
    if entry is None:
        return ""
    hours = timetable_hours(c)
    if hours >= entry.standard_hours:
        return ""
    return (
        f"课表合计 {_figure(hours)} 课时，少于需求目录标准 {entry.standard_hours} 课时"
        f"（{c.occupation.name} {c.get_training_kind_display()} {c.get_level_display()}，"
        f"按每课时60分钟计）"
    )


def declaration_check(c: TrainingClass, step: ReviewStep) -> None:
    """What declaring a class needs besides the move itself: refuses, with every problem
    listed, a class that is not ready; fixes the catalogue line that makes it subsidisable."""
    problems = []
    if not c.institution.is_listed:
        problems.append(
            f"{c.institution.name}在培训机构目录中的状态为“{c.institution.get_status_display()}”，只有已入目录的机构可以申报开班"
        )
    sessions = list(c.sessions.all())
    today = timezone.localdate()
    lead = settings.SKILLAID_CLASS_LEAD_DAYS
    if not sessions:
        problems.append("课程表为空，请至少安排一个课次")
    else:
        first = timezone.localtime(sessions[0].starts_at).date()
        if (first - today).days < lead:
            problems.append(
                f"首个课次在{first:%Y-%m-%d}，须至少提前{lead}天申报（最晚{first - dt.timedelta(days=lead):%Y-%m-%d}申报）"
            )
    if not c.teachers:
        problems.append("请填写授课教师")
    if not c.teaching_plan:
        problems.append("请填写教学计划")
    if not c.assessment_plan:
        problems.append("请填写考核方案")
    if not c.enrolments.exists():
        problems.append("花名册为空，请先添加学员")
    entry = None
    if c.subsidised:
        entry = entry_for(c)
        if entry is None:
            problems.append(
                f"需求指导目录中没有{c.county}在{c.start_on:%Y-%m-%d}有效的“{c.occupation.name}"
                f" {c.get_training_kind_display()} {c.get_level_display()}”条目，不能申报补贴性培训"
            )
        else:
            short = hours_shortfall(c, entry)
            if short:
                problems.append(f"{short}，不能申报补贴性培训；请补足课程表或改为非补贴培训")
    if problems:
        raise ValidationError(problems)
    c.entry = entry
    c.declared_at = step.at
    c.review_note = ""


def declaration_warnings(c: TrainingClass) -> list[str]:
    """What declaring does not refuse but the officer is told: an unsubsidised class whose
    timetable falls short of the catalogue's standard hours (a subsidised one is refused)."""
    if c.subsidised:
        return []
    short = hours_shortfall(c)
    return [f"{short}。本班为非补贴培训，可以申报，但请核实课程安排"] if short else []


def class_declare(
    *, actor: User, training_class: TrainingClass, channel: str = "page"
) -> TrainingClass:
    """The officer's move of the class review (see classes.review): draft or returned → declared."""
    return review_move(training_class, ClassStatus.DECLARED, actor=actor, channel=channel)
