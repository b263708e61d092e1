"""Institutions, pairings, the demand catalogue and capacity over HTTP, through the same selectors and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from skillaid.accounts.models import Channel, User
from skillaid.lib.dates import Day
from skillaid.training.models import DemandEntry
from skillaid.training.services import demand_entry_save

from . import services
from .models import Capacity, Institution, Pairing
from .selectors import (
    capacity_visible_to,
    institution_for,
    institutions_visible_to,
    pairing_for,
    pairings_visible_to,
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
def list_institutions(request: HttpRequest, q: str = "", status: str = ""):  # noqa: ANN201
    rows = institutions_visible_to(request.user)
    if q:
        rows = rows.filter(name__contains=q)
    if status:
        rows = rows.filter(status=status)
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
def list_pairings(request: HttpRequest):  # noqa: ANN201
    return [
        PairingOut.of(p) for p in pairings_visible_to(request.user).prefetch_related("plans__items")
    ]


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


class EntryOut(Schema):
    id: int
    code: str
    name: str
    training_kind: str
    level: str
    standard_hours: int
    subsidy: Decimal
    region_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    digital: bool
    green: bool
    urgent: bool

    @staticmethod
    def of(e: DemandEntry) -> EntryOut:
        o = e.occupation
        return EntryOut(
            id=e.pk,
            code=o.code,
            name=o.name,
            training_kind=e.training_kind,
            level=e.level,
            standard_hours=e.standard_hours,
            subsidy=e.subsidy,
            region_code=e.region_id,
            valid_from=e.valid_from,
            valid_to=e.valid_to,
            digital=o.digital,
            green=o.green,
            urgent=o.urgent,
        )


class EntryIn(Schema):
    code: str = ""
    name: str
    training_kind: str
    level: str
    standard_hours: int
    subsidy: str
    region: str
    valid_from: Day
    valid_to: Day | None = None
    digital: bool = False
    green: bool = False
    urgent: bool = False
    source: str = ""


@router.get(
    "/catalogue", response=list[EntryOut], summary="The demand catalogue", tags=["catalogue"]
)
def list_catalogue(request: HttpRequest, q: str = "", on: dt.date | None = None):  # noqa: ANN201
    rows = DemandEntry.objects.select_related("occupation")
    if q:
        rows = rows.filter(occupation__name__contains=q)
    if on:
        rows = rows.in_force(on)
    return [EntryOut.of(e) for e in rows[:1000]]


@router.post("/catalogue", response={200: EntryOut, 201: EntryOut, 422: Error}, tags=["catalogue"])
def save_catalogue_entry(request: HttpRequest, payload: EntryIn):  # noqa: ANN201
    entry, outcome = demand_entry_save(actor=request.user, channel=Channel.API, data=payload.dict())
    return Status(201 if outcome == "created" else 200, EntryOut.of(entry))


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
def list_capacity(request: HttpRequest, kind: str = "", year: int | None = None):  # noqa: ANN201
    rows = capacity_visible_to(request.user)
    if kind:
        rows = rows.filter(kind=kind)
    if year:
        rows = rows.filter(year=year)
    return [CapacityOut.of(c) for c in rows[:1000]]


@router.post("/capacity", response={201: CapacityOut, 422: Error}, tags=["capacity"])
def create_capacity(request: HttpRequest, payload: CapacityIn):  # noqa: ANN201
    item = services.capacity_create(actor=request.user, channel=Channel.API, data=payload.dict())
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
    result = services.competition_record_result(
        actor=request.user,
        channel=Channel.API,
        competition=competition,
        person=person,
        placing=payload.placing,
    )
    return Status(
        201, {"competition": competition.pk, "person": person.pk, "placing": result.placing}
    )
