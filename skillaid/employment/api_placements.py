"""API of placements (就业登记) and the agency service subsidy, mounted under
/api/employment/: the same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from skillaid.accounts.capabilities import can
from skillaid.accounts.models import Channel

from .models import Placement
from .placements import (
    PlacementFilters,
    placement_confirm,
    placement_end,
    placement_for,
    placement_list,
    placement_reassess,
    placement_record,
    sees_subsidy,
    subsidy_of,
)

router = Router(tags=["就业服务"])
LIST_CAP = 500


class PlacementOut(Schema):
    id: int
    name: str
    id_masked: str
    county: str
    employer: str
    employer_uscc: str
    agency: str
    agency_uscc: str
    job: str
    contract_start: dt.date
    contract_end: dt.date | None
    open_ended: bool
    insured_months: int
    insured_until: dt.date | None
    confirmed_on: dt.date | None
    confirm_means: str
    ended_on: dt.date | None

    @classmethod
    def of(cls, p: Placement) -> PlacementOut:
        return cls(
            id=p.pk,
            name=p.seeker.person.name,
            id_masked=p.seeker.person.id_masked,
            county=p.county_id,
            employer=p.employer.name,
            employer_uscc=p.employer.uscc,
            agency=p.agency.name if p.agency_id else "",
            agency_uscc=p.agency.uscc if p.agency_id else "",
            job=p.job,
            contract_start=p.contract_start,
            contract_end=p.contract_end,
            open_ended=p.open_ended,
            insured_months=p.insured_months,
            insured_until=p.insured_until,
            confirmed_on=p.confirmed_on,
            confirm_means=p.confirm_means,
            ended_on=p.ended_on,
        )


class SubsidyOut(Schema):
    line: int | None = None
    claim: int | None = None
    status: str = ""
    amount: Decimal | None = None
    reasons: list[str] = []


class PlacementDetailOut(PlacementOut):
    subsidy: SubsidyOut | None = None  # None: not the caller's to see (an employer)


def detail(p: Placement, user) -> PlacementDetailOut:  # noqa: ANN001
    if not sees_subsidy(user, p):
        return PlacementDetailOut(**PlacementOut.of(p).dict(), subsidy=None)
    line, why = subsidy_of(p)
    subsidy = (
        SubsidyOut(
            line=line.pk, claim=line.claim_id, status=line.status, amount=line.amount, reasons=why
        )
        if line is not None
        else SubsidyOut(reasons=why)
    )
    return PlacementDetailOut(**PlacementOut.of(p).dict(), subsidy=subsidy)


class PlacementQuery(Schema):
    confirmed: str = ""
    agency: str = ""
    q: str = ""


def _readable(request: HttpRequest) -> None:
    if not (can(request.user, "placement.record") or can(request.user, "seeker.read")):
        raise PermissionDenied("您的角色不能查看就业登记")


@router.get(
    "/placements",
    response=list[PlacementOut],
    summary=f"Placements in the caller's scope, newest contract first (at most {LIST_CAP})",
)
def list_placements(request: HttpRequest, filters: Query[PlacementQuery]):  # noqa: ANN201
    _readable(request)
    f = PlacementFilters(confirmed=filters.confirmed, agency=filters.agency, q=filters.q)
    return [PlacementOut.of(p) for p in placement_list(request.user, filters=f)[:LIST_CAP]]


class PlacementIn(Schema):
    id_number: str
    name: str
    employer_uscc: str = ""
    agency_uscc: str = ""
    referral: int | str | None = None
    job: str
    contract_start: dt.date
    contract_end: dt.date | None = None
    open_ended: bool = False
    insured_months: int = 0
    insured_until: dt.date | None = None


@router.post("/placements", response={201: PlacementDetailOut}, summary="Report a placement")
def record_placement(request: HttpRequest, payload: PlacementIn):  # noqa: ANN201
    data = payload.dict()
    data["open_ended"] = "1" if payload.open_ended else ""
    data["referral"] = "" if payload.referral is None else str(payload.referral)
    p = placement_record(actor=request.user, channel=Channel.API, data=data)
    return Status(201, detail(placement_for(request.user, p.pk), request.user))


@router.get("/placements/{int:pk}", response=PlacementDetailOut, summary="One placement")
def read_placement(request: HttpRequest, pk: int):  # noqa: ANN201
    return detail(placement_for(request.user, pk), request.user)


class ConfirmIn(Schema):
    on: dt.date
    means: str
    insured_months: int | None = None
    insured_until: dt.date | None = None


@router.post(
    "/placements/{int:pk}/confirm",
    response=PlacementDetailOut,
    summary="Confirm a placement (county clerk; never the user who reported it)",
)
def confirm_placement(request: HttpRequest, pk: int, payload: ConfirmIn):  # noqa: ANN201
    p = placement_for(request.user, pk)
    p, _ = placement_confirm(
        actor=request.user,
        channel=Channel.API,
        placement=p,
        on=payload.on,
        means=payload.means,
        insured_months=payload.insured_months,
        insured_until=payload.insured_until,
    )
    return detail(placement_for(request.user, p.pk), request.user)


class EndIn(Schema):
    ended_on: dt.date


@router.post("/placements/{int:pk}/end", response=PlacementDetailOut, summary="Record leaving")
def end_placement(request: HttpRequest, pk: int, payload: EndIn):  # noqa: ANN201
    p = placement_for(request.user, pk)
    placement_end(actor=request.user, channel=Channel.API, placement=p, ended_on=payload.ended_on)
    return detail(placement_for(request.user, p.pk), request.user)


@router.post(
    "/placements/{int:pk}/reassess",
    response=PlacementDetailOut,
    summary="Ask again for the agency's subsidy line of a confirmed placement without one",
)
def reassess_placement(request: HttpRequest, pk: int):  # noqa: ANN201
    p = placement_for(request.user, pk)
    placement_reassess(actor=request.user, channel=Channel.API, placement=p)
    return detail(placement_for(request.user, p.pk), request.user)
