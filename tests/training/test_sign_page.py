"""The trainee's sign-in page needs no login: it shows nothing of a class that is not running
and takes no sign-in there, and looks the same as for a session that does not exist."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from skillaid.training.attendance import current_code
from skillaid.training.models import Attendance, ClassStatus, RefusedAttendance, TrainingClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(person_factory):
    return person_factory(category="脱贫户", name="蓝海燕")


@pytest.mark.parametrize(
    "status",
    [
        ClassStatus.DRAFT,
        ClassStatus.DECLARED,
        ClassStatus.RETURNED,
        ClassStatus.REJECTED,
        ClassStatus.CLOSED,
    ],
)
def test_a_class_that_is_not_running_shows_nothing_and_takes_no_sign_in(
    client, lu, school, class_factory, trainee, status
):
    c = class_factory(lu, trainees=[trainee])
    TrainingClass.objects.filter(pk=c.pk).update(status=status)
    session = c.sessions.first()
    url = reverse("sign", args=[session.pk])
    with time_machine.travel(session.starts_at, tick=False):
        code, _ = current_code(session)
        shown = client.get(url)
        posted = client.post(
            url,
            {"id_number": trainee.id_number, "name": trainee.name, "code": code, "direction": "in"},
        )
    for answer in (shown, posted):
        assert answer.status_code == 404
        body = answer.content.decode()
        assert "该课次不可签到" in body
        for secret in (c.name, lu.institution.name, session.place, f"{session.starts_at:%Y-%m-%d}"):
            assert secret not in body
    assert not Attendance.objects.exists() and not RefusedAttendance.objects.exists()
    missing = client.get(reverse("sign", args=[session.pk + 1000]))
    assert missing.status_code == 404 and "该课次不可签到" in missing.content.decode()


def test_a_running_class_shows_its_session_to_the_trainee(
    client, lu, school, class_factory, trainee
):
    c = class_factory(lu, trainees=[trainee])
    session = c.sessions.first()
    with time_machine.travel(session.starts_at, tick=False):
        code, _ = current_code(session)
        page = client.get(reverse("sign", args=[session.pk]))
        signed = client.post(
            reverse("sign", args=[session.pk]),
            {"id_number": trainee.id_number, "name": trainee.name, "code": code, "direction": "in"},
        )
    assert page.status_code == 200 and c.name in page.content.decode()
    assert signed.status_code == 200 and Attendance.objects.filter(person=trainee).exists()
