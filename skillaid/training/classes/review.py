"""The review of a class, declared once as a workflow of the review mechanism (accounts.review).

The institution's officer declares a draft or returned class; the county bureau of the
place of training, or a reviewer above it, approves it, returns it with a reason or
rejects it with a reason; the officer who declared it never reviews it. The fields the
rest of the code reads (declared_by, declared_at, reviewed_by, reviewed_at, review_note)
are kept by the moves; the steps are the class's review history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.models import User
from skillaid.accounts.review import Move, ReviewStep, Workflow, review_move

from ..models import ClassStatus, TrainingClass
from ..selectors import classes_visible_to
from .lifecycle import declaration_check

CHECKER_REFUSAL = "只有培训地县（区）人社部门或上级审核人员可以审核"


def _checker(user: User) -> bool:
    """Who may check a class: class.review in the capability table (the workflow's scope
    then keeps them to the classes of their region)."""
    return can(user, "class.review")


def _maker(user: User) -> bool:
    return can(user, "class.declare")


def _reviewed(c: TrainingClass, step: ReviewStep) -> None:
    c.reviewed_at = step.at
    c.reviewed_by = step.actor
    c.review_note = step.reason[:255]


def _approved(c: TrainingClass, step: ReviewStep) -> None:
    first = c.sessions.order_by("starts_at").first()
    if first is not None and first.starts_at <= timezone.now():
        raise ValidationError("首个课次已开始，不能再批准；请退回并调整课程表")
    _reviewed(c, step)


def _describe(c: TrainingClass) -> str:
    return f"{c.name}（{c.institution.name}，{c.county.name}，{c.start_on:%Y-%m-%d}开班）"


CLASS_REVIEW = Workflow(
    model=TrainingClass,
    title="培训班开班审核",
    noun="培训班",
    states=ClassStatus,
    moves=(
        Move(
            name="declare",
            label="申报开班",
            source=(ClassStatus.DRAFT, ClassStatus.RETURNED),
            target=ClassStatus.DECLARED,
            who=_maker,
            refusal="只有本机构的管理员可以办理此事项",
            maker=True,
            verb="申报",
            apply=declaration_check,
        ),
        Move(
            name="approve",
            label="批准开班",
            source=(ClassStatus.DECLARED,),
            target=ClassStatus.APPROVED,
            who=_checker,
            refusal=CHECKER_REFUSAL,
            apply=_approved,
        ),
        Move(
            name="return",
            label="退回修改",
            source=(ClassStatus.DECLARED,),
            target=ClassStatus.RETURNED,
            who=_checker,
            refusal=CHECKER_REFUSAL,
            reason=True,
            apply=_reviewed,
        ),
        Move(
            name="reject",
            label="不予批准",
            source=(ClassStatus.DECLARED,),
            target=ClassStatus.REJECTED,
            who=_checker,
            refusal=CHECKER_REFUSAL,
            reason=True,
            apply=_reviewed,
        ),
    ),
    scope=classes_visible_to,
    url=lambda c: reverse("class_detail", args=[c.pk]),
    maker_field="declared_by",
    maker_refusal="申报人不能审核自己申报的培训班",
    reason_field="note",
    reason_refusal="退回或不予批准须填写原因",
    describe=_describe,
    related=("institution", "county"),
)


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


def class_review(
    *,
    actor: User,
    training_class: TrainingClass,
    decision: str,
    note: str = "",
    channel: str = "page",
) -> TrainingClass:
    """A checker's move of the class review: approve, return or reject (the last two with a reason)."""
    if decision not in Decision.STATUS:
        raise ValidationError({"decision": f"审核结论“{decision}”无效"})
    return review_move(
        training_class, Decision.STATUS[decision], actor=actor, reason=note, channel=channel
    )
