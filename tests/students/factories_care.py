"""Young people who want a school place, and students of assisted households, made with the
ORM (the enrolment services belong to the enrolment pages, not to these tests)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from skillaid.people.models import Category, HouseholdStatus, Person
from skillaid.students.models import ClassType, StatusChange, StudentEnrolment
from tests.conftest import MASHAN, new_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONG_AGO = dt.date(2020, 1, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def youth(
    person_factory,
    *,
    county: str = MASHAN,
    birth: dt.date = dt.date(2009, 5, 1),
    name: str = "蓝小燕",
    category: str = Category.LIFTED,
    wants_school: bool = True,
    **extra,
) -> Person:
    """A young person of the ledger whose household has been `category` since 2020."""
    person = person_factory(
        county=county,
        name=name,
        id_number=new_id(county, birth),
        category=category,
        wants_school=wants_school,
        **extra,
    )
    HouseholdStatus.objects.filter(household=person.household).update(start=LONG_AGO)
    return person


def enrol(
    person: Person,
    school,
    entered_on: dt.date,
    *,
    staff_name: str = "韦老师",
    major: str = "数控加工",
) -> StudentEnrolment:
    return StudentEnrolment.objects.create(
        person=person,
        school=school,
        county_id=person.county_id,
        major=major,
        class_type=ClassType.INTERMEDIATE,
        entered_on=entered_on,
        expected_graduation=entered_on + dt.timedelta(days=3 * 365),
        status_since=entered_on,
        staff_name=staff_name,
    )


def move(enrolment: StudentEnrolment, on: dt.date, to_status: str, reason: str = "") -> None:
    StatusChange.objects.create(
        enrolment=enrolment, from_status=enrolment.status, to_status=to_status, on=on, reason=reason
    )
    enrolment.status, enrolment.status_since = to_status, on
    enrolment.save(update_fields=["status", "status_since"])
