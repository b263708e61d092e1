"""The postings pages: an employer's account lists, posts, edits and closes its own
postings and gets a 404 for another unit's; refusals stand next to their fields; the
在招 filter; the export; the import page starts a job; fairs; the section on the
employer's home page; the pages open to employers' accounts are exactly the registered
ones."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from skillaid.accounts.middleware import EMPLOYER_PATHS
from skillaid.accounts.models import AuditEntry
from skillaid.accounts.sections import sections
from skillaid.employment.models import JobFair, Posting
from skillaid.employment.postings import posting_close, posting_create
from skillaid.lib.sheets import open_table
from tests.conftest import MASHAN
from tests.employment import factories
from tests.employment.fixtures_postings import (
    NOW,
    TODAY,
    account,
    catalogue,
    posting_data,
    row,
    workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day(regions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    catalogue()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def food(regions):
    return factories.employer("马山县壮乡食品厂", region=MASHAN)


@pytest.fixture
def shipin(food):
    return account(food, "shipin")


def form(**extra) -> dict[str, str]:  # noqa: ANN003
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in posting_data().items()}
    data["campaign"] = "spring_breeze"
    data.update(extra)
    return data


def test_an_employer_account_posts_and_sees_it_in_its_list(client, shipin, food):
    client.force_login(shipin)
    page = client.get("/employment/postings/new/")
    assert (
        page.status_code == 200
        and "为本单位（马山县壮乡食品厂）发布招聘岗位" in page.content.decode()
    )
    response = client.post("/employment/postings/new/", form(title="包装工", occupation="电工"))
    posting = Posting.objects.get()
    assert response.status_code == 302 and response.url == f"/employment/postings/{posting.pk}/"
    assert posting.employer == food and posting.created_by == shipin
    html = client.get("/employment/postings/").content.decode()
    assert "包装工" in html and "在招" in html


def test_refusals_stand_next_to_their_fields(client, shipin):
    client.force_login(shipin)
    response = client.post(
        "/employment/postings/new/",
        form(title="", occupation="不存在的工种", wage_max="100", places="0"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_title_error"' in html and "请填写岗位名称" in html
    assert 'id="id_occupation_error"' in html and "不在职业目录中" in html
    assert 'id="id_wage_max_error"' in html and "不能低于月薪下限" in html
    assert 'id="id_places_error"' in html and "招聘人数至少为1人" in html
    assert not Posting.objects.exists()


def test_an_employer_account_edits_and_closes_its_own_and_not_anothers(client, wei, shipin, food):
    other = factories.employer("马山县黑山羊合作社", region=MASHAN)
    mine = posting_create(actor=shipin, channel="page", data=posting_data())
    theirs = posting_create(actor=wei, channel="page", data=posting_data(employer=other.uscc))
    client.force_login(shipin)
    for url in (f"/employment/postings/{theirs.pk}/", f"/employment/postings/{theirs.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert "维修电工" in client.get(f"/employment/postings/{mine.pk}/").content.decode()
    edit = client.get(f"/employment/postings/{mine.pk}/edit/").content.decode()
    assert "停止招聘" in edit and 'name="employer"' not in edit
    client.post(f"/employment/postings/{mine.pk}/edit/", form(places="6"))
    mine.refresh_from_db()
    assert mine.places == 6
    response = client.post(
        f"/employment/postings/{mine.pk}/edit/", {"action": "close", "on": "2026-04-15"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.closed_on == TODAY
    html = client.get("/employment/postings/?open=1").content.decode()
    assert "没有符合条件的招聘岗位" in html


def test_the_open_filter_leaves_out_expired_and_closed_postings(client, wei, food):
    live = posting_create(actor=wei, channel="page", data=posting_data(employer=food.uscc))
    expired = posting_create(
        actor=wei,
        channel="page",
        data=posting_data(employer=food.uscc, title="过期岗位", valid_until=dt.date(2026, 4, 1)),
    )
    closed = posting_create(
        actor=wei, channel="page", data=posting_data(employer=food.uscc, title="停招岗位")
    )
    posting_close(actor=wei, channel="page", posting=closed, on=dt.date(2026, 4, 10))
    client.force_login(wei)
    everything = client.get("/employment/postings/").content.decode()
    assert all(p.title in everything for p in (live, expired, closed))
    assert "已过期" in everything and "已停止招聘" in everything
    open_only = client.get("/employment/postings/?open=1").content.decode()
    assert "维修电工" in open_only and "过期岗位" not in open_only and "停招岗位" not in open_only


def test_the_export_is_the_filtered_list_and_is_logged(client, wei, food, tmp_path):
    posting_create(actor=wei, channel="page", data=posting_data(employer=food.uscc))
    posting_create(
        actor=wei,
        channel="page",
        data=posting_data(employer=food.uscc, title="厨师", occupation="中式烹调师", campaign=""),
    )
    client.force_login(wei)
    response = client.get("/employment/postings/export.xlsx?campaign=spring_breeze")
    assert response.status_code == 200
    path = tmp_path / "postings.xlsx"
    path.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = [str(c) for r in open_table(path).rows() for c in r]
    assert "维修电工" in text and "厨师" not in text and "春风行动" in text
    assert AuditEntry.objects.filter(action="export", actor=wei).exists()


def test_the_import_page_starts_a_job_whose_page_shows_the_bad_row(client, shipin, food, tmp_path):
    client.force_login(shipin)
    assert client.get("/employment/postings/import/").status_code == 200
    path = workbook(tmp_path / "岗位.xlsx", [row(food, "包装工"), row(food, "电工", code="1-2")])
    upload = SimpleUploadedFile("岗位.xlsx", path.read_bytes())
    response = client.post("/employment/postings/import/", {"file": upload})
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    html = client.get(response.url).content.decode()
    assert "第4行" in html and "D列“职业编码”" in html
    assert Posting.objects.count() == 1
    assert client.get("/imports/history/").status_code == 200


def test_a_clerk_registers_a_fair_and_an_employer_account_may_not(client, wei, shipin):
    client.force_login(wei)
    response = client.post(
        "/employment/fairs/",
        {
            "name": "马山县春风行动招聘会",
            "campaign": "spring_breeze",
            "region": MASHAN,
            "held_on": "2026-03-05",
        },
    )
    assert response.status_code == 302 and JobFair.objects.count() == 1
    bad = client.post("/employment/fairs/", {"name": "", "region": "450123", "held_on": ""})
    html = bad.content.decode()
    assert "请填写招聘会名称" in html and "不在您的管辖范围内" in html
    client.force_login(shipin)
    assert client.get("/employment/fairs/").status_code == 403


def test_the_employer_home_section_lists_its_open_postings(shipin, food, wei):
    open_one = posting_create(actor=shipin, channel="page", data=posting_data(title="包装工"))
    posting_create(
        actor=shipin,
        channel="page",
        data=posting_data(title="过期岗位", valid_until=dt.date(2026, 4, 1)),
    )
    request = RequestFactory().get("/")
    request.user = shipin
    html = "".join(sections("employer_home", request, food))
    assert f"/employment/postings/{open_one.pk}/" in html and "包装工" in html
    assert "过期岗位" not in html and "发布岗位" in html


def test_the_pages_open_to_employer_accounts_are_registered(client, shipin):
    for name in (
        "employment_postings",
        "employment_posting",
        "employment_posting_new",
        "employment_posting_edit",
        "employment_posting_import",
        "job",
        "job_list",
        "import_history",
    ):
        assert name in EMPLOYER_PATHS
    assert "employment_fairs" not in EMPLOYER_PATHS
    client.force_login(shipin)
    assert client.get("/ledger/").status_code == 403
    assert client.get("/jobs/").status_code == 200  # 我的任务: their own imports


def test_an_agency_account_posts_for_a_registered_employer_on_the_page(client, food):
    agency = factories.agency("南宁市人力资源服务有限公司")
    client.force_login(account(agency, "renli"))
    unknown = factories.uscc_new()
    refused = client.post("/employment/postings/new/", form(employer=unknown))
    html = refused.content.decode()
    assert 'id="id_employer_error"' in html and "尚未登记" in html
    response = client.post("/employment/postings/new/", form(employer=food.uscc))
    assert response.status_code == 302
    posting = Posting.objects.get()
    assert posting.employer == food and posting.agency == agency
    detail = client.get(response.url).content.decode()
    assert "发布机构" in detail and "南宁市人力资源服务有限公司" in detail
