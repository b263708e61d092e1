"""Classes, attendance terminals and completion over HTTP, through the same selectors and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from skillaid.accounts.clientip import client_ip
from skillaid.accounts.models import Channel
from skillaid.lib.dates import Day

from . import classes
from .attendance import AttendanceRefused, attendance_sign, current_code
from .models import Attendance, Enrolment, Method, TrainingClass
from .selectors import ClassFilters, class_for, class_list, enrolment_for, session_for

router = Router(tags=["classes"])


class LineError(Schema):
    """An error of one line of a text field (the timetable), with its line number from 1."""

    line: int
    msg: str


class Error(Schema):
    # Per field, one text; the timetable's errors as a list, each with its line number.
    detail: dict[str, str | list[LineError]] | str


class SessionOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    teacher: str


class ClassOut(Schema):
    id: int
    name: str
    institution_id: int
    institution: str
    occupation_code: str
    occupation: str
    level: str
    training_kind: str
    subsidised: bool
    county_code: str
    start_on: dt.date
    end_on: dt.date
    status: str
    review_note: str
    trainees: int
    sessions: list[SessionOut]
    # Said on declaring an unsubsidised class whose timetable falls short of the catalogue.
    warnings: list[str] = []

    @staticmethod
    def of(c: TrainingClass) -> ClassOut:
        return ClassOut(
            id=c.pk,
            name=c.name,
            institution_id=c.institution_id,
            institution=c.institution.name,
            occupation_code=c.occupation.code,
            occupation=c.occupation.name,
            level=c.level,
            training_kind=c.training_kind,
            subsidised=c.subsidised,
            county_code=c.county_id,
            start_on=c.start_on,
            end_on=c.end_on,
            status=c.status,
            review_note=c.review_note,
            trainees=c.enrolments.count(),
            sessions=[
                SessionOut(
                    id=s.pk,
                    starts_at=s.starts_at,
                    ends_at=s.ends_at,
                    place=s.place,
                    teacher=s.teacher,
                )
                for s in c.sessions.all()
            ],
        )


class ClassIn(Schema):
    name: str
    occupation_id: int
    level: str
    training_kind: str
    subsidised: bool = True
    county: str
    start_on: Day
    end_on: Day
    planned_size: int = 0
    teachers: str
    teaching_plan: str
    assessment_plan: str
    timetable: str


@router.get("/classes", response=list[ClassOut], summary="Classes in the caller's scope")
def list_classes(request: HttpRequest, filters: Query[ClassFilters]):  # noqa: ANN201
    rows = class_list(request.user, filters=filters).prefetch_related("sessions")
    return [ClassOut.of(c) for c in rows[:500]]


@router.get("/classes/{int:pk}", response=ClassOut)
def read_class(request: HttpRequest, pk: int):  # noqa: ANN201
    return ClassOut.of(class_for(request.user, pk))


@router.post("/classes", response={201: ClassOut, 422: Error}, summary="Save a draft class")
def create_class(request: HttpRequest, payload: ClassIn):  # noqa: ANN201
    data = payload.dict()
    data["occupation"] = data.pop("occupation_id")
    c = classes.class_save(actor=request.user, data=data, channel=Channel.API)
    return Status(201, ClassOut.of(c))


class RosterIn(Schema):
    id_number: str
    name: str
    county: str = ""
    basis: str = ""


class EnrolmentOut(Schema):
    id: int
    person_id: int
    name: str
    id_masked: str
    eligible: bool
    eligibility: str
    completion: str
    attendance_rate: Decimal | None
    subsidy_eligible: bool | None

    @staticmethod
    def of(e: Enrolment) -> EnrolmentOut:
        ok, why = classes.eligibility(e)
        return EnrolmentOut(
            id=e.pk,
            person_id=e.person_id,
            name=e.person.name,
            id_masked=e.person.id_masked,
            eligible=ok,
            eligibility=why,
            completion=e.completion,
            attendance_rate=e.attendance_rate,
            subsidy_eligible=e.subsidy_eligible,
        )


@router.post("/classes/{int:pk}/roster", response={201: EnrolmentOut, 422: Error})
def add_to_roster(request: HttpRequest, pk: int, payload: RosterIn):  # noqa: ANN201
    c = class_for(request.user, pk)
    e = classes.roster_add(
        actor=request.user, training_class=c, channel=Channel.API, **payload.dict()
    )
    return Status(201, EnrolmentOut.of(e))


@router.get("/classes/{int:pk}/roster", response=list[EnrolmentOut])
def roster(request: HttpRequest, pk: int):  # noqa: ANN201
    c = class_for(request.user, pk)
    enrolments = c.enrolments.select_related("person__household").prefetch_related(
        "person__household__statuses", "person__facts"
    )
    return [EnrolmentOut.of(e) for e in enrolments]


@router.post("/classes/{int:pk}/declare", response={200: ClassOut, 422: Error})
def declare(request: HttpRequest, pk: int):  # noqa: ANN201
    c = classes.class_declare(
        actor=request.user, training_class=class_for(request.user, pk), channel=Channel.API
    )
    out = ClassOut.of(c)
    out.warnings = classes.declaration_warnings(c)
    return out


class ReviewIn(Schema):
    decision: str
    note: str = ""


@router.post("/classes/{int:pk}/review", response={200: ClassOut, 422: Error})
def review(request: HttpRequest, pk: int, payload: ReviewIn):  # noqa: ANN201
    c = classes.class_review(
        actor=request.user,
        training_class=class_for(request.user, pk),
        decision=payload.decision,
        note=payload.note,
        channel=Channel.API,
    )
    return ClassOut.of(c)


class CodeOut(Schema):
    code: str
    seconds_left: int


def _officer(request: HttpRequest, institution_id: int) -> None:
    if not classes.is_officer_of(request.user, institution_id):
        raise PermissionDenied("只有本机构的管理员或考勤终端可以办理")


@router.get("/sessions/{int:pk}/code", response=CodeOut, summary="The sign-in code showing now")
def session_code(request: HttpRequest, pk: int):  # noqa: ANN201
    session = session_for(request.user, pk)
    _officer(request, session.training_class.institution_id)
    code, left = current_code(session)
    return CodeOut(code=code, seconds_left=left)


class SignIn(Schema):
    session: int
    id_number: str
    direction: str = "in"
    device: str = ""


class RecordOut(Schema):
    id: int
    session: int
    person_id: int
    name: str
    direction: str
    at: dt.datetime
    method: str
    flag: str
    # "" while a flag awaits the county bureau's review, "confirmed" or "cleared" after it.
    flag_outcome: str

    @staticmethod
    def of(r: Attendance) -> RecordOut:
        return RecordOut(
            id=r.pk,
            session=r.session_id,
            person_id=r.person_id,
            name=r.person.name,
            direction=r.direction,
            at=r.at,
            method=r.method,
            flag=r.flag,
            flag_outcome=r.flag_outcome,
        )


class Refused(Schema):
    reason: str
    detail: str


@router.post(
    "/attendance",
    response={201: RecordOut, 409: Refused, 422: Error},
    summary="A sign-in or sign-out from an attendance terminal",
    description="拒绝时返回 409 及原因代码：outside_window、not_on_roster、twice、overlap、"
    "not_signed_in、class_not_running。身份证号不在本班花名册中（含未登记或姓名不符）一律为 "
    "not_on_roster，不透露此人是否在台账中。",
)
def sign(request: HttpRequest, payload: SignIn):  # noqa: ANN201
    if payload.direction not in ("in", "out"):
        return Status(422, {"detail": {"direction": "应为 in（签到）或 out（签退）"}})
    session = session_for(request.user, payload.session)
    _officer(request, session.training_class.institution_id)
    try:
        record = attendance_sign(
            session=session,
            direction=payload.direction,
            method=Method.TERMINAL,
            id_number=payload.id_number,
            by=request.user,
            device=payload.device,
            ip=client_ip(request),
        )
    except AttendanceRefused as exc:
        return Status(409, Refused(reason=exc.public_reason, detail=exc.message))
    return Status(201, RecordOut.of(record))


@router.get("/sessions/{int:pk}/attendance", response=list[RecordOut])
def session_attendance(request: HttpRequest, pk: int):  # noqa: ANN201
    session = session_for(request.user, pk)
    return [RecordOut.of(r) for r in session.records.select_related("person")]


class CompletionIn(Schema):
    completed: bool
    score: Decimal | None = None
    passed: bool | None = None


@router.post("/enrolments/{int:pk}/completion", response={200: EnrolmentOut, 422: Error})
def complete(request: HttpRequest, pk: int, payload: CompletionIn):  # noqa: ANN201
    e = classes.enrolment_complete(
        actor=request.user,
        enrolment=enrolment_for(request.user, pk),
        completed=payload.completed,
        score=payload.score,
        passed=payload.passed,
        channel=Channel.API,
    )
    return EnrolmentOut.of(e)
