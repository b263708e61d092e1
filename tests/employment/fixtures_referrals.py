"""Rows the referrals tests stand on: the seeded referral rule, a certificate, a training
completion, and seekers who are owed referrals. Written directly: they belong to other
parts (evaluation, training, the seekers part)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from skillaid.catalogue.models import Occupation
from skillaid.evaluation.models import Certificate
from skillaid.people.models import Person
from tests.conftest import NANNING

TODAY = dt.date(2026, 6, 15)
_numbers = itertools.count(1)


@pytest.fixture
def referral_rule(regions):
    """The seeded policy rules, the three-referral rule among them (region 450000)."""
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


def certificate(person: Person, occupation: Occupation, level: str = "4", **extra) -> Certificate:
    return Certificate.objects.create(
        number=f"RC{next(_numbers):08d}",
        kind="skill_level",
        person=person,
        holder_name=person.name,
        occupation=occupation,
        occupation_name=occupation.name,
        level=level,
        issuer="广西职业技能鉴定中心",
        issued_on=extra.pop("issued_on", dt.date(2026, 1, 10)),
        source="imported",
        **extra,
    )


def trained(person: Person, occupation: Occupation, end_on: dt.date = dt.date(2026, 5, 20)):
    """A completed roster line of a closed class in `occupation`."""
    from skillaid.institutions.models import Institution
    from skillaid.training.models import Enrolment, TrainingClass

    school, _ = Institution.objects.get_or_create(
        name="马山县职业技能培训中心", defaults={"kind": "private_provider", "region_id": NANNING}
    )
    training_class = TrainingClass.objects.create(
        institution=school,
        name=f"{occupation.name}培训班{next(_numbers)}",
        occupation=occupation,
        level="5",
        training_kind="employment",
        county_id=person.county_id,
        start_on=end_on - dt.timedelta(days=10),
        end_on=end_on,
        status="closed",
    )
    return Enrolment.objects.create(
        training_class=training_class, person=person, completion="completed", passed=True
    )
