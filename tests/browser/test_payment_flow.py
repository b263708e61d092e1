"""From an approved and published claim to a paid batch, in Chromium: the county clerk
records a trainee's social-security card account; the city reviewer, on a phone, sets the
budget, is refused a batch that passes it, builds, locks and exports the batch, downloads
the bank file and imports the bank's result."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from skillaid.subsidies.models import ClaimLine, LineStatus, PaymentBatch
from tests.conftest import MASHAN, PASSWORD
from tests.subsidies.payment_fixtures import *  # noqa: F403
from tests.subsidies.payment_fixtures import result_file

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:  # noqa: ANN001
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"


def test_an_approved_published_claim_is_paid_through_a_batch(
    browser, live_server, payable_class, wei, liang, tmp_path
):
    c, claim, (paid, lacking) = payable_class(2, accounts=False, names=("蓝海燕", "覃海"))

    # The county clerk records the first trainee's account on the person's page.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "wei", PASSWORD)
    page.goto(f"/people/{paid.pk}/")
    expect(page.locator("#account-missing")).to_be_visible()
    page.get_by_role("link", name="登记收款账户").click()
    page.fill("#id_bank_name", "中国农业银行马山县支行")
    page.fill("#id_account", "6228-48")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".errorlist")).to_contain_text("银行账号应为10至30位数字")
    page.fill("#id_account", "6228 4801 2345 6789 012")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#account-masked")).to_have_text("6228 **** **** 9012")
    context.close()

    # The city reviewer pays, on a phone.
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "liang", PASSWORD)
    menu(page).get_by_role("link", name="补贴资金").click()
    page.fill("#id_region", MASHAN)
    page.select_option("#id_kind", "training")
    page.fill("#id_amount", "1000")
    page.click("#budget-save")
    expect(page.locator("#budgets tbody tr")).to_have_count(1)
    expect(page.locator("#budgets tbody tr").first).to_contain_text("2400.00")  # approved
    _fits(page)

    menu(page).get_by_role("link", name="补贴发放").click()
    # The training line of the one trainee with an account.
    expect(page.locator("#ready-count")).to_have_text("1")
    expect(page.locator("#lacking")).to_contain_text(lacking.name)
    _fits(page)
    page.click("#build")
    expect(page.locator(".messages")).to_contain_text("本批次合计1200.00元，超出马山县")
    expect(page.locator(".messages")).to_contain_text("剩余额度1000.00元，缺口200.00元")

    menu(page).get_by_role("link", name="补贴资金").click()
    page.locator("#budgets summary", has_text="修改额度").click()
    page.locator("#budgets input[name=amount]").fill("50,000.00")
    page.locator("#budgets form button").click()
    expect(page.locator(".messages")).to_contain_text("已修改")

    menu(page).get_by_role("link", name="补贴发放").click()
    page.click("#build")
    expect(page.locator("#batch-state")).to_have_text("草稿")
    expect(page.locator("#batch-total")).to_have_text("1200.00")
    expect(page.locator("#payments tbody tr")).to_have_count(1)
    expect(page.locator("#payments")).to_contain_text("6228 **** **** 9012")
    expect(page.locator("#lacking")).to_contain_text(lacking.name)
    _fits(page)
    page.click("#lock")
    expect(page.locator("#batch-state")).to_have_text("已锁定")
    page.click("#export")
    expect(page.locator("#job-status")).to_have_text("已完成")
    page.reload()
    expect(page.locator("#batch-state")).to_have_text("已生成银行文件")
    batch = PaymentBatch.objects.get()
    expect(page.locator("#bank-sha")).to_have_text(batch.bank_file_sha256)
    _fits(page)
    with page.expect_download() as info:
        page.click("#bank-file")
    path = Path(info.value.path())
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[2][:4] == [1, paid.name, "6228480123456789012", "中国农业银行马山县支行"]

    result = tmp_path / "银行结果.xlsx"
    result.write_bytes(result_file([[1, rows[2][4], "成功", ""]]))
    page.set_input_files("#id_file", str(result))
    page.click("#import-result")
    expect(page.locator("#job-status")).to_have_text("已完成")
    page.goto(f"/batches/{batch.pk}/")
    expect(page.locator("#batch-state")).to_have_text("已对账")
    expect(page.locator("#batch-counts")).to_contain_text("已发放 1")
    expect(page.locator("#result-sha")).to_be_visible()
    expect(page.locator("#export")).to_have_count(0)  # a paid batch is not exported again
    _fits(page)
    line = ClaimLine.objects.get(person=paid, kind="training")
    assert line.status == LineStatus.PAID
    assert ClaimLine.objects.get(person=lacking, kind="training").status == LineStatus.DUE
    context.close()
