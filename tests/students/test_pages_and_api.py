"""The students pages and API: the same selector and services; another county's clerk
gets a 404 for a student outside their scope on the page and through the API; the list's
filters; the Excel export with masked IDs; the aid button; refusals in Chinese (422)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.accounts.models import ApiToken, AuditEntry
from skillaid.lib.sheets import open_table
from skillaid.students.models import StatusChange, StudentEnrolment
from tests.conftest import MASHAN, new_id
from tests.students.helpers import enrol, since_long_ago

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_day(regions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def student(lu, person_factory):
    return enrol(lu, since_long_ago(person_factory(name="蓝海燕", category="lifted")))


def test_the_list_shows_the_school_and_the_county_their_students(client, lu, wei, huang, student):
    for user in (lu, wei):
        client.force_login(user)
        html = client.get("/students/").content.decode()
        assert "蓝海燕" in html and "技工院校学生" in html
    client.force_login(huang)
    assert "蓝海燕" not in client.get("/students/").content.decode()


def test_huang_gets_a_404_for_weis_student_on_the_page_and_the_api(client, huang, student):
    client.force_login(huang)
    assert client.get(f"/students/{student.pk}/").status_code == 404
    assert client.get(f"/students/{student.pk}/status/").status_code == 404
    assert client.get(f"/api/students/{student.pk}", **bearer(huang)).status_code == 404
    response = client.post(
        f"/api/students/{student.pk}/status",
        {"to_status": "suspended", "on": "2026-10-01", "reason": "病"},
        content_type="application/json",
        **bearer(huang),
    )
    assert response.status_code == 404
    assert not StatusChange.objects.exists()


def test_the_filters(client, lu, student, person_factory):
    enrol(
        lu,
        person_factory(name="黄平"),
        class_type="advanced",
        track="apprentice",
        partner_name="某厂",
    )
    client.force_login(lu)

    def names(query: str) -> set[str]:
        rows = client.get(f"/api/students?{query}", **bearer(lu)).json()
        return {r["name"] for r in rows}

    assert names("") == {"蓝海燕", "黄平"}
    assert names("assisted=1") == {"蓝海燕"}
    assert names("assisted=0") == {"黄平"}
    assert names("class_type=advanced") == {"黄平"}
    assert names("track=apprentice") == {"黄平"}
    assert names("status=suspended") == set()
    html = client.get("/students/?assisted=1").content.decode()
    assert "蓝海燕" in html and "黄平" not in html


def test_the_export_masks_id_numbers_and_is_logged(client, wei, student, tmp_path):
    client.force_login(wei)
    response = client.get("/students/export.xlsx?status=studying")
    assert response.status_code == 200
    path = tmp_path / "students.xlsx"
    path.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = [str(c) for r in open_table(path).rows() for c in r]
    assert "蓝海燕" in text and student.person.id_masked in text
    assert student.person.id_number not in text
    assert AuditEntry.objects.filter(action="export", actor=wei).exists()


def test_the_officer_enrols_and_changes_status_on_pages(client, lu):
    client.force_login(lu)
    number = new_id(MASHAN, dt.date(2008, 4, 4))
    response = client.post(
        "/students/new/",
        {
            "name": "韦小燕",
            "id_number": number,
            "major": "电子商务",
            "class_type": "intermediate",
            "track": "regular",
            "entered_on": "2026-09-01",
            "expected_graduation": "2029-07-01",
        },
    )
    e = StudentEnrolment.objects.get(person__name="韦小燕")
    assert response.status_code == 302 and response.url == f"/students/{e.pk}/"
    response = client.post(
        f"/students/{e.pk}/status/", {"to_status": "suspended", "on": "2026-10-10"}
    )
    assert "变更为休学须填写原因" in response.content.decode()
    client.post(
        f"/students/{e.pk}/status/",
        {"to_status": "suspended", "on": "2026-10-10", "reason": "生病"},
    )
    e.refresh_from_db()
    assert e.status == "suspended"
    assert "生病" in client.get(f"/students/{e.pk}/").content.decode()


def test_the_county_clerk_reads_but_gets_no_edit_forms(client, wei, student):
    client.force_login(wei)
    html = client.get(f"/students/{student.pk}/").content.decode()
    assert "学籍变动记录" in html and 'id="status-change"' not in html
    assert client.get(f"/students/{student.pk}/status/").status_code == 403
    assert client.get("/students/new/").status_code == 403


def test_the_aid_button_makes_the_terms_claims(client, lu, student):
    from skillaid.subsidies.loading import load_policy_rules
    from skillaid.subsidies.models import Claim

    load_policy_rules()
    client.force_login(lu)
    response = client.post("/students/aid/", {"year": 2026, "term": "autumn"})
    claim = Claim.objects.get(kind="student_aid")
    assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
    client.post("/students/aid/", {"year": 2026, "term": "autumn"})
    assert Claim.objects.count() == 1 and claim.lines.count() == 2
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "广西南宁技师学院2026年09月起学期学生资助" in html and "蓝海燕" in html
    assert "技工院校帮扶家庭学生助学补助" in html and "免学费补助" in html


def test_the_graduates_page(client, wei, lu, student):
    from skillaid.accounts.models import Channel
    from skillaid.students.enrolments import student_graduate

    StudentEnrolment.objects.filter(pk=student.pk).update(
        entered_on=dt.date(2023, 9, 1), status_since=dt.date(2023, 9, 1)
    )
    student.refresh_from_db()
    student_graduate(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=student,
        graduated_on=dt.date(2026, 7, 1),
        outcome="seeking",
    )
    client.force_login(wei)
    assert "蓝海燕" in client.get("/students/graduates/").content.decode()


def test_the_api_enrols_and_changes_status_with_chinese_refusals(client, lu):
    number = new_id(MASHAN, dt.date(2008, 4, 4))
    body = {
        "name": "韦小燕",
        "id_number": number,
        "major": "电子商务",
        "class_type": "中级工班",
        "entered_on": "2026-09-01",
        "expected_graduation": "2026-07-01",
    }
    response = client.post("/api/students", body, content_type="application/json", **bearer(lu))
    assert response.status_code == 422
    assert "须晚于入学日期" in response.json()["detail"]["expected_graduation"]
    body["expected_graduation"] = "2029-07-01"
    response = client.post("/api/students", body, content_type="application/json", **bearer(lu))
    assert response.status_code == 201
    pk = response.json()["id"]
    assert response.json()["id_masked"] != number
    response = client.post(
        f"/api/students/{pk}/status",
        {"to_status": "withdrawn", "on": "2026-10-10"},
        content_type="application/json",
        **bearer(lu),
    )
    assert response.status_code == 422 and "须填写原因" in response.json()["detail"]["reason"]
    response = client.post(
        f"/api/students/{pk}/status",
        {"to_status": "withdrawn", "on": "2026-10-10", "reason": "外出务工"},
        content_type="application/json",
        **bearer(lu),
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert response.json()["changes"][0]["reason"] == "外出务工"
    response = client.post("/api/students", body, content_type="application/json", **bearer(lu))
    assert response.status_code == 201  # the old enrolment has ended: a new one may open


def test_a_second_live_enrolment_through_the_api_is_a_422(client, lu, student):
    body = {
        "name": student.person.name,
        "id_number": student.person.id_number,
        "major": "电工",
        "class_type": "intermediate",
        "entered_on": "2026-09-01",
        "expected_graduation": "2029-07-01",
    }
    response = client.post("/api/students", body, content_type="application/json", **bearer(lu))
    assert response.status_code == 422
    assert "只能有一个在读或休学的学籍" in response.json()["detail"]["id_number"]


def test_the_menu_shows_the_students_entry(client, lu, wei, qin):
    for user in (lu, wei, qin):
        client.force_login(user)
        assert 'id="nav-students"' in client.get("/students/").content.decode()


def test_the_page_api_and_export_hold_the_same_rows(client, lu, wei, person_factory):
    from urllib.parse import urlencode

    from tests.exports import export_rows

    enrol(lu, since_long_ago(person_factory(name="蓝一", category="lifted")))
    enrol(lu, since_long_ago(person_factory(name="蓝二", category="lifted")), class_type="advanced")
    enrol(lu, since_long_ago(person_factory(name="黄三")))
    enrol(lu, since_long_ago(person_factory(name="蓝四", county="450123", category="lifted")))
    client.force_login(wei)
    q = urlencode({"assisted": "1", "class_type": "intermediate"})
    page = [e.person.name for e in client.get(f"/students/?{q}").context["page"].object_list]
    api = [r["name"] for r in client.get(f"/api/students?{q}", **bearer(wei)).json()]
    export = [r[0] for r in export_rows(client.get(f"/students/export.xlsx?{q}"))[2:]]
    assert page == api == export == ["蓝一"]


def test_the_officer_records_graduation_on_the_page(client, lu, person_factory):
    e = enrol(
        lu,
        person_factory(name="蓝一"),
        entered_on=dt.date(2023, 9, 1),
        expected_graduation=dt.date(2026, 7, 1),
    )
    client.force_login(lu)
    assert client.get(f"/students/{e.pk}/graduate/").status_code == 200
    response = client.post(
        f"/students/{e.pk}/graduate/", {"graduated_on": "2026-07-01", "outcome": "recommended"}
    )
    assert "已推荐就业时须填写就业/推荐单位" in response.content.decode()
    response = client.post(
        f"/students/{e.pk}/graduate/",
        {"graduated_on": "2026-07-01", "outcome": "seeking", "internship_employer": "某厂"},
    )
    assert response.status_code == 302
    html = client.get(f"/students/{e.pk}/").content.decode()
    assert "待就业" in html and "某厂" in html and "毕业" in html
    assert "蓝一" in client.get("/students/graduates/").content.decode()
