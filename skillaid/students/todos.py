"""What of the students' care waits for a school's officer on their desk (accounts.desk):
last month's monthly monitoring still missing for the school's students. Which months
need a record is decided once, in students.monitoring (`monitoring_due`); the to-do
counts that list's missing rows and links to it."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.desk import Todo

from .monitoring import monitoring_due, month_label, month_start, previous_month


def monitoring_todos(request: HttpRequest, user: object) -> list[Todo]:
    school = getattr(user, "institution_id", None)
    if school is None or not can(user, "monitoring.record"):
        return []
    month = previous_month(month_start(timezone.localdate()))
    missing = len(monitoring_due(user, month, school=school).missing)
    return [
        Todo(
            f"名学生{month_label(month)}的每月监测未记录",
            missing,
            f"{reverse('monitoring')}?month={month:%Y-%m}#missing",
            urgent=True,
            group="技工院校学生",
        )
    ]
