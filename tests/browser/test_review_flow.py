"""The county clerk on a phone (390×844) opens 待我审核, opens the declared class and approves it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from skillaid.training import classes
from skillaid.training.models import ClassStatus
from tests.conftest import PASSWORD

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_clerk_approves_a_class_from_the_review_queue_on_a_phone(
    browser, live_server, lu, wei, school, class_factory
):
    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    login(page, "wei", PASSWORD)
    menu(page).get_by_role("link", name="待我审核").click()
    expect(page.locator("h1")).to_have_text("待我审核")
    expect(page.locator(".review-group h2")).to_have_text("培训班开班审核（1 项）")
    # Nothing of the queue is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("link", name=c.name).click()
    expect(page.locator("#status")).to_have_text("已申报待审核")
    page.get_by_label("批准开班").check()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#status")).to_have_text("已批准开班")
    expect(page.locator("#review-history")).to_contain_text("批准开班 韦丽")
    menu(page).get_by_role("link", name="待我审核").click()
    expect(page.locator("#queue-empty")).to_have_text("没有等待您审核的事项。")
    c.refresh_from_db()
    assert c.status == ClassStatus.APPROVED and c.reviewed_by == wei
    ctx.close()
