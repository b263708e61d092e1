"""Claims over HTTP, through the same selectors and services as the pages: the list within
scope, one claim with its lines and review history, the review moves, and computing a
draft class claim again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel
from skillaid.accounts.review import review_history, review_move

from .claims import class_claim
from .models import Claim, ClaimLine
from .review import claim_moves, institution_submits, levels
from .sections import due_of
from .selectors import ClaimFilters, claim_for, claim_list

router = Router(tags=["claims"])

LIST_CAP = 1000


class LineOut(Schema):
    id: int
    kind: str
    kind_label: str
    person_id: int | None
    person_name: str
    id_masked: str
    payee: str
    payee_name: str
    rule_code: str | None
    rule_version: int | None
    rule_source: str | None
    occupation: str | None
    level: str
    units: Decimal
    unit: str
    rate: Decimal | None
    cap: Decimal | None
    amount: Decimal
    status: str
    status_label: str
    hold: str
    reason: str
    limit_code: str | None
    blocked_by: int | None
    enrolment_id: int | None
    certificate_id: int | None
    evidence: dict
    claimed_on: dt.date

    @staticmethod
    def of(line: ClaimLine) -> LineOut:
        return LineOut(
            id=line.pk,
            kind=line.kind,
            kind_label=line.get_kind_display(),
            person_id=line.person_id,
            person_name=line.person_name,
            id_masked=line.id_masked,
            payee=line.payee,
            payee_name=line.payee_name,
            rule_code=line.rule.rule.code if line.rule_id else None,
            rule_version=line.rule.number if line.rule_id else None,
            rule_source=line.rule.source if line.rule_id else None,
            occupation=line.occupation.name if line.occupation_id else None,
            level=line.level,
            units=line.units,
            unit=line.unit,
            rate=line.rate,
            cap=line.cap,
            amount=line.amount,
            status=line.status,
            status_label=line.get_status_display(),
            hold=line.hold,
            reason=line.reason,
            limit_code=line.limit.rule.code if line.limit_id else None,
            blocked_by=line.blocked_by_id,
            enrolment_id=line.enrolment_id,
            certificate_id=line.certificate_id,
            evidence=line.evidence,
            claimed_on=line.claimed_on,
        )


class ClaimOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    county: str
    county_name: str
    class_id: int | None
    institution_id: int | None
    claimed_on: dt.date
    status: str
    status_label: str
    reason: str
    due: Decimal

    @staticmethod
    def of(claim: Claim, due: Decimal | None = None) -> ClaimOut:
        return ClaimOut(
            id=claim.pk,
            kind=claim.kind,
            kind_label=claim.get_kind_display(),
            title=str(claim),
            county=claim.county_id,
            county_name=claim.county.name,
            class_id=claim.training_class_id,
            institution_id=claim.institution_id,
            claimed_on=claim.claimed_on,
            status=claim.status,
            status_label=claim.get_status_display(),
            reason=claim.reason,
            due=due if due is not None else claim.total_due,
        )


class StepOut(Schema):
    move: str
    label: str
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    reason: str


class ClaimDetailOut(ClaimOut):
    levels: int
    moves: list[str]
    lines: list[LineOut]
    history: list[StepOut]


def detail(claim: Claim, user) -> ClaimDetailOut:  # noqa: ANN001
    lines = list(claim.lines.select_related("rule__rule", "limit__rule", "occupation"))
    return ClaimDetailOut(
        **ClaimOut.of(claim, due_of(lines)).dict(),
        levels=levels(claim),
        moves=[m.name for m in claim_moves(claim, user)],
        lines=[LineOut.of(x) for x in lines],
        history=[
            StepOut(
                move=s.move,
                label=s.label,
                from_state=s.from_state,
                to_state=s.to_state,
                actor=s.actor_name,
                at=s.at,
                reason=s.reason,
            )
            for s in review_history(claim)
        ],
    )


@router.get(
    "/claims",
    response=list[ClaimOut],
    summary=f"Claims in the caller's scope, newest first (at most {LIST_CAP})",
)
def list_claims(request: HttpRequest, filters: Query[ClaimFilters]):  # noqa: ANN201
    require(request.user, "claim.read")
    return [
        ClaimOut.of(c, c.due or Decimal("0.00"))
        for c in claim_list(request.user, filters=filters)[:LIST_CAP]
    ]


@router.get("/claims/{int:pk}", response=ClaimDetailOut, summary="One claim: lines and history")
def read_claim(request: HttpRequest, pk: int):  # noqa: ANN201
    require(request.user, "claim.read")
    return detail(claim_for(request.user, pk), request.user)


class MoveIn(Schema):
    move: str
    reason: str = ""


@router.post("/claims/{int:pk}/review", response=ClaimDetailOut, summary="Make a review move")
def review_claim(request: HttpRequest, pk: int, payload: MoveIn):  # noqa: ANN201
    claim = claim_for(request.user, pk)
    chosen = next((m for m in claim_moves(claim, request.user) if m.name == payload.move), None)
    if chosen is None:
        names = "、".join(m.name for m in claim_moves(claim, request.user)) or "无"
        raise PermissionDenied(f"您现在不能对该申领办理“{payload.move}”（可办理：{names}）")
    claim = review_move(
        claim, chosen.target, actor=request.user, reason=payload.reason, channel=Channel.API
    )
    return detail(claim_for(request.user, claim.pk), request.user)


@router.post(
    "/claims/{int:pk}/recompute",
    response=ClaimDetailOut,
    summary="Compute a class claim again (only before it is submitted, or when returned)",
)
def recompute_claim(request: HttpRequest, pk: int):  # noqa: ANN201
    claim = claim_for(request.user, pk)
    require(request.user, "claim.submit", claim)
    if not institution_submits(claim, request.user):
        raise PermissionDenied("培训班的补贴申领由培训机构计算和提交，县（区）人社部门负责初审")
    if claim.training_class is None:
        raise ValidationError("只有培训班的申领可以重新计算")
    class_claim(claim.training_class, actor=request.user, channel=Channel.API)
    return detail(claim_for(request.user, pk), request.user)
