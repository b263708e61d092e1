from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from skillaid.accounts.jobs import Job
from skillaid.catalogue.imports import import_catalogue
from skillaid.catalogue.models import DemandEntry, Occupation
from skillaid.catalogue.services import parse_money
from tests.people.sheets import xlsx

HEADERS = [
    "职业编码",
    "职业（工种）名称",
    "培训类型",
    "等级",
    "标准课时",
    "补贴标准（元）",
    "适用地区",
    "起始日期",
    "截止日期",
    "数字技能",
    "绿色技能",
    "急需紧缺",
]
GOOD = [
    [
        "4-10-01-01",
        "育婴员",
        "就业技能培训",
        "五级",
        "120",
        "1200",
        "450000",
        "2024-01-01",
        "",
        "否",
        "否",
        "是",
    ],
    [
        "6-29-01-01",
        "焊工",
        "岗位技能提升培训",
        "四级",
        "200",
        "1500.50",
        "450000",
        "2024-01-01",
        "2026-12-31",
        "否",
        "是",
        "是",
    ],
    [
        "4-04-05-05",
        "电子商务师",
        "就业技能培训",
        "专项职业能力",
        "80",
        "800",
        "450124",
        "2024-03-01",
        "",
        "是",
        "否",
        "否",
    ],
]


@given(st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2))
def test_money_in_yuan_with_two_places_round_trips(amount):
    assert parse_money(str(amount)) == amount
    assert parse_money(f"{amount:,}元") == amount


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("-1", "负数"),
        ("12.345", "精确到分"),
        ("一千", "不是金额"),
        ("", "为空"),
        ("NaN", "不是金额"),
    ],
)
def test_bad_money_is_refused(raw, why):
    with pytest.raises(ValueError, match=why):
        parse_money(raw)


def test_it_imports_the_catalogue_once(tmp_path, regions, system):
    path = xlsx(tmp_path / "c.xlsx", GOOD, headers=HEADERS)
    first = import_catalogue(path, actor=system)
    assert first.summary() == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "warnings": 0,
        "duplicates": 0,
    }
    welder = DemandEntry.objects.get(occupation__name="焊工")
    assert welder.subsidy == Decimal("1500.50") and welder.level == "4" and welder.occupation.green
    assert Occupation.objects.get(name="电子商务师").digital
    second = import_catalogue(path, actor=system)
    assert second.summary()["unchanged"] == 3 and DemandEntry.objects.count() == 3
    changed = [row[:] for row in GOOD]
    changed[0][5] = "1300"
    third = import_catalogue(xlsx(tmp_path / "c2.xlsx", changed, headers=HEADERS), actor=system)
    assert (third.updated, third.unchanged) == (1, 2)


def test_bad_rows_are_reported_with_row_column_and_reason(tmp_path, regions, system):
    rows = [
        GOOD[0],
        [
            "4-1-01",
            "家政服务员",
            "就业技能培训",
            "五级",
            "100",
            "1000",
            "450000",
            "2024-01-01",
            "",
            "",
            "",
            "",
        ],
        ["", "焊工", "就业技能培训", "九级", "100", "1000", "450000", "2024-01-01", "", "", "", ""],
        ["", "焊工", "就业技能培训", "五级", "100", "-3", "450000", "2024-01-01", "", "", "", ""],
        ["", "焊工", "就业技能培训", "五级", "100", "1000", "999999", "2024-01-01", "", "", "", ""],
        ["", "焊工", "就业技能培训", "五级", "100", "1000", "450000", "2024-13-01", "", "", "", ""],
        [
            "",
            "焊工",
            "就业技能培训",
            "五级",
            "100",
            "1000",
            "450000",
            "2024-01-01",
            "2023-01-01",
            "",
            "",
            "",
        ],
    ]
    result = import_catalogue(xlsx(tmp_path / "bad.xlsx", rows, headers=HEADERS), actor=system)
    assert result.created == 1
    got = {r.row: (r.column, r.reason) for r in result.rejected}
    assert got[3][0].startswith("A列") and "4-1-01" in got[3][1]
    assert got[4][0].startswith("D列") and "九级" in got[4][1]
    assert got[5][0].startswith("F列") and "负数" in got[5][1]
    assert got[6][0].startswith("G列") and "999999" in got[6][1]
    assert got[7][0].startswith("H列") and "不存在" in got[7][1]
    assert got[8][0].startswith("I列") and "早于起始日期" in got[8][1]
    report = tmp_path / "report.xlsx"
    result.write_report(report)
    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert sheet[1][0] == 3 and sheet[1][3] == "4-1-01"


def test_a_file_without_the_needed_columns_is_refused(tmp_path, regions):
    path = xlsx(tmp_path / "x.xlsx", [["a", "b"]], headers=["姓名", "身份证号"])
    code = 0
    try:
        call_command("import_catalogue", str(path))
    except SystemExit as exc:
        code = exc.code
    assert code == 2


def test_only_province_reviewers_keep_the_catalogue(client, regions, wei, qin, tmp_path):
    client.force_login(wei)
    assert client.get("/catalogue/import/").status_code == 403
    client.force_login(qin)
    path = xlsx(
        tmp_path / "c.xlsx",
        GOOD
        + [
            [
                "",
                "焊工",
                "就业技能培训",
                "五级",
                "100",
                "-3",
                "450000",
                "2024-01-01",
                "",
                "",
                "",
                "",
            ]
        ],
        headers=HEADERS,
    )
    with open(path, "rb") as fh:
        response = client.post("/catalogue/import/", {"file": fh}, follow=True)
    body = response.content.decode()
    job = Job.objects.get(kind="catalogue_import")
    assert response.redirect_chain[-1][0] == f"/jobs/{job.pk}/"
    assert (job.state, job.result["created"], job.result["rejected"]) == ("done", 3, 1)
    assert "<th>新增</th><td>3</td>" in body and "负数" in body
    report = client.get(f"/jobs/{job.pk}/report.xlsx")
    assert report.status_code == 200
