"""The seekers and employers pages as a clerk uses them: registering a ledger person by ID
number (the same answer for nobody and somebody elsewhere), the ledger's job intents, a
status, the list with its export, the person page's section, units and their accounts."""

from __future__ import annotations

import pytest

from skillaid.accounts.models import AuditEntry, User
from skillaid.employment.models import EmploymentStatus, Seeker, StatusRecord
from skillaid.employment.seekers import seeker_register
from tests.conftest import LONGAN, MASHAN
from tests.exports import export_rows

pytest_plugins = ["tests.employment.fixtures_seekers"]
pytestmark = pytest.mark.django_db


def test_a_clerk_registers_a_ledger_person_by_id_number(client, wei, worker, electrician):
    client.force_login(wei)
    answer = client.post(
        "/employment/seekers/new/",
        {
            "id_number": worker.id_number,
            "occupations": "电工",
            "places": ["local", "guangdong"],
            "wage_min": "3800",
            "available_on": "2026-06-01",
        },
    )
    seeker = Seeker.objects.get(person=worker)
    assert answer.status_code == 302 and answer.url == f"/employment/seekers/{seeker.pk}/"
    page = client.get(answer.url).content.decode()
    assert "蓝海燕" in page and worker.id_masked in page and worker.id_number not in page
    assert "电工" in page and "粤桂劳务协作（广东）" in page and "待回访确认" in page


def test_nobody_and_somebody_elsewhere_get_the_same_answer(client, wei, person_factory):
    elsewhere = person_factory(LONGAN, name="黄某")
    client.force_login(wei)
    answers = []
    for number in (elsewhere.id_number, "450124199001011237"):
        page = client.post("/employment/seekers/new/", {"id_number": number})
        assert page.status_code == 200
        text = page.content.decode()
        answers.append(text[text.index('class="errorlist"') :][:120])
    assert answers[0] == answers[1] and "您管辖范围内的台账中没有这个身份证号的人员" in answers[0]
    assert not Seeker.objects.exists()


def test_a_wrong_occupation_is_shown_beside_its_field(client, wei, worker):
    client.force_login(wei)
    page = client.post(
        f"/employment/seekers/new/?person={worker.pk}", {"occupations": "造火箭"}
    ).content.decode()
    assert "“造火箭”不在职业目录中" in page and not Seeker.objects.exists()


def test_the_person_page_offers_registration_then_links_the_record(client, wei, huang, worker):
    client.force_login(wei)
    page = client.get(f"/people/{worker.pk}/").content.decode()
    assert 'id="person-seeker-register"' in page
    seeker = seeker_register(actor=wei, channel="page", person=worker)
    page = client.get(f"/people/{worker.pk}/").content.decode()
    assert f"/employment/seekers/{seeker.pk}/" in page and "person-seeker-register" not in page


def test_the_ledger_intents_button_registers_everyone_who_wants_a_job(
    client, wei, person_factory, clock
):
    for name in ("韦一", "韦二"):
        person_factory(name=name, wants_job=True)
    client.force_login(wei)
    answer = client.post("/employment/seekers/from-ledger/", follow=True)
    assert "已按台账就业意愿为 2 人办理求职登记" in answer.content.decode()
    assert Seeker.objects.filter(county_id=MASHAN).count() == 2
    assert client.get("/employment/seekers/from-ledger/").status_code == 405


def test_a_status_is_recorded_on_its_page_with_errors_beside_the_fields(client, wei, worker):
    seeker = seeker_register(actor=wei, channel="page", person=worker)
    client.force_login(wei)
    url = f"/employment/seekers/{seeker.pk}/status/"
    page = client.post(
        url,
        {
            "status": "outside",
            "confirmed_on": "2026-05-30",
            "confirmed_by": "phone",
            "workplace": "999999",
        },
    ).content.decode()
    assert "就业地区划代码 999999 不存在" in page
    page = client.post(
        url, {"status": "outside", "confirmed_on": "2026-05-30", "confirmed_by": "phone"}
    ).content.decode()
    assert "确认日期2026-05-30晚于今天" in page
    answer = client.post(
        url,
        {
            "status": "outside",
            "confirmed_on": "2026-05-10",
            "confirmed_by": "phone",
            "employer_name": "深圳市某电子厂",
            "workplace": "440300",
        },
    )
    assert answer.status_code == 302
    record = StatusRecord.objects.get(seeker=seeker)
    assert record.workplace_id == "440300" and record.status == EmploymentStatus.OUTSIDE
    page = client.get(f"/employment/seekers/{seeker.pk}/").content.decode()
    assert "区外就业" in page and "深圳市某电子厂" in page and "电话回访" in page


def test_the_list_pages_filters_and_exports_masked(client, wei, person_factory, clock):
    people = [person_factory(name=f"韦{i:02d}") for i in range(3)]
    for p in people:
        seeker_register(actor=wei, channel="page", person=p)
    client.force_login(wei)
    page = client.get("/employment/seekers/?q=韦01").content.decode()
    assert "韦01" in page and "韦02" not in page and "共 1 人" in page
    answer = client.get("/employment/seekers/export/?status=seeking")
    assert answer.status_code == 200
    table = export_rows(answer)
    assert table[1][0] == "姓名"
    rows = table[2:]
    assert len(rows) == 3 and {r[1] for r in rows} == {p.id_masked for p in people}
    assert AuditEntry.objects.filter(action="export", object_type="employment.seeker").exists()


def test_units_are_registered_listed_and_given_an_account_once_shown(client, wei, clock):
    from tests.employment.factories import uscc_new

    client.force_login(wei)
    code = uscc_new()
    answer = client.post(
        "/employment/employers/new/",
        {"kind": "employer", "name": "马山县壮锦工坊", "uscc": code, "region": MASHAN},
    )
    assert answer.status_code == 302
    page = client.post(
        "/employment/employers/new/",
        {"kind": "employer", "name": "别家", "uscc": code[:17] + "#", "region": MASHAN},
    ).content.decode()
    assert "统一社会信用代码格式不对" in page or "校验位错误" in page
    listing = client.get("/employment/employers/").content.decode()
    assert "马山县壮锦工坊" in listing
    pk = int(answer.url.rstrip("/").split("/")[-1])
    opened = client.post(
        f"/employment/employers/{pk}/account/",
        {"username": "zhuangjin", "full_name": "蓝月", "phone": "13907718888"},
    )
    assert opened.status_code == 200
    text = opened.content.decode()
    assert 'id="account-password"' in text and "只显示这一次" in text
    assert "no-store" in opened.headers.get(
        "Cache-Control", ""
    ) or "no-cache" in opened.headers.get("Cache-Control", "")
    user = User.objects.get(username="zhuangjin")
    assert user.role == "employer" and user.must_change_password


def test_the_page_the_api_and_the_export_hold_the_same_seekers(client, wei, person_factory):
    from skillaid.accounts.models import ApiToken
    from skillaid.employment.seekers import status_record

    a = seeker_register(actor=wei, channel="page", person=person_factory(name="韦甲"))
    seeker_register(actor=wei, channel="page", person=person_factory(name="韦乙"))
    status_record(
        actor=wei,
        channel="page",
        seeker=a,
        status=EmploymentStatus.LOCAL,
        confirmed_on=a.registered_on,
        confirmed_by="phone",
    )
    client.force_login(wei)
    _, token = ApiToken.issue(user=wei, name="lists")
    for query in ("status=seeking", "status=employed", "q=韦", "status=nonsense"):
        page = [s.person.name for s in client.get(f"/employment/seekers/?{query}").context["page"]]
        api = client.get(f"/api/employment/seekers?{query}", HTTP_AUTHORIZATION=f"Bearer {token}")
        exported = [
            r[0] for r in export_rows(client.get(f"/employment/seekers/export/?{query}"))[2:]
        ]
        assert page == [i["name"] for i in api.json()["items"]] == exported, query
