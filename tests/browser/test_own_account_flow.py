"""The whole way to a person's own record, in Chromium: the clerk issues a code on the person's
page, the trainee opens the account on a phone (390×844) at /me/open/, signs in with the ID
number and reads their classes and certificates; the officer's roster slips do the same."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from skillaid.evaluation.services import certificates_issue
from skillaid.lib import onetimecode
from skillaid.training import classes
from tests.conftest import PASSWORD

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
CHOSEN = "Lan-Haiyan#2026"


@pytest.fixture
def trained(lu, school, class_factory, person_factory):
    """蓝海燕, on a class that ran last week, completed and certified."""
    lan = person_factory(category="脱贫户", name="蓝海燕", phone="13877001234")
    other = person_factory(category="脱贫户", name="覃同班")
    with time_machine.travel(timezone.now() - dt.timedelta(days=10), tick=False):
        c = class_factory(lu, trainees=[lan, other], count=1)
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=False):
        classes.enrolment_complete(
            actor=lu, enrolment=c.enrolments.get(person=lan), completed=True, score=90, passed=True
        )
        [cert] = certificates_issue(actor=lu, training_class=c)
    return lan, c, cert


def open_on_phone(browser, live_server, person, code, shots) -> object:
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    page = phone.new_page()
    page.set_default_timeout(15000)
    page.goto("/login/")
    page.click("text=开通本人账户")
    expect(page.locator("h1")).to_have_text("开通本人账户")
    # A wrong code first: the answer says what to check, in Chinese, and keeps the input.
    page.fill("#id_id_number", person.id_number)
    page.fill("#id_name", person.name)
    page.fill("#id_code", "ABCD-EFGH" if code != "ABCD-EFGH" else "HGFE-DCBA")
    page.fill("#id_password", CHOSEN)
    page.fill("#id_password2", CHOSEN)
    page.click("#open-submit")
    expect(page.locator("#open-error")).to_contain_text("身份证号、姓名或开通码不正确")
    expect(page.locator("#id_name")).to_have_value(person.name)
    page.fill("#id_code", code.lower())
    page.fill("#id_password", CHOSEN)
    page.fill("#id_password2", CHOSEN)
    page.click("#open-submit")
    expect(page.locator(".messages")).to_contain_text("本人账户已开通")
    page.fill("#id_username", person.id_number)
    page.fill("#id_password", CHOSEN)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/me/$"))
    # Nothing scrolls sideways on the phone: not the page, not the record's table (cards).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth)"
    )
    page.screenshot(path=str(shots / "me-390x844.png"), full_page=True)
    return page


def test_clerk_code_to_own_record_on_a_phone(browser, page, live_server, wei, trained, tmp_path):
    lan, c, cert = trained
    login(page, "wei", PASSWORD)
    page.goto(f"/people/{lan.pk}/")
    expect(page.locator("#own-account-state")).to_contain_text("未开通")
    page.click("#issue-code")
    code = page.locator("#code").inner_text()
    assert onetimecode.well_formed(code)

    me = open_on_phone(browser, live_server, lan, code, tmp_path)
    expect(me.locator("h1")).to_have_text("我的档案")
    expect(me.locator("#me")).to_contain_text(lan.id_masked)
    record = me.locator("#record")
    expect(record).to_contain_text(c.name)
    expect(record).to_contain_text("出勤")
    expect(record).to_contain_text(cert.number)
    expect(me.locator("body")).not_to_contain_text("覃同班")
    # The folded menu holds the person's own page and nothing of the staff's.
    nav = menu(me)
    expect(nav.get_by_role("link", name="我的档案")).to_be_visible()
    expect(nav).not_to_contain_text("台账")
    expect(nav).not_to_contain_text("API 令牌")
    assert (tmp_path / "me-390x844.png").stat().st_size > 10_000

    # Poking at the staff pages from the trainee's login.
    for url in (
        "/ledger/",
        f"/people/{lan.pk}/",
        f"/classes/{c.pk}/",
        "/account/tokens/",
        "/admin/",
    ):
        me.goto(url)
        expect(me.locator("h1")).to_have_text("没有权限")
    me.goto("/")
    me.wait_for_url(re.compile(r"/me/$"))

    # The clerk's card now says the account is open.
    page.reload()
    expect(page.locator("#own-account-state")).to_contain_text("已开通")
    me.context.close()


def test_roster_slip_code_opens_the_account(browser, page, live_server, lu, trained, tmp_path):
    lan, c, _ = trained
    login(page, "lu", PASSWORD)
    page.goto(f"/classes/{c.pk}/")
    page.click("#roster-accounts-link")
    expect(page.locator("#roster-accounts")).to_contain_text("138****1234")
    page.click("#issue-slips")
    slip = page.locator(".slip", has_text="蓝海燕")
    expect(slip).to_contain_text(lan.id_masked)
    code = slip.locator(".code").inner_text()
    expect(page.locator(".slip")).to_have_count(2)
    me = open_on_phone(browser, live_server, lan, code, tmp_path)
    expect(me.locator("#record")).to_contain_text(c.name)
    me.context.close()
