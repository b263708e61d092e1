"""What a school officer finds first on the home page: the classes of their institution that
still need something done, each with its next step, instead of a ledger they may not read."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.models import User

from .models import ClassSession, ClassStatus, Completion
from .selectors import class_list

OPEN = (ClassStatus.DRAFT, ClassStatus.RETURNED, ClassStatus.DECLARED, ClassStatus.APPROVED)
SHOWN = 12


def _next_step(c, now) -> tuple[str, str]:  # noqa: ANN001
    """(what to do next, where): from the class's state and its sessions."""
    detail = reverse("class_detail", args=[c.pk])
    if c.status == ClassStatus.DRAFT:
        return "草稿：填好花名册和课程表后申报", detail
    if c.status == ClassStatus.RETURNED:
        return "被退回修改：按审核意见修改后重新申报", detail
    if c.status == ClassStatus.DECLARED:
        return "已申报，等待县人社局审核", detail
    if c.last_end is not None and c.last_end <= now and c.pending:
        return f"课程已结束：{c.pending}名学员待登记结业", reverse("class_completion", args=[c.pk])
    if c.last_end is not None and c.last_end <= now:
        return "结业已登记：可结业关班、为合格学员发证", detail
    if c.today_session is not None:
        return "今天有课：打开签到管理", reverse("session_run", args=[c.today_session])
    if c.first_start is not None and c.first_start > now:
        return f"已批准，{timezone.localtime(c.first_start):%Y-%m-%d}开课", detail
    return "开班中", detail


def home_classes_section(request: HttpRequest, user: User) -> str:
    """The institution's classes not yet closed, the ones needing a step today first."""
    if not isinstance(user, User) or user.institution_id is None:
        return ""
    now = timezone.now()
    today = timezone.localdate()
    rows = list(
        class_list(user)
        .filter(status__in=OPEN, institution_id=user.institution_id)
        .annotate(
            first_start=Min("sessions__starts_at"),
            last_end=Max("sessions__ends_at"),
            pending=Count(
                "enrolments",
                filter=Q(enrolments__completion=Completion.PENDING),
                distinct=True,
            ),
        )
        .order_by("start_on", "id")[: SHOWN + 1]
    )
    today_sessions = {
        s["training_class_id"]: s["pk"]
        for s in (
            # Today's session per class (the earliest wins): the officer's way to the sign-in code.
            ClassSession.objects.filter(
                training_class__in=[c.pk for c in rows],
                starts_at__date=today,
                ends_at__gte=now - dt.timedelta(minutes=settings.SKILLAID_SIGN_OUT_LATE_MINUTES),
            )
            .order_by("-starts_at")
            .values("training_class_id", "pk")
        )
    }
    for c in rows:
        c.today_session = today_sessions.get(c.pk)
        c.step, c.step_url = _next_step(c, now)
    return render_to_string(
        "training/_home_classes.html",
        {
            "classes": rows[:SHOWN],
            "more": len(rows) > SHOWN,
            "institution": user.institution,
        },
        request=request,
    )
