"""Institutions, pairings and capacity over HTTP, through the same selectors and services."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from skillaid.accounts.models import Channel, User
from skillaid.lib.dates import Day

from . import capacity, services
from .models import Capacity, Institution
from .selectors import (
    CapacityFilters,
    InstitutionFilters,
    capacity_list,
    institution_for,
    institution_list,
)

router = Router(tags=["institutions"])


class Error(Schema):
    detail: dict[str, str] | str


class InstitutionOut(Schema):
    id: int
    name: str
    kind: str
    uscc: str
    region_code: str
    address: str
    contact: str
    phone: str
    status: str
    status_since: dt.date | None
    # What the caller may change (edit, status, occupations): seeing an institution through
    # a pairing is not editing it, so a client can hide what would be refused.
    may: list[str]

    @staticmethod
    def of(i: Institution, user: User) -> InstitutionOut:
        return InstitutionOut(
            id=i.pk,
            name=i.name,
            kind=i.kind,
            uscc=i.uscc,
            region_code=i.region_id,
            address=i.address,
            contact=i.contact,
            phone=i.phone,
            status=i.status,
            status_since=i.status_since,
            may=[
                c for c in services.InstitutionChange if services.can_change_institution(user, i, c)
            ],
        )


class InstitutionIn(Schema):
    name: str
    kind: str
    region: str
    uscc: str = ""
    address: str = ""
    contact: str = ""
    phone: str = ""


class InstitutionPatch(Schema):
    name: str | None = None
    kind: str | None = None
    region: str | None = None
    uscc: str | None = None
    address: str | None = None
    contact: str | None = None
    phone: str | None = None


@router.get(
    "/institutions", response=list[InstitutionOut], summary="Institutions in the caller's scope"
)
def list_institutions(request: HttpRequest, filters: Query[InstitutionFilters]):  # noqa: ANN201
    rows = institution_list(request.user, filters=filters)
    return [InstitutionOut.of(i, request.user) for i in rows[:500]]


@router.get("/institutions/{int:pk}", response=InstitutionOut)
def read_institution(request: HttpRequest, pk: int):  # noqa: ANN201
    return InstitutionOut.of(institution_for(request.user, pk), request.user)


@router.post("/institutions", response={201: InstitutionOut, 422: Error})
def create_institution(request: HttpRequest, payload: InstitutionIn):  # noqa: ANN201
    inst = services.institution_create(actor=request.user, channel=Channel.API, data=payload.dict())
    return Status(201, InstitutionOut.of(inst, request.user))


@router.patch("/institutions/{int:pk}", response={200: InstitutionOut, 422: Error})
def update_institution(request: HttpRequest, pk: int, payload: InstitutionPatch):  # noqa: ANN201
    inst = institution_for(request.user, pk)
    services.institution_update(
        actor=request.user,
        channel=Channel.API,
        institution=inst,
        data=payload.dict(exclude_unset=True),
    )
    return InstitutionOut.of(institution_for(request.user, pk), request.user)


class CapacityOut(Schema):
    id: int
    kind: str
    name: str
    region_code: str
    year: int
    level: str
    institution_id: int | None
    occupations: str
    master: str
    apprentices: int | None
    held_on: dt.date | None
    published_on: dt.date | None
    results: str

    @staticmethod
    def of(c: Capacity) -> CapacityOut:
        return CapacityOut(
            id=c.pk,
            kind=c.kind,
            name=c.name,
            region_code=c.region_id,
            year=c.year,
            level=c.level,
            institution_id=c.institution_id,
            occupations=c.occupations,
            master=c.master,
            apprentices=c.apprentices,
            held_on=c.held_on,
            published_on=c.published_on,
            results=c.results,
        )


class CapacityIn(Schema):
    kind: str
    name: str
    region: str
    year: int
    level: str = ""
    institution: int | None = None
    occupations: str = ""
    master: str = ""
    apprentices: int | None = None
    held_on: Day | None = None
    published_on: Day | None = None
    results: str = ""


@router.get("/capacity", response=list[CapacityOut], tags=["capacity"])
def list_capacity(request: HttpRequest, filters: Query[CapacityFilters]):  # noqa: ANN201
    return [CapacityOut.of(c) for c in capacity_list(request.user, filters=filters)[:1000]]


@router.post("/capacity", response={201: CapacityOut, 422: Error}, tags=["capacity"])
def create_capacity(request: HttpRequest, payload: CapacityIn):  # noqa: ANN201
    item = capacity.capacity_create(actor=request.user, channel=Channel.API, data=payload.dict())
    return Status(201, CapacityOut.of(item))


class PlacingIn(Schema):
    person_id: int
    placing: str


@router.post(
    "/capacity/{int:pk}/placings",
    response={201: dict, 422: Error},
    tags=["capacity"],
    summary="Record a trainee's placing in a competition",
)
def record_placing(request: HttpRequest, pk: int, payload: PlacingIn):  # noqa: ANN201
    from skillaid.people.selectors import person_for

    from .selectors import capacity_for

    competition = capacity_for(request.user, pk)
    person = person_for(request.user, payload.person_id)
    result = capacity.competition_record_result(
        actor=request.user,
        channel=Channel.API,
        competition=competition,
        person=person,
        placing=payload.placing,
    )
    return Status(
        201, {"competition": competition.pk, "person": person.pk, "placing": result.placing}
    )
