"""Graduates seeking work, certificates earned while enrolled, and the person's page, own
page and lifelong record showing the enrolment, its history, aid and monitoring."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.accounts.models import Channel
from skillaid.evaluation.models import Certificate
from skillaid.evaluation.record import lifelong_record
from skillaid.people.models import PersonAccount
from skillaid.students.enrolments import (
    aid_claims_prepare,
    student_graduate,
    student_status_change,
)
from skillaid.students.graduates import certificates_earned, graduates_seeking_work
from skillaid.students.models import MonthlyRecord
from tests.conftest import make_user
from tests.students.helpers import enrol, since_long_ago

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
EARLY = {"entered_on": dt.date(2023, 9, 1), "expected_graduation": dt.date(2026, 7, 1)}


@pytest.fixture(autouse=True)
def fixed_day(regions):
    with time_machine.travel(NOW, tick=False):
        yield


def graduate(officer, e, outcome, **kw):  # noqa: ANN001, ANN201
    return student_graduate(
        actor=officer,
        channel=Channel.PAGE,
        enrolment=e,
        graduated_on=dt.date(2026, 7, 1),
        outcome=outcome,
        **kw,
    )


def test_graduates_seeking_work_are_those_without_a_job(lu, wei, huang, person_factory):
    seeking = enrol(lu, person_factory(name="蓝一"), **EARLY)
    graduate(lu, seeking, "seeking")
    employed = enrol(lu, person_factory(name="蓝二"), **EARLY)
    graduate(lu, employed, "employed", employer="南宁某机械公司")
    unrecorded = enrol(lu, person_factory(name="蓝三"), **EARLY)
    student_status_change(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=unrecorded,
        to_status="graduated",
        on=dt.date(2026, 7, 1),
    )
    enrol(lu, person_factory(name="蓝四"))  # still studying
    names = {e.person.name for e in graduates_seeking_work(lu)}
    assert names == {"蓝一", "蓝三"}
    assert {e.person.name for e in graduates_seeking_work(wei)} == names
    assert not graduates_seeking_work(huang).exists()


def test_certificates_earned_between_entry_and_graduation(lu, person_factory):
    person = person_factory()
    e = enrol(lu, person, **EARLY)
    graduate(lu, e, "seeking")

    def cert(number: str, day: dt.date) -> Certificate:
        return Certificate.objects.create(
            number=number,
            kind="skill_level",
            person=person,
            holder_name=person.name,
            occupation_name="车工",
            level="4",
            issuer="广西南宁技师学院",
            issued_on=day,
        )

    before = cert("C-1", dt.date(2023, 6, 1))
    during = cert("C-2", dt.date(2025, 6, 1))
    after = cert("C-3", dt.date(2026, 9, 1))
    e.refresh_from_db()
    earned = list(certificates_earned(e))
    assert during in earned and before not in earned and after not in earned


def test_the_person_page_shows_enrolment_history_aid_and_monitoring(
    client, lu, wei, huang, person_factory
):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    person = since_long_ago(person_factory(category="lifted"))
    e = enrol(lu, person)
    student_status_change(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=e,
        to_status="suspended",
        on=dt.date(2026, 3, 2),
        reason="生病住院",
    )
    student_status_change(
        actor=lu, channel=Channel.PAGE, enrolment=e, to_status="studying", on=dt.date(2026, 4, 1)
    )
    MonthlyRecord.objects.create(enrolment=e, month=dt.date(2026, 10, 1))
    aid_claims_prepare(
        actor=lu, channel=Channel.PAGE, school=lu.institution, year=2026, term="autumn"
    )
    client.force_login(wei)
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert "技工院校学籍" in html and "广西南宁技师学院" in html
    assert "生病住院" in html and "每月监测记录 1 条" in html
    assert "技工院校帮扶家庭学生助学补助" in html and "1500.00" in html
    client.force_login(huang)
    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_the_own_page_shows_the_enrolment(client, lu, person_factory):
    person = person_factory()
    enrol(lu, person)
    user = make_user("lanhy", "person", None, person.name)
    PersonAccount.objects.create(user=user, person=person)
    client.force_login(user)
    html = client.get("/me/").content.decode()
    assert "技工院校学籍" in html and "数控加工" in html


def test_the_lifelong_record_has_entry_changes_and_graduation(lu, person_factory):
    person = person_factory()
    e = enrol(lu, person, **EARLY)
    graduate(lu, e, "employed", employer="南宁某机械公司")
    kinds = [(ev.kind, ev.on) for ev in lifelong_record(person)]
    assert ("技工院校入学", dt.date(2023, 9, 1)) in kinds
    assert ("学籍变动", dt.date(2026, 7, 1)) in kinds
    assert ("技工院校毕业", dt.date(2026, 7, 1)) in kinds
