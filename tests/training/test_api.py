"""The class and attendance API: terminals sign in over real HTTP routes with a token."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.accounts.models import ApiToken
from skillaid.training.models import Attendance, TrainingClass
from tests.training.fixtures import class_data

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="terminal")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_terminal_signs_in_and_refusals_come_back_as_409(
    client, lu, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户")
    c = class_factory(lu, trainees=[trainee])
    session = c.sessions.first()
    auth = bearer(lu)
    body = {"session": session.pk, "id_number": trainee.id_number, "device": "gate-1"}
    with time_machine.travel(session.starts_at, tick=False):
        first = client.post("/api/attendance", body, content_type="application/json", **auth)
        assert first.status_code == 201 and first.json()["method"] == "terminal"
        again = client.post("/api/attendance", body, content_type="application/json", **auth)
        assert again.status_code == 409 and again.json()["reason"] == "twice"
        listed = client.get(f"/api/sessions/{session.pk}/attendance", **auth).json()
        assert [r["name"] for r in listed] == [trainee.name]
        code = client.get(f"/api/sessions/{session.pk}/code", **auth).json()
        assert len(code["code"]) == 8 and 0 < code["seconds_left"] <= 30
    with time_machine.travel(session.starts_at - dt.timedelta(hours=2), tick=False):
        early = client.post(
            "/api/attendance", {**body, "direction": "out"}, content_type="application/json", **auth
        )
        assert early.status_code == 409 and early.json()["reason"] == "outside_window"
    assert Attendance.objects.count() == 1


def test_a_clerk_token_cannot_sign_people_in(client, lu, wei, school, class_factory):
    c = class_factory(lu)
    session = c.sessions.first()
    with time_machine.travel(session.starts_at, tick=False):
        response = client.post(
            "/api/attendance",
            {"session": session.pk, "id_number": c.enrolments.get().person.id_number},
            content_type="application/json",
            **bearer(wei),
        )
    assert response.status_code == 403


def test_another_institution_gets_404_for_the_session(client, lu, rival, school, class_factory):
    c = class_factory(lu)
    response = client.post(
        "/api/attendance",
        {"session": c.sessions.first().pk, "id_number": "x"},
        content_type="application/json",
        **bearer(rival),
    )
    assert response.status_code == 404


def test_classes_are_created_declared_and_reviewed_by_api(
    client, lu, wei, school, occupation, person_factory
):
    from django.utils import timezone

    start = (timezone.now() + dt.timedelta(days=10)).replace(hour=1, minute=0)
    data = class_data(occupation, start)
    data["occupation_id"] = data.pop("occupation")
    officer = bearer(lu)
    created = client.post("/api/classes", data, content_type="application/json", **officer)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert len(created.json()["sessions"]) == 2
    trainee = person_factory(category="脱贫户")
    added = client.post(
        f"/api/classes/{pk}/roster",
        {"id_number": trainee.id_number, "name": trainee.name},
        content_type="application/json",
        **officer,
    )
    assert added.status_code == 201 and added.json()["eligible"] is True
    assert client.post(f"/api/classes/{pk}/declare", **officer).json()["status"] == "declared"
    refused = client.post(
        f"/api/classes/{pk}/review",
        {"decision": "reject"},
        content_type="application/json",
        **bearer(wei),
    )
    assert refused.status_code == 422 and "原因" in refused.json()["detail"]["note"]
    approved = client.post(
        f"/api/classes/{pk}/review",
        {"decision": "approve"},
        content_type="application/json",
        **bearer(wei),
    )
    assert approved.json()["status"] == "approved"
    assert TrainingClass.objects.get().reviewed_by == wei


def test_bad_class_input_names_its_field(client, lu, school, occupation):
    from django.utils import timezone

    start = (timezone.now() + dt.timedelta(days=10)).replace(hour=1, minute=0, second=0)
    data = class_data(occupation, start)
    data["occupation_id"] = data.pop("occupation")
    data["county"] = "999999"
    response = client.post("/api/classes", data, content_type="application/json", **bearer(lu))
    assert response.status_code == 422
    assert "999999" in response.json()["detail"]["county"]


def test_certificate_verification_is_public_and_throttled(client, db, settings):
    # One minute, held still: the limit counts look-ups per address per clock minute.
    with time_machine.travel(dt.datetime(2026, 12, 2, 8, 0, 5, tzinfo=dt.UTC), tick=False):
        response = client.get("/api/certificates/verify", {"number": "S000"})
        assert response.status_code == 200 and response.json()["genuine"] is False
        # The count is kept in the database (tests/evaluation/test_verify_limit.py): the
        # first look-up above is one of the 30.
        codes = [
            client.get("/api/certificates/verify", {"number": "S000"}).status_code
            for _ in range(30)
        ]
    assert codes[:29] == [200] * 29 and codes[29] == 429


def test_timetable_errors_come_back_as_a_list_with_line_numbers(client, lu, school, occupation):
    from django.utils import timezone

    # 09:00 in Nanning, whenever the suite runs: a session starting late in the evening would
    # run past midnight and be refused itself.
    start = (timezone.now() + dt.timedelta(days=10)).replace(hour=1, minute=0, second=0)
    data = class_data(occupation, start)
    data["occupation_id"] = data.pop("occupation")
    good = data["timetable"].splitlines()[0]
    data["timetable"] = f"{good}\n下周一上午 50%\n\n2026-02-30 09:00-10:00 教室 韦老师"
    response = client.post("/api/classes", data, content_type="application/json", **bearer(lu))
    assert response.status_code == 422
    errors = response.json()["detail"]["timetable"]
    assert [e["line"] for e in errors] == [2, 4]
    assert errors[0]["msg"] == (
        "第2行“下周一上午 50%”看不懂，应写成“2026-12-01 09:00-12:00 地点 教师”"
    )
    assert errors[1]["msg"] == "第4行的日期“2026-02-30”不存在"
    assert not TrainingClass.objects.exists()
