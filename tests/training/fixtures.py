"""A listed school, an occupation in the demand catalogue and classes built the way officers build them.

`class_factory` declares and (by default) approves a class whose sessions start
`days` days from now; tests then travel with time-machine to the session.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import MASHAN, make_user


@pytest.fixture
def occupation(db):
    from skillaid.catalogue.models import Occupation

    return Occupation.objects.get_or_create(code="4-10-01-01", name="家政服务员")[0]


@pytest.fixture
def entry(regions, occupation):
    from skillaid.catalogue.models import DemandEntry

    return DemandEntry.objects.get_or_create(
        occupation=occupation,
        training_kind="employment",
        level="5",
        region_id="450000",
        valid_from=dt.date(2020, 1, 1),
        # One hour: any timetable of these tests (one session at least, of an hour or more)
        # meets the standard, so classes built here may be declared as subsidised; tests of
        # the hours rule (tests/training/test_timetable_hours.py) set their own standard.
        defaults={"standard_hours": 1, "subsidy": Decimal("1200.00")},
    )[0]


def list_school(institution, occupation, level: str = "5"):
    from skillaid.institutions.models import InstitutionOccupation

    institution.status = "listed"
    institution.uscc = institution.uscc or ""
    institution.save()
    InstitutionOccupation.objects.get_or_create(
        institution=institution, occupation=occupation, level=level
    )
    return institution


@pytest.fixture
def school(lu, occupation, entry):
    return list_school(lu.institution, occupation)


@pytest.fixture
def rival(regions, occupation, entry):
    """Another listed institution, in 隆安县, with its own officer 农杰 (nong)."""
    from skillaid.institutions.models import Institution

    inst = Institution.objects.create(
        name="隆安县职业技能培训中心", kind="public_provider", region_id="450123"
    )
    list_school(inst, occupation)
    officer = make_user("nong", "school_officer", "450123", "农杰")
    officer.institution = inst
    officer.save()
    return officer


def timetable_for(start: dt.datetime, count: int = 2, hours: int = 3) -> str:
    """`count` sessions on consecutive days starting at `start` (local time)."""
    lines = []
    for i in range(count):
        s = timezone.localtime(start) + dt.timedelta(days=i)
        e = s + dt.timedelta(hours=hours)
        lines.append(f"{s:%Y-%m-%d %H:%M}-{e:%H:%M} 实训楼201 韦老师")
    return "\n".join(lines)


def class_data(occupation, start: dt.datetime, /, **extra) -> dict:
    first = timezone.localtime(start).date()
    count = extra.pop("count", 2)
    return {
        "name": "马山县家政服务员培训班",
        "occupation": occupation.pk,
        "level": "5",
        "training_kind": "employment",
        "subsidised": True,
        "county": MASHAN,
        "start_on": first.isoformat(),
        "end_on": (first + dt.timedelta(days=count)).isoformat(),
        "planned_size": 30,
        "teachers": "韦老师",
        "teaching_plan": "理论20课时，实操60课时",
        "assessment_plan": "理论考试加实操考核",
        "timetable": timetable_for(start, count),
        **extra,
    }


@pytest.fixture
def class_factory(occupation, wei, person_factory):
    from skillaid.training.classes import class_declare, class_review, class_save, roster_add

    def make(
        officer,
        *,
        start: dt.datetime | None = None,
        trainees=(),
        approve: bool = True,
        reviewer=None,
        bases: dict | None = None,
        **extra,
    ):
        start = start or (timezone.now() + dt.timedelta(days=8)).replace(
            hour=1, minute=0, second=0, microsecond=0
        )
        c = class_save(actor=officer, data=class_data(occupation, start, **extra))
        for person in trainees or [person_factory(category="脱贫户")]:
            roster_add(
                actor=officer,
                training_class=c,
                id_number=person.id_number,
                name=person.name,
                basis=(bases or {}).get(person, ""),
            )
        if approve:
            class_declare(actor=officer, training_class=c)
            c = class_review(actor=reviewer or wei, training_class=c, decision="approve", note="")
        c.refresh_from_db()
        return c

    return make


def complete(officer, c, results: dict) -> None:
    """Record each trainee as completed, passing (score 90) or failing (40) as `results` says."""
    from skillaid.training import classes

    for person, passed in results.items():
        classes.enrolment_complete(
            actor=officer,
            enrolment=c.enrolments.get(person=person),
            completed=True,
            score=90 if passed else 40,
            passed=passed,
        )
