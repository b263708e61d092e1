"""Attendance counts and rates, recording each trainee's completion, and closing the class."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit, audit_value

from ..models import (
    Attendance,
    ClassStatus,
    Completion,
    Enrolment,
    FlagOutcome,
    TrainingClass,
)
from ..signals import class_closed
from .eligibility import eligibility
from .lifecycle import class_log


def sessions_attended(records: QuerySet[Attendance], by: str = "enrolment_id") -> dict[int, int]:
    """Per enrolment (or per value of `by`) among `records`, the sessions signed both in and out.

    A flagged sign-in the county bureau cleared does not count; one still pending counts
    until it is settled (the class page lists it as pending)."""
    both = (
        records.exclude(flag_outcome=FlagOutcome.CLEARED)
        .values(*dict.fromkeys((by, "enrolment_id", "session_id")))
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


def last_session_end(c: TrainingClass):  # noqa: ANN201
    """When the class's last session ends (None without a timetable)."""
    last = c.sessions.order_by("-ends_at").first()
    return last.ends_at if last is not None else None


def completion_refusal(c: TrainingClass, verb: str = "登记结业") -> str:
    """Why completion may not be recorded for the class now (or `verb` done), or "": only an
    approved class, once its last session has ended."""
    if c.status != ClassStatus.APPROVED:
        return f"培训班处于“{c.get_status_display()}”状态，不能{verb}"
    end = last_session_end(c)
    if end is None:
        return f"培训班没有课次，不能{verb}"
    if end > timezone.now():
        return f"最后一个课次结束后才能{verb}（最后一个课次于{timezone.localtime(end):%Y-%m-%d %H:%M}结束）"
    return ""


def close_refusal(c: TrainingClass) -> str:
    """Why the class may not be closed now, or "": completion open and every trainee recorded."""
    why = completion_refusal(c, "结业")
    if why:
        return why
    pending = c.enrolments.filter(completion=Completion.PENDING).count()
    if pending:
        return f"还有{pending}名学员未登记结业情况"
    return ""


def certify_refusal(c: TrainingClass) -> str:
    """Why certificates may not be issued for the class now, or "": a closed class, or an
    approved one whose last session has ended."""
    if c.status == ClassStatus.CLOSED:
        return ""
    return completion_refusal(c, "发证")


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
    require(actor, "completion.record", c)
    refusal = completion_refusal(c)
    if refusal:
        raise ValidationError(refusal)
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
        object_type=e,
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
    require(actor, "completion.record", c)
    refusal = close_refusal(c)
    if refusal:
        raise ValidationError(refusal)
    c.status = ClassStatus.CLOSED
    c.closed_at = timezone.now()
    c.save()
    class_log(
        actor,
        channel,
        Action.UPDATE,
        c,
        {"status": [ClassStatus.APPROVED, ClassStatus.CLOSED]},
        "结业",
    )
    class_closed.send(TrainingClass, training_class=c, actor=actor, channel=channel)
    return c
