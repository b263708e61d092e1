"""The recruitment contacts and the monthly monitoring over the API: the same list, the same
refusals and the same audit entries as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.accounts.models import Action, ApiToken, AuditEntry
from skillaid.students.models import MonthlyRecord, RecruitmentContact

from .factories_care import at, enrol, youth

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(dt.date(2026, 3, 16)), tick=False):
        yield


def bearer(user) -> dict:
    _, token = ApiToken.issue(user=user, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def wanting(pairings, person_factory):
    return youth(person_factory, name="蓝小燕", phone="13800000001")


def test_an_officer_lists_records_and_reads_contacts(client, lu, wanting):
    auth = bearer(lu)
    items = client.get("/api/recruitment/people", **auth).json()["items"]
    assert [(i["name"], i["age"]) for i in items] == [("蓝小燕", 16)]
    assert "phone" not in items[0]
    url = f"/api/recruitment/people/{wanting.pk}/contacts"
    body = {"contacted_on": "2026-03-12", "channel": "visit", "outcome": "applied", "major": "电工"}
    response = client.post(url, body, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    assert response.json()["school_name"] == "广西南宁技师学院"
    assert [c["outcome"] for c in client.get(url, **auth).json()] == ["applied"]


def test_a_declined_contact_without_a_reason_is_a_422(client, lu, wanting):
    response = client.post(
        f"/api/recruitment/people/{wanting.pk}/contacts",
        {"contacted_on": "2026-03-12", "channel": "phone", "outcome": "declined"},
        content_type="application/json",
        **bearer(lu),
    )
    assert response.status_code == 422
    assert "不愿就读的原因" in response.json()["detail"]["reason"]


def test_another_schools_officer_gets_a_404_for_a_person_outside_its_pairings(
    client, rival, wanting
):
    auth = bearer(rival)
    response = client.post(
        f"/api/recruitment/people/{wanting.pk}/contacts",
        {"contacted_on": "2026-03-12", "channel": "phone", "outcome": "interested"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert client.post(f"/api/recruitment/people/{wanting.pk}/phone", **auth).status_code == 404
    assert not RecruitmentContact.objects.exists()


def test_the_phone_reveal_is_logged(client, lu, wanting):
    response = client.post(f"/api/recruitment/people/{wanting.pk}/phone", **bearer(lu))
    assert response.json() == {"phone": "13800000001"}
    assert AuditEntry.objects.filter(action=Action.REVEAL_PHONE, channel="api").count() == 1


def test_a_month_is_listed_and_recorded(client, lu, person_factory):
    student = enrol(youth(person_factory, name="在读生"), lu.institution, dt.date(2025, 9, 1))
    auth = bearer(lu)
    rows = client.get("/api/monitoring?month=2026-03", **auth).json()
    assert [(r["name"], r["missing"]) for r in rows] == [("在读生", True)]
    response = client.put(
        f"/api/monitoring/{student.pk}/records/2026-03",
        {"grades": "良", "attendance_rate": "96.5", "help_given": ["tutoring"]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    assert MonthlyRecord.objects.get().month == dt.date(2026, 3, 1)
    assert client.get("/api/monitoring?month=2026-03", **auth).json()[0]["missing"] is False
    future = client.put(
        f"/api/monitoring/{student.pk}/records/2026-04", {}, content_type="application/json", **auth
    )
    assert future.status_code == 422 and "尚未到来" in future.json()["detail"]["month"]


def test_huang_cannot_record_or_list_a_mashan_student(client, huang, lu, person_factory):
    student = enrol(youth(person_factory, name="在读生"), lu.institution, dt.date(2025, 9, 1))
    auth = bearer(huang)
    assert client.get("/api/monitoring", **auth).json() == []
    response = client.put(
        f"/api/monitoring/{student.pk}/records/2026-03", {}, content_type="application/json", **auth
    )
    assert response.status_code == 404
