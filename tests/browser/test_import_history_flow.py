"""The import history, clicked through in Chromium: a clerk who closed the tab finds the
import and its report again, and the list reads on a phone."""

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from skillaid.accounts.imports.records import ImportRecord
from skillaid.accounts.models import AuditEntry
from tests.conftest import PASSWORD, new_id
from tests.people.sheets import xlsx

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload_with_a_bad_row(page, tmp_path):  # noqa: ANN001, ANN201
    bad = new_id()[:17]
    rows = [
        ["覃美玲", new_id(), "13812345678", "脱贫户", "是", "家政服务员", "否", "是"],
        ["韦短号", bad, "", "脱贫户", "是", "", "", ""],
    ]
    page.goto("/imports/")
    page.set_input_files("#id_file", str(xlsx(tmp_path / "马山县三月台账.xlsx", rows)))
    page.click("text=开始导入")
    page.wait_for_selector("#job-result")
    return bad


def test_a_clerk_closes_the_tab_and_takes_the_report_from_the_history_later(
    browser, live_server, wei, tmp_path
):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "wei", PASSWORD)
    bad = upload_with_a_bad_row(page, tmp_path)
    page.close()  # the clerk closes the tab once the import has started

    later = context.new_page()
    later.set_default_timeout(15000)
    later.goto("/")
    later.click("nav >> text=导入记录")
    row = later.locator("#import-history tbody tr", has_text="马山县三月台账.xlsx")
    expect(row).to_contain_text("台账导入")
    expect(row).to_contain_text("新增 1")
    expect(row).to_contain_text("拒绝 1")
    row.locator("a", has_text="马山县三月台账.xlsx").click()
    # The problem names the person with the ID number masked.
    expect(later.locator("main")).to_contain_text(f"韦短号（{bad[:6]}*******{bad[13:]}）")
    with later.expect_download() as download:
        later.click("text=下载问题行")
    report = tmp_path / "report.xlsx"
    download.value.save_as(report)
    rejected = CalamineWorkbook.from_path(str(report)).get_sheet_by_name("被拒绝的行").to_python()
    # The row as typed, whole ID number included, so the clerk can fix it.
    assert int(rejected[1][0]) == 3 and rejected[1][3:5] == ["韦短号", bad]
    record = ImportRecord.objects.get(filename="马山县三月台账.xlsx")
    assert AuditEntry.objects.filter(
        action="export", object_type="accounts.importrecord", object_id=str(record.pk), actor=wei
    ).exists()
    context.close()


def test_the_history_reads_on_a_phone(browser, live_server, wei, tmp_path):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "wei", PASSWORD)
    upload_with_a_bad_row(page, tmp_path)
    page.goto("/imports/history/")
    expect(page.locator("#import-history")).to_contain_text("马山县三月台账.xlsx")
    # The page itself does not scroll sideways; a wide table scrolls inside its own box.
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    body = page.evaluate("() => document.body.scrollWidth - window.innerWidth")
    assert body <= 0, f"the body is {body}px wider than the phone"
    context.close()
