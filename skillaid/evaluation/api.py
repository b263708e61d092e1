"""Certificates over HTTP: the public verification and the list within the caller's scope."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from skillaid.accounts.models import Channel
from skillaid.lib.dates import Day

from .models import Certificate
from .selectors import CertificateFilters, certificate_list, certificates_visible_to
from .services import certificate_revoke, certificate_verify
from .views import throttled

router = Router(tags=["certificates"])


class VerdictOut(Schema):
    genuine: bool
    message: str
    number: str | None = None
    kind: str | None = None
    holder: str | None = None
    occupation: str | None = None
    level: str | None = None
    issuer: str | None = None
    issued_on: dt.date | None = None
    revoked_on: dt.date | None = None


class Busy(Schema):
    detail: str


@router.get(
    "/certificates/verify",
    auth=None,
    response={200: VerdictOut, 429: Busy},
    summary="Is this certificate genuine? (public, no token)",
    description="只返回证书本身的信息和打码的持证人姓名；同一地址每分钟最多查询30次。",
)
def verify(request: HttpRequest, number: str, name: str = ""):  # noqa: ANN201
    if throttled(request):
        return Status(429, Busy(detail="查询过于频繁，请一分钟后再试"))
    return certificate_verify(number, name).public()


class CertificateOut(Schema):
    id: int
    number: str
    kind: str
    person_id: int
    holder_name: str
    occupation: str
    level: str
    issuer: str
    issued_on: dt.date
    source: str
    revoked_on: dt.date | None
    revoked_reason: str

    @staticmethod
    def of(c: Certificate) -> CertificateOut:
        return CertificateOut(
            id=c.pk,
            number=c.number,
            kind=c.kind,
            person_id=c.person_id,
            holder_name=c.holder_name,
            occupation=c.occupation_name,
            level=c.level,
            issuer=c.issuer,
            issued_on=c.issued_on,
            source=c.source,
            revoked_on=c.revoked_on,
            revoked_reason=c.revoked_reason,
        )


@router.get("/certificates", response=list[CertificateOut], summary="Certificates in scope")
def list_certificates(request: HttpRequest, filters: Query[CertificateFilters]):  # noqa: ANN201
    rows = certificate_list(request.user, filters=filters)
    return [CertificateOut.of(c) for c in rows[:1000]]


class RevokeIn(Schema):
    reason: str
    on: Day | None = None


@router.post(
    "/certificates/{int:pk}/revoke",
    response=CertificateOut,
    summary="Revoke a certificate (注销)",
    description="发证机构的管理员或持证人所在地的人社部门注销证书，需填写原因；日期默认今天。"
    "已注销、日期晚于今天或早于发证日期时返回 422。",
)
def revoke(request: HttpRequest, pk: int, payload: RevokeIn):  # noqa: ANN201
    cert = certificate_revoke(
        actor=request.user,
        certificate=get_object_or_404(certificates_visible_to(request.user), pk=pk),
        reason=payload.reason,
        on=payload.on,
        channel=Channel.API,
    )
    return CertificateOut.of(cert)
