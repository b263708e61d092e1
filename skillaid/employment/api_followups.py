"""API of the follow-ups and the funnel, mounted under /api/employment/: the same selectors
and services as the pages. A follow-up outside the caller's scope is a 404; a refusal is a
422 naming each field in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel

from .followups import GROUPS, followup_for, followup_record, followups_due
from .funnel import FunnelFilters, FunnelRow, funnel, funnel_total
from .models import FollowUp

router = Router(tags=["就业服务"])

LIST_CAP = 1000


class FollowUpOut(Schema):
    id: int
    seeker_id: int
    person_id: int
    name: str
    id_masked: str
    county: str
    cause: str
    cause_label: str
    started_on: dt.date
    due_on: dt.date
    days_overdue: int
    priority: bool
    done_on: dt.date | None
    method: str
    status: str | None
    note: str

    @staticmethod
    def of(f: FollowUp, today: dt.date) -> FollowUpOut:
        return FollowUpOut(
            id=f.pk,
            seeker_id=f.seeker_id,
            person_id=f.seeker.person_id,
            name=f.seeker.person.name,
            id_masked=f.seeker.person.id_masked,
            county=f.county_id,
            cause=f.cause,
            cause_label=f.get_cause_display(),
            started_on=f.started_on,
            due_on=f.due_on,
            days_overdue=max(0, (today - f.due_on).days) if f.done_on is None else 0,
            priority=f.seeker.priority,
            done_on=f.done_on,
            method=f.method,
            status=f.status_record.status if f.status_record_id else None,
            note=f.note,
        )


class WorkListFilters(Schema):
    group: str = "overdue"


@router.get(
    "/followups",
    response=list[FollowUpOut],
    summary=f"Open follow-ups in the caller's scope: group overdue, week or later (at most {LIST_CAP})",
)
def list_followups(request: HttpRequest, filters: Query[WorkListFilters]):  # noqa: ANN201
    require(request.user, "seeker.read")
    if filters.group not in GROUPS:
        raise ValidationError(
            {"group": "分组应为overdue（已逾期）、week（本周到期）或later（以后）"}
        )
    today = timezone.localdate()
    rows = followups_due(request.user, on=today).group(filters.group)
    return [FollowUpOut.of(f, today) for f in rows[:LIST_CAP]]


class RecordIn(Schema):
    on: dt.date | None = None
    method: str
    status: str
    employer_name: str = ""
    note: str = ""


@router.post("/followups/{int:pk}", response=FollowUpOut, summary="Record a follow-up visit")
def record_followup(request: HttpRequest, pk: int, payload: RecordIn):  # noqa: ANN201
    f = followup_for(request.user, pk)
    followup_record(
        actor=request.user,
        channel=Channel.API,
        followup=f,
        on=payload.on,
        method=payload.method,
        status=payload.status,
        employer_name=payload.employer_name,
        note=payload.note,
    )
    return FollowUpOut.of(followup_for(request.user, pk), timezone.localdate())


class FunnelRowOut(Schema):
    key: str
    label: str
    trained: int
    referred: int
    hired: int
    measured: int
    still: int
    rate: Decimal | None

    @staticmethod
    def of(r: FunnelRow) -> FunnelRowOut:
        return FunnelRowOut(
            key=r.key,
            label=r.label,
            trained=r.trained,
            referred=r.referred,
            hired=r.hired,
            measured=r.measured,
            still=r.still,
            rate=r.rate,
        )


class FunnelOut(Schema):
    by: str
    start: dt.date
    until: dt.date
    rows: list[FunnelRowOut]
    total: FunnelRowOut


class FunnelQuery(Schema):
    by: str = "county"
    start: str = Field("", alias="from")
    until: str = ""


@router.get(
    "/funnel",
    response=FunnelOut,
    summary="Trained, referred, hired and still employed at three months, by county, school, class or occupation",
)
def read_funnel(request: HttpRequest, query: Query[FunnelQuery]):  # noqa: ANN201
    require(request.user, "funnel.read")
    filters = FunnelFilters.parse({"by": query.by, "from": query.start, "until": query.until})
    if filters.errors:
        raise ValidationError(filters.errors)
    rows = funnel(request.user, filters=filters)
    return FunnelOut(
        by=filters.by,
        start=filters.start,
        until=filters.until,
        rows=[FunnelRowOut.of(r) for r in rows],
        total=FunnelRowOut.of(funnel_total(rows)),
    )
