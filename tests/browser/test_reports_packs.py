"""Report packs and deadlines in Chromium: a clerk generates the county ledger summary,
sees the progress bar finish and downloads both files; a province reviewer reads the
deadline calendar with the overdue regions, on a desktop and on a 390×844 phone."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from skillaid.reports.deadlines import load_deadline_rules
from tests.conftest import MASHAN, PASSWORD

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_clerk_generates_the_ledger_summary_and_downloads_it(page, wei, tmp_path):
    login(page, "wei", PASSWORD)
    menu(page).locator("#nav-packs").click()
    page.select_option("#kind", "ledger")
    page.select_option("#region", MASHAN)
    page.fill("#year", "2026")
    page.select_option("#period", "year")
    page.click("#pack-start")
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator(".progress")).to_have_attribute("aria-valuenow", "100")
    with page.expect_download() as download:
        page.click("#job-files >> text=下载Excel")
    path = tmp_path / "pack.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(".xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "帮扶劳动力台账汇总表" and any(r[1] == "马山县" for r in rows)
    with page.expect_download() as pdf:
        page.click("#job-files >> text=下载PDF")
    assert pdf.value.suggested_filename.endswith(".pdf")
    page.goto("/reports/packs/")
    page.locator("#pack-jobs button", has_text="报送").first.click()
    expect(page.locator("#submissions")).to_contain_text("县级台账汇总表")


@pytest.mark.parametrize("size", [None, PHONE], ids=["desktop", "phone"])
def test_a_province_reviewer_reads_the_deadline_calendar(browser, live_server, qin, pairings, size):
    load_deadline_rules()
    options = {"base_url": live_server.url, "locale": "zh-CN"}
    if size:
        options["viewport"] = size
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        login(page, "qin", PASSWORD)
        menu(page).locator("#nav-deadlines").click()
        year = dt.date.today().year
        page.goto(f"/reports/deadlines/?year={year - 1}")
        # Last year's half-year summaries, not reported, are overdue for every paired county.
        expect(page.locator("#overdue-450123")).to_contain_text("结对帮扶半年总结")
        expect(page.locator("#month-12")).to_contain_text("报送技能脱贫千校行动进展情况表")
        expect(page.locator("#rules")).to_contain_text("每年12月15日前")
        if size:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"] + 1, width
    finally:
        context.close()
