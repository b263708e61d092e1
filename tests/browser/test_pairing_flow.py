"""A school officer's pairings and work plan, and a province reviewer's catalogue import, in Chromium."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from skillaid.pairings.models import Pairing, WorkPlan
from tests.conftest import MASHAN, PASSWORD
from tests.people.sheets import xlsx

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_sees_its_pairings_and_files_a_work_plan_on_a_phone(
    browser, live_server, pairings, lu, wei
):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "lu", PASSWORD)
    menu(page).get_by_role("link", name="结对帮扶").click()
    rows = page.locator("table.pairings tbody tr")

    def county_row(name):  # the county's own row, not a resettlement site inside it
        return rows.filter(has=page.locator("td:first-child > a", has_text=name))

    expect(county_row("马山县")).to_have_count(1)
    expect(county_row("隆安县")).to_have_count(1)
    expect(rows.filter(has_text="马山县城区合作安置区")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("融水")
    expect(county_row("马山县")).to_contain_text("工作计划未报备")

    county_row("马山县").get_by_role("link", name="详情").click()
    expect(page.locator("#no-plan")).to_be_visible()
    page.fill("#id_planned_enrolments", "12")
    page.fill("#id_occupation_1", "中式烹调师")
    page.fill("#id_month_1", "4")
    page.fill("#id_trainees_1", "35")
    page.fill("#id_occupation_2", "电工")
    page.fill("#id_month_2", "9")
    page.fill("#id_trainees_2", "20")
    page.get_by_role("button", name="报备工作计划").click()
    expect(page.locator(".messages")).to_contain_text("计划培训 55 人")
    expect(page.locator("table.plan-items")).to_contain_text("中式烹调师")
    plan = WorkPlan.objects.get(pairing__county_id=MASHAN, year=dt.date.today().year)
    assert plan.planned_enrolments == 12 and plan.filed_by == lu

    # The county bureau sees the filed plan on its own pairing map.
    menu(page).get_by_role("button", name="退出").click()
    login(page, "wei", PASSWORD)
    page.goto("/pairings/")
    expect(county_row("马山县")).to_contain_text("计划培训 55 人")
    assert Pairing.objects.filter(county_id=MASHAN).count() == 1
    context.close()


def test_reviewer_imports_the_demand_catalogue_and_gets_the_rejected_rows(page, qin, tmp_path):
    headers = [
        "职业编码",
        "职业（工种）名称",
        "培训类型",
        "等级",
        "标准课时",
        "补贴标准（元）",
        "适用地区",
        "起始日期",
    ]
    rows = [
        ["4-10-01-01", "育婴员", "就业技能培训", "五级", "120", "1200", "450000", "2024-01-01"],
        ["4-10-01", "家政服务员", "就业技能培训", "五级", "120", "1000", "450000", "2024-01-01"],
    ]
    path = xlsx(tmp_path / "目录.xlsx", rows, headers=headers)
    login(page, "qin", PASSWORD)
    page.click("text=需求目录")
    page.click("text=从 Excel 导入")
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('导入')")
    # The import runs as a job: its page shows the counts and the refused row.
    page.wait_for_selector("#job-result")
    assert "新增\t1" in page.inner_text("#job-result")
    expect(page.locator("#job-problems")).to_contain_text("格式不对")
    with page.expect_download() as download:
        page.click("text=下载问题行")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.click("text=需求目录")
    expect(page.locator("#catalogue")).to_contain_text("育婴员")


def test_a_city_reviewer_filters_the_pairing_map_and_exports_what_is_listed(
    page, pairings, liang, tmp_path
):
    from python_calamine import CalamineWorkbook

    login(page, "liang", PASSWORD)
    page.goto("/pairings/")
    rows = page.locator("table.pairings tbody tr")
    expect(rows.filter(has_text="隆安县")).not_to_have_count(0)
    page.fill("#region", MASHAN)
    page.select_option("#status", "active")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("main")).not_to_contain_text("隆安县")
    listed = rows.count()
    assert (
        listed
        == Pairing.objects.filter(county_id=MASHAN).count()
        + Pairing.objects.filter(site__county_id=MASHAN).count()
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / "pairings.xlsx"
    download.value.save_as(path)
    exported = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[2:]
    assert len(exported) == listed and all(r[1] == "马山县" for r in exported)
