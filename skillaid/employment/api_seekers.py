"""Job seekers and employers over HTTP (mounted under /api/employment/), through the same
selectors and services as the pages: the seekers list within scope, one seeker with the
status history, registration and a status confirmation; employers and agencies. A
refusal is a 422 naming each field in Chinese, a row outside the caller's scope a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from skillaid.accounts.capabilities import require
from skillaid.accounts.lists import OFFSET_ROWS, keyset_page
from skillaid.accounts.models import Channel
from skillaid.lib import idnumber
from skillaid.people.selectors import people_visible_to

from . import employers as employer_services
from . import seekers as services
from .models import Employer, Seeker, StatusRecord
from .selectors_seekers import (
    EmployerFilters,
    SeekerFilters,
    employer_for,
    employer_list,
    seeker_for,
    seeker_list,
)

router = Router(tags=["就业服务"])


class StatusOut(Schema):
    id: int
    status: str
    status_label: str
    confirmed_on: dt.date
    confirmed_by: str
    confirmed_by_label: str
    employer_name: str
    workplace: str | None
    note: str

    @staticmethod
    def of(r: StatusRecord) -> StatusOut:
        return StatusOut(
            id=r.pk,
            status=r.status,
            status_label=r.get_status_display(),
            confirmed_on=r.confirmed_on,
            confirmed_by=r.confirmed_by,
            confirmed_by_label=r.get_confirmed_by_display(),
            employer_name=r.employer_name,
            workplace=r.workplace_id,
            note=r.note,
        )


class SeekerOut(Schema):
    id: int
    person_id: int
    name: str
    id_masked: str
    county: str
    county_name: str
    registered_on: dt.date
    source: str
    occupations: list[str]
    places: list[str]
    wage_min: Decimal | None
    available_on: dt.date | None
    note: str
    assisted: bool
    priority: bool
    status: str
    status_label: str
    status_on: dt.date | None
    trained_on: dt.date | None
    graduated_on: dt.date | None
    referrals: int

    @staticmethod
    def of(s: Seeker) -> SeekerOut:
        return SeekerOut(
            id=s.pk,
            person_id=s.person_id,
            name=s.person.name,
            id_masked=s.person.id_masked,
            county=s.county_id,
            county_name=s.county.name,
            registered_on=s.registered_on,
            source=s.source,
            occupations=[str(o) for o in s.occupations.all()],
            places=s.place_list,
            wage_min=s.wage_min,
            available_on=s.available_on,
            note=s.note,
            assisted=s.assisted,
            priority=s.priority,
            status=s.status,
            status_label=s.get_status_display(),
            status_on=s.status_on,
            trained_on=s.trained_on,
            graduated_on=s.graduated_on,
            referrals=s.referrals,
        )


class SeekerDetailOut(SeekerOut):
    statuses: list[StatusOut]


def _detail(user, pk: int) -> SeekerDetailOut:  # noqa: ANN001
    s = seeker_for(user, pk)
    return SeekerDetailOut(
        **SeekerOut.of(s).dict(),
        statuses=[StatusOut.of(r) for r in services.statuses_of(s)],
    )


class SeekerPage(Schema):
    count: int
    count_exact: bool
    next: str | None
    previous: str | None
    items: list[SeekerOut]


def _limits(limit: int, offset: int) -> None:
    if not 1 <= limit <= 500:
        raise HttpError(422, "limit 应在 1 到 500 之间")
    if not 0 <= offset <= OFFSET_ROWS:
        raise HttpError(422, f"offset 应在 0 到 {OFFSET_ROWS} 之间；更靠后的页请用 next 翻页")


@router.get("/seekers", response=SeekerPage, summary="Job seekers in the caller's scope")
def list_seekers(
    request: HttpRequest,
    filters: Query[SeekerFilters],
    limit: int = 50,
    offset: int = 0,
    cursor: str = "",
):  # noqa: ANN201
    """Pages as the seekers page does: follow `next` (or `previous`) as `cursor`."""
    require(request.user, "seeker.read")
    _limits(limit, offset)
    rows = seeker_list(request.user, filters=filters).prefetch_related("occupations")
    page = keyset_page(rows, size=limit, cursor=cursor, offset=offset)
    if page.error:
        raise HttpError(422, "cursor 无效（可能被改动，或来自另一种排序）；请从第一页重新翻页")
    return SeekerPage(
        count=page.count,
        count_exact=page.count_exact,
        next=page.next_cursor,
        previous=page.previous_cursor,
        items=[SeekerOut.of(s) for s in page],
    )


@router.get("/seekers/{int:pk}", response=SeekerDetailOut, summary="One seeker: the history")
def read_seeker(request: HttpRequest, pk: int):  # noqa: ANN201
    return _detail(request.user, pk)


class SeekerIn(Schema):
    """A person of the caller's ledger, by `person_id` or by `id_number`."""

    person_id: int | None = None
    id_number: str = ""
    occupations: list[str] = []
    places: list[str] = []
    wage_min: Decimal | None = None
    available_on: dt.date | None = None
    note: str = ""


@router.post(
    "/seekers",
    response={201: SeekerDetailOut},
    summary="Register a person of the ledger as a job seeker (again: the wishes are replaced)",
)
def register_seeker(request: HttpRequest, payload: SeekerIn):  # noqa: ANN201
    require(request.user, "seeker.edit")
    people = people_visible_to(request.user)
    if payload.person_id is not None:
        person = people.filter(pk=payload.person_id).first()
        field = "person_id"
    else:
        number = idnumber.normalise(payload.id_number or "")[0]
        person = people.with_id_number(number).first() if number else None
        field = "id_number"
    if person is None:
        # The same answer whether the person is elsewhere or nowhere.
        raise ValidationError({field: "您管辖范围内的台账中没有这个人员"})
    seeker = services.seeker_register(
        actor=request.user,
        channel=Channel.API,
        person=person,
        occupations=payload.occupations,
        places=payload.places,
        wage_min=payload.wage_min,
        available_on=payload.available_on,
        note=payload.note,
    )
    return Status(201, _detail(request.user, seeker.pk))


class StatusIn(Schema):
    status: str
    confirmed_on: dt.date
    confirmed_by: str
    employer_name: str = ""
    workplace: str = ""
    note: str = ""


@router.post(
    "/seekers/{int:pk}/statuses",
    response={201: SeekerDetailOut},
    summary="Record a confirmation of the seeker's employment status",
)
def record_status(request: HttpRequest, pk: int, payload: StatusIn):  # noqa: ANN201
    seeker = seeker_for(request.user, pk)
    errors: dict[str, str] = {}
    workplace = services.workplace_resolve(payload.workplace, errors)
    if errors:
        raise ValidationError(errors)
    services.status_record(
        actor=request.user,
        channel=Channel.API,
        seeker=seeker,
        status=payload.status,
        confirmed_on=payload.confirmed_on,
        confirmed_by=payload.confirmed_by,
        employer_name=payload.employer_name,
        workplace=workplace,
        note=payload.note,
    )
    return Status(201, _detail(request.user, pk))


class EmployerOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    uscc: str
    region: str
    region_name: str
    address: str
    contact_name: str
    contact_phone: str
    workshop: bool

    @staticmethod
    def of(e: Employer) -> EmployerOut:
        return EmployerOut(
            id=e.pk,
            kind=e.kind,
            kind_label=e.get_kind_display(),
            name=e.name,
            uscc=e.uscc,
            region=e.region_id,
            region_name=e.region.name,
            address=e.address,
            contact_name=e.contact_name,
            contact_phone=e.contact_phone,
            workshop=e.workshop,
        )


class EmployerPage(Schema):
    count: int
    count_exact: bool
    next: str | None
    previous: str | None
    items: list[EmployerOut]


@router.get("/employers", response=EmployerPage, summary="Employers and agencies in scope")
def list_employers(
    request: HttpRequest,
    filters: Query[EmployerFilters],
    limit: int = 50,
    offset: int = 0,
    cursor: str = "",
):  # noqa: ANN201
    """A bureau's: those of its regions; an employer's or agency's own account: itself."""
    _limits(limit, offset)
    page = keyset_page(
        employer_list(request.user, filters=filters), size=limit, cursor=cursor, offset=offset
    )
    if page.error:
        raise HttpError(422, "cursor 无效（可能被改动，或来自另一种排序）；请从第一页重新翻页")
    return EmployerPage(
        count=page.count,
        count_exact=page.count_exact,
        next=page.next_cursor,
        previous=page.previous_cursor,
        items=[EmployerOut.of(e) for e in page],
    )


@router.get("/employers/{int:pk}", response=EmployerOut, summary="One employer or agency")
def read_employer(request: HttpRequest, pk: int):  # noqa: ANN201
    return EmployerOut.of(employer_for(request.user, pk))


class EmployerIn(Schema):
    kind: str
    name: str
    uscc: str
    region: str
    workshop: bool = False
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@router.post("/employers", response={201: EmployerOut}, summary="Register an employer or agency")
def create_employer(request: HttpRequest, payload: EmployerIn):  # noqa: ANN201
    employer = employer_services.employer_create(
        actor=request.user, channel=Channel.API, data=payload.dict()
    )
    return Status(201, EmployerOut.of(employer_for(request.user, employer.pk)))


class EmployerPatch(Schema):
    kind: str | None = None
    name: str | None = None
    uscc: str | None = None
    region: str | None = None
    workshop: bool | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


@router.patch(
    "/employers/{int:pk}",
    response=EmployerOut,
    summary="Change some fields (an employer's own account: its contact details only)",
)
def update_employer(request: HttpRequest, pk: int, payload: EmployerPatch):  # noqa: ANN201
    employer = employer_for(request.user, pk)
    employer_services.employer_update(
        actor=request.user,
        channel=Channel.API,
        employer=employer,
        data=payload.dict(exclude_unset=True),
    )
    try:
        return EmployerOut.of(employer_for(request.user, pk))
    except Http404:
        # A bureau that moved the unit out of its own regions no longer sees it.
        raise HttpError(404, "单位已不在您的管辖范围内") from None
