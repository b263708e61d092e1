"""The administrator enters next year's holidays on 节假日安排, first with a wrong line, then
reads the year back, on a desktop and on a 390×844 phone, in Chromium."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from skillaid.accounts.holidays import CalendarYear
from skillaid.accounts.workdays import add_working_days
from tests.conftest import PASSWORD

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LINES = [
    "2027-01-01 元旦 休",
    "2027-02-06至2027-02-12 春节 休",
    "2027-02-08 春节 班",  # wrong: a Monday, and already a holiday above
    "2027-10-01至2027-10-07 国庆节 休",
]


def _fits(page) -> None:  # noqa: ANN001
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_administrator_enters_next_year_and_sees_it(
    browser, live_server, regions, work_calendar, zhou, viewport
):
    options = {"viewport": viewport} if viewport else {}
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "zhou", PASSWORD)
    menu(page).get_by_role("link", name="节假日安排").click()
    expect(page.locator("#calendar-missing")).to_contain_text("节假日安排尚未录入2027年")
    expect(page.locator("#calendar-years")).to_contain_text("chinese-calendar 预置")
    _fits(page)
    page.get_by_role("link", name="录入2027年").click()
    expect(page.locator("#id_year")).to_have_value("2027")

    # A wrong line is refused under its number; nothing is stored.
    page.fill("#id_days", "\n".join(LINES))
    page.fill("#id_basis", "国务院办公厅关于2027年部分节假日安排的通知")
    page.get_by_role("button", name="保存").click()
    bad = page.locator("#id_days_lines li.bad")
    expect(bad).to_have_count(1)
    expect(bad).to_contain_text("第3行：2027-02-08已在第2行写过")
    assert not CalendarYear.objects.filter(year=2027).exists()
    _fits(page)

    # The make-up Saturday was meant: corrected, the year is saved and shown.
    page.fill("#id_days", "\n".join([*LINES[:2], "2027-02-13 春节 班", LINES[3]]))
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已录入2027年节假日安排")
    days = page.locator("#calendar-days tbody tr")
    expect(days).to_have_count(1 + 7 + 1 + 7)
    expect(page.locator("#calendar-days tr.workday")).to_contain_text("2027-02-13")
    expect(page.locator("#calendar-days tr.workday")).to_contain_text("星期六")
    expect(page.locator("#calendar-facts")).to_contain_text("系统管理员录入")
    expect(page.locator("#calendar-history")).to_contain_text("周静")
    _fits(page)
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 13)

    # Back on the list, 2027 is known and no longer called missing.
    page.get_by_role("link", name="返回节假日安排").click()
    expect(page.locator("#calendar-years tbody tr").first).to_contain_text("系统管理员录入")
    expect(page.locator("#calendar-missing")).to_have_count(0)
    _fits(page)
    context.close()
