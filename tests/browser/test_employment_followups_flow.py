"""A county clerk works the follow-up list on a phone: opens the list, finds an overdue
return visit, records the person as employed, sees the visit leave the list and the
person's employment status change."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.employment import factories
from tests.employment.fixtures_followups import open_referral_followup

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOW = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)


def test_a_clerk_records_an_overdue_followup_on_a_phone(browser, live_server, wei, person_factory):
    from skillaid.subsidies.loading import load_policy_rules

    with time_machine.travel(NOW, tick=True):
        load_policy_rules()
        seeker = factories.seeker(person_factory(name="蓝海燕"), status="unknown")
        followup = open_referral_followup(seeker, dt.date(2026, 8, 1))  # due 2026-11-01
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, "wei", PASSWORD)
        menu(page).get_by_role("link", name="就业回访").click()
        expect(page.locator("#group-overdue")).to_have_text("已逾期 1")
        row = page.locator("#followups tbody tr", has_text="蓝海燕")
        expect(row).to_contain_text("逾期17天")
        expect(row).to_contain_text("岗位推荐后回访")
        expect(row).not_to_contain_text(seeker.person.id_number)  # masked
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        row.get_by_role("link", name="回访").click()
        expect(page.locator("#seeker-status")).to_have_text("待回访确认")
        expect(page.locator("#id_on")).to_have_value("2026-11-18")
        page.select_option("#id_method", "phone")
        page.select_option("#id_status", "local")
        page.fill("#id_employer_name", "马山县黑山羊养殖合作社")
        page.fill("#id_note", "本人电话确认已在合作社务工")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("#followup-submit").click()
        expect(page.locator(".messages")).to_contain_text("已登记蓝海燕的回访：县内就业")
        expect(page.locator("#group-overdue")).to_have_text("已逾期 0")
        expect(page.locator("#followups tbody")).not_to_contain_text("蓝海燕")
        # The person's status is now the one the visit found.
        page.goto(f"/employment/followups/{followup.pk}/")
        expect(page.locator("#seeker-status")).to_have_text("县内就业")
        expect(page.locator("#followup-done")).to_contain_text("马山县黑山羊养殖合作社")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        context.close()
