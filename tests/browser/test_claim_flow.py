"""A class closes on the officer's phone and its claim goes through review on the pages:
the school submits, the county checks from 待我审核, the city approves."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.subsidies.loading import load_policy_rules
from skillaid.subsidies.models import Claim, ClaimState
from tests.conftest import PASSWORD
from tests.subsidies.fixtures import attend
from tests.training.fixtures import complete

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_closed_class_is_claimed_checked_and_approved_on_the_pages(
    browser, live_server, lu, wei, liang, school, class_factory, person_factory
):
    load_policy_rules()
    present = person_factory(category="脱贫户", name="蓝海燕")
    absent = person_factory(category="脱贫户", name="覃海")
    c = class_factory(lu, trainees=[present, absent], count=2)
    sessions = list(c.sessions.order_by("starts_at"))
    for s in sessions:
        attend(s, present)
    attend(sessions[0], absent)
    after = sessions[-1].ends_at + dt.timedelta(hours=1)
    with time_machine.travel(after, tick=False):
        complete(lu, c, {present: True, absent: True})

    with time_machine.travel(after, tick=True):
        phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
        phone.set_default_timeout(15000)
        officer = phone.new_page()
        login(officer, "lu", PASSWORD)
        officer.goto(f"/classes/{c.pk}/")
        officer.get_by_role("button", name="结业关班").click()
        expect(officer.locator("#status")).to_have_text("已结业")
        claim_card = officer.locator("#claim")
        # 1200 (the catalogue's standard) for 蓝海燕; 覃海 attended half: nothing.
        expect(claim_card.locator("#claim-due")).to_have_text("1200.00")
        expect(claim_card).to_contain_text("出勤率50.0%，低于80%")
        assert officer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        claim_card.get_by_role("link", name="办理审核").click()
        officer.get_by_role("button", name="提交审核").click()
        expect(officer.locator("#claim-status")).to_have_text("已提交待初审")

        desk = browser.new_context(base_url=live_server.url, locale="zh-CN")
        desk.set_default_timeout(15000)
        clerk = desk.new_page()
        login(clerk, "wei", PASSWORD)
        menu(clerk).get_by_role("link", name="待我审核").click()
        expect(clerk.locator(".review-group h2").filter(has_text="补贴申领审核")).to_have_text(
            "补贴申领审核（1 项）"
        )
        clerk.get_by_role("link", name=c.name).click()
        # A return needs a reason: the page says so and the claim stays where it was.
        clerk.get_by_role("button", name="退回修改").click()
        expect(clerk.locator(".messages")).to_contain_text("退回或不予补贴须填写原因")
        clerk.get_by_role("button", name="县级初审通过").click()
        expect(clerk.locator("#claim-status")).to_have_text("县级初审通过待审批")

        city_ctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
        city_ctx.set_default_timeout(15000)
        city = city_ctx.new_page()
        login(city, "liang", PASSWORD)
        city.goto("/claims/")
        city.get_by_role("link", name=c.name).click()
        city.fill("#reason", "同意")
        city.get_by_role("button", name="审批通过").click()
        expect(city.locator("#claim-status")).to_have_text("已审批")
        expect(city.locator("body")).to_contain_text("审批通过")
        for ctx in (phone, desk, city_ctx):
            ctx.close()

    claim = Claim.objects.get(training_class=c)
    assert claim.status == ClaimState.APPROVED and claim.submitted_by == lu
