"""Each role's desk in a browser: the county clerk's, the school officer's, the city and
province reviewers' at a desk's width, and the county clerk's on a 390×844 phone; a to-do
is clicked through to the list of exactly its items."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from skillaid.reports.tally import tally_refresh
from skillaid.training.classes import class_declare, class_review
from tests.conftest import PASSWORD

from .conftest import login
from .test_phone_layout import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def declared(lu, school, class_factory, person_factory):
    """A 马山县 class declared by 陆敏, waiting for the county's review; and the ledger's
    figures counted."""
    c = class_factory(lu, approve=False, name="马山县育婴员培训班")
    class_declare(actor=lu, training_class=c)
    person_factory(name="韦小燕", category="脱贫户", wants_training=True)
    tally_refresh()
    return c


def click_todo(page, label: str, url: str, expected: str) -> None:  # noqa: ANN001
    todo = page.locator("#desk-todos").get_by_role("link", name=re.compile(label))
    expect(todo).to_be_visible()
    todo.click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator("main")).to_contain_text(expected)


@pytest.mark.parametrize("persona", ["wei", "liang", "qin", "zhou"])
def test_a_bureaus_desk_shows_the_class_to_review_and_opens_its_list(
    page, persona, request, declared
):
    request.getfixturevalue(persona)
    login(page, persona, PASSWORD)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("工作台")
    expect(page.locator("#desk-asof")).to_contain_text("数据截至")
    expect(page.locator("table.counts")).to_contain_text("马山县")
    expect(page.locator("#desk-figures")).to_contain_text("补贴性职业技能培训")
    click_todo(page, "个培训班待审核开班", "/classes/?status=declared", declared.name)


def test_the_school_officers_desk_shows_a_returned_class_and_opens_its_list(
    page, lu, wei, declared
):
    class_review(actor=wei, training_class=declared, decision="return", note="课程表不全")
    login(page, "lu", PASSWORD)
    page.goto("/")
    expect(page.get_by_role("heading", name="广西南宁技师学院：待办的培训班")).to_be_visible()
    expect(page.locator("table.counts")).to_have_count(0)
    expect(page.locator("#nav-notices-unread")).to_have_text("1")
    click_todo(page, "被退回", "/classes/?status=returned", declared.name)
    page.goto("/reports/notices/")
    expect(page.locator("#notice-list")).to_contain_text("退回修改。原因：课程表不全")
    page.locator("#notices-read-all").click()
    expect(page.locator("#nav-notices-unread")).to_have_count(0)


def test_the_county_clerks_desk_on_a_phone(browser, live_server, wei, declared):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone = context.new_page()
    phone.set_default_timeout(15000)
    try:
        login(phone, "wei", PASSWORD)
        phone.goto("/")
        expect(phone.locator("#desk-todos")).to_be_visible()
        fits(phone, "desk-county")
        click_todo(phone, "个培训班待审核开班", "/classes/?status=declared", declared.name)
    finally:
        context.close()
