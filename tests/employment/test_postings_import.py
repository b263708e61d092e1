"""Postings from a real .xlsx on the shared import framework: good rows are stored, a bad
row is reported with its row, column and reason and nothing of it is stored, the same
file twice changes nothing, a dry run stores nothing, an unregistered unit is refused,
an agency's account imports for the employers it names, and the command runs it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from skillaid.accounts.imports.records import ImportRecord
from skillaid.accounts.jobs import Job, job_start
from skillaid.employment.imports import import_postings
from skillaid.employment.models import Posting
from skillaid.employment.postings import fair_create
from skillaid.lib.sheets import open_table
from tests.conftest import MASHAN
from tests.employment import factories
from tests.employment.fixtures_postings import NOW, TODAY, account, catalogue, row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day(settings, tmp_path, regions):
    settings.MEDIA_ROOT = tmp_path / "media"
    catalogue()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def units(regions):
    return (
        factories.employer("马山县壮乡食品厂", region=MASHAN),
        factories.employer("广西南宁建工集团"),
    )


def test_good_rows_are_stored_and_a_bad_row_is_reported_with_row_column_and_reason(
    tmp_path, wei, units
):
    food, builder = units
    path = workbook(
        tmp_path / "岗位.xlsx",
        [
            row(food, "包装工", code="", occupation="中式烹调师", places=10),
            row(builder, "焊工", code="6-18-02-04", occupation="焊工", region="450124"),
            row(builder, "电工", code="9-99-99-99"),
            row(food, "厨师", code="4-03-02-01", occupation="", wage_min=6000, wage_max=4000),
        ],
    )
    result = import_postings(path, actor=wei)
    assert result.summary()["created"] == 2
    assert {p.title for p in Posting.objects.all()} == {"包装工", "焊工"}
    packer = Posting.objects.get(title="包装工")
    assert packer.places == 10 and packer.region_id == MASHAN and packer.campaign == "spring_breeze"
    rejected = {r.row: r for r in result.rejected}
    assert set(rejected) == {5, 6}
    assert rejected[5].column == "D列“职业编码”"
    assert "不在职业目录中" in rejected[5].reason
    assert rejected[6].column == "H列“月薪上限”"
    assert "不能低于月薪下限" in rejected[6].reason
    record = ImportRecord.objects.get()
    assert record.counts["rejected"] == 2 and record.report
    # The rejected-rows workbook: each row with its row number, column and reason.
    report = open_table(tmp_path / "media" / record.report.name)
    text = "\n".join(" ".join(str(c) for c in cells) for cells in report.rows())
    assert "职业编码" in text and "不能低于月薪下限" in text and "厨师" in text


def test_the_same_file_twice_changes_nothing(tmp_path, wei, units):
    food, builder = units
    path = workbook(tmp_path / "岗位.xlsx", [row(food, "包装工"), row(builder, "焊工")])
    first = import_postings(path, actor=wei)
    assert first.summary()["created"] == 2
    keys = set(Posting.objects.values_list("pk", "import_key"))
    second = import_postings(path, actor=wei)
    summary = second.summary()
    assert summary["created"] == 0 and summary["updated"] == 0 and summary["unchanged"] == 2
    assert set(Posting.objects.values_list("pk", "import_key")) == keys
    # A changed wage updates the same posting.
    workbook(path, [row(food, "包装工", wage_max=5500), row(builder, "焊工")])
    third = import_postings(path, actor=wei).summary()
    assert third["updated"] == 1 and third["unchanged"] == 1 and Posting.objects.count() == 2


def test_the_same_posting_twice_in_a_file_is_a_duplicate_or_a_conflict(tmp_path, wei, units):
    food, _ = units
    path = workbook(
        tmp_path / "岗位.xlsx",
        [row(food, "包装工"), row(food, "包装工"), row(food, "包装工", places=8)],
    )
    result = import_postings(path, actor=wei)
    summary = result.summary()
    assert summary["created"] == 1 and summary["duplicates"] == 1 and summary["rejected"] == 1
    assert "与第3行是同一岗位" in result.rejected[0].reason


def test_a_dry_run_stores_nothing(tmp_path, wei, units):
    food, builder = units
    path = workbook(tmp_path / "岗位.xlsx", [row(food, "包装工"), row(builder, "焊工")])
    result = import_postings(path, actor=wei, dry_run=True)
    assert result.summary()["created"] == 2
    assert not Posting.objects.exists()
    assert ImportRecord.objects.get().dry_run


def test_an_unregistered_unit_must_be_registered_first(tmp_path, wei, units):
    food, _ = units
    code = factories.uscc_new()
    path = workbook(
        tmp_path / "岗位.xlsx",
        [
            row(food, "包装工", uscc=code, name="未登记的公司"),
            row(food, "包装工", uscc="91450100MA5K0000X1"),
            row(food, "包装工", name="另一家食品厂"),
        ],
    )
    result = import_postings(path, actor=wei)
    reasons = [(r.row, r.column, r.reason) for r in result.rejected]
    assert reasons[0][1] == "B列“统一社会信用代码”"
    assert f"统一社会信用代码为 {code} 的单位尚未登记" in reasons[0][2]
    assert "校验位" in reasons[1][2] or "格式" in reasons[1][2]
    assert reasons[2][1] == "A列“单位名称”" and "不符" in reasons[2][2]
    assert not Posting.objects.exists()


def test_a_fair_and_a_guangdong_workplace_are_read(tmp_path, wei, units):
    food, _ = units
    fair = fair_create(
        actor=wei,
        channel="page",
        data={"name": "马山县春风行动专场", "campaign": "", "region": MASHAN, "held_on": TODAY},
    )
    path = workbook(
        tmp_path / "岗位.xlsx",
        [row(food, "包装工", region="440300", campaign="县（区）专场招聘会", fair=fair.name)],
    )
    assert import_postings(path, actor=wei).summary()["created"] == 1
    posting = Posting.objects.get()
    assert posting.fair == fair and posting.region_id == "440300"
    assert posting.campaign == "county_fair"


def test_an_employer_account_imports_its_own_postings_only(tmp_path, units):
    food, builder = units
    user = account(food, "shipin")
    path = workbook(tmp_path / "岗位.xlsx", [row(food, "包装工"), row(builder, "焊工")])
    result = import_postings(path, actor=user)
    assert result.summary()["created"] == 1
    assert "只能发布本单位" in result.rejected[0].reason
    assert Posting.objects.get().employer == food


def test_an_agency_account_imports_for_registered_employers(tmp_path, units):
    food, builder = units
    agency = factories.agency()
    user = account(agency, "renli")
    path = workbook(tmp_path / "岗位.xlsx", [row(food, "包装工"), row(builder, "焊工")])
    assert import_postings(path, actor=user).summary()["created"] == 2
    assert set(Posting.objects.values_list("agency", flat=True)) == {agency.pk}


def test_a_bureau_row_outside_its_regions_is_refused(tmp_path, huang, units):
    food, _ = units  # in 马山县, the workplace too: not 隆安县's
    path = workbook(tmp_path / "岗位.xlsx", [row(food, "包装工")])
    result = import_postings(path, actor=huang)
    assert result.summary()["rejected"] == 1
    assert "不是本单位或本地区的岗位" in result.rejected[0].reason
    assert not Posting.objects.exists()


def test_an_import_job_reports_progress_and_keeps_its_history(tmp_path, wei, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    food, builder = units
    path = workbook(tmp_path / "岗位.xlsx", [row(food, "包装工"), row(builder, "电工", code="x")])
    upload = SimpleUploadedFile("岗位.xlsx", path.read_bytes())
    job = job_start(kind="posting_import", owner=wei, upload=upload, params={"dry_run": False})
    job = Job.objects.get(pk=job.pk)
    assert job.state == "done" and job.result["created"] == 1 and job.result["rejected"] == 1
    assert job.result["problems"][0]["row"] == 4
    assert ImportRecord.objects.filter(kind="posting_import", job=job).exists()


def test_the_command_imports_as_the_user_and_dry_runs(tmp_path, wei, units, capsys):
    food, builder = units
    path = workbook(tmp_path / "岗位.xlsx", [row(food, "包装工"), row(builder, "焊工")])
    call_command("import_postings", str(path), "--user", "wei", "--dry-run")
    assert "2 created" in capsys.readouterr().out and not Posting.objects.exists()
    call_command("import_postings", str(path), "--user", "wei")
    assert Posting.objects.count() == 2
    assert ImportRecord.objects.filter(kind="posting_import", dry_run=False).count() == 1


def test_a_file_without_an_occupation_column_is_refused(tmp_path, wei, units):
    import xlsxwriter

    from skillaid.lib.sheets import UnreadableFile

    path = tmp_path / "岗位.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(
        0,
        0,
        [
            "统一社会信用代码",
            "岗位名称",
            "工作地",
            "月薪下限",
            "月薪上限",
            "招聘人数",
            "有效期起",
            "有效期止",
        ],
    )
    book.close()
    with pytest.raises(UnreadableFile, match="职业编码"):
        import_postings(path, actor=wei)


def test_dates_are_read_from_text_too(tmp_path, wei, units):
    food, _ = units
    path = workbook(
        tmp_path / "岗位.xlsx",
        [row(food, "包装工", **{"from": "2026/3/1", "until": "2026年12月31日"})],
    )
    assert import_postings(path, actor=wei).summary()["created"] == 1
    posting = Posting.objects.get()
    assert (posting.valid_from, posting.valid_until) == (dt.date(2026, 3, 1), dt.date(2026, 12, 31))
