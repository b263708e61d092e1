"""A class's papers to print and file: the declaration form (开班申请表), the roster (花名册)
and the attendance sheet (考勤表), each as the same rows for its PDF and its workbook.

What a paper shows of a trainee follows the viewer's role, as the pages do: the whole ID
number only to a role that may see it for that person (ledger.reveal_id, each view logged
by people.services.person_reveal_id), the household category only to one that may read
that person's ledger record, the phone number always masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.exports import Column
from skillaid.accounts.models import Action, AuditEntry, User
from skillaid.accounts.papers import latest
from skillaid.accounts.review import review_history
from skillaid.lib import phones
from skillaid.people.services import person_reveal_id

from . import classes
from .classes.eligibility import age_on
from .models import (
    Attendance,
    ClassSession,
    Direction,
    Enrolment,
    FlagOutcome,
    Method,
    TrainingClass,
)

# Marks of the attendance sheet: one for the sign-in, one for the sign-out of each session.
SIGNED, BY_HAND, PENDING, CLEARED, NONE = "√", "补", "疑", "×", "—"
LEGEND = [
    (SIGNED, "扫码或考勤终端签到/签退"),
    (BY_HAND, "教师补签（手工考勤，由县级人社部门核查）"),
    (PENDING, "待核查（核查前计入出勤）"),
    (CLEARED, "核查不属实，不计出勤"),
    (NONE, "未签"),
]
LEGEND_TEXT = "；".join(f"{m} {text}" for m, text in LEGEND) + "；每格前为签到、后为签退"
# Sessions per table across a landscape A4 page; a longer timetable continues below.
SESSIONS_PER_TABLE = 14


def as_of(c: TrainingClass) -> dt.datetime:
    """When the class's papers last changed: its own moves, its changes as the change log
    records them (edits, the timetable, a trainee taken off the roster), its roster,
    completions and attendance. The papers carry this date, never the time they are printed
    (so printing, itself logged as an export, does not move it)."""
    roster = c.enrolments.aggregate(added=Max("added_at"), completed=Max("completed_at"))
    records = Attendance.objects.filter(session__training_class=c).aggregate(
        at=Max("at"), settled=Max("flag_settled_at")
    )
    steps = review_history(c).aggregate(at=Max("at"))
    changed = (
        AuditEntry.objects.about(c)
        .filter(action__in=(Action.CREATE, Action.UPDATE, Action.DELETE))
        .aggregate(at=Max("at"))
    )
    # A line taken off the roster is gone; its entry still names the class.
    removed = AuditEntry.objects.filter(
        object_type=Enrolment._meta.label_lower,
        action=Action.DELETE,
        changes__training_class__0=c.pk,
    ).aggregate(at=Max("at"))
    return latest(
        c.created_at,
        c.declared_at,
        c.reviewed_at,
        c.closed_at,
        roster["added"],
        roster["completed"],
        records["at"],
        records["settled"],
        steps["at"],
        changed["at"],
        removed["at"],
    )


def _enrolments(c: TrainingClass) -> list[Enrolment]:
    return list(
        c.enrolments.select_related("person__county", "person__household")
        .prefetch_related("person__household__statuses")
        .order_by("id")
    )


def _id_shown(user: User, e: Enrolment, channel: str) -> str:
    """The whole number where the viewer's role may see it (the view is logged), else masked."""
    if can(user, "ledger.reveal_id", e.person):
        return person_reveal_id(actor=user, person=e.person, channel=channel)
    return e.person.id_masked


# The declaration form (开班申请表)


@dataclass(frozen=True)
class Declaration:
    facts: list[tuple[str, str]]
    sessions: list[ClassSession]
    hours: Decimal
    standard_hours: int | None
    hours_note: str
    roster_count: int
    steps: list
    reviewed: bool


def declaration(c: TrainingClass) -> Declaration:
    entry = c.entry or classes.entry_for(c)
    hours = classes.timetable_hours(c)
    sessions = list(c.sessions.all())
    roster_count = c.enrolments.count()
    places = "、".join(dict.fromkeys(s.place for s in sessions)) or "—"
    inst = c.institution
    if c.subsidised:
        kind = f"{c.get_training_kind_display()}（补贴性培训）"
    else:
        kind = f"{c.get_training_kind_display()}（非补贴）"
    if entry is None:
        hours_note = "需求目录无对应条目"
    elif hours < entry.standard_hours:
        hours_note = f"不足需求目录标准 {entry.standard_hours} 课时"
    else:
        hours_note = f"达到需求目录标准 {entry.standard_hours} 课时"
    facts = [
        ("培训机构", inst.name),
        ("统一社会信用代码", inst.uscc or "—"),
        ("机构地址", inst.address or "—"),
        ("联系人及电话", " ".join(p for p in (inst.contact, inst.phone) if p) or "—"),
        ("班级名称", c.name),
        ("职业（工种）", str(c.occupation)),
        ("等级", c.get_level_display()),
        ("培训类型", kind),
        ("培训地（审核县区）", c.county.full_name),
        ("培训地点", places),
        ("开班日期", f"{c.start_on:%Y-%m-%d}"),
        ("结业日期", f"{c.end_on:%Y-%m-%d}"),
        ("计划人数", f"{c.planned_size} 人"),
        ("花名册人数", f"{roster_count} 人"),
        (
            "课时",
            f"课表合计 {hours.normalize():f} 课时（{len(sessions)} 个课次，按每课时60分钟计），"
            + hours_note,
        ),
        ("授课教师", c.teachers or "—"),
        ("教学计划", c.teaching_plan or "—"),
        ("考核方案", c.assessment_plan or "—"),
        ("审核状态", c.get_status_display()),
    ]
    if c.declared_at:
        who = c.declared_by.display_name if c.declared_by else ""
        facts.append(("申报", f"{who} {timezone.localtime(c.declared_at):%Y-%m-%d %H:%M}".strip()))
    if c.reviewed_at:
        who = c.reviewed_by.display_name if c.reviewed_by else ""
        facts.append(("审核", f"{who} {timezone.localtime(c.reviewed_at):%Y-%m-%d %H:%M}".strip()))
        if c.review_note:
            facts.append(("审核意见", c.review_note))
    return Declaration(
        facts=facts,
        sessions=sessions,
        hours=hours,
        standard_hours=entry.standard_hours if entry else None,
        hours_note=hours_note,
        roster_count=roster_count,
        steps=list(review_history(c)),
        reviewed=c.reviewed_at is not None,
    )


def session_text(s: ClassSession) -> str:
    start, end = timezone.localtime(s.starts_at), timezone.localtime(s.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def declaration_rows(d: Declaration) -> list[list[object]]:
    """The form as the workbook's rows: each fact, then each session of the timetable."""
    rows: list[list[object]] = [[label, value] for label, value in d.facts]
    for n, s in enumerate(d.sessions, start=1):
        rows.append([f"课次{n}", f"{session_text(s)} {s.place} {s.teacher}"])
    for step in d.steps:
        at = timezone.localtime(step.at)
        reason = f"，原因：{step.reason}" if step.reason else ""
        rows.append([f"审核记录：{step.label}", f"{step.actor_name} {at:%Y-%m-%d %H:%M}{reason}"])
    return rows


DECLARATION_COLUMNS = [Column("项目", 20), Column("内容", 90)]


# The roster (花名册)


@dataclass(frozen=True)
class RosterLine:
    n: int
    name: str
    sex: str
    age: int
    id_number: str
    county: str
    category: str
    phone: str


def roster(user: User, c: TrainingClass, *, channel: str) -> tuple[list[RosterLine], bool]:
    """The roster's lines as `user` may see them, and whether it shows household categories
    (only to a role that reads the ledger)."""
    shows_category = can(user, "ledger.read")
    lines = []
    for n, e in enumerate(_enrolments(c), start=1):
        p = e.person
        category = ""
        if shows_category:
            if can(user, "ledger.read", p) and p.household is not None:
                status = p.household.category_on(c.start_on)
                category = (
                    status.get_category_display() if status else p.household.get_category_display()
                )
            else:
                category = "—"
        lines.append(
            RosterLine(
                n=n,
                name=p.name,
                sex=p.get_sex_display(),
                age=age_on(p.birth_date, c.start_on),
                id_number=_id_shown(user, e, channel),
                county=p.county.name,
                category=category,
                phone=phones.mask(p.phone) if p.phone else "",
            )
        )
    return lines, shows_category


def roster_columns(shows_category: bool) -> list[Column]:
    columns = [
        Column("序号", 6),
        Column("姓名", 10),
        Column("性别", 6),
        Column("年龄", 6),
        Column("身份证号", 22),
        Column("户籍县（区）", 14),
    ]
    if shows_category:
        columns.append(Column("家庭类别", 10))
    columns += [Column("联系电话", 14), Column("本人签名", 14)]
    return columns


def roster_rows(lines: list[RosterLine], shows_category: bool) -> list[list[object]]:
    rows = []
    for line in lines:
        row: list[object] = [line.n, line.name, line.sex, line.age, line.id_number, line.county]
        if shows_category:
            row.append(line.category)
        rows.append([*row, line.phone, ""])
    return rows


# The attendance sheet (考勤表)


@dataclass
class AttendanceLine:
    n: int
    name: str
    id_number: str
    marks: list[str] = field(default_factory=list)
    attended: int = 0
    rate: Decimal = Decimal("0.0")


@dataclass(frozen=True)
class AttendanceSheet:
    sessions: list[ClassSession]
    lines: list[AttendanceLine]
    present: list[int]  # per session, the trainees who signed both in and out

    def parts(self, size: int = SESSIONS_PER_TABLE) -> list[dict]:
        """The sheet cut into tables of at most `size` sessions, for the width of a page;
        the totals go on the last."""
        parts = []
        for start in range(0, max(len(self.sessions), 1), size):
            end = start + size
            parts.append(
                {
                    "first": start + 1,
                    "sessions": self.sessions[start:end],
                    "rows": [(line, line.marks[start:end]) for line in self.lines],
                    "present": self.present[start:end],
                    "last": end >= len(self.sessions),
                }
            )
        return parts


def _mark(record: Attendance | None) -> str:
    if record is None:
        return NONE
    if record.flag_outcome == FlagOutcome.CLEARED:
        return CLEARED
    if record.method == Method.MANUAL:
        return BY_HAND  # every hand mark is checked by the county: 补 says which it is
    if record.flag and record.flag_outcome == FlagOutcome.PENDING:
        return PENDING
    return SIGNED


def attendance_sheet(c: TrainingClass) -> AttendanceSheet:
    """Sessions across, trainees down: the marks of each sign-in and sign-out, and each
    trainee's sessions attended (signed in and out, not cleared) and rate, as counted for
    completion (classes.attendance_counts)."""
    sessions = list(c.sessions.all())
    total, attended = classes.attendance_counts(c)
    records: dict[tuple[int, int, str], Attendance] = {
        (r.enrolment_id, r.session_id, r.direction): r
        for r in Attendance.objects.filter(session__training_class=c)
    }
    lines = []
    present = [0] * len(sessions)
    for n, e in enumerate(_enrolments(c), start=1):
        line = AttendanceLine(n=n, name=e.person.name, id_number=e.person.id_masked)
        for i, s in enumerate(sessions):
            signed_in = records.get((e.pk, s.pk, Direction.IN))
            signed_out = records.get((e.pk, s.pk, Direction.OUT))
            line.marks.append(_mark(signed_in) + _mark(signed_out))
            counted = [
                r for r in (signed_in, signed_out) if r and r.flag_outcome != FlagOutcome.CLEARED
            ]
            if len(counted) == 2:
                present[i] += 1
        line.attended = attended.get(e.pk, 0)
        line.rate = classes.rate(line.attended, total)
        lines.append(line)
    return AttendanceSheet(sessions=sessions, lines=lines, present=present)


def session_heading(n: int, s: ClassSession) -> str:
    start = timezone.localtime(s.starts_at)
    return f"第{n}课次 {start:%m-%d %H:%M}"


def attendance_columns(sheet: AttendanceSheet) -> list[Column]:
    return [
        Column("序号", 6),
        Column("姓名", 10),
        Column("身份证号", 20),
        *[Column(session_heading(n, s), 12) for n, s in enumerate(sheet.sessions, start=1)],
        Column("出勤课次", 10),
        Column("出勤率（%）", 10),
    ]


def attendance_rows(sheet: AttendanceSheet) -> list[list[object]]:
    rows: list[list[object]] = [
        [line.n, line.name, line.id_number, *line.marks, line.attended, line.rate]
        for line in sheet.lines
    ]
    rows.append(["", "出勤人数", "", *sheet.present, "", ""])
    return rows
