"""Skill-upgrading applications over HTTP: record one from a certificate the system holds,
and list the certificates still waiting for one, through the same services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel
from skillaid.evaluation.selectors import certificates_visible_to
from skillaid.lib.dates import Day

from .applications import certificates_awaiting, upgrading_apply
from .models import Claim, ClaimLine

router = Router(tags=["subsidy claims"])

NO_CERTIFICATE = "证书编号不存在，或持证人不在您的管辖范围内；外部颁发的证书请先导入"


class UpgradingIn(Schema):
    certificate_number: str
    insured: bool
    employer: str = ""
    claimed_on: Day | None = None


class LineOut(Schema):
    id: int
    kind: str
    person_name: str
    id_masked: str
    rule: str | None
    rule_version: int | None
    units: Decimal
    rate: Decimal | None
    amount: Decimal
    status: str
    status_label: str
    reason: str
    limit: str | None
    blocked_by: int | None
    certificate: str | None

    @staticmethod
    def of(line: ClaimLine) -> LineOut:
        return LineOut(
            id=line.pk,
            kind=line.kind,
            person_name=line.person_name,
            id_masked=line.id_masked,
            rule=line.rule.rule.code if line.rule_id else None,
            rule_version=line.rule.number if line.rule_id else None,
            units=line.units,
            rate=line.rate,
            amount=line.amount,
            status=line.status,
            status_label=line.get_status_display(),
            reason=line.reason,
            limit=line.limit.rule.code if line.limit_id else None,
            blocked_by=line.blocked_by_id,
            certificate=line.certificate.number if line.certificate_id else None,
        )


class ClaimOut(Schema):
    id: int
    kind: str
    county: str
    status: str
    claimed_on: dt.date
    lines: list[LineOut]


def claim_out(claim: Claim) -> ClaimOut:
    lines = claim.lines.select_related("rule__rule", "limit__rule", "certificate").order_by("id")
    return ClaimOut(
        id=claim.pk,
        kind=claim.kind,
        county=claim.county_id,
        status=claim.status,
        claimed_on=claim.claimed_on,
        lines=[LineOut.of(line) for line in lines],
    )


@router.post(
    "/claims/upgrading",
    response={201: ClaimOut},
    summary="Record a person's skill-upgrading application from a certificate",
    description="证书须已在系统中且持证人在调用者管辖范围内；返回草稿申领及其明细"
    "（应发，或按哪条规则、因哪笔补贴不予补贴）。",
)
def record_upgrading(request: HttpRequest, payload: UpgradingIn):  # noqa: ANN201
    require(request.user, "claim.record")
    number = "".join(payload.certificate_number.split()).upper()
    cert = certificates_visible_to(request.user).filter(number=number).first()
    if cert is None:
        raise HttpError(404, NO_CERTIFICATE)
    claim = upgrading_apply(
        actor=request.user,
        certificate=cert,
        insured=payload.insured,
        employer=payload.employer,
        claimed_on=payload.claimed_on,
        channel=Channel.API,
    )
    return Status(201, claim_out(claim))


class AwaitingOut(Schema):
    number: str
    holder_name: str
    id_masked: str
    occupation: str
    level: str
    issued_on: dt.date


@router.get(
    "/claims/upgrading/awaiting",
    response=list[AwaitingOut],
    summary="Certificates of a county with no skill-upgrading application yet",
)
def awaiting(request: HttpRequest, county: str):  # noqa: ANN201
    require(request.user, "claim.record")
    rows = certificates_awaiting(
        certificates_visible_to(request.user), county=county, today=timezone.localdate()
    )[:500]
    return [
        AwaitingOut(
            number=c.number,
            holder_name=c.holder_name,
            id_masked=c.person.id_masked,
            occupation=c.occupation_name,
            level=c.level,
            issued_on=c.issued_on,
        )
        for c in rows
    ]
