import datetime as dt
import json

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from skillaid.accounts.models import AuditEntry
from skillaid.lib.sheets import UnreadableFile
from skillaid.people.imports import LedgerImport
from skillaid.people.models import Household, Person
from tests.conftest import LONGAN, MASHAN, new_id

from .sheets import HEADERS, csv_file, xlsx


def run(path, actor=None, county=MASHAN, **kw):
    """The ledger import of `path`, by `actor` or else the system user, as a command would."""
    from skillaid.accounts.system import system_user
    from skillaid.regions.models import Region

    return LedgerImport(
        actor=actor or system_user(),
        county=Region.objects.get(code=county) if county else None,
        **kw,
    ).run(path)


def reasons(result):
    return {r.row: r.reason for r in result.rejected}


@pytest.fixture
def good(tmp_path, regions):
    rows = [
        ["韦小宝", new_id(), "13812345678", "脱贫户", "是", "家政服务员", "否", "是"],
        ["覃美玲", new_id(), "", "监测户", "否", "", "是", "否"],
        ["黄大山", new_id(), "0771-5551234", "一般户", "是", "电工、焊工", "否", "否"],
    ]
    return xlsx(tmp_path / "ledger.xlsx", rows), rows


def test_it_creates_people_households_and_intents(good):
    path, rows = good
    result = run(path)
    assert result.summary()["created"] == 3 and not result.rejected
    p = Person.objects.with_id_number(rows[0][1]).get()
    assert p.name == "韦小宝" and p.county_id == MASHAN and p.phone == "13812345678"
    assert p.wants_training and p.training_occupations == "家政服务员" and p.wants_job
    assert p.household.category == "lifted" and p.household.statuses.count() == 1
    assert (
        p.id_number == rows[0][1] and p.id_masked == rows[0][1][:6] + "********" + rows[0][1][-4:]
    )
    assert p.name_initials == "wxb"
    # The creations are logged once for the import; each person keeps the import and the
    # row of its file that made them.
    entry = AuditEntry.objects.get(
        action="create", channel="import", object_type="accounts.importrecord"
    )
    assert entry.changes == {"created": 3} and entry.note == "ledger.xlsx"
    for row_no, row in enumerate(rows, start=2):
        person = Person.objects.with_id_number(row[1]).get()
        assert person.import_row == row_no
        assert person.import_record.filename == "ledger.xlsx"
        assert entry.object_id == str(person.import_record_id)


def test_a_second_import_of_the_same_file_changes_nothing(good):
    path, _ = good
    run(path)
    audit_before = AuditEntry.objects.count()
    updated_at = sorted(Person.objects.values_list("updated_at", flat=True))
    second = run(path)
    assert second.summary() | {} == {**second.summary(), "created": 0, "updated": 0, "unchanged": 3}
    assert AuditEntry.objects.count() == audit_before
    assert sorted(Person.objects.values_list("updated_at", flat=True)) == updated_at
    assert Person.objects.count() == 3 and Household.objects.count() == 3


def test_a_page_edit_makes_the_next_import_apply_its_row_again(good, wei):
    from skillaid.people.services import household_set_category, person_update

    path, rows = good
    run(path)
    person = Person.objects.with_id_number(rows[0][1]).get()
    assert person.import_digest  # a clean row is remembered
    person_update(actor=wei, channel="page", person=person, data={"phone": "13900002222"})
    other = Person.objects.with_id_number(rows[2][1]).get()
    household_set_category(
        actor=wei,
        channel="page",
        household=other.household,
        category="monitored",
        kind="marginal",
        on=dt.date.today(),
    )
    result = run(path)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    person.refresh_from_db()
    other.household.refresh_from_db()
    assert person.phone == "13812345678" and person.import_digest
    assert other.household.category == "ordinary"
    again = run(path)
    assert (again.updated, again.unchanged) == (0, 3)


def test_a_row_that_drew_a_warning_is_read_again_each_time(tmp_path, regions):
    path = xlsx(tmp_path / "w.xlsx", [["韦一", new_id(), "1381234567", "脱贫户", "是", "", "", ""]])
    first = run(path)
    second = run(path)
    assert first.summary()["warnings"] == second.summary()["warnings"] == 1
    assert (second.unchanged, second.updated) == (1, 0)
    assert Person.objects.get().import_digest == ""


def test_a_changed_row_updates_only_what_differs_and_audits_it(tmp_path, good):
    path, rows = good
    run(path)
    rows[0][2] = "13900001111"
    rows[0][3] = "监测户"
    changed = xlsx(tmp_path / "changed.xlsx", rows)
    result = run(changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    p = Person.objects.with_id_number(rows[0][1]).get()
    assert p.phone == "13900001111"
    entry = AuditEntry.objects.filter(
        person_id=p.pk, action="update", object_type="people.person"
    ).get()
    assert entry.changes["phone"] == ["13812345678", "13900001111"]
    # The household's category changed with its history kept.
    statuses = list(p.household.statuses.order_by("id"))
    assert [s.category for s in statuses] == ["lifted", "monitored"]
    assert statuses[0].end is not None and statuses[1].end is None


def test_each_bad_id_is_rejected_with_its_row_and_reason(tmp_path, regions):
    valid = new_id()
    future = new_id(birth=dt.date.today() + dt.timedelta(days=400))
    rows = [
        ["甲", valid[:17] + ("0" if valid[17] != "0" else "1"), "", "", "", "", "", ""],
        ["乙", "450124199002301234", "", "", "", "", "", ""],
        ["丙", future, "", "", "", "", "", ""],
        ["丁", "990124199001011234", "", "", "", "", "", ""],
        ["戊", 4.50124199001012e17, "", "", "", "", "", ""],
        ["己", "4.50124E+17", "", "", "", "", "", ""],
        ["", new_id(), "", "", "", "", "", ""],
        ["庚", valid, "", "", "", "", "", ""],
    ]
    result = run(xlsx(tmp_path / "bad.xlsx", rows))
    why = reasons(result)
    assert "校验码错误" in why[2]
    assert "不存在" in why[3]
    assert "晚于今天" in why[4]
    assert "省份代码 99 不存在" in why[5]
    assert "科学计数法" in why[6] and "科学计数法" in why[7]
    assert why[8] == "姓名为空"
    assert 9 not in why and result.created == 1
    assert Person.objects.count() == 1
    assert all("B列" in r.column for r in result.rejected if r.row != 8)


def test_the_same_id_with_different_names_rejects_every_such_row(tmp_path, regions):
    shared = new_id()
    rows = [
        ["韦一", shared, "", "", "", "", "", ""],
        ["韦二", new_id(), "", "", "", "", "", ""],
        ["韦三", shared, "", "", "", "", "", ""],
    ]
    result = run(xlsx(tmp_path / "dup.xlsx", rows))
    why = reasons(result)
    assert "第4行（韦三）" in why[2] and "第2行（韦一）" in why[4]
    assert result.created == 1 and not Person.objects.with_id_number(shared).exists()
    report = tmp_path / "report.xlsx"
    result.write_report(report)
    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["源文件行号", "出错列", "原因"] and sheet[0][3:] == HEADERS
    assert [int(r[0]) for r in sheet[1:]] == [2, 4]
    assert sheet[1][3:5] == ["韦一", shared]


def test_the_same_id_twice_with_the_same_data_counts_once(tmp_path, regions):
    row = ["韦一", new_id(), "13812345678", "脱贫户", "是", "", "", ""]
    result = run(xlsx(tmp_path / "twice.xlsx", [row, list(row)]))
    assert result.summary()["created"] == 1 and result.duplicates == 1 and not result.rejected


def test_a_row_imported_before_listed_twice_is_unchanged_once_and_a_duplicate_once(
    tmp_path, regions
):
    row = ["韦一", new_id(), "13812345678", "脱贫户", "是", "", "", ""]
    other = ["覃二", new_id(), "", "一般户", "否", "", "", ""]
    run(xlsx(tmp_path / "first.xlsx", [row, other]))
    result = run(xlsx(tmp_path / "again.xlsx", [row, other, list(row)]))
    assert (result.rows, result.unchanged, result.duplicates) == (3, 2, 1)
    assert not result.rejected and not result.warnings and result.updated == 0


def test_a_row_imported_before_still_conflicts_with_a_new_row_of_its_id(tmp_path, regions):
    # The unchanged row is recognised by its digest without its ID being checked again;
    # a second row with the same ID and another name must still refuse both.
    number = new_id()
    row = ["韦一", number, "13812345678", "脱贫户", "是", "", "", ""]
    assert run(xlsx(tmp_path / "first.xlsx", [row])).created == 1
    result = run(xlsx(tmp_path / "again.xlsx", [row, ["韦二", number, "", "", "", "", "", ""]]))
    why = reasons(result)
    assert "第3行（韦二）" in why[2] and "第2行（韦一）" in why[3]
    assert result.unchanged == 0 and result.updated == 0
    assert Person.objects.with_id_number(number).get().name == "韦一"


def test_a_row_imported_before_followed_by_a_newer_row_of_the_same_person(tmp_path, regions):
    number = new_id()
    row = ["韦一", number, "13812345678", "脱贫户", "是", "", "", ""]
    run(xlsx(tmp_path / "first.xlsx", [row]))
    newer = ["韦 一", number, "13900000000", "脱贫户", "是", "", "", ""]
    result = run(xlsx(tmp_path / "again.xlsx", [row, newer]))
    assert result.duplicates == 1 and result.updated == 1 and result.unchanged == 0
    assert "以第3行为准" in result.warnings[0].message and result.warnings[0].row == 2
    assert Person.objects.with_id_number(number).get().phone == "13900000000"
    # And the other way round: the older row last wins, the newer one is dropped.
    result = run(xlsx(tmp_path / "back.xlsx", [newer, row]))
    assert result.duplicates == 1 and result.updated == 1
    assert Person.objects.with_id_number(number).get().phone == "13812345678"


def test_a_row_written_by_another_countys_import_is_not_taken_as_unchanged(tmp_path, regions, wei):
    # 隆安's import wrote this row; 马山's clerk (wei) importing the same row must not
    # be told "unchanged" about someone outside their county: the row is refused.
    number = new_id(LONGAN)
    row = ["韦一", number, "", "", "", "", "", ""]
    path = xlsx(tmp_path / "row.xlsx", [row])
    assert run(path, county=None).created == 1
    result = run(path, actor=wei, county=None)
    assert result.unchanged == 0 and 2 in reasons(result)


def test_a_bad_phone_keeps_the_row_and_says_so(tmp_path, regions):
    number = new_id()
    result = run(
        xlsx(tmp_path / "phone.xlsx", [["韦一", number, "1381234567", "脱贫户", "是", "", "", ""]])
    )
    assert result.created == 1 and not result.rejected
    assert "联系电话" in result.warnings[0].column and "1381234567" in result.warnings[0].message
    person = Person.objects.with_id_number(number).get()
    assert person.phone == "" and person.wants_training


def test_unknown_category_and_yes_no_values_are_warnings(tmp_path, regions):
    result = run(xlsx(tmp_path / "v.xlsx", [["韦一", new_id(), "", "困难户", "也许", "", "", ""]]))
    assert result.created == 1
    messages = " ".join(n.message for n in result.warnings)
    assert "困难户" in messages and "也许" in messages


@pytest.mark.parametrize(
    "header", ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证号码（必填）*"]
)
def test_id_header_spellings_are_recognised(tmp_path, regions, header):
    headers = ["姓名", header, "手机号码", "户类型"]
    result = run(
        xlsx(
            tmp_path / "h.xlsx",
            [["韦一", new_id(), "13812345678", "防止返贫监测对象"]],
            headers=headers,
        )
    )
    assert result.created == 1
    assert Person.objects.get().household.category == "monitored"


def test_a_title_row_above_the_headers_is_skipped(tmp_path, regions):
    path = xlsx(
        tmp_path / "t.xlsx",
        [["韦一", new_id(), "", "", "", "", "", ""]],
        title="马山县培训意愿台账",
    )
    result = run(path)
    assert result.created == 1 and result.header_row == 2
    assert result.warnings == [] and result.rejected == []


def test_a_file_without_id_or_name_column_is_refused_naming_its_headers(tmp_path, regions):
    path = xlsx(tmp_path / "wrong.xlsx", [["韦一", "x"]], headers=["名字", "号码"])
    with pytest.raises(UnreadableFile) as exc:
        run(path)
    assert "名字、号码" in str(exc.value)
    assert Person.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding(tmp_path, regions, encoding):
    number = new_id()
    path = csv_file(
        tmp_path / "l.csv",
        [["韦小宝", number, "13812345678", "脱贫户", "是", "", "", ""]],
        encoding=encoding,
    )
    result = run(path)
    assert result.created == 1 and Person.objects.with_id_number(number).get().name == "韦小宝"


def test_an_unsupported_or_damaged_file_is_refused(tmp_path, regions):
    bad = tmp_path / "ledger.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(UnreadableFile, match="无法读取"):
        run(bad)
    doc = tmp_path / "ledger.docx"
    doc.write_bytes(b"x")
    with pytest.raises(UnreadableFile, match="不支持的文件类型"):
        run(doc)


def test_a_clerk_cannot_import_into_or_over_another_county(tmp_path, wei, huang):
    other = new_id(LONGAN)
    run(
        xlsx(tmp_path / "longan.xlsx", [["黄一", other, "", "", "", "", "", ""]]),
        actor=huang,
        county=LONGAN,
    )
    with pytest.raises(PermissionError):
        run(tmp_path / "longan.xlsx", actor=wei, county=LONGAN)
    # The same person in 韦丽's own file: refused, 隆安's record untouched.
    result = run(
        xlsx(tmp_path / "mine.xlsx", [["黄一改", other, "", "", "", "", "", ""]]), actor=wei
    )
    assert "其他县登记" in result.rejected[0].reason
    assert Person.objects.with_id_number(other).get().name == "黄一"


def test_without_a_county_the_county_column_or_the_id_decides(tmp_path, regions):
    rows = [
        ["韦一", new_id(MASHAN), "隆安县"],
        ["韦二", new_id(MASHAN), ""],
        ["韦三", new_id("452127"), ""],
    ]
    result = run(
        xlsx(tmp_path / "c.xlsx", rows[:1], headers=["姓名", "身份证号", "所属县"]), county=None
    )
    assert result.created == 1 and Person.objects.get().county_id == LONGAN
    result = run(xlsx(tmp_path / "d.xlsx", rows[1:], headers=["姓名", "身份证号"]), county=None)
    assert result.created == 1 and "无法确定所属县" in result.rejected[0].reason


def test_an_old_county_code_in_an_id_is_a_warning(tmp_path, regions):
    result = run(xlsx(tmp_path / "o.xlsx", [["韦一", new_id("452127"), "", "", "", "", "", ""]]))
    assert result.created == 1 and "不在现行区划表中" in result.warnings[0].message


def test_dry_run_counts_but_writes_nothing(good):
    path, _ = good
    result = run(path, dry_run=True)
    assert result.created == 3
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_household_numbers_group_members(tmp_path, regions):
    headers = ["户编号", "姓名", "身份证号", "与户主关系", "家庭类别", "监测类型"]
    rows = [
        ["H001", "覃父", new_id(), "户主", "监测户", "边缘易致贫户"],
        ["H001", "覃子", new_id(), "子", "监测户", "边缘易致贫户"],
    ]
    run(xlsx(tmp_path / "h.xlsx", rows, headers=headers))
    household = Household.objects.get()
    assert household.number == "H001" and household.members.count() == 2
    assert (household.category, household.monitoring_kind) == ("monitored", "marginal")


def _command(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_ledger", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_command_prints_json_and_exits_by_outcome(tmp_path, good):
    path, rows = good
    code, out, _ = _command(str(path), "--county", MASHAN, "--json")
    assert code == 0
    assert json.loads(out.strip().splitlines()[-1]) == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "warnings": 0,
        "duplicates": 0,
    }
    bad = xlsx(tmp_path / "bad.xlsx", [["韦一", "123", "", "", "", "", "", ""]])
    report = tmp_path / "rejected.xlsx"
    code, out, err = _command(str(bad), "--county", MASHAN, "--json", "--report", str(report))
    assert code == 3 and json.loads(out.strip().splitlines()[-1])["rejected"] == 1
    assert "row 2" in err and "18位" in err
    assert (
        CalamineWorkbook.from_path(str(report))
        .get_sheet_by_index(0)
        .to_python()[1][2]
        .startswith("身份证号应为18位")
    )
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_text("nope")
    code, _, err = _command(str(unreadable), "--json")
    assert code == 2 and "无法读取" in err
    code, _, err = _command(str(tmp_path / "missing.xlsx"))
    assert code == 2 and "no such file" in err
