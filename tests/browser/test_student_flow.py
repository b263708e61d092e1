"""A school officer enrols a student on the students page, records a suspension, and
finds the student on the list with the new status, on a desktop and on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import MASHAN, PASSWORD, new_id

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def enrol_and_suspend(page, name: str, number: str) -> None:  # noqa: ANN001
    menu(page).get_by_role("link", name="技工院校学生").click()
    page.locator("#student-new").click()
    page.fill("#id_name", name)
    page.fill("#id_id_number", number)
    page.fill("#id_major", "数控加工")
    page.select_option("#id_class_type", "intermediate")
    page.fill("#id_entered_on", "2026-09-01")
    page.fill("#id_expected_graduation", "2029-07-01")
    page.fill("#id_staff_name", "黄老师")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#student-status")).to_have_text("在读")
    page.locator("#status-change").click()
    page.select_option("#id_to_status", "suspended")
    page.fill("#id_on", "2026-10-10")
    page.get_by_role("button", name="保存").click()
    # Without a reason the suspension is refused, saying why.
    expect(page.locator(".errorlist")).to_contain_text("变更为休学须填写原因")
    page.fill("#id_reason", "生病住院")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#student-status")).to_have_text("休学")
    expect(page.locator("#status-history")).to_contain_text("生病住院")
    page.get_by_role("link", name="返回学生名单").click()
    page.select_option("#status", "suspended")
    page.get_by_role("button", name="查询").click()
    # The filtered list, loaded with its stylesheet (the list before it shows the row too).
    page.wait_for_url("**status=suspended**")
    page.wait_for_load_state("load")
    row = page.locator("#students tbody tr", has_text=name)
    expect(row).to_contain_text("休学")
    expect(row).not_to_contain_text(number)  # the ID number is masked


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_officer_enrols_a_student_and_records_a_suspension(browser, live_server, lu, viewport):
    with time_machine.travel(NOW, tick=True):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", **({"viewport": viewport} if viewport else {})
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, "lu", PASSWORD)
        enrol_and_suspend(page, "韦小燕", new_id(MASHAN, dt.date(2008, 4, 4)))
        if viewport:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        context.close()
