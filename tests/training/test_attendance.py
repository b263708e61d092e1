"""Sign-in by rotating code, by hand and by terminal, and every refusal the issue names."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from skillaid.training.attendance import AttendanceRefused, attendance_sign, current_code
from skillaid.training.models import Attendance, RefusedAttendance

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(person_factory):
    return person_factory(category="脱贫户", name="蓝海燕")


@pytest.fixture
def running(lu, school, class_factory, trainee):
    """An approved class of 蓝海燕 and the first of its sessions."""
    c = class_factory(lu, trainees=[trainee])
    return c, c.sessions.first()


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def sign_with_code(session, person, code, direction="in", device="phone-1"):
    return attendance_sign(
        session=session,
        direction=direction,
        method="code",
        id_number=person.id_number,
        name=person.name,
        code=code,
        device=device,
        ip="10.0.0.8",
    )


def refused(reason: str) -> bool:
    return RefusedAttendance.objects.filter(reason=reason).exists()


def test_it_signs_in_and_out_with_the_current_code(running, trainee):
    c, session = running
    with at(session.starts_at + dt.timedelta(minutes=2)):
        code, left = current_code(session)
        record = sign_with_code(session, trainee, code.lower())
        assert 0 < left <= 30
    assert record.method == "code" and record.device == "phone-1" and record.ip == "10.0.0.8"
    with at(session.ends_at):
        code, _ = current_code(session)
        sign_with_code(session, trainee, code, direction="out")
    assert Attendance.objects.filter(person=trainee, session=session).count() == 2


def test_the_code_changes_every_thirty_seconds_and_expires(running, trainee):
    c, session = running
    start = session.starts_at + dt.timedelta(minutes=1)
    with at(start):
        old, _ = current_code(session)
    with at(start + dt.timedelta(seconds=30)):
        assert current_code(session)[0] != old
    # One window later the old code is still taken, two windows later it is not.
    with at(start + dt.timedelta(seconds=65)):
        with pytest.raises(AttendanceRefused) as info:
            sign_with_code(session, trainee, old)
    assert info.value.reason == "expired_code"
    assert refused("expired_code")


def test_a_code_from_another_session_is_refused(running, trainee):
    c, session = running
    other = c.sessions.last()
    with at(session.starts_at + dt.timedelta(minutes=1)):
        code, _ = current_code(other)
        with pytest.raises(AttendanceRefused) as info:
            sign_with_code(session, trainee, code)
    assert info.value.reason == "expired_code"


def test_it_refuses_outside_the_session_window(running, trainee):
    c, session = running
    with at(session.starts_at - dt.timedelta(minutes=40)):
        code, _ = current_code(session)
        with pytest.raises(AttendanceRefused) as info:
            sign_with_code(session, trainee, code)
    assert info.value.reason == "outside_window"
    assert "签到时间为" in info.value.message
    with at(session.ends_at + dt.timedelta(minutes=20)):
        code, _ = current_code(session)
        with pytest.raises(AttendanceRefused):
            sign_with_code(session, trainee, code, direction="out")


def test_it_refuses_someone_not_on_the_roster(running, person_factory):
    c, session = running
    stranger = person_factory(name="黄天明")
    with at(session.starts_at):
        code, _ = current_code(session)
        with pytest.raises(AttendanceRefused) as info:
            sign_with_code(session, stranger, code)
    assert info.value.reason == "not_on_roster"
    assert RefusedAttendance.objects.get().person == stranger


def test_it_refuses_a_wrong_name(running, trainee):
    c, session = running
    with at(session.starts_at):
        code, _ = current_code(session)
        with pytest.raises(AttendanceRefused) as info:
            attendance_sign(
                session=session,
                direction="in",
                method="code",
                id_number=trainee.id_number,
                name="别人",
                code=code,
            )
    assert info.value.reason == "unknown_person"


def test_it_refuses_twice(running, trainee):
    c, session = running
    with at(session.starts_at):
        code, _ = current_code(session)
        sign_with_code(session, trainee, code)
        with pytest.raises(AttendanceRefused) as info:
            sign_with_code(session, trainee, code)
    assert info.value.reason == "twice"
    assert Attendance.objects.count() == 1


def test_it_refuses_a_sign_out_without_a_sign_in(running, trainee):
    c, session = running
    with at(session.ends_at):
        with pytest.raises(AttendanceRefused) as info:
            attendance_sign(session=session, direction="out", method="terminal", person=trainee)
    assert info.value.reason == "not_signed_in"


def test_it_refuses_overlapping_sessions_across_institutions(
    lu, rival, school, class_factory, trainee
):
    ours = class_factory(lu, trainees=[trainee])
    # The other institution's class runs an hour later on the same days, overlapping ours.
    first = ours.sessions.first()
    theirs = class_factory(rival, trainees=[trainee], start=first.starts_at + dt.timedelta(hours=1))
    clash = theirs.sessions.first()
    with at(first.starts_at + dt.timedelta(minutes=1)):
        attendance_sign(session=first, direction="in", method="terminal", person=trainee)
    with at(clash.starts_at):
        with pytest.raises(AttendanceRefused) as info:
            attendance_sign(session=clash, direction="in", method="terminal", person=trainee)
    assert info.value.reason == "overlap"
    # The rival's officer is told when the clash is, not which school's class the trainee
    # attends: that is outside what an officer may see of a trainee.
    assert "广西南宁技师学院" not in info.value.message
    assert ours.name not in info.value.message
    assert f"{timezone.localtime(first.starts_at):%m-%d %H:%M}" in info.value.message
    assert refused("overlap")


def test_back_to_back_sessions_do_not_overlap(lu, rival, school, class_factory, trainee):
    ours = class_factory(lu, trainees=[trainee])
    first = ours.sessions.first()
    theirs = class_factory(rival, trainees=[trainee], start=first.ends_at)
    after = theirs.sessions.first()
    with at(first.starts_at):
        attendance_sign(session=first, direction="in", method="terminal", person=trainee)
    with at(after.starts_at):
        attendance_sign(session=after, direction="in", method="terminal", person=trainee)
    assert Attendance.objects.filter(person=trainee).count() == 2


def test_it_refuses_a_class_not_approved(lu, school, class_factory, trainee):
    c = class_factory(lu, trainees=[trainee], approve=False)
    session = c.sessions.first()
    with at(session.starts_at):
        with pytest.raises(AttendanceRefused) as info:
            attendance_sign(session=session, direction="in", method="terminal", person=trainee)
    assert info.value.reason == "class_not_running"


def test_the_teacher_marks_by_hand_with_a_reason_after_the_session(lu, running, trainee):
    c, session = running
    with at(session.ends_at + dt.timedelta(hours=3)):
        record = attendance_sign(
            session=session,
            direction="in",
            method="manual",
            person=trainee,
            by=lu,
            reason="手机没电，教师现场核对身份证",
        )
    assert record.by == lu and record.reason.startswith("手机没电")
    with at(session.ends_at + dt.timedelta(hours=30)):
        with pytest.raises(AttendanceRefused):
            attendance_sign(
                session=session,
                direction="out",
                method="manual",
                person=trainee,
                by=lu,
                reason="补签",
            )


def test_many_trainees_from_one_phone_are_flagged_not_refused(
    lu, school, class_factory, person_factory
):
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝一", "蓝二", "蓝三", "蓝四")]
    c = class_factory(lu, trainees=people)
    session = c.sessions.first()
    for i, person in enumerate(people):
        with at(session.starts_at + dt.timedelta(seconds=20 * i)):
            code, _ = current_code(session)
            sign_with_code(session, person, code, device="same-phone")
    records = Attendance.objects.filter(device="same-phone").order_by("at")
    assert records.count() == 4
    assert [bool(r.flag) for r in records] == [True, True, True, True]
    assert "3名学员" in records[0].flag or "4名学员" in records[0].flag


def test_two_phones_are_not_flagged(lu, school, class_factory, person_factory):
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝一", "蓝二")]
    c = class_factory(lu, trainees=people)
    session = c.sessions.first()
    with at(session.starts_at):
        code, _ = current_code(session)
        for i, person in enumerate(people):
            sign_with_code(session, person, code, device=f"phone-{i}")
    assert not Attendance.objects.exclude(flag="").exists()


def test_signing_out_is_taken_only_around_the_end(running, trainee):
    c, session = running
    with at(session.starts_at):
        attendance_sign(session=session, direction="in", method="terminal", person=trainee)
    with at(session.starts_at + dt.timedelta(minutes=30)):
        with pytest.raises(AttendanceRefused) as info:
            attendance_sign(session=session, direction="out", method="terminal", person=trainee)
    assert info.value.reason == "outside_window" and "签退时间为" in info.value.message
    with at(session.ends_at - dt.timedelta(minutes=10)):
        attendance_sign(session=session, direction="out", method="terminal", person=trainee)


def test_signing_in_closes_when_the_session_ends(running, trainee):
    c, session = running
    with at(session.ends_at + dt.timedelta(minutes=1)):
        with pytest.raises(AttendanceRefused) as info:
            attendance_sign(session=session, direction="in", method="terminal", person=trainee)
    assert info.value.reason == "outside_window"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ins_into_overlapping_sessions_let_one_through(
    lu, rival, school, class_factory, trainee
):
    """Two terminals sign one person into overlapping sessions at the same moment.

    The second waits for the first's lock on the person, then must see the first's
    sign-in and refuse. Only PostgreSQL runs the two at once; SQLite queues writers.
    """
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time; nothing runs concurrently")
    ours = class_factory(lu, trainees=[trainee])
    first = ours.sessions.first()
    theirs = class_factory(rival, trainees=[trainee], start=first.starts_at + dt.timedelta(hours=1))
    clash = theirs.sessions.first()
    moment = clash.starts_at + dt.timedelta(minutes=1)
    assert moment < first.ends_at
    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def first_terminal() -> None:
        try:
            with transaction.atomic():
                attendance_sign(session=first, direction="in", method="terminal", person=trainee)
                holding.set()
                release.wait(10)
            outcome["first"] = "signed"
        finally:
            connection.close()

    def second_terminal() -> None:
        try:
            attendance_sign(session=clash, direction="in", method="terminal", person=trainee)
            outcome["second"] = "signed"
        except AttendanceRefused as exc:
            outcome["second"] = exc.reason
        finally:
            connection.close()

    def waiting_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    with at(moment):
        a = threading.Thread(target=first_terminal)
        a.start()
        assert holding.wait(10)
        b = threading.Thread(target=second_terminal)
        b.start()
        for _ in range(200):
            if waiting_on_a_lock():
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("the second sign-in never waited for the first")
        release.set()
        a.join(10)
        b.join(10)
    assert outcome == {"first": "signed", "second": "overlap"}
    assert Attendance.objects.filter(person=trainee, direction="in").count() == 1
