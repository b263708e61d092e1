"""Technical-school students over HTTP, through the same selector and services as the
pages: the list within scope, one student with the status history, enrolment and a
status change. A refusal is a 422 naming each field in Chinese, a student outside the
caller's scope a 404."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel
from skillaid.institutions.models import Institution

from .enrolments import student_enrol, student_status_change
from .models import StudentEnrolment
from .selectors import StudentFilters, student_for, student_list

router = Router(tags=["students"])

LIST_CAP = 1000


class ChangeOut(Schema):
    on: dt.date
    from_status: str
    to_status: str
    reason: str
    to_school_id: int | None


class StudentOut(Schema):
    id: int
    person_id: int
    name: str
    id_masked: str
    school_id: int
    school_name: str
    county: str
    county_name: str
    major: str
    class_type: str
    class_type_label: str
    track: str
    track_label: str
    partner_name: str
    partner_uscc: str
    entered_on: dt.date
    expected_graduation: dt.date
    status: str
    status_label: str
    status_since: dt.date
    student_number: str
    staff_name: str

    @staticmethod
    def of(e: StudentEnrolment) -> StudentOut:
        return StudentOut(
            id=e.pk,
            person_id=e.person_id,
            name=e.person.name,
            id_masked=e.person.id_masked,
            school_id=e.school_id,
            school_name=e.school.name,
            county=e.county_id,
            county_name=e.county.name,
            major=e.major,
            class_type=e.class_type,
            class_type_label=e.get_class_type_display(),
            track=e.track,
            track_label=e.get_track_display(),
            partner_name=e.partner_name,
            partner_uscc=e.partner_uscc,
            entered_on=e.entered_on,
            expected_graduation=e.expected_graduation,
            status=e.status,
            status_label=e.get_status_display(),
            status_since=e.status_since,
            student_number=e.student_number,
            staff_name=e.staff_name,
        )


class StudentDetailOut(StudentOut):
    changes: list[ChangeOut]


def detail(e: StudentEnrolment) -> StudentDetailOut:
    return StudentDetailOut(
        **StudentOut.of(e).dict(),
        changes=[
            ChangeOut(
                on=c.on,
                from_status=c.from_status,
                to_status=c.to_status,
                reason=c.reason,
                to_school_id=c.to_school_id,
            )
            for c in e.changes.all()
        ],
    )


@router.get(
    "/students",
    response=list[StudentOut],
    summary=f"Technical-school students in the caller's scope, newest first (at most {LIST_CAP})",
)
def list_students(request: HttpRequest, filters: Query[StudentFilters]):  # noqa: ANN201
    require(request.user, "student.read")
    return [StudentOut.of(e) for e in student_list(request.user, filters=filters)[:LIST_CAP]]


@router.get("/students/{int:pk}", response=StudentDetailOut, summary="One student: the history")
def read_student(request: HttpRequest, pk: int):  # noqa: ANN201
    return detail(student_for(request.user, pk))


class EnrolIn(Schema):
    name: str
    id_number: str
    county: str = ""
    school: int | None = None
    major: str
    class_type: str
    track: str = ""
    partner_name: str = ""
    partner_uscc: str = ""
    entered_on: dt.date
    expected_graduation: dt.date
    student_number: str = ""
    staff_name: str = ""
    staff_phone: str = ""


@router.post("/students", response={201: StudentDetailOut}, summary="Enrol a student")
def enrol_student(request: HttpRequest, payload: EnrolIn):  # noqa: ANN201
    e = student_enrol(actor=request.user, channel=Channel.API, data=payload.dict())
    return Status(201, detail(student_for(request.user, e.pk)))


class StatusIn(Schema):
    to_status: str
    on: dt.date
    reason: str = ""
    to_school: int | None = None


@router.post(
    "/students/{int:pk}/status", response=StudentDetailOut, summary="Change a student's status"
)
def change_status(request: HttpRequest, pk: int, payload: StatusIn):  # noqa: ANN201
    e = student_for(request.user, pk)
    to_school = (
        Institution.objects.filter(pk=payload.to_school).first() if payload.to_school else None
    )
    student_status_change(
        actor=request.user,
        channel=Channel.API,
        enrolment=e,
        to_status=payload.to_status,
        on=payload.on,
        reason=payload.reason,
        to_school=to_school,
    )
    return detail(student_for(request.user, pk))
