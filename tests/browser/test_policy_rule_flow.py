"""A province reviewer changes a subsidy rule on a phone; a county clerk reads it, in Chromium."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from skillaid.subsidies.loading import load_policy_rules
from skillaid.subsidies.models import PolicyRule
from tests.conftest import PASSWORD

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKSHOP = "gx-workshop-project-training"


def _fits(page) -> None:  # noqa: ANN001
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"


def test_the_province_reviewer_changes_a_rule_on_a_phone_and_the_clerk_reads_it(
    browser, live_server, regions, qin, wei
):
    load_policy_rules()
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "qin", PASSWORD)
    menu(page).get_by_role("link", name="补贴政策").click()
    page.select_option("#kind", "project")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("#rules tbody tr")
    expect(rows).to_have_count(1)  # Yong'an's rule is Fujian's, not in Guangxi's list
    expect(rows.first).to_contain_text("200.00 元/人·天，单次不超过 1000.00 元")
    _fits(page)
    rows.first.get_by_role("link").first.click()
    expect(page.locator("#rule-terms")).to_contain_text("003 桂人社发〔2022〕7号 四（十）")
    _fits(page)
    page.click("#rule-edit")

    # A negative amount is refused beside its field, in Chinese; nothing is saved.
    page.fill("#id_amount", "-200")
    page.fill("#id_reason", "提高补贴标准")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#field-amount .errorlist")).to_have_text("补贴标准（元）不能为负数")
    assert PolicyRule.objects.get(code=WORKSHOP).versions.count() == 1
    _fits(page)

    page.fill("#id_amount", "250")
    page.fill("#id_cap_per_time", "1,250.00")
    page.fill("#id_valid_from", "2026-01-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存为第2版")
    expect(page.locator("#rule-amount")).to_have_text("250.00 元/人·天，单次不超过 1250.00 元")
    versions = page.locator("#versions > li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("覃芳")
    expect(versions.first).to_contain_text("补贴标准（元）：200.00 → 250.00")
    expect(versions.first).to_contain_text("提高补贴标准")
    _fits(page)
    rule = PolicyRule.objects.get(code=WORKSHOP)
    assert [(v.number, v.amount, v.cap_per_time) for v in rule.versions.order_by("number")] == [
        (1, Decimal("200.00"), Decimal("1000.00")),
        (2, Decimal("250.00"), Decimal("1250.00")),
    ]
    context.close()

    # The county clerk reads the rule with both versions, and is offered no change.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "wei", PASSWORD)
    page.goto(f"/policies/{WORKSHOP}/")
    expect(page.locator("#versions > li")).to_have_count(2)
    expect(page.locator("#rule-edit")).to_have_count(0)
    context.close()
