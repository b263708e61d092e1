"""How far each class has come: sessions held, attendance to date, completions and certificates.

Worked out for many classes at once (a page of the class list, or every class of a
county for the export) in a handful of grouped queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from .classes import rate, sessions_attended
from .models import Attendance, ClassSession, Completion, Enrolment, TrainingClass


@dataclass
class Rollup:
    sessions: int = 0
    # Sessions ended by now: attending one is signing in and out, and sign-out comes at the end.
    held: int = 0
    trainees: int = 0
    attended: int = 0  # trainee-sessions signed both in and out
    completed: int = 0
    passed: int = 0
    subsidised: int = 0
    certificates: int = 0

    @property
    def attendance_rate(self) -> Decimal | None:
        """Attendance to date: sessions attended over sessions held times trainees."""
        if not self.held or not self.trainees:
            return None
        return rate(self.attended, self.held * self.trainees)


def rollups(classes: Iterable[TrainingClass], now: dt.datetime | None = None) -> dict[int, Rollup]:
    now = now or timezone.now()
    ids = [c.pk for c in classes]
    out = {pk: Rollup() for pk in ids}
    if not ids:
        return out
    for row in (
        ClassSession.objects.filter(training_class_id__in=ids)
        .values("training_class_id")
        .annotate(total=Count("id"), held=Count("id", filter=Q(ends_at__lte=now)))
    ):
        r = out[row["training_class_id"]]
        r.sessions, r.held = row["total"], row["held"]
    for row in (
        Enrolment.objects.filter(training_class_id__in=ids)
        .values("training_class_id")
        .annotate(
            trainees=Count("id"),
            completed=Count("id", filter=Q(completion=Completion.COMPLETED)),
            passed=Count("id", filter=Q(passed=True)),
            subsidised=Count("id", filter=Q(subsidy_eligible=True)),
        )
    ):
        r = out[row["training_class_id"]]
        r.trainees, r.completed = row["trainees"], row["completed"]
        r.passed, r.subsidised = row["passed"], row["subsidised"]
    by_class = "session__training_class_id"
    records = Attendance.objects.filter(session__training_class_id__in=ids)
    for pk, attended in sessions_attended(records, by=by_class).items():
        out[pk].attended = attended
    # Certificates are kept by `evaluation`, above this app: counted through the relation
    # it declares on Enrolment, never by importing it.
    for row in (
        Enrolment.objects.filter(training_class_id__in=ids, certificates__isnull=False)
        .values("training_class_id")
        .annotate(n=Count("certificates"))
    ):
        out[row["training_class_id"]].certificates = row["n"]
    return out


EXPORT_HEADERS = [
    "培训班",
    "机构",
    "职业（工种）",
    "等级",
    "培训类型",
    "补贴性培训",
    "培训地",
    "开班日期",
    "结业日期",
    "状态",
    "计划人数",
    "学员人数",
    "课次",
    "已开课次",
    "出勤率（%）",
    "已结业",
    "考核合格",
    "享受补贴",
    "已发证书",
]


def export_rows(classes: Iterable[TrainingClass]) -> list[list[object]]:
    classes = list(classes)
    figures = rollups(classes)
    rows = []
    for c in classes:
        r = figures[c.pk]
        attendance = r.attendance_rate
        rows.append(
            [
                c.name,
                c.institution.name,
                c.occupation.name,
                c.get_level_display(),
                c.get_training_kind_display(),
                "是" if c.subsidised else "否",
                c.county.name,
                c.start_on,
                c.end_on,
                c.get_status_display(),
                c.planned_size,
                r.trainees,
                r.sessions,
                r.held,
                float(attendance) if attendance is not None else "",
                r.completed,
                r.passed,
                r.subsidised,
                r.certificates,
            ]
        )
    return rows
