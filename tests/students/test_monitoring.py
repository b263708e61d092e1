"""Monthly monitoring: which months are due across month and year ends, flagged twice running,
open difficulties, suspended months, the record's rules and who sees whose students."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.models import AuditEntry
from skillaid.people.models import Category
from skillaid.students.models import MonthlyRecord, StudentStatus
from skillaid.students.monitoring import (
    is_due,
    monitoring_due,
    monitoring_history,
    monthly_record_save,
    next_month,
    previous_month,
)
from tests.conftest import LONGAN

from .factories_care import at, enrol, move, youth

pytestmark = pytest.mark.django_db


def travel(day: dt.date):
    return time_machine.travel(at(day), tick=False)


@pytest.fixture
def student(person_factory, lu):
    return enrol(youth(person_factory, name="蓝小燕"), lu.institution, dt.date(2025, 9, 1))


def save(actor, enrolment, month: dt.date, **data):
    return monthly_record_save(
        actor=actor, channel="page", enrolment=enrolment, month=month, data=data
    )


def names(rows) -> set[str]:
    return {r.person.name for r in rows}


def test_months_roll_over_the_year_end():
    assert next_month(dt.date(2025, 12, 1)) == dt.date(2026, 1, 1)
    assert previous_month(dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)
    assert next_month(dt.date(2028, 2, 1)) == dt.date(2028, 3, 1)


def test_a_student_entering_on_31_january_needs_a_january_record(person_factory, lu):
    e = enrol(youth(person_factory), lu.institution, dt.date(2026, 1, 31))
    assert is_due(e, dt.date(2026, 1, 1))
    assert not is_due(e, dt.date(2025, 12, 1))
    with travel(dt.date(2026, 2, 3)):
        assert names(monitoring_due(lu, dt.date(2026, 1, 1)).missing) == {"蓝小燕"}


def test_a_student_entering_on_29_february_of_a_leap_year_needs_a_february_record(
    person_factory, lu
):
    e = enrol(youth(person_factory), lu.institution, dt.date(2028, 2, 29))
    assert is_due(e, dt.date(2028, 2, 1)) and is_due(e, dt.date(2028, 3, 1))
    assert not is_due(e, dt.date(2028, 1, 1))


def test_a_student_who_withdrew_on_10_march_needs_a_march_record_and_none_after(student, lu):
    move(student, dt.date(2026, 3, 10), StudentStatus.WITHDRAWN, "外出务工")
    assert is_due(student, dt.date(2026, 3, 1))
    assert not is_due(student, dt.date(2026, 4, 1))
    with travel(dt.date(2026, 4, 15)):
        assert names(monitoring_due(lu, dt.date(2026, 3, 1)).missing) == {"蓝小燕"}
        assert monitoring_due(lu, dt.date(2026, 4, 1)).rows == []
        # The month of leaving may still be recorded; the month after may not.
        save(lu, student, dt.date(2026, 3, 20), grades="良")
        with pytest.raises(ValidationError, match="已不在籍"):
            save(lu, student, dt.date(2026, 4, 1))


def test_a_student_who_withdrew_on_1_march_needs_no_march_record(student):
    move(student, dt.date(2026, 3, 1), StudentStatus.WITHDRAWN)
    assert is_due(student, dt.date(2026, 2, 1))
    assert not is_due(student, dt.date(2026, 3, 1))


def test_a_whole_month_suspended_needs_no_record_but_a_part_month_does(student, lu):
    move(student, dt.date(2026, 2, 10), StudentStatus.SUSPENDED, "病假")
    move(student, dt.date(2026, 5, 1), StudentStatus.STUDYING)
    assert is_due(student, dt.date(2026, 2, 1))  # studying 1-9 February
    assert not is_due(student, dt.date(2026, 3, 1))
    assert not is_due(student, dt.date(2026, 4, 1))
    assert is_due(student, dt.date(2026, 5, 1))
    with travel(dt.date(2026, 3, 20)):
        assert monitoring_due(lu, dt.date(2026, 3, 1)).missing == []
        # A suspended student's month may be recorded all the same.
        save(lu, student, dt.date(2026, 3, 1), help_note="电话回访")


def test_a_student_of_an_ordinary_household_needs_no_record(person_factory, lu):
    e = enrol(
        youth(person_factory, category=Category.ORDINARY), lu.institution, dt.date(2025, 9, 1)
    )
    assert not is_due(e, dt.date(2026, 3, 1))


def test_a_household_that_became_assisted_mid_month_makes_that_month_due(person_factory, lu):
    from skillaid.people.models import HouseholdStatus

    person = youth(person_factory, category=Category.ORDINARY)
    status = person.household.statuses.get()
    status.end = dt.date(2026, 3, 20)
    status.save()
    HouseholdStatus.objects.create(
        household=person.household, category=Category.MONITORED, start=dt.date(2026, 3, 20)
    )
    e = enrol(person, lu.institution, dt.date(2025, 9, 1))
    assert not is_due(e, dt.date(2026, 2, 1))
    assert is_due(e, dt.date(2026, 3, 1))


def test_a_record_leaves_the_missing_list(student, lu):
    with travel(dt.date(2026, 3, 5)):
        assert names(monitoring_due(lu, dt.date(2026, 3, 1)).missing) == {"蓝小燕"}
        save(lu, student, dt.date(2026, 3, 5), grades="优", attendance_rate="98.5")
        listing = monitoring_due(lu, dt.date(2026, 3, 1))
    assert listing.missing == [] and names(listing.due) == {"蓝小燕"}


def test_flagged_twice_running_across_the_year_end(student, lu):
    with travel(dt.date(2026, 1, 20)):
        save(lu, student, dt.date(2025, 12, 1), study_difficulty="数学跟不上")
        save(lu, student, dt.date(2026, 1, 1), living_difficulty="生活费不足")
        assert names(monitoring_due(lu, dt.date(2026, 1, 1)).flagged_twice) == {"蓝小燕"}
        assert monitoring_due(lu, dt.date(2025, 12, 1)).flagged_twice == []
    # Early in February nothing is recorded yet: the two months before still show.
    with travel(dt.date(2026, 2, 2)):
        assert names(monitoring_due(lu, dt.date(2026, 2, 1)).flagged_twice) == {"蓝小燕"}
        save(lu, student, dt.date(2026, 2, 1), grades="良", resolved=True)
        listing = monitoring_due(lu, dt.date(2026, 2, 1))
    assert listing.flagged_twice == [] and listing.open_difficulties == []


def test_two_flagged_months_with_a_gap_are_not_running(student, lu):
    with travel(dt.date(2026, 3, 20)):
        save(lu, student, dt.date(2026, 1, 1), study_difficulty="缺课")
        save(lu, student, dt.date(2026, 2, 1), grades="良")
        save(lu, student, dt.date(2026, 3, 1), study_difficulty="缺课")
        assert monitoring_due(lu, dt.date(2026, 3, 1)).flagged_twice == []


def test_a_difficulty_stays_open_until_a_later_record_resolves_it(student, lu):
    with travel(dt.date(2026, 4, 20)):
        save(lu, student, dt.date(2026, 1, 1), living_difficulty="家中变故")
        save(lu, student, dt.date(2026, 2, 1), grades="良")
        save(lu, student, dt.date(2026, 3, 1), grades="良", help_given=["hardship_aid"])
        listing = monitoring_due(lu, dt.date(2026, 3, 1))
        assert listing.open_difficulties[0].open_difficulty.month == dt.date(2026, 1, 1)
        save(lu, student, dt.date(2026, 4, 1), resolved=True)
        assert monitoring_due(lu, dt.date(2026, 4, 1)).open_difficulties == []
        # Read as of March, the April record is not yet there: still open then.
        assert names(monitoring_due(lu, dt.date(2026, 3, 1)).open_difficulties) == {"蓝小燕"}


def test_a_resolving_record_with_a_new_difficulty_keeps_that_one_open(student, lu):
    with travel(dt.date(2026, 3, 20)):
        save(lu, student, dt.date(2026, 2, 1), study_difficulty="旧困难")
        save(lu, student, dt.date(2026, 3, 1), study_difficulty="新困难", resolved=True)
        row = monitoring_due(lu, dt.date(2026, 3, 1)).open_difficulties[0]
    assert row.open_difficulty.study_difficulty == "新困难"


def test_an_open_difficulty_keeps_a_suspended_student_on_the_list(student, lu):
    with travel(dt.date(2026, 4, 20)):
        save(lu, student, dt.date(2026, 2, 1), living_difficulty="生病")
        move(student, dt.date(2026, 3, 1), StudentStatus.SUSPENDED, "病休")
        listing = monitoring_due(lu, dt.date(2026, 4, 1))
    assert names(listing.open_difficulties) == {"蓝小燕"} and listing.missing == []


def test_a_second_save_edits_the_months_record_with_audit(student, lu):
    with travel(dt.date(2026, 3, 20)):
        first = save(lu, student, dt.date(2026, 3, 1), grades="良")
        second = save(lu, student, dt.date(2026, 3, 31), grades="优", help_given=["tutoring"])
    assert first.pk == second.pk and MonthlyRecord.objects.count() == 1
    second.refresh_from_db()
    assert (second.grades, second.help_given, second.staff_name) == ("优", ["tutoring"], "韦老师")
    changes = [e.changes for e in AuditEntry.objects.about(second).order_by("id")]
    assert changes[-1]["grades"] == ["良", "优"]
    assert all(e.person_id == student.person_id for e in AuditEntry.objects.about(second))


@pytest.mark.parametrize(
    ("month", "data", "field", "message"),
    [
        (dt.date(2026, 4, 1), {}, "month", "尚未到来"),
        (dt.date(2025, 8, 1), {}, "month", "早于该生入学"),
        (dt.date(2026, 3, 1), {"attendance_rate": "120"}, "attendance_rate", "不在0到100之间"),
        (dt.date(2026, 3, 1), {"attendance_rate": "很好"}, "attendance_rate", "不是数字"),
        (dt.date(2026, 3, 1), {"help_given": ["money"]}, "help_given", "不在可选项中"),
    ],
)
def test_a_record_is_refused_with_the_reason(student, lu, month, data, field, message):
    with travel(dt.date(2026, 3, 20)), pytest.raises(ValidationError) as exc:
        save(lu, student, month, **data)
    assert message in exc.value.message_dict[field][0]


def test_only_the_students_school_records(student, wei, rival):
    with travel(dt.date(2026, 3, 20)):
        with pytest.raises(PermissionDenied, match="帮扶责任人登记"):
            save(wei, student, dt.date(2026, 3, 1))
        with pytest.raises(PermissionDenied, match="不在本校"):
            save(rival, student, dt.date(2026, 3, 1))


def test_the_county_sees_its_students_and_huang_does_not_see_weis(
    student, wei, huang, person_factory, rival
):
    other = enrol(
        youth(person_factory, county=LONGAN, name="隆安生"), rival.institution, dt.date(2025, 9, 1)
    )
    with travel(dt.date(2026, 3, 20)):
        assert names(monitoring_due(wei, dt.date(2026, 3, 1)).missing) == {"蓝小燕"}
        assert names(monitoring_due(huang, dt.date(2026, 3, 1)).missing) == {"隆安生"}
        assert names(monitoring_due(rival, dt.date(2026, 3, 1)).missing) == {"隆安生"}
    assert other.county_id == LONGAN


def test_huang_cannot_open_a_mashan_students_page(student, huang, client):
    client.force_login(huang)
    with travel(dt.date(2026, 3, 20)):
        assert client.get(f"/monitoring/{student.pk}/").status_code == 404


def test_the_list_reads_a_whole_school_in_a_few_queries(
    student, lu, person_factory, django_assert_max_num_queries
):
    for i in range(5):
        enrol(youth(person_factory, name=f"学生{i}"), lu.institution, dt.date(2025, 9, 1))
    with travel(dt.date(2026, 3, 20)):
        with django_assert_max_num_queries(6):
            listing = monitoring_due(lu, dt.date(2026, 3, 1))
    assert len(listing.missing) == 6


def test_the_history_shows_each_month_since_entry(student, lu):
    with travel(dt.date(2026, 1, 10)):
        save(lu, student, dt.date(2025, 12, 1), grades="良")
        history = monitoring_history(student)
    assert [h.month for h in history][:3] == [
        dt.date(2026, 1, 1),
        dt.date(2025, 12, 1),
        dt.date(2025, 11, 1),
    ]
    assert history[0].missing and not history[1].missing and len(history) == 5


def test_the_pages_record_a_month_and_show_the_list(student, lu, client):
    client.force_login(lu)
    with travel(dt.date(2026, 3, 20)):
        page = client.get("/monitoring/").content.decode()
        assert "蓝小燕" in page and "未记录" in page
        response = client.post(
            f"/monitoring/{student.pk}/?month=2026-03",
            {"grades": "优", "attendance_rate": "97", "help_given": ["tutoring"]},
        )
        assert response.status_code == 302
        listing = monitoring_due(lu, dt.date(2026, 3, 1))
        assert listing.missing == []
        page = client.get(f"/monitoring/{student.pk}/").content.decode()
        assert "学业辅导" in page
        bad = client.get("/monitoring/?month=2026-13").content.decode()
        assert "无效" in bad
