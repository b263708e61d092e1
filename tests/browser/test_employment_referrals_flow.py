"""A county clerk opens the list of who is short of referrals, opens a seeker's suggested
postings, recommends one and sees the count rise, on a desktop and on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import MASHAN, PASSWORD
from tests.employment import factories as f

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOW = dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_clerk_refers_a_seeker_and_sees_the_count_rise(
    browser, live_server, wei, person_factory, viewport
):
    from skillaid.subsidies.loading import load_policy_rules

    with time_machine.travel(NOW, tick=True):
        load_policy_rules()
        person = person_factory(name="蓝海燕")
        seeker = f.seeker(person, trained_on=dt.date(2026, 5, 20))
        seeker.occupations.set([f.occupation()])
        unit = f.employer("马山县建筑劳务有限公司", region=MASHAN)
        for wage in (4000, 5000, 6000):
            f.posting(unit, title=f"建筑电工{wage}", region=MASHAN, wage=(wage - 1000, wage))
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            **({"viewport": viewport, "is_mobile": True, "has_touch": True} if viewport else {}),
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, "wei", PASSWORD)
        menu(page).locator("#nav-employment").click()
        page.locator("#employment-figures a", has_text="推介岗位不足3个").click()
        expect(page.locator("#short-rule")).to_contain_text("每人不少于3个")
        row = page.locator("#short tbody tr", has_text="蓝海燕")
        expect(row.locator(".needed")).to_have_text("3")
        expect(row).not_to_contain_text(person.id_masked.replace("*", "0"))
        row.get_by_role("link", name="推荐岗位").click()
        expect(page.locator("#referral-count-value")).to_have_text("0")
        first = page.locator("#suggestions tbody tr").first
        expect(first).to_contain_text("建筑电工6000")
        expect(first.locator(".reasons")).to_contain_text("求职意向职业")
        expect(first.locator(".reasons")).to_contain_text("工作地在本县")
        if viewport:
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        first.get_by_role("button", name="推荐").click()
        expect(page.locator(".messages")).to_contain_text("本轮已推荐1个")
        expect(page.locator("#referral-count-value")).to_have_text("1")
        expect(page.locator("#referral-count")).to_contain_text("尚需推荐 2 个")
        expect(page.locator("#referrals-made")).to_contain_text("建筑电工6000")
        expect(page.locator("#suggestions")).not_to_contain_text("建筑电工6000")
        page.get_by_role("link", name="返回推介岗位不足名单").click()
        expect(page.locator("#short tbody tr", has_text="蓝海燕").locator(".needed")).to_have_text(
            "2"
        )
        if viewport:
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        context.close()
