"""Reviewing a declared class: approve, return with a reason, or reject with a reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.models import Action, User

from ..models import ClassStatus, TrainingClass
from .lifecycle import class_log


def can_review(actor: User, c: TrainingClass) -> bool:
    """County bureau of the place of training, or a reviewer above it (class.review on the
    class); never the declarer."""
    return c.declared_by_id != actor.pk and can(actor, "class.review", c)


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
    class_log(
        actor,
        channel,
        Action.UPDATE,
        c,
        {"status": [before, c.status]},
        Decision.LABEL[decision] + (f"：{note}" if note else ""),
    )
    return c
