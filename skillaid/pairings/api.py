"""Pairings over HTTP, through the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from skillaid.accounts.models import Channel
from skillaid.institutions.selectors import institution_for
from skillaid.lib.dates import Day

from . import services
from .models import Pairing
from .selectors import PairingFilters, pairing_for, pairing_list

router = Router(tags=["pairings"])


class Error(Schema):
    detail: dict[str, str] | str


class PlanItem(Schema):
    occupation: str
    month: int
    trainees: int


class PlanOut(Schema):
    year: int
    planned_enrolments: int
    planned_trainees: int
    filed_on: dt.date
    items: list[PlanItem]


class PairingOut(Schema):
    id: int
    school_id: int
    school: str
    county_code: str | None
    site: str | None
    partner: str
    signed_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    plans: list[PlanOut]

    @staticmethod
    def of(p: Pairing) -> PairingOut:
        plans = [
            PlanOut(
                year=w.year,
                planned_enrolments=w.planned_enrolments,
                planned_trainees=w.planned_trainees,
                filed_on=w.filed_on,
                items=[
                    PlanItem(occupation=i.occupation, month=i.month, trainees=i.trainees)
                    for i in w.items.all()
                ],
            )
            for w in p.plans.all()
        ]
        return PairingOut(
            id=p.pk,
            school_id=p.school_id,
            school=p.school.name,
            county_code=p.county_id,
            site=p.site.name if p.site_id else None,
            partner=p.partner_name,
            signed_on=p.signed_on,
            ended_on=p.ended_on,
            end_reason=p.end_reason,
            plans=plans,
        )


class PlanIn(Schema):
    year: int
    planned_enrolments: int = 0
    note: str = ""
    items: list[PlanItem]


@router.get("/pairings", response=list[PairingOut], summary="Pairings in the caller's scope")
def list_pairings(request: HttpRequest, filters: Query[PairingFilters]):  # noqa: ANN201
    rows = pairing_list(request.user, filters=filters).prefetch_related("plans__items")
    return [PairingOut.of(p) for p in rows]


@router.get("/pairings/{int:pk}", response=PairingOut)
def read_pairing(request: HttpRequest, pk: int):  # noqa: ANN201
    return PairingOut.of(pairing_for(request.user, pk))


class PairingIn(Schema):
    school_id: int
    county_code: str = ""
    site_id: int | None = None
    signed_on: Day | None = None
    source: str = ""


class PairingEndIn(Schema):
    ended_on: Day
    reason: str


@router.post(
    "/pairings",
    response={201: PairingOut, 422: Error},
    summary="Pair a technical school with a county or resettlement site (city or region bureau)",
)
def create_pairing(request: HttpRequest, payload: PairingIn):  # noqa: ANN201
    pairing = services.pairing_create(
        actor=request.user,
        channel=Channel.API,
        school=institution_for(request.user, payload.school_id),
        county_code=payload.county_code,
        site_id=payload.site_id,
        signed_on=payload.signed_on,
        source=payload.source,
    )
    return Status(201, PairingOut.of(pairing_for(request.user, pairing.pk)))


@router.post(
    "/pairings/{int:pk}/end",
    response={200: PairingOut, 422: Error},
    summary="End a pairing on a date, with the reason",
)
def end_pairing(request: HttpRequest, pk: int, payload: PairingEndIn):  # noqa: ANN201
    services.pairing_end(
        actor=request.user,
        channel=Channel.API,
        pairing=pairing_for(request.user, pk),
        on=payload.ended_on,
        reason=payload.reason,
    )
    return PairingOut.of(pairing_for(request.user, pk))


@router.put(
    "/pairings/{int:pk}/plans",
    response={200: PairingOut, 422: Error},
    summary="File the year's work plan (the school)",
)
def file_plan(request: HttpRequest, pk: int, payload: PlanIn):  # noqa: ANN201
    pairing = pairing_for(request.user, pk)
    services.work_plan_file(
        actor=request.user,
        channel=Channel.API,
        pairing=pairing,
        year=payload.year,
        planned_enrolments=payload.planned_enrolments,
        note=payload.note,
        items=[i.dict() for i in payload.items],
    )
    return PairingOut.of(pairing_for(request.user, pk))
