"""The import framework on its own: a tiny importer declared here (a roster of names and ID
numbers, each written as an audit entry) gets header finding below a title row, aliases,
the unrecognised-column warning, dry run, CSV in three encodings, the rejected-rows
workbook, the command's JSON line and exit codes, and a job with progress."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from skillaid.accounts import jobs
from skillaid.accounts.imports import framework
from skillaid.accounts.imports.command import ImportCommand
from skillaid.accounts.imports.framework import Importer, Row, register_importer
from skillaid.accounts.imports.records import ImportRecord
from skillaid.accounts.jobs import job_start
from skillaid.accounts.models import AuditEntry, audit
from skillaid.accounts.system import system_user
from skillaid.lib import idnumber
from skillaid.lib.columns import Column, Columns, FieldError
from skillaid.lib.sheets import UnreadableFile
from tests.conftest import new_id
from tests.people.sheets import csv_file, xlsx


class RosterImport(Importer):
    kind = "test_roster"
    label = "名单导入"
    columns = Columns(
        (
            Column("name", "姓名", ("人员姓名",), required=True),
            Column("id_number", "身份证号", ("身份证号码", "公民身份号码"), required=True),
            Column("phone", "联系电话", ("手机号",)),
        ),
        anchors=("name", "id_number"),
    )

    def handle(self, row: Row) -> dict[str, Any]:
        name = row.text("name")
        if not name:
            raise FieldError("姓名为空", "name")
        checked = idnumber.check(row.get("id_number"), provinces={"45"})
        if not checked.ok:
            raise FieldError(checked.error or "", "id_number")
        return {"name": name, "number": checked.number}

    def write(self, row: Row, values: dict[str, Any]) -> str:
        key = idnumber.mask(values["number"])
        if AuditEntry.objects.filter(object_type="people.person", object_id=key).exists():
            return "unchanged"
        audit(
            actor=self.actor,
            channel=self.channel,
            action="create",
            object_type="people.person",
            object_id=key,
            note=values["name"],
        )
        return "created"


HEADERS = ["人员姓名", "性别", "公民身份号码", "手机号", "备注"]


def roster(tmp_path, rows, name="名单.xlsx", title="马山县培训名单"):  # noqa: ANN001, ANN201
    return xlsx(tmp_path / name, rows, headers=HEADERS, title=title)


def written() -> int:
    return AuditEntry.objects.filter(object_type="people.person").count()


def test_the_header_is_found_below_a_title_row_by_its_aliases(tmp_path, regions):
    path = roster(tmp_path, [["韦一", "男", new_id(), "13812345678", ""]])
    result = RosterImport(actor=system_user()).run(path)
    assert result.header_row == 2 and result.created == 1 and not result.rejected
    assert written() == 1


def test_columns_nobody_declared_are_one_warning(tmp_path, regions):
    path = roster(tmp_path, [["韦一", "男", new_id(), "", "x"]])
    result = RosterImport(actor=system_user()).run(path)
    [warning] = result.warnings
    assert warning.row == 2 and warning.message.startswith("未识别的列：性别、备注")


def test_a_file_without_the_anchor_columns_is_refused_naming_its_headers(tmp_path, regions):
    path = xlsx(tmp_path / "x.xlsx", [["韦一"]], headers=["名字"])
    with pytest.raises(UnreadableFile) as exc:
        RosterImport(actor=system_user()).run(path)
    assert "找不到“姓名”和“身份证号”列" in str(exc.value) and "名字" in str(exc.value)


def test_a_dry_run_counts_but_stores_nothing_and_is_kept_as_such(tmp_path, regions):
    path = roster(tmp_path, [["韦一", "", new_id(), "", ""], ["韦二", "", new_id(), "", ""]])
    result = RosterImport(actor=system_user(), dry_run=True).run(path)
    assert result.created == 2 and written() == 0
    record = ImportRecord.objects.get()
    assert record.dry_run and record.counts["created"] == 2
    again = RosterImport(actor=system_user()).run(path)
    assert again.created == 2 and RosterImport(actor=system_user()).run(path).unchanged == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding(tmp_path, regions, encoding):
    path = csv_file(
        tmp_path / "名单.csv",
        [["覃美玲", "女", new_id(), "", ""]],
        headers=HEADERS,
        encoding=encoding,
    )
    result = RosterImport(actor=system_user()).run(path)
    assert result.created == 1
    assert AuditEntry.objects.get(object_type="people.person").note == "覃美玲"


def test_the_rejected_rows_workbook_holds_cells_reasons_and_warnings(tmp_path, regions):
    good = new_id()
    rows = [
        ["韦一", "男", good, "", ""],
        ["韦二", "", good[:17], "", ""],
        ["", "", new_id(), "", ""],
    ]
    result = RosterImport(actor=system_user()).run(roster(tmp_path, rows))
    assert [r.row for r in result.rejected] == [4, 5]
    # The problem list names the person, with the ID number masked.
    assert result.rejected[0].person == f"韦二（{good[:6]}*******{good[13:17]}）"
    report = tmp_path / "report.xlsx"
    result.write_report(report)
    book = CalamineWorkbook.from_path(str(report))
    assert book.sheet_names == ["被拒绝的行", "警告"]
    rejected = book.get_sheet_by_name("被拒绝的行").to_python()
    assert rejected[0] == ["源文件行号", "出错列", "原因", *HEADERS]
    assert int(rejected[1][0]) == 4 and rejected[1][1] == "C列“身份证号”"
    assert rejected[1][2] == "身份证号应为18位，实为17位" and rejected[1][3:6] == [
        "韦二",
        "",
        good[:17],
    ]
    assert rejected[2][1] == "A列“姓名”" and rejected[2][2] == "姓名为空"
    warnings = book.get_sheet_by_name("警告").to_python()
    assert warnings[0] == ["源文件行号", "列", "说明", "人员"]
    assert warnings[1][2].startswith("未识别的列：性别、备注")


def command(*args: str) -> tuple[int, str, str]:
    cmd = ImportCommand()
    cmd.importer = RosterImport
    out, err = StringIO(), StringIO()
    try:
        call_command(cmd, *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_prints_one_json_line_and_exits_0_3_or_2(tmp_path, regions):
    ok = xlsx(tmp_path / "ok.xlsx", [["韦一", new_id()]], headers=["姓名", "身份证号"])
    code, out, _ = command(str(ok), "--json")
    assert code == 0 and json.loads(out.splitlines()[-1]) == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "warnings": 0,
        "duplicates": 0,
    }
    bad = xlsx(tmp_path / "bad.xlsx", [["韦二", "123"]], headers=["姓名", "身份证号"])
    report = tmp_path / "r.xlsx"
    code, out, err = command(str(bad), "--json", "--report", str(report))
    assert code == 3 and json.loads(out.splitlines()[-1])["rejected"] == 1
    assert "row 2 B列“身份证号”: rejected: 身份证号应为18位" in err and report.is_file()
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    code, _, err = command(str(broken), "--json")
    assert code == 2 and "无法读取" in err
    code, _, err = command(str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in err


@pytest.fixture
def roster_kind(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    register_importer(RosterImport)
    yield
    jobs.RUNNERS.pop(RosterImport.kind)
    framework.IMPORTERS.pop(RosterImport.kind)


def test_an_importer_runs_as_a_job_with_progress_and_keeps_its_record(roster_kind, wei, client):
    numbers = [
        idnumber.make_number("450124", dt.date(1990, 1, 1 + i // 999), i % 999 + 1)
        for i in range(1200)
    ]
    lines = ["姓名,身份证号"] + [f"韦{i},{n}" for i, n in enumerate(numbers)] + ["韦坏,123"]
    upload = SimpleUploadedFile("名单.csv", ("\n".join(lines) + "\n").encode())
    job = job_start(kind="test_roster", owner=wei, upload=upload)
    job.refresh_from_db()
    assert job.state == "done" and (job.done, job.total) == (1201, 1201)
    assert job.result["created"] == 1200 and job.result["rejected"] == 1
    assert job.result["problems"][0]["row"] == 1202
    record = ImportRecord.objects.get(job=job)
    assert record.owner == wei and record.scope_region == "450124" and record.filename == "名单.csv"
    assert len(record.sha256) == 64 and record.counts == {k: job.result[k] for k in record.counts}
    assert job.report.name == record.report.name
    client.force_login(wei)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "名单导入：名单.csv" in page and "第1202行" in page
