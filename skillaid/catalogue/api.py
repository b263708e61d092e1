"""The demand catalogue over HTTP, through the same service as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from skillaid.accounts.models import Channel
from skillaid.lib.dates import Day

from .models import DemandEntry
from .selectors import DemandFilters, catalogue_list
from .services import demand_entry_save

router = Router(tags=["catalogue"])


class Error(Schema):
    detail: dict[str, str] | str


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


@router.get("/catalogue", response=list[EntryOut], summary="The demand catalogue")
def list_catalogue(request: HttpRequest, filters: Query[DemandFilters]):  # noqa: ANN201
    return [EntryOut.of(e) for e in catalogue_list(request.user, filters=filters)[:1000]]


@router.post("/catalogue", response={200: EntryOut, 201: EntryOut, 422: Error})
def save_catalogue_entry(request: HttpRequest, payload: EntryIn):  # noqa: ANN201
    entry, outcome = demand_entry_save(actor=request.user, channel=Channel.API, data=payload.dict())
    return Status(201 if outcome == "created" else 200, EntryOut.of(entry))
