import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from skillaid.accounts.models import User
from skillaid.institutions import capacity
from skillaid.institutions.models import Capacity, Institution
from skillaid.pairings import services as pairing_services
from skillaid.pairings.models import Pairing, WorkPlan
from tests.conftest import LONGAN, MASHAN
from tests.exports import export_rows


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login


def test_every_page_opens_for_every_persona(as_user, pairings, wei, lu, liang, qin):
    mashan = Pairing.objects.get(county_id=MASHAN)
    for user in (wei, lu, liang, qin):
        c = as_user(user)
        for url in (
            "/pairings/",
            f"/pairings/{mashan.pk}/",
            f"/counties/{MASHAN}/",
            "/institutions/",
            f"/institutions/{mashan.school_id}/",
            "/capacity/",
            "/catalogue/",
        ):
            response = c.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)


def test_a_school_officer_sees_only_its_own_pairings(as_user, pairings, lu):
    c = as_user(lu)
    body = c.get("/pairings/").content.decode()
    assert "马山县" in body and "隆安县" in body and "融水" not in body
    other = Pairing.objects.exclude(school=lu.institution).first()
    assert c.get(f"/pairings/{other.pk}/").status_code == 404
    assert c.get(f"/institutions/{other.school_id}/").status_code == 404


def test_a_clerk_sees_their_county_and_its_school_but_not_the_neighbours_pairing(
    as_user, pairings, wei
):
    c = as_user(wei)
    mashan = Pairing.objects.get(county_id=MASHAN)
    longan = Pairing.objects.get(county_id=LONGAN)
    assert mashan.school_id == longan.school_id
    assert c.get(f"/pairings/{mashan.pk}/").status_code == 200
    assert c.get(f"/pairings/{longan.pk}/").status_code == 404
    assert c.get(f"/counties/{LONGAN}/").status_code == 404
    body = c.get("/pairings/").content.decode()
    assert "马山县" in body and "隆安县" not in body
    school_page = c.get(f"/institutions/{mashan.school_id}/").content.decode()
    # The school's page carries the pairings section, within the clerk's scope.
    assert 'id="school-pairings"' in school_page
    assert f"/pairings/{mashan.pk}/" in school_page and f"/pairings/{longan.pk}/" not in school_page
    rongshui = Pairing.objects.get(county__name__startswith="融水")
    assert c.get(f"/institutions/{rongshui.school_id}/").status_code == 404


def test_the_officer_files_a_work_plan_on_the_page(as_user, pairings, lu, wei):
    mashan = Pairing.objects.get(county_id=MASHAN)
    year = dt.date.today().year
    form = {
        "year": year,
        "planned_enrolments": 8,
        "note": "",
        "occupation_1": "中式烹调师",
        "month_1": 4,
        "trainees_1": 35,
    }
    assert as_user(wei).post(f"/pairings/{mashan.pk}/plan/", form).status_code == 403
    response = as_user(lu).post(f"/pairings/{mashan.pk}/plan/", form, follow=True)
    assert "计划培训 35 人" in response.content.decode()
    assert WorkPlan.objects.get(pairing=mashan, year=year).planned_enrolments == 8
    bad = as_user(lu).post(f"/pairings/{mashan.pk}/plan/", form | {"month_1": 13}, follow=True)
    assert "月份" in bad.content.decode()


def test_overdue_summaries_show_on_both_sides(as_user, pairings, lu, wei):
    mashan = Pairing.objects.get(county_id=MASHAN)
    # 15 July of next year: the half-year summary due on 30 June is overdue, whatever today is.
    year = dt.date.today().year + 1
    with time_machine.travel(dt.datetime(year, 7, 15, 2, tzinfo=dt.UTC), tick=False):
        for user in (lu, wei):  # who changed their passwords lately, as the rules ask
            User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
        for user in (lu, wei):
            assert "逾期未报送" in as_user(user).get(f"/pairings/{mashan.pk}/").content.decode()
        pairing_services.summary_submit(
            actor=lu,
            channel="page",
            pairing=mashan,
            year=year,
            period="half",
            text="上半年完成培训 60 人",
        )
        assert "逾期报送" in as_user(wei).get(f"/pairings/{mashan.pk}/").content.decode()


def test_institution_pages_create_edit_and_export(as_user, regions, wei, qin, tmp_path):
    c = as_user(wei)
    response = c.post(
        "/institutions/new/",
        {
            "name": "马山县阳光职业培训学校",
            "kind": "private_provider",
            "uscc": "91450124MA5K00001X",
            "region": MASHAN,
        },
    )
    assert response.status_code == 200 and "校验位错误" in response.content.decode()
    assert not Institution.objects.exists()
    from skillaid.lib.uscc import make_code

    code = make_code("52450124MJ0000001")
    response = c.post(
        "/institutions/new/",
        {
            "name": "马山县阳光职业培训学校",
            "kind": "private_provider",
            "uscc": code,
            "region": MASHAN,
        },
    )
    inst = Institution.objects.get()
    assert response.status_code == 302 and inst.uscc == code
    assert c.post(f"/institutions/{inst.pk}/status/", {"status": "listed"}).status_code == 403
    c = as_user(qin)
    c.post(f"/institutions/{inst.pk}/status/", {"status": "listed"})
    inst.refresh_from_db()
    assert inst.status == "listed"
    rows = export_rows(c.get("/institutions/export.xlsx"))
    assert rows[0][0].startswith("广西壮族自治区 院校与培训机构目录（导出于 ")
    assert (
        rows[1][:3] == ["名称", "类型", "统一社会信用代码"]
        and rows[2][0] == "马山县阳光职业培训学校"
    )


def test_capacity_registry_counts_and_scopes(as_user, regions, wei, huang, liang):
    year = dt.date.today().year
    c = as_user(wei)
    response = c.post(
        "/capacity/new/",
        {
            "kind": "assessment_norm",
            "name": "马山黑山羊养殖专项能力",
            "region": MASHAN,
            "year": year,
        },
    )
    assert response.status_code == 302
    item = Capacity.objects.get()
    assert "马山黑山羊养殖专项能力" in c.get("/capacity/").content.decode()
    # The city sees which of its key counties still lack an assessment norm.
    body = as_user(liang).get("/capacity/").content.decode()
    norms = body[body.index("专项职业能力考核规范：") :].split("。")[0]
    assert "隆安县" in norms and "马山县" not in norms
    assert as_user(huang).get(f"/capacity/{item.pk}/edit/").status_code == 404
    assert "马山黑山羊" not in as_user(huang).get("/capacity/").content.decode()


def test_the_pairing_export_holds_only_the_callers_pairings(as_user, pairings, wei, tmp_path):
    rows = export_rows(as_user(wei).get("/pairings/export.xlsx"))
    assert rows[0][0].startswith("广西壮族自治区南宁市马山县 技工院校结对帮扶（导出于 ")
    assert rows[1][:5] == ["市", "县", "安置区", "类别", "结对院校"]
    assert {r[1] for r in rows[2:]} == {"马山县"} and len(rows) == 4  # the county and its site


def test_key_schools_published_after_april_are_marked_late(regions, qin, pairings):
    year = dt.date.today().year
    school = Institution.objects.get(name="广西南宁技师学院")
    on_time = capacity.capacity_create(
        actor=qin,
        channel="page",
        data={
            "kind": "key_school",
            "name": "广西南宁技师学院",
            "region": "450100",
            "year": year,
            "institution": school,
            "published_on": dt.date(year, 4, 28),
        },
    )
    late = capacity.capacity_create(
        actor=qin,
        channel="page",
        data={
            "kind": "key_major",
            "name": "烹饪（中式烹调）",
            "region": "450100",
            "year": year,
            "institution": school,
            "published_on": dt.date(year, 5, 6),
        },
    )
    assert not on_time.published_late and late.published_late
