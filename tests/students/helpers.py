"""Helpers of the students tests (plain functions: the fixtures are the suite's personas)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from skillaid.accounts.models import Channel
from skillaid.lib.uscc import make_code
from skillaid.people.models import HouseholdStatus, Person
from skillaid.students.enrolments import student_enrol
from skillaid.students.models import StudentEnrolment
from tests.conftest import MASHAN, new_id

USCC = make_code("91450100MA5K00003")
ENTRY = dt.date(2025, 9, 1)


def since_long_ago(person: Person) -> Person:
    """The household's category held since 2020, so that any 2025-2026 day finds it."""
    HouseholdStatus.objects.filter(household=person.household).update(start=dt.date(2020, 1, 1))
    return person


def enrol(officer, person: Person | None = None, **data: Any) -> StudentEnrolment:  # noqa: ANN001
    """Enrol `person` (or a new 马山县 person) at the officer's school."""
    base = {
        "name": person.name if person else "蓝小燕",
        "id_number": person.id_number if person else new_id(MASHAN, dt.date(2008, 3, 1)),
        "major": "数控加工",
        "class_type": "intermediate",
        "track": "regular",
        "entered_on": ENTRY,
        "expected_graduation": dt.date(2028, 7, 1),
        "staff_name": "黄老师",
    }
    base.update(data)
    return student_enrol(actor=officer, channel=Channel.PAGE, data=base)
