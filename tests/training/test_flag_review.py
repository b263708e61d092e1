"""Monitoring a session: refused sign-ins name the trainee, and the county bureau confirms or
clears a sign-in flagged for review (shared phone), with a reason, logged; cleared ones do not
count as attended."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from skillaid.accounts.models import AuditEntry
from skillaid.training.attendance import (
    AttendanceRefused,
    attendance_flag_settle,
    attendance_sign,
    current_code,
)
from skillaid.training.classes import attendance_counts
from skillaid.training.models import Attendance, RefusedAttendance

pytestmark = pytest.mark.django_db


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def shared_phone(lu, school, class_factory, person_factory):
    """A class of four whose first session they all signed into from one phone, and signed out."""
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝一", "蓝二", "蓝三", "蓝四")]
    c = class_factory(lu, trainees=people)
    session = c.sessions.first()
    for i, person in enumerate(people):
        with at(session.starts_at + dt.timedelta(seconds=20 * i)):
            code, _ = current_code(session)
            attendance_sign(
                session=session,
                direction="in",
                method="code",
                id_number=person.id_number,
                name=person.name,
                code=code,
                device="same-phone",
            )
    with at(session.ends_at):
        for person in people:
            attendance_sign(session=session, direction="out", method="terminal", person=person)
    flagged = list(Attendance.objects.exclude(flag="").order_by("at"))
    assert len(flagged) == 4
    return c, session, flagged


def test_an_early_sign_out_refusal_names_the_trainee_with_the_masked_number(
    client, lu, running_class
):
    c, session, trainee = running_class
    with at(session.starts_at + dt.timedelta(minutes=5)):
        attendance_sign(session=session, direction="in", method="terminal", person=trainee)
        with pytest.raises(AttendanceRefused) as info:
            attendance_sign(session=session, direction="out", method="terminal", person=trainee)
        assert info.value.reason == "outside_window"
        code, _ = current_code(session)
        with pytest.raises(AttendanceRefused):  # by code and number, too early to sign out
            attendance_sign(
                session=session,
                direction="out",
                method="code",
                id_number=trainee.id_number,
                name=trainee.name,
                code=code,
            )
        assert RefusedAttendance.objects.filter(person=trainee).count() == 2
        client.force_login(lu)
        pages = [
            client.get(reverse("session_live", args=[session.pk])).content.decode(),
            client.get(reverse("class_detail", args=[c.pk])).content.decode(),
        ]
    for page in pages:
        assert f"{trainee.name}（{trainee.id_masked}）" in page


@pytest.fixture
def running_class(lu, school, class_factory, person_factory):
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee])
    return c, c.sessions.first(), trainee


def test_the_flag_reason_is_shown_as_text_not_only_as_a_tooltip(client, lu, shared_phone):
    c, session, flagged = shared_phone
    client.force_login(lu)
    live = client.get(reverse("session_live", args=[session.pk])).content.decode()
    assert 'title="' not in live
    assert all(a.flag in live for a in flagged) and live.count(">待核查<") == 4


def test_the_county_bureau_confirms_and_clears_flags_and_cleared_ones_do_not_count(
    wei, shared_phone
):
    c, session, flagged = shared_phone
    total, attended = attendance_counts(c)
    assert all(attended[a.enrolment_id] == 1 for a in flagged)  # pending flags still count
    confirmed = attendance_flag_settle(
        actor=wei,
        record=flagged[0],
        outcome="confirmed",
        reason="电话核实，本人手机没电借用同学手机",
    )
    cleared = attendance_flag_settle(
        actor=wei, record=flagged[1], outcome="cleared", reason="本人当天在外地务工，系代签"
    )
    assert confirmed.flag_outcome == "confirmed" and confirmed.flag_settled_by == wei
    assert cleared.flag_settled_at is not None and cleared.flag_reason.startswith("本人当天")
    _, attended = attendance_counts(c)
    assert attended.get(flagged[0].enrolment_id) == 1
    assert attended.get(flagged[1].enrolment_id) is None
    entry = AuditEntry.objects.filter(object_type="training.attendance").get(
        object_id=str(cleared.pk)
    )
    assert entry.actor == wei and entry.person_id == cleared.person_id
    assert entry.changes["flag_outcome"] == ["", "cleared"] and "代签" in entry.note


def test_a_flag_is_settled_once_with_a_reason_and_only_by_the_bureau_of_the_county(
    lu, wei, huang, shared_phone
):
    c, session, flagged = shared_phone
    with pytest.raises(PermissionDenied, match="本机构不能核查"):
        attendance_flag_settle(actor=lu, record=flagged[0], outcome="cleared", reason="代签")
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        attendance_flag_settle(actor=huang, record=flagged[0], outcome="cleared", reason="代签")
    with pytest.raises(ValidationError, match="核查说明"):
        attendance_flag_settle(actor=wei, record=flagged[0], outcome="cleared", reason="  ")
    attendance_flag_settle(actor=wei, record=flagged[0], outcome="confirmed", reason="属实")
    with pytest.raises(ValidationError, match="不能再次核查"):
        attendance_flag_settle(actor=wei, record=flagged[0], outcome="cleared", reason="改判")
    sign_out = Attendance.objects.get(session=session, person=flagged[1].person, direction="out")
    with pytest.raises(ValidationError, match="无需核查"):
        attendance_flag_settle(actor=wei, record=sign_out, outcome="cleared", reason="x")


def test_the_session_page_offers_the_review_to_the_bureau_and_not_to_the_officer(
    client, lu, wei, shared_phone
):
    c, session, flagged = shared_phone
    url = reverse("session_flag_settle", args=[session.pk, flagged[2].pk])
    client.force_login(lu)
    assert url not in client.get(reverse("session_run", args=[session.pk])).content.decode()
    assert client.post(url, {"outcome": "cleared", "reason": "代签"}).status_code == 403
    client.force_login(wei)
    page = client.get(reverse("session_run", args=[session.pk])).content.decode()
    assert url in page and "核查不属实，不计出勤" in page
    answer = client.post(url, {"outcome": "cleared", "reason": "本人不在场"}, follow=True)
    text = answer.content.decode()
    assert "已核查蓝三的签到：核查不属实，不计出勤" in text and "本人不在场" in text
    assert url not in text
    assert Attendance.objects.get(pk=flagged[2].pk).flag_outcome == "cleared"
    answer = client.post(
        reverse("session_flag_settle", args=[session.pk, flagged[3].pk]),
        {"outcome": "confirmed", "reason": ""},
        follow=True,
    )
    assert "须填写核查说明" in answer.content.decode()
