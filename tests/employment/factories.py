"""Factories of the employment tests: plain functions that write rows directly, for tests
of one part that need another part's rows (each part's own tests go through its
services). The personas are the suite's (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from skillaid.catalogue.models import Occupation
from skillaid.employment.models import (
    Employer,
    EmployerKind,
    EmploymentStatus,
    Posting,
    Seeker,
    SeekerSource,
)
from skillaid.lib.uscc import make_code
from skillaid.people.models import Person
from tests.conftest import MASHAN, NANNING

_serial = itertools.count(1)


def uscc_new() -> str:
    """A valid unified social credit code, new on each call."""
    return make_code(f"91450100MA{next(_serial):07d}")


def occupation(name: str = "电工", code: str = "6-31-01-03") -> Occupation:
    row, _ = Occupation.objects.get_or_create(code=code, name=name)
    return row


def employer(
    name: str = "广西南宁建工集团",
    *,
    kind: str = EmployerKind.EMPLOYER,
    region: str = NANNING,
    **extra,
) -> Employer:
    return Employer.objects.create(kind=kind, name=name, uscc=uscc_new(), region_id=region, **extra)


def agency(name: str = "南宁市人力资源服务有限公司", region: str = NANNING, **extra) -> Employer:
    return employer(name, kind=EmployerKind.AGENCY, region=region, **extra)


def posting(
    employer_row: Employer | None = None,
    *,
    occupation_row: Occupation | None = None,
    region: str = NANNING,
    valid_from: dt.date = dt.date(2026, 3, 1),
    valid_until: dt.date = dt.date(2026, 12, 31),
    wage: tuple[int, int] = (3500, 5000),
    **extra,
) -> Posting:
    return Posting.objects.create(
        employer=employer_row or employer(),
        title=extra.pop("title", "电工"),
        occupation=occupation_row or occupation(),
        region_id=region,
        wage_min=Decimal(wage[0]),
        wage_max=Decimal(wage[1]),
        places=extra.pop("places", 5),
        valid_from=valid_from,
        valid_until=valid_until,
        **extra,
    )


def seeker(
    person: Person,
    *,
    registered_on: dt.date = dt.date(2026, 3, 2),
    status: str = EmploymentStatus.UNEMPLOYED,
    assisted: bool = True,
    source: str = SeekerSource.CLERK,
    **extra,
) -> Seeker:
    return Seeker.objects.create(
        person=person,
        county_id=person.county_id or MASHAN,
        registered_on=registered_on,
        source=source,
        status=status,
        assisted=assisted,
        **extra,
    )
