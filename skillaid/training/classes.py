"""Every change to a training class: declaration, review, roster, completion and closing.

Pages, the API and commands call these functions alike; each refuses a move its
caller may not make, or that the class's state does not allow, with a message
in Chinese.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from skillaid.accounts.models import Action, Role, User, audit, audit_value
from skillaid.catalogue.models import DemandEntry, Occupation, SkillLevel, TrainingKind
from skillaid.lib import dates, timetable
from skillaid.people.models import Category, Person
from skillaid.regions.models import Level, Region

from .models import (
    Attendance,
    Basis,
    ClassSession,
    ClassStatus,
    Completion,
    Enrolment,
    TrainingClass,
)

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


def _log(actor: User | None, channel: str, action: str, c: TrainingClass, changes=None, note=""):  # noqa: ANN001, ANN202
    audit(
        actor=actor,
        channel=channel,
        action=action,
        object_type="training.trainingclass",
        object_id=c.pk,
        changes=changes or {},
        note=note,
    )


def is_officer_of(user: User, institution_id: int | None) -> bool:
    """An officer of this institution (or an administrator): who runs its classes."""
    return user.role == Role.ADMIN or (
        user.role == Role.SCHOOL_OFFICER and user.institution_id == institution_id
    )


def _require_officer(actor: User, c_institution_id: int | None) -> None:
    if not is_officer_of(actor, c_institution_id):
        raise PermissionDenied("只有本机构的管理员可以办理此事项")


def can_review(actor: User, c: TrainingClass) -> bool:
    """County bureau of the place of training, or a reviewer above it; never the declarer."""
    if actor.role not in {
        Role.COUNTY_CLERK,
        Role.CITY_REVIEWER,
        Role.PROVINCE_REVIEWER,
        Role.ADMIN,
    }:
        return False
    if c.declared_by_id == actor.pk:
        return False
    return c.county_id.startswith(actor.region_prefix)


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
) -> tuple[dict[str, Any], list[timetable.Line] | None, dict[str, str]]:
    errors: dict[str, str] = {}
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
            errors["timetable"] = str(exc)
        if lines is not None and start and end:
            outside = [line.number for line in lines if not start <= line.day <= end]
            if outside:
                errors["timetable"] = (
                    f"第{'、'.join(map(str, outside))}行的日期不在开班日期至结业日期之间"
                )
    return values, lines, errors


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
    institution_id = training_class.institution_id if training_class else actor.institution_id
    _require_officer(actor, institution_id)
    if institution_id is None:
        raise PermissionDenied("您的账号未关联院校/机构")
    if training_class is not None and not training_class.editable:
        raise ValidationError(f"培训班处于“{training_class.get_status_display()}”状态，不能修改")
    values, lines, errors = _clean(actor, institution_id, data)
    if training_class is None and lines is None:
        lines = []
    if errors:
        raise ValidationError(errors)
    if training_class is None:
        c = TrainingClass.objects.create(institution_id=institution_id, **values)
        _log(
            actor, channel, Action.CREATE, c, {k: [None, audit_value(v)] for k, v in values.items()}
        )
    else:
        c = training_class
        changes = {}
        for k, v in values.items():
            if getattr(c, k) != v:
                changes[k] = [audit_value(getattr(c, k)), audit_value(v)]
                setattr(c, k, v)
        c.save()
        if changes:
            _log(actor, channel, Action.UPDATE, c, changes)
    if lines is not None:
        before = timetable_text(c)
        _write_sessions(c, lines)
        after = timetable_text(c)
        if before != after:
            _log(actor, channel, Action.UPDATE, c, {"timetable": [before, after]})
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


@transaction.atomic
def class_declare(
    *, actor: User, training_class: TrainingClass, channel: str = "page"
) -> TrainingClass:
    c = (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("institution")
        .get(pk=training_class.pk)
    )
    _require_officer(actor, c.institution_id)
    if c.status not in {ClassStatus.DRAFT, ClassStatus.RETURNED}:
        raise ValidationError(f"培训班处于“{c.get_status_display()}”状态，不能申报")
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
    if problems:
        raise ValidationError(problems)
    c.entry = entry
    c.status = ClassStatus.DECLARED
    c.declared_at = timezone.now()
    c.declared_by = actor
    c.review_note = ""
    c.save()
    _log(actor, channel, Action.UPDATE, c, {"status": ["", ClassStatus.DECLARED]}, "申报开班")
    return c


class Decision:
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    STATUS = {
        APPROVE: ClassStatus.APPROVED,
        RETURN: ClassStatus.RETURNED,
        REJECT: ClassStatus.REJECTED,
    }
    LABEL = {APPROVE: "批准开班", RETURN: "退回修改", REJECT: "不予批准"}


@transaction.atomic
def class_review(
    *,
    actor: User,
    training_class: TrainingClass,
    decision: str,
    note: str = "",
    channel: str = "page",
) -> TrainingClass:
    c = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    if decision not in Decision.STATUS:
        raise ValidationError({"decision": f"审核结论“{decision}”无效"})
    if c.declared_by_id == actor.pk:
        raise PermissionDenied("申报人不能审核自己申报的培训班")
    if not can_review(actor, c):
        raise PermissionDenied("只有培训地县（区）人社部门或上级审核人员可以审核")
    if c.status != ClassStatus.DECLARED:
        raise ValidationError(f"培训班处于“{c.get_status_display()}”状态，不能审核")
    note = (note or "").strip()
    if decision != Decision.APPROVE and not note:
        raise ValidationError({"note": "退回或不予批准须填写原因"})
    if decision == Decision.APPROVE:
        first = c.sessions.order_by("starts_at").first()
        if first is not None and first.starts_at <= timezone.now():
            raise ValidationError("首个课次已开始，不能再批准；请退回并调整课程表")
    before = c.status
    c.status = Decision.STATUS[decision]
    c.reviewed_at = timezone.now()
    c.reviewed_by = actor
    c.review_note = note[:255]
    c.save()
    _log(
        actor,
        channel,
        Action.UPDATE,
        c,
        {"status": [before, c.status]},
        Decision.LABEL[decision] + (f"：{note}" if note else ""),
    )
    return c


def roster_open(c: TrainingClass) -> bool:
    """Trainees are added before the class is declared, or after approval until the first session starts."""
    if c.editable:
        return True
    if c.status == ClassStatus.APPROVED:
        first = c.sessions.order_by("starts_at").first()
        return first is None or first.starts_at > timezone.now()
    return False


@transaction.atomic
def roster_add(
    *,
    actor: User,
    training_class: TrainingClass,
    id_number: str,
    name: str,
    county: str = "",
    basis: str = "",
    channel: str = "page",
) -> Enrolment:
    """Put a trainee on the roster by ID number; someone not yet in the ledger is registered first."""
    from skillaid.people.services import check_id, person_create

    c = training_class
    _require_officer(actor, c.institution_id)
    if not roster_open(c):
        raise ValidationError("培训班已申报或已开课，花名册不能再调整")
    if basis and basis not in Basis.values:
        raise ValidationError({"basis": f"补贴对象类别“{basis}”无效"})
    name = "".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    checked = check_id(id_number)
    if not checked.ok:
        raise ValidationError({"id_number": checked.error})
    # The county is asked for from the number alone, before the ledger is looked at, so
    # that asking for it says nothing about whether the number is registered.
    home = county or (checked.number or "")[:6]
    if not Region.objects.current().filter(code=home, level=Level.COUNTY).exists():
        raise ValidationError(
            {"county": "身份证号前六位不是现行县级区划，请选择其户籍所在县（区）"}
        )
    person = Person.objects.with_id_number(checked.number or "").first()
    if person is not None and person.name != name:
        # The one thing the officer must be told (they typed a wrong name or number); it
        # names nobody and shows nothing of the record.
        raise ValidationError({"name": "姓名与身份证号不一致，请核对"})
    if person is None:
        person = person_create(
            actor=None,
            channel=channel,
            data={"id_number": checked.number, "name": name, "county": home},
        )
    if Enrolment.objects.filter(training_class=c, person=person).exists():
        raise ValidationError({"id_number": f"{person.name}已在本班花名册中"})
    enrolment = Enrolment.objects.create(
        training_class=c, person=person, basis=basis, added_by=actor
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type="training.enrolment",
        object_id=enrolment.pk,
        person_id=person.pk,
        changes={"training_class": [None, c.pk], "basis": [None, basis]},
    )
    return enrolment


@transaction.atomic
def roster_remove(*, actor: User, enrolment: Enrolment, channel: str = "page") -> None:
    c = enrolment.training_class
    _require_officer(actor, c.institution_id)
    if not roster_open(c):
        raise ValidationError("培训班已申报或已开课，花名册不能再调整")
    if enrolment.records.exists():
        raise ValidationError("该学员已有考勤记录，不能移出花名册")
    audit(
        actor=actor,
        channel=channel,
        action=Action.DELETE,
        object_type="training.enrolment",
        object_id=enrolment.pk,
        person_id=enrolment.person_id,
        changes={"training_class": [c.pk, None]},
    )
    enrolment.delete()


def eligibility(enrolment: Enrolment, on: dt.date | None = None) -> tuple[bool, str]:
    """Whether the trainee may be subsidised, and the reason shown beside them."""
    person = enrolment.person
    on = on or enrolment.training_class.start_on
    b = person.birth_date
    age = on.year - b.year - ((on.month, on.day) < (b.month, b.day))
    if age < 16:
        return False, f"开班时{age}周岁，未满16周岁"
    if age > 65:
        return False, f"开班时{age}周岁，超过65周岁"
    household = person.household
    status = household.category_on(on) if household else None
    category = status.category if status else (household.category if household else "")
    if category in {Category.LIFTED, Category.MONITORED}:
        label = Category(category).label
        return True, f"{Basis.ASSISTED.label}（{label}）"
    if enrolment.basis == Basis.SCHOOL_LEAVER and age > 25:
        return False, f"申报为两后生，但开班时已{age}周岁"
    if enrolment.basis:
        return True, Basis(enrolment.basis).label + "（待比对核实）"
    return (
        False,
        "家庭类别为一般户，且未申报其他补贴对象类别（两后生、农村转移劳动者、登记失业人员等）",
    )


def sessions_attended(records: QuerySet[Attendance], by: str = "enrolment_id") -> dict[int, int]:
    """Per enrolment (or per value of `by`) among `records`, the sessions signed both in and out."""
    both = (
        records.values(*dict.fromkeys((by, "enrolment_id", "session_id")))
        .annotate(n=Count("direction", distinct=True))
        .filter(n=2)
    )
    attended: dict[int, int] = {}
    for row in both:
        attended[row[by]] = attended.get(row[by], 0) + 1
    return attended


def attendance_counts(c: TrainingClass) -> tuple[int, dict[int, int]]:
    """The class's number of sessions, and per enrolment the sessions signed both in and out."""
    return c.sessions.count(), sessions_attended(
        Attendance.objects.filter(enrolment__training_class=c)
    )


def rate(attended: int, total: int) -> Decimal:
    if not total:
        return Decimal("0.0")
    return (Decimal(attended) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _score(raw: object) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValidationError({"score": f"成绩“{raw}”不是数字"}) from exc
    if not Decimal("0") <= value <= Decimal("100"):
        raise ValidationError({"score": f"成绩{value}不在0至100之间"})
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


@transaction.atomic
def enrolment_complete(
    *,
    actor: User,
    enrolment: Enrolment,
    completed: bool,
    score: object = None,
    passed: bool | None = None,
    channel: str = "page",
) -> Enrolment:
    """Record a trainee's completion (结业) and assessment; a subsidised class also decides the subsidy."""
    e = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("training_class", "person__household")
        .get(pk=enrolment.pk)
    )
    c = e.training_class
    _require_officer(actor, c.institution_id)
    if c.status != ClassStatus.APPROVED:
        raise ValidationError(f"培训班处于“{c.get_status_display()}”状态，不能登记结业")
    last = c.sessions.order_by("-ends_at").first()
    if last is None or last.ends_at > timezone.now():
        raise ValidationError("最后一个课次结束后才能登记结业")
    value = _score(score)
    if not completed and passed:
        raise ValidationError({"passed": "未结业的学员不能考核合格"})
    total, attended = attendance_counts(c)
    e.attendance_rate = rate(attended.get(e.pk, 0), total)
    threshold = Decimal(settings.SKILLAID_ATTENDANCE_THRESHOLD)
    notes = []
    if c.subsidised:
        if e.attendance_rate < threshold:
            notes.append(f"出勤率{e.attendance_rate}%，低于{threshold}%")
        ok, why = eligibility(e)
        if not ok:
            notes.append(why)
        if not completed:
            notes.append("未结业")
        elif not passed:
            notes.append("考核不合格")
        e.subsidy_eligible = not notes
        e.subsidy_note = "；".join(notes) if notes else f"出勤率{e.attendance_rate}%，{why}"
    else:
        e.subsidy_eligible = False
        e.subsidy_note = "非补贴性培训"
    before = {"completion": e.completion, "score": audit_value(e.score), "passed": e.passed}
    e.completion = Completion.COMPLETED if completed else Completion.NOT_COMPLETED
    e.score = value
    e.passed = bool(passed) if completed else False
    e.completed_at = timezone.now()
    e.save()
    after = {"completion": e.completion, "score": audit_value(e.score), "passed": e.passed}
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type="training.enrolment",
        object_id=e.pk,
        person_id=e.person_id,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        note=e.subsidy_note,
    )
    return e


@transaction.atomic
def class_close(
    *, actor: User, training_class: TrainingClass, channel: str = "page"
) -> TrainingClass:
    c = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    _require_officer(actor, c.institution_id)
    if c.status != ClassStatus.APPROVED:
        raise ValidationError(f"培训班处于“{c.get_status_display()}”状态，不能结业")
    pending = c.enrolments.filter(completion=Completion.PENDING).count()
    if pending:
        raise ValidationError(f"还有{pending}名学员未登记结业情况")
    c.status = ClassStatus.CLOSED
    c.closed_at = timezone.now()
    c.save()
    _log(
        actor,
        channel,
        Action.UPDATE,
        c,
        {"status": [ClassStatus.APPROVED, ClassStatus.CLOSED]},
        "结业",
    )
    return c
