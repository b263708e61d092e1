"""Publication (补贴公示) and objections over HTTP, through the same selectors and services
as the pages: what a county's publication would list now and for how long, publishing it,
the publications and objections in scope, and resolving an objection with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel
from skillaid.regions.selectors import counties_visible_to

from .models import ClaimLine, Objection, Publication
from .publication import (
    objection_resolve,
    publication_create,
    publication_period,
    publication_total,
    publishable_lines,
)
from .publication_selectors import (
    ObjectionFilters,
    PublicationFilters,
    objection_for,
    objection_list,
    publication_for,
    publication_lines,
    publication_list,
)

router = Router(tags=["publication"])


class LineOut(Schema):
    id: int
    claim_id: int
    person_name: str
    id_masked: str
    kind: str
    kind_label: str
    occupation: str | None
    level: str
    rate: Decimal | None
    unit: str
    units: Decimal
    amount: Decimal
    status: str
    hold: str
    reason: str

    @staticmethod
    def of(line: ClaimLine) -> LineOut:
        return LineOut(
            id=line.pk,
            claim_id=line.claim_id,
            person_name=line.person_name,
            id_masked=line.id_masked,
            kind=line.kind,
            kind_label=line.get_kind_display(),
            occupation=line.occupation.name if line.occupation_id else None,
            level=line.level,
            rate=line.rate,
            unit=line.unit,
            units=line.units,
            amount=line.amount,
            status=line.status,
            hold=line.hold,
            reason=line.reason,
        )


class PublicationOut(Schema):
    id: int
    title: str
    county_code: str
    county: str
    starts_on: dt.date
    ends_on: dt.date
    working_days: int
    rule: str | None
    running: bool
    lines: int
    amount: Decimal
    open_objections: int

    @staticmethod
    def of(p: Publication, today: dt.date) -> PublicationOut:
        return PublicationOut(
            id=p.pk,
            title=p.title,
            county_code=p.county_id,
            county=p.county.name,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            working_days=p.working_days,
            rule=str(p.rule) if p.rule_id else None,
            running=not p.ended(today),
            lines=getattr(p, "line_count", None) or p.lines.count(),
            amount=getattr(p, "total", None) or publication_total(p),
            open_objections=getattr(p, "open_objections", None)
            or p.objections.filter(state="open").count(),
        )


class ObjectionOut(Schema):
    id: int
    publication_id: int
    line_id: int
    person_name: str
    id_masked: str
    text: str
    contact_name: str
    contact_phone: str
    raised_at: dt.datetime
    state: str
    state_label: str
    resolution: str
    resolved_at: dt.datetime | None
    resolved_by: str | None

    @staticmethod
    def of(o: Objection) -> ObjectionOut:
        return ObjectionOut(
            id=o.pk,
            publication_id=o.publication_id,
            line_id=o.line_id,
            person_name=o.line.person_name,
            id_masked=o.line.id_masked,
            text=o.text,
            contact_name=o.contact_name,
            contact_phone=o.contact_phone,
            raised_at=o.raised_at,
            state=o.state,
            state_label=o.get_state_display(),
            resolution=o.resolution,
            resolved_at=o.resolved_at,
            resolved_by=o.resolved_by.display_name if o.resolved_by_id else None,
        )


class PublicationDetailOut(PublicationOut):
    line_list: list[LineOut]
    objections: list[ObjectionOut]


class PreviewOut(Schema):
    county_code: str
    county: str
    lines: list[LineOut]
    amount: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None
    working_days: int | None
    period_error: str | None


class PublishIn(Schema):
    county: str


class ResolveIn(Schema):
    decision: Literal["upheld", "dismissed"]
    reason: str


@router.get(
    "/publications",
    response=list[PublicationOut],
    summary="Publications (补贴公示) in the caller's scope, newest first",
)
def list_publications(request: HttpRequest, filters: Query[PublicationFilters]):  # noqa: ANN201
    require(request.user, "publication.read")
    today = timezone.localdate()
    return [
        PublicationOut.of(p, today)
        for p in publication_list(request.user, filters=filters, today=today)
    ]


@router.get(
    "/publications/preview",
    response=PreviewOut,
    summary="What a publication of the county published today would list, and its period",
)
def preview_publication(request: HttpRequest, county: str):  # noqa: ANN201
    require(request.user, "publication.create")
    region = counties_visible_to(request.user).filter(code=county.strip()).first()
    if region is None:
        raise ValidationError({"county": f"县（区）代码 {county} 不存在或不在您的管辖范围内"})
    lines = list(publishable_lines(region.code).select_related("occupation").order_by("id"))
    period, error = None, None
    if lines:
        try:
            period = publication_period(region.code, timezone.localdate())
        except ValidationError as exc:
            error = "；".join(exc.messages)
    return PreviewOut(
        county_code=region.code,
        county=region.name,
        lines=[LineOut.of(x) for x in lines],
        amount=sum((x.amount for x in lines), Decimal("0.00")),
        starts_on=period.starts_on if period else None,
        ends_on=period.ends_on if period else None,
        working_days=period.working_days if period else None,
        period_error=error,
    )


@router.post(
    "/publications",
    response={201: PublicationOut},
    summary="Publish the county's approved, due, unpublished lines from today",
)
def create_publication(request: HttpRequest, data: PublishIn):  # noqa: ANN201
    publication = publication_create(actor=request.user, county=data.county, channel=Channel.API)
    return Status(201, PublicationOut.of(publication, timezone.localdate()))


@router.get(
    "/publications/{pk}",
    response=PublicationDetailOut,
    summary="One publication with its lines and objections",
)
def read_publication(request: HttpRequest, pk: int):  # noqa: ANN201
    require(request.user, "publication.read")
    p = publication_for(request.user, pk)
    out = PublicationOut.of(p, timezone.localdate())
    return PublicationDetailOut(
        **out.dict(),
        line_list=[LineOut.of(x) for x in publication_lines(p)],
        objections=[
            ObjectionOut.of(o)
            for o in objection_list(request.user, filters=ObjectionFilters(publication=p.pk))
        ],
    )


@router.get(
    "/objections",
    response=list[ObjectionOut],
    summary="Objections in the caller's scope (state: open, upheld, dismissed), oldest first",
)
def list_objections(request: HttpRequest, filters: Query[ObjectionFilters]):  # noqa: ANN201
    require(request.user, "publication.read")
    return [ObjectionOut.of(o) for o in objection_list(request.user, filters=filters)]


@router.post(
    "/objections/{pk}/resolve",
    response=ObjectionOut,
    summary="Resolve an open objection with a reason: upheld refuses the line, dismissed releases it",
)
def resolve_objection(request: HttpRequest, pk: int, data: ResolveIn):  # noqa: ANN201
    objection = objection_for(request.user, pk)
    objection_resolve(
        actor=request.user,
        objection=objection,
        upheld=data.decision == "upheld",
        reason=data.reason,
        channel=Channel.API,
    )
    return ObjectionOut.of(objection_for(request.user, pk))
