"""The term's aid is paid once and rightly: once per student across enrolments and
schools, never for a term not begun, after the expected graduation, or after a withdrawal
recorded late; the two terms never add up to more than the year's amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from skillaid.accounts.models import Channel
from skillaid.institutions.models import Institution
from skillaid.students.enrolments import aid_claims_prepare, student_status_change
from skillaid.subsidies.models import TERMS, ClaimLine, PolicyRule, PolicyRuleVersion
from tests.conftest import make_user
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
def student(person_factory):
    return since_long_ago(person_factory(name="蓝海燕", county="450124", category="lifted"))


def prepare(officer, year=2026, term="autumn"):
    return aid_claims_prepare(
        actor=officer, channel=Channel.PAGE, school=officer.institution, year=year, term=term
    )


def aid_lines(person):
    return list(ClaimLine.objects.filter(person=person, kind="student_aid").order_by("pk"))


def test_leaving_and_coming_back_within_the_term_is_paid_once(lu, student):
    first = enrol(lu, student)
    student_status_change(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=first,
        to_status="withdrawn",
        on=dt.date(2026, 9, 10),
        reason="退学",
    )
    enrol(lu, student, entered_on=dt.date(2026, 10, 1))
    prepare(lu)
    due = [x for x in aid_lines(student) if x.status == "due"]
    assert [x.amount for x in due] == [Decimal("1500.00")]
    refused = [x for x in aid_lines(student) if x.status == "refused"]
    assert refused and "同一学期只补助一次" in refused[0].reason


def test_a_transfer_within_the_term_is_paid_once_whichever_school_claims_first(lu, student):
    other = Institution.objects.create(
        name="南宁第二技工学校", kind="technical_school", region_id="450100"
    )
    li = make_user("li", "school_officer", "450100", "李明")
    li.institution = other
    li.save()
    first = enrol(lu, student)
    student_status_change(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=first,
        to_status="transferred",
        on=dt.date(2026, 9, 15),
        reason="随父母迁居",
        to_school=other,
    )
    enrol(li, student, entered_on=dt.date(2026, 9, 20))
    prepare(li)
    prepare(lu)
    assert [x.status for x in aid_lines(student)].count("due") == 1


def test_a_withdrawal_recorded_after_the_claim_refuses_that_terms_line(lu, student):
    e = enrol(lu, student)
    prepare(lu)
    assert [x.status for x in aid_lines(student)] == ["due"]
    student_status_change(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=e,
        to_status="withdrawn",
        on=dt.date(2026, 8, 20),
        reason="退学（补登）",
    )
    (line,) = aid_lines(student)
    assert (line.status, line.amount) == ("refused", Decimal("0.00"))
    assert "2026-08-20学籍变动为退学" in line.reason


def test_a_withdrawal_after_the_term_began_keeps_that_term(lu, student):
    e = enrol(lu, student)
    prepare(lu)
    student_status_change(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=e,
        to_status="withdrawn",
        on=dt.date(2026, 10, 20),
        reason="退学",
    )
    assert [x.status for x in aid_lines(student)] == ["due"]


def test_no_claim_for_a_term_not_yet_begun_or_long_past(lu, student):
    enrol(lu, student)
    with pytest.raises(ValidationError, match="尚未开学"):
        prepare(lu, year=2027, term="spring")
    with pytest.raises(ValidationError, match="两个学年以上"):
        prepare(lu, year=2021, term="autumn")
    assert aid_lines(student) == []


def test_no_line_after_the_expected_graduation(lu, student):
    enrol(
        lu,
        student,
        entered_on=dt.date(2023, 9, 1),
        expected_graduation=dt.date(2026, 7, 1),
    )
    prepare(lu)
    assert aid_lines(student) == []


def test_the_two_terms_never_add_up_to_more_than_the_year(lu, student):
    rule = PolicyRule.objects.get(code="national-technical-student-aid")
    first = rule.versions.get(number=1)
    terms = {name: getattr(first, name) for name in TERMS}
    terms.update(valid_from=dt.date(2026, 1, 1), amount=Decimal("3000.01"))
    PolicyRuleVersion.objects.create(rule=rule, number=2, reason="按分计的标准", **terms)
    enrol(lu, student)
    prepare(lu, 2026, "autumn")
    with time_machine.travel(dt.datetime(2027, 3, 2, 2, tzinfo=dt.UTC), tick=False):
        prepare(lu, 2027, "spring")
    amounts = [x.amount for x in aid_lines(student)]
    assert sorted(amounts) == [Decimal("1500.00"), Decimal("1500.01")]
    assert sum(amounts) == Decimal("3000.01")


def test_another_schools_live_enrolment_is_refused_without_naming_it(lu, student):
    other = Institution.objects.create(
        name="南宁第二技工学校", kind="technical_school", region_id="450100"
    )
    li = make_user("li", "school_officer", "450100", "李明")
    li.institution = other
    li.save()
    enrol(lu, student, major="汽车维修")
    with pytest.raises(ValidationError) as refused:
        enrol(li, student)
    text = str(refused.value)
    assert "其他院校已有在读或休学的学籍" in text
    assert "广西南宁技师学院" not in text and "汽车维修" not in text
