"""An agency's account reports a worker it placed; the county clerk of the worker's county
confirms the contract and the insured months, and the agency's service-subsidy line
appears with its claim — on a desktop and on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.employment.fixtures_placements import *  # noqa: F403
from tests.employment.fixtures_placements import agency_rule

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOW = dt.datetime(2026, 9, 15, 2, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_agency_reports_the_clerk_confirms_and_the_claim_line_appears(
    browser, live_server, rules, agent, firm, worker, mo, viewport
):
    agency_rule()
    with time_machine.travel(NOW, tick=True):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", **({"viewport": viewport} if viewport else {})
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, "agent", PASSWORD)
        page.goto("/employment/placements/new/")
        page.fill("#id_id_number", worker.id_number)
        page.fill("#id_name", worker.name)
        page.fill("#id_employer_uscc", firm.uscc)
        page.fill("#id_job", "包装工")
        page.fill("#id_contract_start", "2026-03-01")
        page.fill("#id_contract_end", "2026-12-31")
        page.fill("#id_insured_months", "4")
        page.fill("#id_insured_until", "2026-06-30")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#placement-state")).to_contain_text("待人员所在县（区）人社部门核实")
        expect(page.locator("#confirm-form")).to_have_count(0)
        url = page.url
        context.close()

        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", **({"viewport": viewport} if viewport else {})
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, "mo", PASSWORD)
        menu(page).locator("#nav-employment").click()
        page.locator("#employment-figures a", has_text="就业登记待核实").click()
        page.select_option("#confirmed", "0")
        page.get_by_role("button", name="查询").click()
        page.wait_for_url("**confirmed=0**")
        page.locator("#placements tbody tr", has_text=worker.name).get_by_role("link").first.click()
        assert page.url == url
        page.fill("#id_on", "2026-09-15")
        page.select_option("#id_means", "insurance")
        page.fill("#id_insured_months", "3")
        page.locator("#confirm").click()
        expect(page.locator("#placement-state")).to_contain_text("2026-09-15")
        expect(page.locator("#subsidy-status")).to_have_text("应发")
        expect(page.locator("#agency-subsidy")).to_contain_text("800.00")
        if viewport:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("#subsidy-claim").click()
        expect(page.locator("body")).to_contain_text(agent.name)
        expect(page.locator("body")).to_contain_text(worker.name)
        context.close()
