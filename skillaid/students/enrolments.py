"""The services of a technical-school enrolment (学籍): enrol, change status, graduate, and
prepare the term's aid claims. Pages, the API, the import and the commands all call these.

The school keeps its roll: its officer enrols students and records their status; the
county bureau of the student's household reads the roll of its young people wherever
they study, and the reviewers above read it (`student.read`, `student.edit` in
accounts.capabilities). The county does not change a school's roll: a status is the
school's record, and a county that finds it wrong tells the school.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.institutions.models import SCHOOL_KINDS, Institution
from skillaid.lib import uscc
from skillaid.lib.columns import FieldError
from skillaid.people import fields
from skillaid.people.models import ASSISTED
from skillaid.people.services import person_match_or_register
from skillaid.subsidies import aid

from . import signals
from .models import (
    STATUS_MOVES,
    ClassType,
    Graduation,
    JobOutcome,
    StatusChange,
    StudentEnrolment,
    StudentStatus,
    Track,
)

# A change that needs its reason said: the student leaves, pauses, or goes elsewhere.
NEEDS_REASON = (StudentStatus.SUSPENDED, StudentStatus.WITHDRAWN, StudentStatus.TRANSFERRED)
# The fields of an enrolment its school may correct after enrolling (a re-import, a page).
EDITABLE = (
    "student_number",
    "major",
    "class_type",
    "track",
    "partner_name",
    "partner_uscc",
    "expected_graduation",
    "staff_name",
    "staff_phone",
)


def _choice(value: object, choices: type, label: str, errors: dict, name: str) -> str:
    """A choice given by its value or its Chinese label (中级工班 or intermediate)."""
    raw = fields.text(value)
    if not raw:
        return ""
    for v, shown in choices.choices:
        # The value, the label, or the label as files shorten it (中级工, 订单班, 新型学徒制).
        short = len(raw) >= 2 and shown.startswith(raw)
        if raw in (v, shown) or short or raw.startswith(shown.split("（")[0]):
            return v
    errors[name] = f"{label}“{raw}”无法识别（可填：{'、'.join(choices.labels)}）"
    return ""


def _day(
    value: object, errors: dict, name: str, label: str, *, future: bool = False
) -> dt.date | None:
    try:
        day = fields.date(value, today=dt.date.max if future else timezone.localdate())
    except FieldError as exc:
        errors[name] = f"{label}：{exc}"
        return None
    if day is None:
        errors[name] = f"请填写{label}"
    return day


def enrolment_terms(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The enrolment's own fields from `data`, checked; what is wrong goes to `errors`."""
    values: dict[str, Any] = {}
    major = fields.text(data.get("major"))
    if not major:
        errors["major"] = "请填写专业"
    elif len(major) > 64:
        errors["major"] = "专业名称不能超过64个字"
    values["major"] = major[:64]
    values["class_type"] = _choice(
        data.get("class_type"), ClassType, "班级类型", errors, "class_type"
    )
    if not values["class_type"] and "class_type" not in errors:
        errors["class_type"] = f"请选择班级类型（{'、'.join(ClassType.labels)}）"
    values["track"] = (
        _choice(data.get("track"), Track, "培养方式", errors, "track") or Track.REGULAR
    )
    partner = " ".join(fields.text(data.get("partner_name")).split())
    code = fields.text(data.get("partner_uscc"))
    if values["track"] == Track.ORDER:
        if not partner:
            errors["partner_name"] = "订单班须填写合作企业名称"
    elif values["track"] == Track.APPRENTICE:
        if not partner:
            errors["partner_name"] = "新型学徒制（先就业后入学）须填写用人单位名称"
    if code or values["track"] == Track.ORDER:
        try:
            code = uscc.check(code)
        except uscc.UsccError as exc:
            errors["partner_uscc"] = f"合作企业统一社会信用代码：{exc}"
    if len(partner) > 128:
        errors["partner_name"] = "企业名称不能超过128个字"
    values["partner_name"], values["partner_uscc"] = partner[:128], code
    values["entered_on"] = _day(data.get("entered_on"), errors, "entered_on", "入学日期")
    values["expected_graduation"] = _day(
        data.get("expected_graduation"), errors, "expected_graduation", "预计毕业日期", future=True
    )
    entered, until = values["entered_on"], values["expected_graduation"]
    if entered and until and until <= entered:
        errors["expected_graduation"] = (
            f"预计毕业日期 {until:%Y-%m-%d} 须晚于入学日期 {entered:%Y-%m-%d}"
        )
    values["student_number"] = fields.text(data.get("student_number"))[:32]
    values["staff_name"] = fields.text(data.get("staff_name"))[:64]
    try:
        values["staff_phone"] = (
            fields.phone(data.get("staff_phone")) if data.get("staff_phone") else ""
        )
    except FieldError as exc:
        errors["staff_phone"] = f"责任人电话：{exc}"
        values["staff_phone"] = ""
    return values


def live_enrolment(person_id: int) -> StudentEnrolment | None:
    return (
        StudentEnrolment.objects.filter(
            person_id=person_id,
            status__in=[s.value for s in (StudentStatus.STUDYING, StudentStatus.SUSPENDED)],
        )
        .select_related("school")
        .first()
    )


def second_live_refusal(other: StudentEnrolment, school: Institution | None = None) -> str:
    """Why a second live enrolment is refused: at the same school, which one; at another,
    only that there is one (another school's roll is not this school's to read)."""
    if school is not None and other.school_id != school.pk:
        return (
            "该学生在其他院校已有在读或休学的学籍，同一人只能有一个在读或休学的学籍；"
            "如已转学或退学，请先由原院校办理学籍变动，或与生源县人社部门核实"
        )
    return (
        f"该学生已有{other.get_status_display()}的学籍（{other.school.name}，{other.major}，"
        f"{other.entered_on:%Y-%m-%d}入学），同一人只能有一个在读或休学的学籍；"
        "如已转学或退学，请先由原院校办理学籍变动"
    )


def school_of(data: dict[str, Any], actor: User, errors: dict[str, str]) -> Institution | None:
    """The school named in `data` (its id), or the officer's own."""
    raw = data.get("school") or getattr(actor, "institution_id", None)
    try:
        school = Institution.objects.filter(pk=int(str(raw))).first() if raw else None
    except ValueError:
        school = None
    if school is None:
        errors["school"] = "请选择就读院校"
        return None
    if school.kind not in SCHOOL_KINDS:
        errors["school"] = f"{school.name}不是技工院校（技师学院、高级技工学校、技工学校）"
        return None
    return school


@transaction.atomic
def student_enrol(*, actor: User, channel: str, data: dict[str, Any]) -> StudentEnrolment:
    """Enrol a person at a school: found in the ledger by ID number (the name checked), or
    registered in their county as a roster registers a trainee. Refused with each field's
    reason, and refused for someone who already has a live enrolment anywhere."""
    errors: dict[str, str] = {}
    school = school_of(data, actor, errors)
    if school is not None:
        require(actor, "student.edit", school)
    values = enrolment_terms(data, errors)
    if errors:
        raise ValidationError(errors)
    match = person_match_or_register(
        id_number=data.get("id_number"),
        name=data.get("name"),
        county=data.get("county") or "",
        actor=actor,
        channel=channel,
        source="技工院校学籍登记",
        # A school's officer sees no ledger; students come from every county.
        scoped=False,
    )
    person = match.person_or_raise()
    other = live_enrolment(person.pk)
    if other is not None:
        raise ValidationError({"id_number": second_live_refusal(other, school)})
    enrolment = StudentEnrolment(
        person=person,
        school=school,
        county_id=person.county_id,
        status=StudentStatus.STUDYING,
        status_since=values["entered_on"],
        created_by=actor,
        import_record_id=data.get("import_record_id"),
        import_row=data.get("import_row"),
        **values,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:  # another request enrolled them at the same moment
        other = live_enrolment(person.pk)
        if other is None:
            raise
        raise ValidationError({"id_number": second_live_refusal(other, school)}) from exc
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=enrolment,
        person_id=person.pk,
        changes={k: str(v) for k, v in values.items() if v},
        note=f"{school.name}登记学籍：{values['major']}，{values['entered_on']:%Y-%m-%d}入学",
    )
    return enrolment


@transaction.atomic
def student_update(
    *, actor: User, channel: str, enrolment: StudentEnrolment, data: dict[str, Any]
) -> list[str]:
    """Correct the enrolment's own fields (major, class type, track …); the entry date and
    the person are what the enrolment is, and are not changed here. Returns the names of
    the fields changed."""
    require(actor, "student.edit", enrolment)
    errors: dict[str, str] = {}
    merged = {f: getattr(enrolment, f) for f in (*EDITABLE, "entered_on")}
    merged.update({k: v for k, v in data.items() if k in EDITABLE})
    values = enrolment_terms(merged, errors)
    if errors:
        raise ValidationError(errors)
    changes = {
        f: [str(getattr(enrolment, f)), str(values[f])]
        for f in EDITABLE
        if getattr(enrolment, f) != values[f]
    }
    if not changes:
        return []
    for f in changes:
        setattr(enrolment, f, values[f])
    enrolment.save(update_fields=list(changes))
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=enrolment,
        person_id=enrolment.person_id,
        changes=changes,
        note="修改学籍信息",
    )
    return list(changes)


def _last_change_day(enrolment: StudentEnrolment) -> dt.date:
    last = enrolment.changes.order_by("-on", "-id").first()
    return last.on if last else enrolment.entered_on


@transaction.atomic
def student_status_change(
    *,
    actor: User,
    channel: str,
    enrolment: StudentEnrolment,
    to_status: str,
    on: dt.date | None,
    reason: str = "",
    to_school: Institution | None = None,
) -> StatusChange:
    """Move the enrolment to `to_status` on `on`, as STATUS_MOVES allows; 休学, 退学 and 转学
    need a reason, a transfer the school the student went to. The date is neither before
    the entry nor before the last change, nor after today. The history keeps each move."""
    require(actor, "student.edit", enrolment)
    enrolment = StudentEnrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
    errors: dict[str, str] = {}
    reason = " ".join(str(reason or "").split())[:255]
    current = StudentStatus(enrolment.status)
    if to_status not in StudentStatus.values:
        errors["to_status"] = f"学籍状态“{to_status}”无法识别"
    elif to_status == current:
        errors["to_status"] = f"该学生的学籍状态已是{current.label}"
    elif to_status not in STATUS_MOVES[current]:
        allowed = "、".join(StudentStatus(s).label for s in STATUS_MOVES[current])
        errors["to_status"] = (
            f"学籍状态为{current.label}时不能变更为{StudentStatus(to_status).label}"
            + (f"（可变更为：{allowed}）" if allowed else "（该学籍已结束）")
        )
    if to_status in NEEDS_REASON and not reason:
        errors["reason"] = f"变更为{StudentStatus(to_status).label}须填写原因"
    if to_status == StudentStatus.TRANSFERRED:
        if to_school is None:
            errors["to_school"] = "转学须选择转入院校"
        elif to_school.pk == enrolment.school_id:
            errors["to_school"] = "转入院校不能是本校"
    if on is None:
        errors["on"] = "请填写变动日期"
    else:
        last = _last_change_day(enrolment)
        if on < enrolment.entered_on:
            errors["on"] = f"变动日期 {on:%Y-%m-%d} 早于入学日期 {enrolment.entered_on:%Y-%m-%d}"
        elif on < last:
            errors["on"] = f"变动日期 {on:%Y-%m-%d} 早于上一次学籍变动（{last:%Y-%m-%d}）"
        elif on > timezone.localdate():
            errors["on"] = f"变动日期 {on:%Y-%m-%d} 晚于今天，请在变动发生后登记"
    if errors:
        raise ValidationError(errors)
    change = StatusChange.objects.create(
        enrolment=enrolment,
        from_status=current,
        to_status=to_status,
        on=on,
        reason=reason,
        to_school=to_school if to_status == StudentStatus.TRANSFERRED else None,
        recorded_by=actor,
    )
    enrolment.status, enrolment.status_since = to_status, on
    enrolment.save(update_fields=["status", "status_since"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=enrolment,
        person_id=enrolment.person_id,
        changes={"status": [current.value, to_status], "on": on.isoformat(), "reason": reason},
        note=f"学籍变动：{current.label}→{StudentStatus(to_status).label}（{on:%Y-%m-%d}）"
        + (f"，{reason}" if reason else ""),
    )
    if to_status != StudentStatus.STUDYING:
        # Recorded after a term's claim was made: that term's aid is not due.
        aid.aid_lines_stop(
            actor=actor,
            channel=channel,
            enrolment_id=enrolment.pk,
            since=on,
            status_label=StudentStatus(to_status).label,
        )
    return change


@transaction.atomic
def student_graduate(
    *,
    actor: User,
    channel: str,
    enrolment: StudentEnrolment,
    graduated_on: dt.date | None,
    outcome: str,
    employer: str = "",
    job: str = "",
    internship_employer: str = "",
    internship_from: dt.date | None = None,
    internship_until: dt.date | None = None,
) -> Graduation:
    """Graduate a student who is studying (the status moves to 毕业 on `graduated_on`), or
    record, or correct, the graduation of one already graduated: the internship and what
    came after (a job found or recommended names its employer)."""
    require(actor, "student.edit", enrolment)
    errors: dict[str, str] = {}
    if outcome not in JobOutcome.values:
        errors["outcome"] = f"请选择毕业去向（{'、'.join(JobOutcome.labels)}）"
    employer = " ".join(str(employer or "").split())[:128]
    if outcome in (JobOutcome.EMPLOYED, JobOutcome.RECOMMENDED) and not employer:
        errors["employer"] = f"毕业去向为{JobOutcome(outcome).label}时须填写就业/推荐单位"
    if internship_from and internship_until and internship_until < internship_from:
        errors["internship_until"] = "实习止日期不能早于实习起日期"
    if enrolment.status not in (StudentStatus.STUDYING, StudentStatus.GRADUATED):
        errors["graduated_on"] = f"学籍状态为{enrolment.get_status_display()}，不能登记毕业"
    if graduated_on is None:
        errors["graduated_on"] = "请填写毕业日期"
    if errors:
        raise ValidationError(errors)
    if enrolment.status == StudentStatus.STUDYING:
        student_status_change(
            actor=actor,
            channel=channel,
            enrolment=enrolment,
            to_status=StudentStatus.GRADUATED,
            on=graduated_on,
            reason="毕业",
        )
        enrolment.refresh_from_db()
    elif graduated_on != enrolment.status_since:
        raise ValidationError(
            {"graduated_on": f"该学生已于{enrolment.status_since:%Y-%m-%d}毕业，毕业日期应与之相同"}
        )
    values = {
        "graduated_on": graduated_on,
        "outcome": outcome,
        "employer": employer,
        "job": " ".join(str(job or "").split())[:64],
        "internship_employer": " ".join(str(internship_employer or "").split())[:128],
        "internship_from": internship_from,
        "internship_until": internship_until,
        "recorded_by": actor,
        "recorded_at": timezone.now(),
    }
    graduation, created = Graduation.objects.update_or_create(enrolment=enrolment, defaults=values)
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE if created else Action.UPDATE,
        object_type=graduation,
        person_id=enrolment.person_id,
        changes={k: str(v) for k, v in values.items() if k not in ("recorded_by", "recorded_at")},
        note=f"毕业去向：{JobOutcome(outcome).label}" + (f"（{employer}）" if employer else ""),
    )
    signals.graduated.send(
        sender=StudentEnrolment,
        enrolment=enrolment,
        graduation=graduation,
        actor=actor,
        channel=channel,
    )
    return graduation


# --- aid -----------------------------------------------------------------------------------


def facts_for_term(school: Institution, year: int, term: str) -> list[aid.StudentFacts]:
    """Each student of `school` who was on its roll at some time in the term, as the aid
    claims read them: the status and household category on the term's first day, or on
    the entry day for a student who entered during the term."""
    start, end = aid.term_period(year, term)
    enrolments = (
        StudentEnrolment.objects.filter(school=school, entered_on__lte=end)
        .select_related("person__household")
        .prefetch_related("changes", "person__household__statuses")
        .order_by("id")
    )
    found = []
    for e in enrolments:
        if e.expected_graduation < start:
            # Due to graduate before the term: a student still studying has their later
            # graduation date recorded first, then the term is claimed.
            continue
        day = max(start, e.entered_on)
        status = e.status_on(day)
        household = e.person.household
        category = ""
        if household is not None:
            held = household.category_on(day)
            category = held.category if held else ""
        found.append(
            aid.StudentFacts(
                person_id=e.person_id,
                enrolment_id=e.pk,
                county=e.county_id,
                status=status,
                status_label=StudentStatus(status).label if status else "",
                assisted=category in ASSISTED,
                category=category,
                on=day,
            )
        )
    return found


def aid_claims_prepare(
    *, actor: User, channel: str, school: Institution, year: int, term: str
) -> aid.AidResult:
    """生成本学期资助申领: the school's aid claims for the term (subsidies.aid), one per
    student county; running it again changes nothing."""
    require(actor, "student.edit", school)
    if term not in aid.TERMS:
        raise ValidationError({"term": "请选择秋季学期或春季学期"})
    start, _end = aid.term_period(year, term)
    today = timezone.localdate()
    if start > today:
        raise ValidationError(
            {"term": f"{aid.term_label(year, term)}自{start:%Y-%m-%d}开始，尚未开学，不能申领"}
        )
    oldest = aid.term_period(today.year - 2, aid.AUTUMN)[0]
    if start < oldest:
        raise ValidationError(
            {
                "term": f"{aid.term_label(year, term)}已过去两个学年以上，不能在系统中补报；"
                "请向县级人社部门说明情况"
            }
        )
    return aid.aid_claims_make(
        actor=actor,
        channel=channel,
        school=school,
        year=year,
        term=term,
        students=facts_for_term(school, year, term),
    )
