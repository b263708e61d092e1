"""A clerk pages through the ledger in Chromium: next to the end, previous back to the
start, the last page, and a link someone altered; at a phone's size too."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.conftest import MASHAN, PASSWORD
from tests.people.test_ledger_paging import add_people

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def names_on(page) -> list[str]:  # noqa: ANN001
    return page.locator("#ledger tbody tr td:first-child").all_inner_texts()


def walk(page, link: str) -> list[list[str]]:  # noqa: ANN001
    """The names of each page, following `link` (下一页 or 上一页) until it is gone."""
    pages = [names_on(page)]
    while page.locator(f"nav.pagination a:text-is('{link}')").count():
        before = page.url
        page.click(f"nav.pagination a:text-is('{link}')")
        page.wait_for_url(lambda url, before=before: url != before)
        pages.append(names_on(page))
        assert len(pages) < 20
    return pages


@pytest.mark.parametrize("viewport", [None, {"width": 390, "height": 844}])
def test_clerk_walks_the_ledger_forward_and_back(browser, live_server, wei, settings, viewport):
    settings.SKILLAID_PAGE_SIZE = 3
    # Eight people, several with the same initials, so that ties cross page boundaries.
    add_people([(MASHAN, "ab", dt.date(1990, 1, 1), None)] * 5)
    add_people([(MASHAN, "aa", dt.date(1990, 1, 1), None)] * 3)
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", **({"viewport": viewport} if viewport else {})
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "wei", PASSWORD)
    page.goto("/ledger/?sort=name")
    expect(page.locator("#ledger-count")).to_contain_text("共 8 人")
    expect(page.locator("nav.pagination")).to_contain_text("第 1 页 / 共 3 页")

    forward = walk(page, "下一页")
    assert [len(p) for p in forward] == [3, 3, 2]
    everyone = [name for p in forward for name in p]
    assert len(set(everyone)) == 8
    expect(page.locator("nav.pagination")).to_contain_text("第 3 页 / 共 3 页")
    if viewport:
        # The page links fit the phone's width: no sideways scrolling.
        width = page.evaluate("document.documentElement.scrollWidth")
        nav = page.locator("nav.pagination").bounding_box()
        assert nav["x"] + nav["width"] <= viewport["width"] and width <= viewport["width"] + 1

    backward = walk(page, "上一页")
    assert backward[::-1] == forward
    expect(page.locator("nav.pagination")).to_contain_text("第 1 页")

    page.click("nav.pagination a:text-is('末页')")
    expect(page.locator("nav.pagination")).to_contain_text("第 3 页 / 共 3 页")
    assert names_on(page) == forward[-1]
    page.click("nav.pagination a:text-is('上一页')")
    expect(page.locator("nav.pagination")).to_contain_text("第 2 页 / 共 3 页")
    assert names_on(page) == forward[1]
    page.click("nav.pagination a:text-is('首页')")
    assert names_on(page) == forward[0]

    page.goto("/ledger/?sort=name&cursor=altered")
    expect(page.locator("#page-error")).to_contain_text("翻页链接无效")
    assert names_on(page) == forward[0]
    context.close()
