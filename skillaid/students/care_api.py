"""Recruitment contacts and the monthly monitoring over HTTP, through the same selectors and
services as the pages (recruitment.py, monitoring.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from skillaid.accounts.lists import keyset_page
from skillaid.accounts.models import Channel
from skillaid.institutions.models import Institution
from skillaid.lib.dates import Day

from .models import MonthlyRecord, RecruitmentContact
from .monitoring import (
    MonitoringRow,
    monitored_enrolment_for,
    monitoring_due,
    monthly_record_save,
    parse_month,
)
from .recruitment import (
    age_on,
    contacts_of,
    recruit_for,
    recruit_ordering,
    recruit_reveal_phone,
    recruit_search,
    recruitment_contact_record,
    recruits_visible_to,
)

router = Router(tags=["students"])


class Error(Schema):
    detail: dict[str, str] | str


class RecruitOut(Schema):
    id: int
    name: str
    id_number_masked: str
    age: int
    county_code: str
    county_name: str
    township: str
    village: str
    category: str | None


class RecruitPage(Schema):
    count: int
    count_exact: bool
    next: str | None
    previous: str | None
    items: list[RecruitOut]


class ContactOut(Schema):
    id: int
    person_id: int
    school_id: int
    school_name: str
    county_code: str
    contacted_on: dt.date
    channel: str
    outcome: str
    reason: str
    major: str

    @staticmethod
    def of(c: RecruitmentContact) -> ContactOut:
        return ContactOut(
            id=c.pk,
            person_id=c.person_id,
            school_id=c.school_id,
            school_name=c.school.name,
            county_code=c.county_id,
            contacted_on=c.contacted_on,
            channel=c.channel,
            outcome=c.outcome,
            reason=c.reason,
            major=c.major,
        )


class ContactIn(Schema):
    contacted_on: Day
    channel: str  # phone, visit, session, message
    outcome: str  # interested, applied, elsewhere, declined, unreachable
    reason: str = ""  # required when declined; the school when elsewhere
    major: str = ""
    school: int | None = None  # an administrator names the school; an officer's is their own


class PhoneOut(Schema):
    phone: str


@router.get("/recruitment/people", response=RecruitPage, summary="The caller's recruitment list")
def list_recruits(
    request: HttpRequest, q: str = "", county: str = "", limit: int = 50, cursor: str = ""
):  # noqa: ANN201
    """Young people of school age who want a technical-school place and hold no live
    enrolment: a school's of its paired counties and sites, a bureau's of its regions."""
    if not 1 <= limit <= 500:
        raise HttpError(422, "limit 应在 1 到 500 之间")
    people = recruit_ordering(recruit_search(recruits_visible_to(request.user), q=q, county=county))
    page = keyset_page(people, size=limit, cursor=cursor)
    if page.error:
        raise HttpError(422, "cursor 无效；请从第一页重新翻页")
    today = timezone.localdate()
    return RecruitPage(
        count=page.count,
        count_exact=page.count_exact,
        next=page.next_cursor,
        previous=page.previous_cursor,
        items=[
            RecruitOut(
                id=p.pk,
                name=p.name,
                id_number_masked=p.id_masked,
                age=age_on(p.birth_date, today),
                county_code=p.county_id,
                county_name=p.county.name,
                township=p.township,
                village=p.village,
                category=p.household.category if p.household else None,
            )
            for p in page
        ],
    )


@router.get(
    "/recruitment/people/{int:person_id}/contacts",
    response=list[ContactOut],
    summary="A young person's recruitment contacts",
)
def list_contacts(request: HttpRequest, person_id: int):  # noqa: ANN201
    person = recruit_for(request.user, person_id)
    return [ContactOut.of(c) for c in contacts_of(request.user, person)]


@router.post(
    "/recruitment/people/{int:person_id}/contacts",
    response={201: ContactOut, 403: Error, 422: Error},
    summary="Record a recruitment contact",
)
def record_contact(request: HttpRequest, person_id: int, payload: ContactIn):  # noqa: ANN201
    person = recruit_for(request.user, person_id)
    if payload.school is not None:
        school = get_object_or_404(Institution, pk=payload.school)
    elif request.user.institution_id:
        school = request.user.institution
    else:
        raise PermissionDenied("招生联系记录由结对院校登记：请指定院校（school）")
    contact = recruitment_contact_record(
        actor=request.user,
        channel=Channel.API,
        school=school,
        person=person,
        data=payload.dict(exclude={"school"}),
    )
    return Status(201, ContactOut.of(contact))


@router.post(
    "/recruitment/people/{int:person_id}/phone",
    response=PhoneOut,
    summary="Reveal a young person's phone (logged)",
)
def reveal_phone(request: HttpRequest, person_id: int):  # noqa: ANN201
    person = recruit_for(request.user, person_id)
    return PhoneOut(
        phone=recruit_reveal_phone(actor=request.user, channel=Channel.API, person=person)
    )


class MonitoringRowOut(Schema):
    enrolment_id: int
    person_id: int
    name: str
    id_number_masked: str
    school_id: int
    county_code: str
    staff_name: str
    due: bool
    missing: bool
    recorded: bool
    flagged_twice: bool
    open_difficulty_month: dt.date | None

    @staticmethod
    def of(r: MonitoringRow) -> MonitoringRowOut:
        e = r.enrolment
        return MonitoringRowOut(
            enrolment_id=e.pk,
            person_id=e.person_id,
            name=e.person.name,
            id_number_masked=e.person.id_masked,
            school_id=e.school_id,
            county_code=e.county_id,
            staff_name=e.staff_name,
            due=r.due,
            missing=r.missing,
            recorded=r.record is not None,
            flagged_twice=r.flagged_twice,
            open_difficulty_month=r.open_difficulty.month if r.open_difficulty else None,
        )


class RecordIn(Schema):
    grades: str = ""
    attendance_rate: Decimal | None = None
    study_difficulty: str = ""
    living_difficulty: str = ""
    help_given: list[str] = []
    help_note: str = ""
    resolved: bool = False
    staff_name: str = ""


class RecordOut(Schema):
    id: int
    enrolment_id: int
    month: dt.date
    grades: str
    attendance_rate: Decimal | None
    study_difficulty: str
    living_difficulty: str
    help_given: list[str]
    help_note: str
    resolved: bool
    staff_name: str

    @staticmethod
    def of(r: MonthlyRecord) -> RecordOut:
        return RecordOut(
            id=r.pk,
            enrolment_id=r.enrolment_id,
            month=r.month,
            grades=r.grades,
            attendance_rate=r.attendance_rate,
            study_difficulty=r.study_difficulty,
            living_difficulty=r.living_difficulty,
            help_given=r.help_given,
            help_note=r.help_note,
            resolved=r.resolved,
            staff_name=r.staff_name,
        )


def _month(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise HttpError(422, f"month “{text}” 无效：应为 2026-03 的格式")
    return month


@router.get("/monitoring", response=list[MonitoringRowOut], summary="The month's monitoring list")
def monitoring_list(request: HttpRequest, month: str = ""):  # noqa: ANN201
    """Students due this month (or with an open difficulty), for the caller's school or
    county; `month` as 2026-03, this month when left out."""
    day = _month(month) if month else timezone.localdate()
    return [MonitoringRowOut.of(r) for r in monitoring_due(request.user, day).rows]


@router.put(
    "/monitoring/{int:enrolment_id}/records/{month}",
    response={200: RecordOut, 403: Error, 422: Error},
    summary="Save a student's record of a month (new, or changing that month's)",
)
def save_record(request: HttpRequest, enrolment_id: int, month: str, payload: RecordIn):  # noqa: ANN201
    enrolment = monitored_enrolment_for(request.user, enrolment_id)
    record = monthly_record_save(
        actor=request.user,
        channel=Channel.API,
        enrolment=enrolment,
        month=_month(month),
        data=payload.dict(),
    )
    return RecordOut.of(record)
