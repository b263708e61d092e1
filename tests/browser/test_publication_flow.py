"""The county clerk publishes a class's approved subsidies on 2026-09-29 (the period runs
over the National Day holiday to 10-12); on 10-9 a citizen, without logging in, objects
to one trainee's line on the public page; the clerk finds it in the queue and resolves it
with a reason. In Chromium, on a desktop and on a 390×844 phone."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.people.models import Person
from skillaid.subsidies.models import Hold, LineStatus, Objection, ObjectionState
from tests.conftest import PASSWORD
from tests.subsidies.publishing import approved_claim, local

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:  # noqa: ANN001
    # After a click the new page's text can be there before its stylesheet has applied
    # (the tables fold into cards on a phone only then): measure the loaded page.
    page.wait_for_load_state("load")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_citizen_objects_on_the_public_list_and_the_clerk_resolves_it(
    browser,
    live_server,
    regions,
    work_calendar,
    run_class,
    lu,
    wei,
    liang,
    school,
    person_factory,
    viewport,
):
    from skillaid.subsidies.loading import load_policy_rules
    from tests.subsidies.fixtures import living_allowance_for_all_training

    load_policy_rules()
    living_allowance_for_all_training()
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝海燕", "覃小兰")]
    approved_claim(
        run_class,
        officer=lu,
        checker=wei,
        approver=liang,
        attended={p: 3 for p in people},
        on=local(2026, 9, 1),
    )
    options = {"viewport": viewport} if viewport else {}

    def new_page():  # noqa: ANN202
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    # The clerk publishes: the preview shows the period before anything is published.
    with time_machine.travel(local(2026, 9, 29), tick=True):
        clerk = new_page()
        login(clerk, "wei", PASSWORD)
        menu(clerk).get_by_role("link", name="补贴公示").click()
        clerk.locator("#publication-new").click()
        clerk.locator("#choose-450124").click()
        expect(clerk.locator("#preview-period")).to_contain_text("至2026年10月12日止")
        expect(clerk.locator("#preview-lines tbody tr")).to_have_count(4)
        _fits(clerk)
        clerk.locator("#publish").click()
        expect(clerk.locator("h1")).to_contain_text("马山县职业技能培训补贴公示")
        public_url = clerk.locator("#public-link").get_attribute("href")

    # A citizen on their phone (no login) objects to the first trainee's line.
    with time_machine.travel(local(2026, 10, 9), tick=True):
        citizen = new_page()
        citizen.goto(public_url)
        table = citizen.locator("#public-lines")
        expect(table).to_contain_text("蓝海燕")
        for person in Person.objects.all():
            expect(table).to_contain_text(person.id_masked)
            expect(citizen.locator("body")).not_to_contain_text(person.id_number)
        expect(citizen.locator("#publication-period")).to_contain_text("2026年10月12日")
        _fits(citizen)
        citizen.locator("#row-1").get_by_role("link", name="提出异议").click()
        expect(citizen.locator("#id_line")).to_have_value("1")
        citizen.locator("#objection-submit").click()
        expect(citizen.locator(".errorlist")).to_contain_text("请填写异议内容")
        citizen.fill("#id_text", "蓝海燕培训那几天在广东务工，没有参加培训")
        citizen.fill("#id_contact_phone", "13800000000")
        citizen.locator("#objection-submit").click()
        expect(citizen.locator(".messages")).to_contain_text("异议已登记")
        _fits(citizen)

        objection = Objection.objects.get()
        assert (objection.line.status, objection.line.hold) == (LineStatus.HELD, Hold.OBJECTION)

        # The clerk finds it in the queue and dismisses it with a reason.
        clerk = new_page()
        login(clerk, "wei", PASSWORD)
        menu(clerk).get_by_role("link", name="补贴公示").click()
        clerk.locator("#open-objections").click()
        row = clerk.locator(f"#objection-{objection.pk}")
        expect(row).to_contain_text("广东务工")
        expect(row).to_contain_text("13800000000")
        _fits(clerk)
        row.get_by_label("异议不成立，照常发放").check()
        row.locator("textarea").fill("经查考勤人脸照片和实训记录，本人全程参训，异议不成立")
        row.get_by_role("button", name="提交处理结果").click()
        expect(clerk.locator(".messages")).to_contain_text("异议不成立")
        expect(clerk).to_have_url(re.compile(r"/objections/"))
        expect(clerk.locator(f"#objection-{objection.pk}")).to_have_count(0)

    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED and objection.resolved_by == wei
    assert objection.line.status == LineStatus.DUE and objection.line.hold == ""
