"""Postings as their users work them: an employer's account posts a job (first refused,
saying why next to the field) and finds it in its list, on a desktop and on a 390×844
phone with nothing wider than the screen; a county clerk imports a postings workbook
with one bad row and reads that row's error on the import's page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import MASHAN, PASSWORD
from tests.employment import factories
from tests.employment.fixtures_postings import account, catalogue, row, workbook

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)


def fits(page) -> bool:  # noqa: ANN001
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_employer_account_posts_a_job_and_sees_it_in_its_list(
    browser, live_server, regions, viewport
):
    catalogue()
    account(factories.employer("马山县壮乡食品厂", region=MASHAN), "shipin")
    with time_machine.travel(NOW, tick=True):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", **({"viewport": viewport} if viewport else {})
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, "shipin", PASSWORD)
        page.goto("/employment/postings/")
        page.locator("#posting-new").click()
        expect(page.locator("h1")).to_have_text("发布招聘岗位")
        page.fill("#id_title", "包装工")
        page.fill("#id_occupation", "焊接工")
        page.fill("#id_wage_min", "3000")
        page.fill("#id_wage_max", "4200")
        page.fill("#id_places", "5")
        page.fill("#id_valid_from", "2026-04-01")
        page.fill("#id_valid_until", "2026-06-30")
        page.select_option("#id_campaign", "spring_breeze")
        page.locator("#posting-save").click()
        # The unknown occupation is refused next to its field, saying how to find one.
        expect(page.locator("#id_occupation_error")).to_contain_text("不在职业目录中")
        if viewport:
            assert fits(page)
        page.fill("#id_occupation", "6-18-02-04")
        page.locator("#posting-save").click()
        expect(page.locator("#posting-state")).to_contain_text("在招")
        page.get_by_role("link", name="返回招聘岗位").click()
        page.locator("#open").check()
        page.get_by_role("button", name="查询").click()
        page.wait_for_url("**open=1**")
        posting = page.locator("#postings tbody tr", has_text="包装工")
        expect(posting).to_contain_text("焊工")
        expect(posting).to_contain_text("在招")
        if viewport:
            assert fits(page)
        context.close()


def test_a_clerk_imports_postings_and_reads_the_bad_rows_error(
    browser, live_server, regions, wei, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    catalogue()
    food = factories.employer("马山县壮乡食品厂", region=MASHAN)
    builder = factories.employer("广西南宁建工集团")
    path = workbook(
        tmp_path / "春风行动岗位.xlsx",
        [
            row(food, "包装工"),
            row(builder, "焊工", code="6-18-02-04", occupation="焊工"),
            row(builder, "电工", places=0),
        ],
    )
    with time_machine.travel(NOW, tick=True):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, "wei", PASSWORD)
        page.goto("/employment/postings/")
        page.locator("#posting-import").click()
        page.set_input_files("#id_file", str(path))
        page.locator("#posting-import-submit").click()
        expect(page.locator("#job-status")).to_have_text("已完成")
        problems = page.locator("#job-problems tbody tr")
        expect(problems).to_have_count(1)
        expect(problems.first).to_contain_text("第5行")
        expect(problems.first).to_contain_text("I列“招聘人数”")
        expect(problems.first).to_contain_text("招聘人数至少为1人")
        page.goto("/employment/postings/")
        expect(page.locator("#postings tbody tr")).to_have_count(2)
        context.close()
