"""Job postings and fairs over HTTP, through the same selector and services as the pages:
the list within scope (the page's filters), one posting, posting, changing and closing
one, and the fairs. Mounted under /api/employment/. A refusal is a 422 naming each field
in Chinese, a posting outside the caller's scope a 404, an action the caller may not
take a 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel
from skillaid.lib.dates import Day

from .models import JobFair, Posting
from .postings import (
    PostingFilters,
    fair_create,
    fairs_visible_to,
    posting_close,
    posting_create,
    posting_for,
    posting_list,
    posting_update,
)

router = Router(tags=["就业服务"])

LIST_CAP = 1000


class PostingOut(Schema):
    id: int
    employer_id: int
    employer_name: str
    employer_uscc: str
    agency_id: int | None
    agency_name: str
    title: str
    occupation_id: int
    occupation_code: str
    occupation_name: str
    region: str
    region_name: str
    address: str
    wage_min: Decimal
    wage_max: Decimal
    places: int
    requirements: str
    valid_from: dt.date
    valid_until: dt.date
    closed_on: dt.date | None
    campaign: str
    campaign_label: str
    fair_id: int | None
    fair_name: str

    @staticmethod
    def of(p: Posting) -> PostingOut:
        return PostingOut(
            id=p.pk,
            employer_id=p.employer_id,
            employer_name=p.employer.name,
            employer_uscc=p.employer.uscc,
            agency_id=p.agency_id,
            agency_name=p.agency.name if p.agency else "",
            title=p.title,
            occupation_id=p.occupation_id,
            occupation_code=p.occupation.code,
            occupation_name=p.occupation.name,
            region=p.region_id,
            region_name=p.region.name,
            address=p.address,
            wage_min=p.wage_min,
            wage_max=p.wage_max,
            places=p.places,
            requirements=p.requirements,
            valid_from=p.valid_from,
            valid_until=p.valid_until,
            closed_on=p.closed_on,
            campaign=p.campaign,
            campaign_label=p.get_campaign_display() if p.campaign else "",
            fair_id=p.fair_id,
            fair_name=p.fair.name if p.fair else "",
        )


class PostingIn(Schema):
    """`employer`: the employer's unified social credit code (an employer's or agency's
    account may leave it out for its own unit); `occupation`: a catalogue code or exact
    name; `region`: a region code or full name; `campaign`: a value or its Chinese label;
    `fair`: a fair's id or name."""

    employer: str = ""
    title: str
    occupation: str
    region: str
    address: str = ""
    wage_min: Decimal
    wage_max: Decimal
    places: int
    requirements: str = ""
    valid_from: Day
    valid_until: Day
    campaign: str = ""
    fair: str = ""


class PostingPatch(Schema):
    """Only the fields given change; the employer stays."""

    title: str | None = None
    occupation: str | None = None
    region: str | None = None
    address: str | None = None
    wage_min: Decimal | None = None
    wage_max: Decimal | None = None
    places: int | None = None
    requirements: str | None = None
    valid_from: Day | None = None
    valid_until: Day | None = None
    campaign: str | None = None
    fair: str | None = None


class CloseIn(Schema):
    on: Day


def _read(request: HttpRequest, pk: int) -> PostingOut:
    return PostingOut.of(posting_for(request.user, pk))


@router.get(
    "/postings",
    response=list[PostingOut],
    summary=f"Job postings in the caller's scope, newest first (at most {LIST_CAP})",
)
def list_postings(request: HttpRequest, filters: Query[PostingFilters]):  # noqa: ANN201
    require(request.user, "posting.read")
    return [PostingOut.of(p) for p in posting_list(request.user, filters=filters)[:LIST_CAP]]


@router.post("/postings", response={201: PostingOut}, summary="Post a job")
def create_posting(request: HttpRequest, payload: PostingIn):  # noqa: ANN201
    posting = posting_create(actor=request.user, channel=Channel.API, data=payload.dict())
    return Status(201, _read(request, posting.pk))


@router.get("/postings/{int:pk}", response=PostingOut, summary="One job posting")
def read_posting(request: HttpRequest, pk: int):  # noqa: ANN201
    return _read(request, pk)


@router.patch("/postings/{int:pk}", response=PostingOut, summary="Change a job posting")
def change_posting(request: HttpRequest, pk: int, payload: PostingPatch):  # noqa: ANN201
    posting = posting_for(request.user, pk)
    data = payload.dict(exclude_unset=True)
    posting_update(actor=request.user, channel=Channel.API, posting=posting, data=data)
    return _read(request, pk)


@router.post("/postings/{int:pk}/close", response=PostingOut, summary="Stop recruiting (停止招聘)")
def close_posting(request: HttpRequest, pk: int, payload: CloseIn):  # noqa: ANN201
    posting = posting_for(request.user, pk)
    posting_close(actor=request.user, channel=Channel.API, posting=posting, on=payload.on)
    return _read(request, pk)


class FairOut(Schema):
    id: int
    name: str
    campaign: str
    campaign_label: str
    region: str
    region_name: str
    held_on: dt.date

    @staticmethod
    def of(f: JobFair) -> FairOut:
        return FairOut(
            id=f.pk,
            name=f.name,
            campaign=f.campaign,
            campaign_label=f.get_campaign_display() if f.campaign else "",
            region=f.region_id,
            region_name=f.region.name,
            held_on=f.held_on,
        )


class FairIn(Schema):
    name: str
    campaign: str = ""
    region: str
    held_on: Day


@router.get("/fairs", response=list[FairOut], summary="Recruitment fairs, latest first")
def list_fairs(request: HttpRequest):  # noqa: ANN201
    require(request.user, "posting.read")
    return [FairOut.of(f) for f in fairs_visible_to(request.user)[:LIST_CAP]]


@router.post("/fairs", response={201: FairOut}, summary="Register a recruitment fair")
def create_fair(request: HttpRequest, payload: FairIn):  # noqa: ANN201
    fair = fair_create(actor=request.user, channel=Channel.API, data=payload.dict())
    return Status(201, FairOut.of(JobFair.objects.select_related("region").get(pk=fair.pk)))
