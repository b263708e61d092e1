"""Enrolment services: find-or-register, one live enrolment, the status moves with their
reasons and dates, graduation; and the scope: another county's clerk sees nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.models import AuditEntry, Channel
from skillaid.institutions.models import Institution
from skillaid.people.models import Person
from skillaid.students.enrolments import (
    student_graduate,
    student_status_change,
)
from skillaid.students.models import StatusChange, StudentEnrolment
from skillaid.students.selectors import student_enrolments_visible_to
from tests.conftest import LONGAN, MASHAN, new_id
from tests.students.helpers import USCC, enrol

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(NOW, tick=False):
        yield


def change(officer, e, to, on, reason="", **kw):  # noqa: ANN001, ANN201
    return student_status_change(
        actor=officer, channel=Channel.PAGE, enrolment=e, to_status=to, on=on, reason=reason, **kw
    )


def test_enrolling_finds_the_person_in_the_ledger_by_id_number(lu, person_factory):
    known = person_factory(name="蓝海燕")
    e = enrol(lu, known)
    assert e.person == known
    assert e.county_id == MASHAN
    assert e.status == "studying" and e.status_since == e.entered_on
    assert AuditEntry.objects.filter(person_id=known.pk, note__contains="登记学籍").exists()


def test_enrolling_registers_someone_not_in_the_ledger_in_their_county(lu):
    number = new_id(LONGAN, dt.date(2008, 1, 1))
    e = enrol(lu, name="农杰", id_number=number)
    person = Person.objects.with_id_number(number).get()
    assert e.person == person and person.county_id == LONGAN and e.county_id == LONGAN


def test_a_name_that_does_not_match_the_ledger_is_refused(lu, person_factory):
    known = person_factory(name="蓝海燕")
    with pytest.raises(ValidationError) as exc:
        enrol(lu, known, name="韦小宝")
    assert "name" in exc.value.message_dict


def test_a_second_live_enrolment_is_refused_in_chinese(lu, person_factory):
    known = person_factory(name="蓝海燕")
    enrol(lu, known)
    with pytest.raises(ValidationError) as exc:
        enrol(lu, known, entered_on=dt.date(2026, 3, 1), major="电工")
    message = exc.value.message_dict["id_number"][0]
    assert "只能有一个在读或休学的学籍" in message and "广西南宁技师学院" in message


def test_after_withdrawing_a_new_enrolment_may_open(lu, person_factory):
    known = person_factory()
    e = enrol(lu, known)
    change(lu, e, "withdrawn", dt.date(2026, 1, 10), "家庭原因")
    again = enrol(lu, known, entered_on=dt.date(2026, 9, 1))
    assert again.pk != e.pk and again.status == "studying"


def test_an_order_class_needs_its_enterprise_and_a_valid_credit_code(lu):
    with pytest.raises(ValidationError) as exc:
        enrol(lu, track="order")
    assert "合作企业" in exc.value.message_dict["partner_name"][0]
    with pytest.raises(ValidationError) as exc:
        enrol(lu, track="order", partner_name="南宁某机械公司", partner_uscc="91450100MA5K0000X")
    assert "partner_uscc" in exc.value.message_dict
    e = enrol(lu, track="订单班", partner_name="南宁某机械公司", partner_uscc=USCC)
    assert e.track == "order" and e.partner_uscc == USCC


def test_a_new_apprentice_needs_the_employer(lu):
    with pytest.raises(ValidationError) as exc:
        enrol(lu, track="apprentice")
    assert "用人单位" in exc.value.message_dict["partner_name"][0]


def test_expected_graduation_must_come_after_entry(lu):
    with pytest.raises(ValidationError) as exc:
        enrol(lu, expected_graduation=dt.date(2025, 8, 1))
    assert "须晚于入学日期" in exc.value.message_dict["expected_graduation"][0]


def test_a_county_clerk_cannot_enrol(wei, lu):
    with pytest.raises(PermissionDenied):
        enrol(wei, school=lu.institution_id)


def test_the_moves_follow_the_table_and_keep_a_history(lu):
    e = enrol(lu)
    change(lu, e, "suspended", dt.date(2026, 3, 2), "生病住院")
    change(lu, e, "studying", dt.date(2026, 6, 1))
    change(lu, e, "withdrawn", dt.date(2026, 10, 8), "外出务工")
    e.refresh_from_db()
    assert e.status == "withdrawn" and e.status_since == dt.date(2026, 10, 8)
    moves = list(StatusChange.objects.filter(enrolment=e).values_list("from_status", "to_status"))
    assert moves == [
        ("studying", "suspended"),
        ("suspended", "studying"),
        ("studying", "withdrawn"),
    ]
    with pytest.raises(ValidationError) as exc:
        change(lu, e, "studying", dt.date(2026, 10, 9))
    assert "该学籍已结束" in exc.value.message_dict["to_status"][0]


@pytest.mark.parametrize("to", ["suspended", "withdrawn", "transferred"])
def test_leaving_pausing_or_transferring_needs_a_reason(lu, to):
    e = enrol(lu)
    with pytest.raises(ValidationError) as exc:
        change(lu, e, to, dt.date(2026, 3, 1))
    assert "须填写原因" in exc.value.message_dict["reason"][0]


def test_a_transfer_names_the_other_school(lu):
    e = enrol(lu)
    with pytest.raises(ValidationError) as exc:
        change(lu, e, "transferred", dt.date(2026, 3, 1), "随父母迁居")
    assert "to_school" in exc.value.message_dict
    other = Institution.objects.create(
        name="广西机电技师学院", kind="technician_college", region_id="450100"
    )
    change(lu, e, "transferred", dt.date(2026, 3, 1), "随父母迁居", to_school=other)
    assert StatusChange.objects.get(enrolment=e).to_school == other


def test_a_change_is_not_dated_before_entry_nor_the_last_change_nor_after_today(lu):
    e = enrol(lu)
    with pytest.raises(ValidationError) as exc:
        change(lu, e, "suspended", dt.date(2025, 8, 1), "病")
    assert "早于入学日期" in exc.value.message_dict["on"][0]
    change(lu, e, "suspended", dt.date(2026, 3, 2), "病")
    with pytest.raises(ValidationError) as exc:
        change(lu, e, "studying", dt.date(2026, 3, 1))
    assert "早于上一次学籍变动" in exc.value.message_dict["on"][0]
    with pytest.raises(ValidationError) as exc:
        change(lu, e, "studying", dt.date(2026, 12, 1))
    assert "晚于今天" in exc.value.message_dict["on"][0]


def test_graduation_moves_the_status_and_a_job_names_its_employer(lu):
    e = enrol(lu, entered_on=dt.date(2023, 9, 1), expected_graduation=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError) as exc:
        student_graduate(
            actor=lu,
            channel=Channel.PAGE,
            enrolment=e,
            graduated_on=dt.date(2026, 7, 1),
            outcome="employed",
        )
    assert "employer" in exc.value.message_dict
    g = student_graduate(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=e,
        graduated_on=dt.date(2026, 7, 1),
        outcome="seeking",
    )
    e.refresh_from_db()
    assert e.status == "graduated" and g.outcome == "seeking"
    # Later the job is found: the same graduation is corrected.
    student_graduate(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=e,
        graduated_on=dt.date(2026, 7, 1),
        outcome="employed",
        employer="南宁某机械公司",
        job="数控操作工",
    )
    e.refresh_from_db()
    assert e.graduation.outcome == "employed"
    assert StatusChange.objects.filter(enrolment=e, to_status="graduated").count() == 1


def test_a_withdrawn_student_cannot_graduate(lu):
    e = enrol(lu)
    change(lu, e, "withdrawn", dt.date(2026, 3, 1), "外出务工")
    e.refresh_from_db()
    with pytest.raises(ValidationError):
        student_graduate(
            actor=lu,
            channel=Channel.PAGE,
            enrolment=e,
            graduated_on=dt.date(2026, 7, 1),
            outcome="seeking",
        )


def test_scope_school_county_and_reviewers(lu, wei, huang, liang, qin):
    e = enrol(lu)  # a 马山县 student
    assert e in student_enrolments_visible_to(lu)
    assert e in student_enrolments_visible_to(wei)
    assert e in student_enrolments_visible_to(liang)
    assert e in student_enrolments_visible_to(qin)
    assert not student_enrolments_visible_to(huang).exists()


def test_the_county_reads_but_does_not_change_the_roll(lu, wei):
    e = enrol(lu)
    with pytest.raises(PermissionDenied):
        change(wei, e, "suspended", dt.date(2026, 3, 1), "病")


def test_another_schools_officer_cannot_change_the_student(lu, regions):
    from tests.conftest import make_user

    other = Institution.objects.create(
        name="广西机电技师学院", kind="technician_college", region_id="450100"
    )
    officer = make_user("mo", "school_officer", "450100", "莫老师")
    officer.institution = other
    officer.save()
    e = enrol(lu)
    assert not student_enrolments_visible_to(officer).exists()
    with pytest.raises(PermissionDenied):
        change(officer, e, "suspended", dt.date(2026, 3, 1), "病")
    assert StudentEnrolment.objects.get(pk=e.pk).status == "studying"
