"""A county clerk registers a ledger person as a job seeker from the person page and
records the employment status a phone call confirmed, on a desktop and on a phone; an
employer's account, opened by the clerk, signs in with its initial password, changes it
and lands on its own unit's home."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.employment.employers import employer_create
from tests.conftest import MASHAN, PASSWORD
from tests.employment.factories import occupation, uscc_new

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOW = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)


def fits(page) -> None:  # noqa: ANN001
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_clerk_registers_a_seeker_and_records_a_status(
    browser, live_server, wei, person_factory, viewport
):
    with time_machine.travel(NOW, tick=True):
        worker = person_factory(name="蓝海燕", category="lifted", wants_job=True)
        occupation("电工", "6-31-01-03")
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", **({"viewport": viewport} if viewport else {})
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, "wei", PASSWORD)
        page.goto(f"/people/{worker.pk}/")
        page.locator("#person-seeker-register").click()
        if viewport:
            fits(page)
        page.fill("#id_occupations", "电工、造火箭")
        page.check("#id_places input[value=local]")
        page.check("#id_places input[value=guangdong]")
        page.fill("#id_wage_min", "3500")
        page.get_by_role("button", name="保存").click()
        # An occupation the catalogue does not know is named beside its field.
        expect(page.locator(".errorlist")).to_contain_text("“造火箭”不在职业目录中")
        page.fill("#id_occupations", "电工")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#seeker-status")).to_have_text("待回访确认")
        expect(page.locator("#seeker-summary")).to_contain_text("电工")
        if viewport:
            fits(page)
        page.locator("#status-record").click()
        page.select_option("#id_status", "outside")
        page.fill("#id_confirmed_on", "2026-05-11")
        page.select_option("#id_confirmed_by", "phone")
        page.fill("#id_employer_name", "深圳市华强电子厂")
        page.fill("#id_workplace", "440300")
        if viewport:
            fits(page)
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#seeker-status")).to_have_text("区外就业")
        history = page.locator("#status-history")
        expect(history).to_contain_text("2026-05-11")
        expect(history).to_contain_text("电话回访")
        expect(history).to_contain_text("深圳市华强电子厂")
        expect(page.locator("#seeker-summary")).not_to_contain_text(worker.id_number)
        if viewport:
            fits(page)
        # The person page now links the record with its status; the list shows it too.
        page.goto(f"/people/{worker.pk}/")
        expect(page.locator("#person-seeker-status")).to_have_text("区外就业")
        page.goto("/employment/seekers/?status=employed")
        expect(page.locator("#seekers tbody tr", has_text="蓝海燕")).to_contain_text("区外就业")
        if viewport:
            fits(page)
        context.close()


def test_an_employer_signs_in_with_its_initial_password_and_lands_on_its_home(
    browser, live_server, wei
):
    with time_machine.travel(NOW, tick=True):
        unit = employer_create(
            actor=wei,
            channel="command",
            data={
                "kind": "employer",
                "name": "马山县黑山羊食品有限公司",
                "uscc": uscc_new(),
                "region": MASHAN,
            },
        )
        clerk = browser.new_context(base_url=live_server.url, locale="zh-CN")
        clerk.set_default_timeout(15000)
        page = clerk.new_page()
        login(page, "wei", PASSWORD)
        page.goto(f"/employment/employers/{unit.pk}/")
        page.locator("#employer-account").click()
        page.fill("#id_username", "heishanyang")
        page.fill("#id_full_name", "李春花")
        page.fill("#id_phone", "13907710002")
        page.get_by_role("button", name="保存").click()
        initial = page.locator("#account-password").inner_text().strip()
        assert initial
        clerk.close()

        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
        context.set_default_timeout(15000)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", "heishanyang")
        page.fill("#id_password", initial)
        page.click("button[type=submit]")
        page.wait_for_url("**/password/**")
        page.fill("#id_old_password", initial)
        page.fill("#id_new_password1", "Blue-River-7391-Kite")
        page.fill("#id_new_password2", "Blue-River-7391-Kite")
        page.get_by_role("button", name="修改密码").click()
        page.wait_for_url("**/employment/unit/")
        expect(page.locator("#employer-home")).to_contain_text("马山县黑山羊食品有限公司")
        fits(page)
        # Only its own pages: the ledger is refused.
        answer = page.goto("/ledger/")
        assert answer is not None and answer.status == 403
        context.close()
