"""Student aid through the subsidies flow: one claim per school, student county and term,
a line per student studying on the term's first day, half the rule's annual amount, none
for a student who left, a refused line for one suspended, nothing for a household that is
not assisted (but free tuition, which names no category), the same term twice adds
nothing, and the claim goes through review to approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from skillaid.accounts.models import Channel
from skillaid.accounts.review import review_move
from skillaid.students.enrolments import aid_claims_prepare, student_status_change
from skillaid.subsidies.aid import term_period
from skillaid.subsidies.models import (
    TERMS,
    Claim,
    ClaimLine,
    ClaimState,
    PolicyRule,
    PolicyRuleVersion,
)
from tests.conftest import LONGAN
from tests.students.helpers import enrol, since_long_ago

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def seeded(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def assisted(person_factory):
    def make(name: str = "蓝海燕", county: str = "450124"):  # noqa: ANN202
        return since_long_ago(person_factory(name=name, county=county, category="lifted"))

    return make


def prepare(officer, year=2026, term="autumn"):  # noqa: ANN001, ANN201
    return aid_claims_prepare(
        actor=officer, channel=Channel.PAGE, school=officer.institution, year=year, term=term
    )


def lines_of(person) -> dict[str, ClaimLine]:  # noqa: ANN001
    return {x.kind: x for x in ClaimLine.objects.filter(person=person)}


def test_terms_start_in_september_and_march():
    assert term_period(2026, "autumn") == (dt.date(2026, 9, 1), dt.date(2027, 2, 28))
    assert term_period(2027, "spring") == (dt.date(2027, 3, 1), dt.date(2027, 8, 31))


def test_a_studying_assisted_student_gets_aid_and_free_tuition_for_half_a_year(lu, assisted):
    person = assisted()
    e = enrol(lu, person)
    result = prepare(lu)
    assert len(result.claims) == 1
    claim = result.claims[0]
    assert claim.kind == "student_aid" and claim.county_id == "450124"
    assert claim.institution == lu.institution
    assert claim.period_from == dt.date(2026, 9, 1)
    lines = lines_of(person)
    aid, tuition = lines["student_aid"], lines["tuition"]
    assert aid.status == "due" and aid.amount == Decimal("1500.00")
    assert aid.payee == "student" and aid.payee_name == person.name
    assert aid.rule.rule.code == "national-technical-student-aid"
    assert aid.evidence["student_enrolment_id"] == e.pk
    assert tuition.status == "due" and tuition.amount == Decimal("1000.00")
    assert tuition.payee == "institution" and tuition.payee_name == "广西南宁技师学院"


def test_one_claim_per_student_county(lu, assisted):
    enrol(lu, assisted("蓝海燕", "450124"))
    enrol(lu, assisted("农杰", LONGAN))
    result = prepare(lu)
    assert sorted(c.county_id for c in result.claims) == [LONGAN, "450124"]


def test_the_same_term_twice_changes_nothing(lu, assisted):
    enrol(lu, assisted())
    first = prepare(lu)
    again = prepare(lu)
    assert again.created == 0 and again.unchanged == first.created == 2
    assert Claim.objects.count() == 1 and ClaimLine.objects.count() == 2


def test_a_student_added_later_joins_the_open_claim_once(lu, assisted):
    enrol(lu, assisted("蓝海燕"))
    prepare(lu)
    enrol(lu, assisted("韦一"))
    result = prepare(lu)
    assert result.created == 2 and result.unchanged == 2
    assert Claim.objects.count() == 1 and ClaimLine.objects.count() == 4


def test_a_student_who_withdrew_before_the_term_gets_no_line(lu, assisted):
    person = assisted()
    e = enrol(lu, person)
    with time_machine.travel(dt.datetime(2026, 7, 1, tzinfo=dt.UTC), tick=False):
        student_status_change(
            actor=lu,
            channel=Channel.PAGE,
            enrolment=e,
            to_status="withdrawn",
            on=dt.date(2026, 6, 20),
            reason="外出务工",
        )
    result = prepare(lu)
    assert result.claims == [] and not ClaimLine.objects.filter(person=person).exists()
    # The spring term before it was studied: that term still has its lines.
    prepare(lu, 2026, "spring")
    assert lines_of(person)["student_aid"].status == "due"


def test_a_student_who_withdrew_during_the_term_keeps_its_line(lu, assisted):
    person = assisted()
    e = enrol(lu, person)
    student_status_change(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=e,
        to_status="withdrawn",
        on=dt.date(2026, 10, 8),
        reason="外出务工",
    )
    prepare(lu)
    assert lines_of(person)["student_aid"].status == "due"


def test_a_suspended_student_gets_a_refused_line_saying_why(lu, assisted):
    person = assisted()
    e = enrol(lu, person)
    with time_machine.travel(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), tick=False):
        student_status_change(
            actor=lu,
            channel=Channel.PAGE,
            enrolment=e,
            to_status="suspended",
            on=dt.date(2026, 7, 15),
            reason="生病住院",
        )
    prepare(lu)
    aid = lines_of(person)["student_aid"]
    assert aid.status == "refused" and aid.amount == 0 and "休学" in aid.reason


def test_a_student_of_an_ordinary_household_gets_free_tuition_but_no_aid(lu, person_factory):
    person = since_long_ago(person_factory(name="黄平"))
    enrol(lu, person)
    prepare(lu)
    lines = lines_of(person)
    assert "student_aid" not in lines
    assert lines["tuition"].status == "due"


def test_the_amount_is_the_rule_version_in_force(lu, assisted):
    rule = PolicyRule.objects.get(code="national-technical-student-aid")
    first = rule.versions.get(number=1)
    terms = {name: getattr(first, name) for name in TERMS}
    terms.update(valid_from=dt.date(2027, 1, 1), amount=Decimal("3600.00"))
    PolicyRuleVersion.objects.create(rule=rule, number=2, reason="自治区提高标准", **terms)
    person = assisted()
    enrol(lu, person)
    prepare(lu, 2026, "autumn")
    # A term is claimed once it has begun.
    with time_machine.travel(dt.datetime(2027, 3, 2, 2, tzinfo=dt.UTC), tick=False):
        prepare(lu, 2027, "spring")
    amounts = sorted(
        (x.evidence["term_from"], x.amount, x.rule.number)
        for x in ClaimLine.objects.filter(person=person, kind="student_aid")
    )
    assert amounts == [
        ("2026-09-01", Decimal("1500.00"), 1),
        ("2027-03-01", Decimal("1800.00"), 2),
    ]


def test_a_student_entering_during_the_term_is_counted_from_entry(lu, assisted):
    person = assisted()
    enrol(lu, person, entered_on=dt.date(2026, 9, 10))
    prepare(lu)
    assert lines_of(person)["student_aid"].status == "due"


def test_a_county_clerk_cannot_make_the_schools_claims(lu, wei, assisted):
    enrol(lu, assisted())
    with pytest.raises(PermissionDenied):
        aid_claims_prepare(
            actor=wei, channel=Channel.PAGE, school=lu.institution, year=2026, term="autumn"
        )


def test_the_claim_is_reviewed_to_approval_and_then_takes_no_new_line(lu, wei, liang, assisted):
    enrol(lu, assisted())
    claim = prepare(lu).claims[0]
    claim = review_move(claim, ClaimState.SUBMITTED, actor=lu)
    claim = review_move(claim, ClaimState.CHECKED, actor=wei)
    claim = review_move(claim, ClaimState.APPROVED, actor=liang)
    assert claim.status == "approved"
    assert claim.lines.filter(status="due").count() == 2
    enrol(lu, assisted("韦一"))
    result = prepare(lu)
    assert result.created == 0 and result.skipped_claims == [claim]
