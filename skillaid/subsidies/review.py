"""The review of a claim, declared once as a workflow of the review mechanism (accounts.review).

The institution's officer (or, for a person's own application, the county clerk)
submits; the county bureau checks; the city (or the province) approves — or, as the
region's rule `limit-approval-levels` says, the county approves alone (1 level), or the
city checks and the province approves (3 levels). Any reviewer may return a claim with
a reason, or reject it with a reason, which refuses every line of it. Nobody approves a
claim they submitted: the mechanism refuses a checker's move by the maker.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from skillaid.accounts.capabilities import can
from skillaid.accounts.models import Role, User
from skillaid.accounts.review import Move, ReviewStep, Workflow, review_moves

from .claims import recheck
from .models import LIVE, Claim, ClaimState, LineStatus
from .rules import rule_in_force
from .selectors import claims_visible_to

APPROVAL_LEVELS = "limit-approval-levels"
DEFAULT_LEVELS = 2
CHECKER_REFUSAL = "只有申领所在地的人社部门审核人员可以审核"


def levels(claim: Claim) -> int:
    """How many levels review the claim in its county on its claim date (1, 2 or 3)."""
    version = rule_in_force(APPROVAL_LEVELS, claim.county_id, claim.claimed_on)
    if version is None or version.limit_value is None:
        return DEFAULT_LEVELS
    return min(max(int(version.limit_value), 1), 3)


def _submitter(user: User) -> bool:
    return can(user, "claim.submit")


def _county(user: User) -> bool:
    return can(user, "claim.check")


def _city(user: User) -> bool:
    return can(user, "claim.city_check")


def _approver(user: User) -> bool:
    return can(user, "claim.approve")


def _province(user: User) -> bool:
    return can(user, "claim.approve_final")


def _above(user: User) -> bool:
    return _city(user) or _approver(user)


def _forward(check):  # noqa: ANN001, ANN202
    def apply(claim: Claim, step: ReviewStep) -> None:
        _one_level_each(claim, step)
        check(claim, step)

    return apply


def _needs(n: int, what: str):  # noqa: ANN202
    def apply(claim: Claim, step: ReviewStep) -> None:
        have = levels(claim)
        if have != n:
            raise ValidationError(f"{claim.county.name}的补贴申领实行{have}级审核，{what}")

    return apply


def institution_submits(claim: Claim, user: User) -> bool:
    """A class's claim is the institution's to submit: its officer (or an administrator),
    not the county that checks it; a person's or an enterprise's is the county clerk's."""
    if claim.institution_id is None:
        return True
    return user.role in (Role.SCHOOL_OFFICER, Role.ADMIN)


def _submitted(claim: Claim, step: ReviewStep) -> None:
    if not institution_submits(claim, step.actor):
        raise PermissionDenied("培训班的补贴申领由培训机构提交，县（区）人社部门负责初审")
    if not claim.lines.filter(status__in=LIVE).exists():
        raise ValidationError("该申领没有应发的明细，无需提交审核")
    # A line a limit now stops is refused here and stays refused: the submission goes on
    # with what is left, so that the refusal is kept (an error would roll it back).
    recheck(claim, actor=step.actor)
    claim.reason = ""


def checked_by(claim: Claim) -> set[int]:
    """Who has made a checker's move on the claim since it was last submitted: each level
    is another person's (an administrator holds every level's capability, and would
    otherwise check and approve alone)."""
    steps = list(ReviewStep.objects.about(claim).order_by("at", "id"))
    since = max((i for i, st in enumerate(steps) if st.maker), default=-1)
    return {st.actor_id for st in steps[since + 1 :] if not st.maker and st.actor_id}


def _one_level_each(claim: Claim, step: ReviewStep) -> None:
    if step.move in FORWARD and step.actor_id in checked_by(claim):
        raise PermissionDenied("同一人不能办理同一申领的两级审核，请由上级审核人员办理")


def _reviewed(claim: Claim, step: ReviewStep) -> None:
    claim.reason = step.reason


def _approved(check):  # noqa: ANN001, ANN202
    """An approval: the levels' check, then the limits once more before money is committed."""

    def apply(claim: Claim, step: ReviewStep) -> None:
        _one_level_each(claim, step)
        if check is not None:
            check(claim, step)
        recheck(claim, actor=step.actor)
        claim.reason = step.reason

    return apply


def _rejected(claim: Claim, step: ReviewStep) -> None:
    claim.reason = step.reason
    paid = claim.lines.exclude(status__in=(LineStatus.DUE, LineStatus.HELD, LineStatus.REFUSED))
    if paid.exists():
        raise ValidationError("该申领已有明细纳入发放批次，不能整体不予补贴")
    claim.lines.filter(status__in=(LineStatus.DUE, LineStatus.HELD)).update(
        status=LineStatus.REFUSED, hold="", reason=f"申领不予补贴：{step.reason}"[:500]
    )


def _sendbacks(suffix: str, state: str, who) -> tuple[Move, Move]:  # noqa: ANN001
    """Return and reject, by the level that holds the claim in `state`, with a reason."""
    return (
        Move(
            name=f"return{suffix}",
            label="退回修改",
            source=(state,),
            target=ClaimState.RETURNED,
            who=who,
            refusal=CHECKER_REFUSAL,
            reason=True,
            apply=_reviewed,
        ),
        Move(
            name=f"reject{suffix}",
            label="不予补贴",
            source=(state,),
            target=ClaimState.REJECTED,
            who=who,
            refusal=CHECKER_REFUSAL,
            reason=True,
            apply=_rejected,
        ),
    )


def _describe(claim: Claim) -> str:
    return f"{claim}（{claim.county.name}，{claim.claimed_on:%Y-%m-%d}申领）"


CLAIM_REVIEW = Workflow(
    model=Claim,
    title="补贴申领审核",
    noun="补贴申领",
    states=ClaimState,
    moves=(
        Move(
            name="submit",
            label="提交审核",
            source=(ClaimState.DRAFT, ClaimState.RETURNED),
            target=ClaimState.SUBMITTED,
            who=_submitter,
            refusal="只有申领机构的管理员或人员所在县（区）人社部门可以提交",
            maker=True,
            verb="提交",
            apply=_submitted,
        ),
        Move(
            name="approve_county",
            label="县级审批通过",
            source=(ClaimState.SUBMITTED,),
            target=ClaimState.APPROVED,
            who=_county,
            refusal=CHECKER_REFUSAL,
            apply=_approved(_needs(1, "县级初审后须报上级审批")),
        ),
        Move(
            name="check",
            label="县级初审通过",
            source=(ClaimState.SUBMITTED,),
            target=ClaimState.CHECKED,
            who=_county,
            refusal=CHECKER_REFUSAL,
            apply=lambda claim, step: _levels_at_least(claim, 2),
        ),
        Move(
            name="city_check",
            label="市级复核通过",
            source=(ClaimState.CHECKED,),
            target=ClaimState.CITY_CHECKED,
            who=_city,
            refusal="只有市级审核人员可以复核",
            apply=_forward(_needs(3, "由市级审批，无需复核")),
        ),
        Move(
            name="approve",
            label="审批通过",
            source=(ClaimState.CHECKED,),
            target=ClaimState.APPROVED,
            who=_approver,
            refusal="只有市级或省级审核人员可以审批",
            apply=_approved(_needs(2, "市级复核后由省级审批")),
        ),
        Move(
            name="approve_final",
            label="省级审批通过",
            source=(ClaimState.CITY_CHECKED,),
            target=ClaimState.APPROVED,
            who=_province,
            refusal="只有省级审核人员可以审批",
            apply=_approved(None),
        ),
        *_sendbacks("_county", ClaimState.SUBMITTED, _county),
        *_sendbacks("", ClaimState.CHECKED, _above),
        *_sendbacks("_province", ClaimState.CITY_CHECKED, _province),
    ),
    scope=claims_visible_to,
    url=lambda claim: reverse("claim_detail", args=[claim.pk]),
    maker_field="submitted_by",
    maker_refusal="提交人不能审核自己提交的补贴申领",
    reason_refusal="退回或不予补贴须填写原因",
    describe=_describe,
    related=("county", "training_class", "person"),
)


def _levels_at_least(claim: Claim, n: int) -> None:
    have = levels(claim)
    if have < n:
        raise ValidationError(f"{claim.county.name}的补贴申领实行{have}级审核，由县级直接审批")


# The moves that pass a claim on to the next level or approve it.
FORWARD = {"approve_county", "check", "city_check", "approve", "approve_final"}

# The moves each number of levels uses; the page offers only these.
SENDBACKS = {
    "return_county",
    "reject_county",
    "return",
    "reject",
    "return_province",
    "reject_province",
}
LEVEL_MOVES = {
    1: {"submit", "approve_county"} | SENDBACKS,
    2: {"submit", "check", "approve"} | SENDBACKS,
    3: {"submit", "check", "city_check", "approve_final"} | SENDBACKS,
}


def claim_moves(claim: Claim, user: User) -> list[Move]:
    """The moves `user` may make on `claim` now, as its region's levels allow."""
    allowed = LEVEL_MOVES[levels(claim)]
    if not institution_submits(claim, user):
        allowed = allowed - {"submit"}
    if user.pk in checked_by(claim):
        allowed = allowed - FORWARD
    return [m for m in review_moves(claim, user) if m.name in allowed]
