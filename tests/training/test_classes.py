"""Declaring, reviewing, rosters, eligibility, completion and closing of classes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from skillaid.accounts.models import AuditEntry
from skillaid.training import classes
from skillaid.training.attendance import attendance_sign
from skillaid.training.models import ClassStatus, Completion
from tests.conftest import new_id
from tests.training.fixtures import class_data

pytestmark = pytest.mark.django_db


def soon(days: int = 8) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(
        hour=1, minute=0, second=0, microsecond=0
    )


def test_it_saves_a_draft_with_its_timetable(lu, school, occupation):
    c = classes.class_save(actor=lu, data=class_data(occupation, soon(), count=3))
    assert c.status == ClassStatus.DRAFT
    assert c.institution == school
    assert c.sessions.count() == 3
    assert AuditEntry.objects.filter(
        object_type="training.trainingclass", object_id=str(c.pk)
    ).exists()


def test_it_names_the_bad_timetable_lines(lu, school, occupation):
    data = class_data(occupation, soon())
    data["timetable"] = (
        "2026-13-01 09:00-12:00 教室 韦老师\n明天上午\n2026-12-02 12:00-09:00 教室 韦老师"
    )
    with pytest.raises(ValidationError) as info:
        classes.class_save(actor=lu, data=data)
    errors = info.value.error_dict["timetable"]
    assert [e.params["line"] for e in errors] == [1, 2, 3]
    messages = info.value.message_dict["timetable"]
    assert [m[:3] for m in messages] == ["第1行", "第2行", "第3行"]
    assert "明天上午" in messages[1] and "结束时间不晚于开始时间" in messages[2]


def test_it_refuses_sessions_outside_the_class_dates(lu, school, occupation):
    data = class_data(occupation, soon())
    data["end_on"] = data["start_on"]  # the second session falls the day after
    with pytest.raises(ValidationError) as info:
        classes.class_save(actor=lu, data=data)
    assert "第2行" in info.value.message_dict["timetable"][0]


def test_it_refuses_an_occupation_the_institution_may_not_train(lu, school, occupation):
    with pytest.raises(ValidationError) as info:
        classes.class_save(actor=lu, data=class_data(occupation, soon(), level="4"))
    assert "未登记可培训" in info.value.message_dict["occupation"][0]


def test_only_the_institutions_officer_may_save(wei, school, occupation):
    with pytest.raises(PermissionDenied):
        classes.class_save(actor=wei, data=class_data(occupation, soon()))


def test_it_declares_seven_days_ahead_and_not_later(lu, school, class_factory, settings):
    c = class_factory(lu, start=soon(8), approve=False)
    classes.class_declare(actor=lu, training_class=c)
    c.refresh_from_db()
    assert c.status == ClassStatus.DECLARED and c.entry is not None

    late = class_factory(lu, start=soon(3), approve=False)
    with pytest.raises(ValidationError) as info:
        classes.class_declare(actor=lu, training_class=late)
    assert "至少提前7天" in info.value.messages[0]

    settings.SKILLAID_CLASS_LEAD_DAYS = 2
    classes.class_declare(actor=lu, training_class=late)


def test_it_refuses_to_declare_for_an_unlisted_institution(lu, school, class_factory):
    c = class_factory(lu, approve=False)
    school.status = "suspended"
    school.save()
    with pytest.raises(ValidationError) as info:
        classes.class_declare(actor=lu, training_class=c)
    assert "只有已入目录的机构" in " ".join(info.value.messages)


def test_a_subsidised_class_needs_a_catalogue_line(lu, school, class_factory, entry):
    c = class_factory(lu, approve=False, training_kind="upgrading")
    from skillaid.institutions.models import InstitutionOccupation

    assert InstitutionOccupation.objects.filter(institution=school).exists()
    with pytest.raises(ValidationError) as info:
        classes.class_declare(actor=lu, training_class=c)
    assert "需求指导目录中没有" in " ".join(info.value.messages)


def test_the_county_approves_returns_or_rejects(lu, wei, huang, school, class_factory):
    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    with pytest.raises(PermissionDenied):
        classes.class_review(actor=huang, training_class=c, decision="approve")
    with pytest.raises(ValidationError):
        classes.class_review(actor=wei, training_class=c, decision="return", note="")
    classes.class_review(actor=wei, training_class=c, decision="return", note="课程表缺少实操课时")
    c.refresh_from_db()
    assert c.status == ClassStatus.RETURNED and c.review_note == "课程表缺少实操课时"
    # Returned classes may be changed and declared again.
    classes.class_save(actor=lu, training_class=c, data=class_data(c.occupation, soon(9)))
    classes.class_declare(actor=lu, training_class=c)
    classes.class_review(actor=wei, training_class=c, decision="approve")
    c.refresh_from_db()
    assert c.status == ClassStatus.APPROVED and c.reviewed_by == wei
    with pytest.raises(ValidationError):
        classes.class_review(actor=wei, training_class=c, decision="reject", note="重复")


def test_the_declarer_never_reviews(lu, school, class_factory):
    from skillaid.accounts.models import Role

    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    lu.role = Role.ADMIN  # even an administrator who declared it
    with pytest.raises(PermissionDenied) as info:
        classes.class_review(actor=lu, training_class=c, decision="approve")
    assert "申报人不能审核" in str(info.value)


def test_an_approved_class_cannot_be_edited(lu, school, class_factory, occupation):
    c = class_factory(lu)
    with pytest.raises(ValidationError):
        classes.class_save(actor=lu, training_class=c, data=class_data(occupation, soon()))


def test_the_roster_registers_someone_new_through_the_ledger(lu, school, class_factory):
    from skillaid.people.models import Person

    c = class_factory(lu, approve=False)
    number = new_id("450124")
    e = classes.roster_add(actor=lu, training_class=c, id_number=number, name="莫小燕")
    assert e.person.county_id == "450124"
    assert Person.objects.with_id_number(number).get().name == "莫小燕"
    # Registered under the officer's name, not as no one's (系统).
    created = AuditEntry.objects.get(
        object_type="people.person", person_id=e.person_id, action="create"
    )
    assert created.actor == lu and created.actor_name == "陆敏"
    with pytest.raises(ValidationError) as info:
        classes.roster_add(actor=lu, training_class=c, id_number=number, name="莫小燕")
    assert "已在本班花名册中" in str(info.value)


def test_the_roster_applies_the_ledger_id_checks(lu, school, class_factory):
    c = class_factory(lu, approve=False)
    number = new_id()
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        classes.roster_add(actor=lu, training_class=c, id_number=bad, name="莫小燕")
    assert "校验" in info.value.message_dict["id_number"][0]


def test_the_roster_does_not_reveal_a_name_behind_a_number(
    lu, school, class_factory, person_factory
):
    c = class_factory(lu, approve=False)
    someone = person_factory(name="韦春花")
    with pytest.raises(ValidationError) as info:
        classes.roster_add(actor=lu, training_class=c, id_number=someone.id_number, name="别人")
    assert info.value.message_dict["name"] == ["姓名与身份证号不一致，请核对"]


def test_eligibility_explains_itself(lu, school, class_factory, person_factory):
    assisted = person_factory(category="监测户")
    ordinary = person_factory(name="黄志明")
    c = class_factory(lu, trainees=[assisted, ordinary], approve=False)
    by_person = {e.person_id: classes.eligibility(e) for e in c.enrolments.all()}
    assert by_person[assisted.pk] == (True, "脱贫家庭/监测帮扶对象（监测户）")
    ok, why = by_person[ordinary.pk]
    assert not ok and "一般户" in why
    e = c.enrolments.get(person=ordinary)
    e.basis = "migrant"
    assert classes.eligibility(e) == (True, "农村转移就业劳动者（待比对核实）")


def test_eligibility_refuses_children(lu, school, class_factory, person_factory):
    # A roster refuses a child (tests/training/test_roster_ages.py); one put on a roster
    # before it did is still never eligible.
    from skillaid.training.models import Enrolment

    c = class_factory(lu, approve=False)
    child = person_factory(
        name="陆小宝",
        id_number=new_id("450124", birth=timezone.localdate() - dt.timedelta(days=365 * 14)),
    )
    e = Enrolment.objects.create(training_class=c, person=child, basis="school_leaver")
    ok, why = classes.eligibility(e)
    assert not ok and "未满16周岁" in why


def _attend(c, person, sessions):
    for s in sessions:
        with time_machine.travel(s.starts_at + dt.timedelta(minutes=1), tick=False):
            attendance_sign(session=s, direction="in", method="terminal", person=person)
        with time_machine.travel(s.ends_at - dt.timedelta(minutes=1), tick=False):
            attendance_sign(session=s, direction="out", method="terminal", person=person)


def test_completion_below_the_threshold_is_not_subsidised(
    lu, school, class_factory, person_factory
):
    keen, absent = person_factory(category="脱贫户"), person_factory(category="脱贫户", name="覃海")
    c = class_factory(lu, trainees=[keen, absent], count=5)
    sessions = list(c.sessions.all())
    _attend(c, keen, sessions)
    _attend(c, absent, sessions[:3])  # 60%
    with time_machine.travel(sessions[-1].ends_at - dt.timedelta(minutes=5), tick=False):
        with pytest.raises(ValidationError) as info:
            classes.enrolment_complete(
                actor=lu, enrolment=c.enrolments.get(person=keen), completed=True, passed=True
            )
        assert "最后一个课次结束后" in info.value.messages[0]
    with time_machine.travel(sessions[-1].ends_at + dt.timedelta(hours=1), tick=False):
        good = classes.enrolment_complete(
            actor=lu,
            enrolment=c.enrolments.get(person=keen),
            completed=True,
            score="92",
            passed=True,
        )
        poor = classes.enrolment_complete(
            actor=lu,
            enrolment=c.enrolments.get(person=absent),
            completed=True,
            score=75,
            passed=True,
        )
        assert good.attendance_rate == 100 and good.subsidy_eligible
        assert poor.attendance_rate == 60 and poor.subsidy_eligible is False
        assert "出勤率60.0%，低于80%" in poor.subsidy_note
        classes.class_close(actor=lu, training_class=c)
    c.refresh_from_db()
    assert c.status == ClassStatus.CLOSED


def test_a_class_closes_only_when_every_trainee_is_recorded(
    lu, school, class_factory, person_factory
):
    a, b = person_factory(category="脱贫户"), person_factory(category="脱贫户", name="覃海")
    c = class_factory(lu, trainees=[a, b], count=1)
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=False):
        classes.enrolment_complete(actor=lu, enrolment=c.enrolments.get(person=a), completed=False)
        with pytest.raises(ValidationError) as info:
            classes.class_close(actor=lu, training_class=c)
        assert "还有1名学员" in info.value.messages[0]
        e = c.enrolments.get(person=a)
        assert e.completion == Completion.NOT_COMPLETED and e.subsidy_eligible is False


def test_the_score_must_be_a_percentage(lu, school, class_factory):
    c = class_factory(lu, count=1)
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=False):
        with pytest.raises(ValidationError) as info:
            classes.enrolment_complete(
                actor=lu, enrolment=c.enrolments.get(), completed=True, score="一百", passed=True
            )
        assert "不是数字" in info.value.message_dict["score"][0]


def test_a_session_is_found_exactly_where_its_class_is_visible(
    lu, wei, huang, liang, qin, rival, school, class_factory
):
    """The one-statement session look-up of the terminals applies the same scope as the lists."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from skillaid.training.selectors import can_see, classes_visible_to, session_for

    mashan = class_factory(lu)
    longan = class_factory(rival, county="450123", reviewer=huang)
    people = [lu, wei, huang, liang, qin, rival, AnonymousUser()]  # rival: 农杰, officer in 隆安县
    seen = set()
    for user in people:
        for c in (mashan, longan):
            visible = classes_visible_to(user).filter(pk=c.pk).exists()
            assert can_see(user, c) == visible, (user, c)
            session = c.sessions.first()
            if visible:
                found = session_for(user, session.pk)
                assert found == session
                assert found.training_class == c
                assert found.starts_at == session.starts_at
                seen.add((str(user), c.pk))
            else:
                with pytest.raises(Http404):
                    session_for(user, session.pk)
    assert ("wei", mashan.pk) in seen and ("huang", mashan.pk) not in seen
    for nonsense in ("abc", None, 0, -1, 2**70):
        with pytest.raises(Http404):
            session_for(qin, nonsense)
