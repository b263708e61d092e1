"""The school's roll from a real .xlsx on the shared framework: good rows enrol, each bad
cell is reported with its row and column, the same file twice changes nothing, a dry run
writes nothing, a status column moves the status, and the command runs it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
import xlsxwriter
from django.core.management import call_command

from skillaid.lib.sheets import open_table
from skillaid.people.models import Person
from skillaid.students.imports import import_students
from skillaid.students.models import StatusChange, StudentEnrolment
from tests.conftest import LONGAN, MASHAN, new_id
from tests.students.helpers import USCC

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
HEADER = [
    "姓名",
    "身份证号码",
    "专业",
    "班级类型",
    "培养方式",
    "合作企业",
    "统一社会信用代码",
    "入学日期",
    "预计毕业日期",
    "学籍状态",
    "状态变动日期",
    "变动原因",
    "学号",
    "帮扶责任人",
]


@pytest.fixture(autouse=True)
def fixed_day(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("学籍花名册")
    sheet.write_row(0, 0, ["广西南宁技师学院2025级学籍花名册"])
    sheet.write_row(1, 0, HEADER)
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), day)
            else:
                sheet.write_string(i, j, str(value))
    book.close()
    return path


def row(name, id_number, **kw) -> list[object]:  # noqa: ANN001
    values = {
        "major": "数控加工",
        "class_type": "中级工班",
        "track": "普通班",
        "partner": "",
        "uscc": "",
        "entered": dt.date(2025, 9, 1),
        "until": dt.date(2028, 7, 1),
        "status": "在读",
        "on": "",
        "reason": "",
        "number": "",
        "staff": "黄老师",
    }
    values.update(kw)
    return [name, id_number, *values.values()]


@pytest.fixture
def numbers():
    return [new_id(MASHAN, dt.date(2008, 1, 1)), new_id(LONGAN, dt.date(2008, 2, 2))]


def test_a_good_roll_enrols_each_student_and_reads_back(lu, tmp_path, numbers):
    path = workbook(
        tmp_path / "roll.xlsx",
        [
            row("蓝海燕", numbers[0], number="2025001"),
            row(
                "农杰",
                numbers[1],
                class_type="高级工班",
                track="订单班",
                partner="南宁某机械公司",
                uscc=USCC,
            ),
        ],
    )
    assert open_table(path).total == 4  # a real workbook: title, header, two rows
    result = import_students(path, actor=lu, school=lu.institution)
    assert result.summary()["created"] == 2 and not result.rejected
    e = StudentEnrolment.objects.get(person__name="农杰")
    assert e.county_id == LONGAN and e.class_type == "advanced" and e.track == "order"
    assert e.partner_uscc == USCC and e.import_row == 4
    assert StudentEnrolment.objects.get(person__name="蓝海燕").student_number == "2025001"


def test_the_same_file_twice_changes_nothing(lu, tmp_path, numbers):
    path = workbook(tmp_path / "roll.xlsx", [row("蓝海燕", numbers[0]), row("农杰", numbers[1])])
    import_students(path, actor=lu, school=lu.institution)
    again = import_students(path, actor=lu, school=lu.institution)
    assert again.summary()["unchanged"] == 2 and again.summary()["created"] == 0
    assert StudentEnrolment.objects.count() == 2 and Person.objects.count() == 2


def test_a_changed_row_updates_its_enrolment(lu, tmp_path, numbers):
    import_students(
        workbook(tmp_path / "a.xlsx", [row("蓝海燕", numbers[0])]), actor=lu, school=lu.institution
    )
    result = import_students(
        workbook(tmp_path / "b.xlsx", [row("蓝海燕", numbers[0], major="电气自动化")]),
        actor=lu,
        school=lu.institution,
    )
    assert result.summary()["updated"] == 1
    assert StudentEnrolment.objects.get().major == "电气自动化"


def test_each_bad_cell_is_reported_with_its_row_and_column(lu, tmp_path, numbers):
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            row("蓝海燕", numbers[0]),
            row("韦一", "450124200801011235"),  # a wrong check digit
            row("韦二", new_id(MASHAN, dt.date(2008, 5, 5)), class_type="博士班"),
            row("韦三", new_id(MASHAN, dt.date(2008, 6, 6)), track="订单班"),
            row("韦四", new_id(MASHAN, dt.date(2008, 7, 7)), until=dt.date(2025, 1, 1)),
            row("韦五", new_id(MASHAN, dt.date(2008, 8, 8)), status="退学"),
            row("韦六", new_id(MASHAN, dt.date(2008, 9, 9)), entered="2025-13-01"),
        ],
    )
    result = import_students(path, actor=lu, school=lu.institution)
    assert result.summary()["created"] == 1
    got = {(r.row, r.column) for r in result.rejected}
    assert got == {
        (4, "B列“身份证号”"),
        (5, "D列“班级类型”"),
        (6, "F列“合作企业”"),
        (7, "I列“预计毕业日期”"),
        (8, "K列“状态变动日期”"),
        (9, "H列“入学日期”"),
    }
    reasons = {r.row: r.reason for r in result.rejected}
    assert "博士班" in reasons[5] and "订单班须填写合作企业" in reasons[6]
    assert StudentEnrolment.objects.count() == 1


def test_a_status_in_the_roll_is_moved_with_its_date_and_reason(lu, tmp_path, numbers):
    import_students(
        workbook(tmp_path / "a.xlsx", [row("蓝海燕", numbers[0])]), actor=lu, school=lu.institution
    )
    path = workbook(
        tmp_path / "b.xlsx",
        [row("蓝海燕", numbers[0], status="休学", on=dt.date(2026, 3, 2), reason="生病住院")],
    )
    result = import_students(path, actor=lu, school=lu.institution)
    assert result.summary()["updated"] == 1
    change = StatusChange.objects.get()
    assert (change.to_status, change.on, change.reason) == (
        "suspended",
        dt.date(2026, 3, 2),
        "生病住院",
    )
    again = import_students(path, actor=lu, school=lu.institution)
    assert again.summary()["unchanged"] == 1 and StatusChange.objects.count() == 1


def test_a_dry_run_writes_nothing(lu, tmp_path, numbers):
    path = workbook(tmp_path / "roll.xlsx", [row("蓝海燕", numbers[0])])
    result = import_students(path, actor=lu, school=lu.institution, dry_run=True)
    assert result.summary()["created"] == 1
    assert not StudentEnrolment.objects.exists() and not Person.objects.exists()


def test_the_rejected_rows_workbook_is_written(lu, tmp_path, numbers):
    path = workbook(tmp_path / "bad.xlsx", [row("韦一", "450124200801011235")])
    result = import_students(path, actor=lu, school=lu.institution)
    report = tmp_path / "problems.xlsx"
    result.write_report(report)
    assert open_table(report).total >= 2


def test_the_command_imports_for_a_school(lu, tmp_path, numbers, capsys):
    path = workbook(tmp_path / "roll.xlsx", [row("蓝海燕", numbers[0])])
    call_command("import_students", str(path), "--school", str(lu.institution_id), "--user", "lu")
    assert "1 created" in capsys.readouterr().out
    assert StudentEnrolment.objects.count() == 1


def test_an_officer_cannot_import_into_another_school(lu, wei, tmp_path, numbers):
    path = workbook(tmp_path / "roll.xlsx", [row("蓝海燕", numbers[0])])
    with pytest.raises(PermissionError):
        import_students(path, actor=wei, school=lu.institution)


def test_the_import_page_runs_a_job_and_shows_the_bad_cells(client, lu, wei, tmp_path, numbers):
    from skillaid.accounts.jobs import Job

    path = workbook(
        tmp_path / "roll.xlsx", [row("蓝海燕", numbers[0]), row("韦一", "450124200801011235")]
    )
    client.force_login(lu)
    with path.open("rb") as f:
        page = client.post("/students/import/", {"file": f}, follow=True)
    job = Job.objects.get(kind="student_import", owner=lu)
    assert (job.state, job.result["created"], job.result["rejected"]) == ("done", 1, 1)
    assert "B列“身份证号”" in page.content.decode()
    assert StudentEnrolment.objects.get().school == lu.institution
    client.force_login(wei)
    assert client.get("/students/import/").status_code == 403
