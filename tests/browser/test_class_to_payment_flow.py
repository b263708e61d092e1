"""One class from its close to a paid batch, on the pages, as the people who do it:
the school closes the class on a phone and submits its claim; the county checks it and
the city approves it; the county records the trainee's bank account and publishes the
county's lines; after the five working days the city builds, locks and exports a batch
within its budget and imports the bank's result; the trainee's page shows the payment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from skillaid.subsidies.loading import load_policy_rules
from skillaid.subsidies.models import ClaimLine, LineStatus, PaymentBatch, Publication
from tests.conftest import MASHAN, PASSWORD
from tests.subsidies.fixtures import attend
from tests.subsidies.payment_fixtures import result_file
from tests.training.fixtures import complete

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_a_class_goes_from_its_close_to_a_paid_batch(
    browser,
    live_server,
    work_calendar,
    lu,
    wei,
    liang,
    school,
    class_factory,
    person_factory,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_policy_rules()
    present = person_factory(category="脱贫户", name="蓝海燕")
    absent = person_factory(category="脱贫户", name="覃海")
    # Declared on 2026-09-01; its two sessions are on 09-09 and 09-10 (known calendar years).
    with time_machine.travel(local(2026, 9, 1, 9), tick=False):
        c = class_factory(lu, trainees=[present, absent], count=2)
    sessions = list(c.sessions.order_by("starts_at"))
    for s in sessions:
        attend(s, present)
    attend(sessions[0], absent)
    closing = sessions[-1].ends_at + dt.timedelta(hours=1)
    with time_machine.travel(closing, tick=False):
        complete(lu, c, {present: True, absent: True})

    def context(**options):  # noqa: ANN003, ANN202
        ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        ctx.set_default_timeout(15000)
        return ctx

    # The school closes the class on a phone and submits its claim.
    with time_machine.travel(closing, tick=True):
        phone = context(viewport=PHONE)
        officer = phone.new_page()
        login(officer, "lu", PASSWORD)
        officer.goto(f"/classes/{c.pk}/")
        officer.get_by_role("button", name="结业关班").click()
        expect(officer.locator("#claim-due")).to_have_text("1200.00")
        officer.locator("#claim").get_by_role("link", name="办理审核").click()
        officer.get_by_role("button", name="提交审核").click()
        expect(officer.locator("#claim-status")).to_have_text("已提交待初审")
        phone.close()

    # The county checks it, the city approves it, the next morning.
    with time_machine.travel(local(2026, 9, 11, 9), tick=True):
        desk = context()
        clerk = desk.new_page()
        login(clerk, "wei", PASSWORD)
        clerk.goto("/claims/")
        clerk.get_by_role("link", name=c.name).click()
        clerk.get_by_role("button", name="县级初审通过").click()
        expect(clerk.locator("#claim-status")).to_have_text("县级初审通过待审批")
        city_ctx = context()
        city = city_ctx.new_page()
        login(city, "liang", PASSWORD)
        city.goto("/claims/")
        city.get_by_role("link", name=c.name).click()
        city.get_by_role("button", name="审批通过").click()
        expect(city.locator("#claim-status")).to_have_text("已审批")

        # The county records the trainee's account and publishes the county's lines.
        clerk.goto(f"/people/{present.pk}/")
        clerk.get_by_role("link", name="登记收款账户").click()
        clerk.fill("#id_bank_name", "中国农业银行马山县支行")
        clerk.fill("#id_account", "6228 4801 2345 6789 012")
        clerk.get_by_role("button", name="保存").click()
        expect(clerk.locator("#account-masked")).to_have_text("6228 **** **** 9012")
        clerk.goto("/publications/")
        clerk.locator("#publication-new").click()
        clerk.locator(f"#choose-{MASHAN}").click()
        # Published on Friday 09-11: the five working days are 09-14 … 09-18.
        expect(clerk.locator("#preview-period")).to_contain_text("至2026年9月18日止")
        expect(clerk.locator("#preview-lines tbody tr")).to_have_count(1)
        clerk.locator("#publish").click()
        expect(clerk.locator("h1")).to_contain_text("公示")
        desk.close()
        city_ctx.close()
    assert Publication.objects.get().ends_on == dt.date(2026, 9, 18)

    # After the period the city pays, on a phone.
    with time_machine.travel(local(2026, 9, 21, 9), tick=True):
        phone = context(viewport=PHONE, accept_downloads=True)
        city = phone.new_page()
        login(city, "liang", PASSWORD)
        menu(city).get_by_role("link", name="补贴资金").click()
        city.fill("#id_region", MASHAN)
        city.select_option("#id_kind", "training")
        city.fill("#id_amount", "1000")
        city.click("#budget-save")
        menu(city).get_by_role("link", name="补贴发放").click()
        expect(city.locator("#ready-count")).to_have_text("1")
        city.click("#build")
        # The budget is short of the one line: refused, naming the shortfall.
        expect(city.locator(".messages")).to_contain_text("缺口200.00元")
        menu(city).get_by_role("link", name="补贴资金").click()
        city.locator("#budgets summary", has_text="修改额度").click()
        city.locator("#budgets input[name=amount]").fill("50,000.00")
        city.locator("#budgets form button").click()
        menu(city).get_by_role("link", name="补贴发放").click()
        city.click("#build")
        expect(city.locator("#batch-total")).to_have_text("1200.00")
        city.click("#lock")
        city.click("#export")
        expect(city.locator("#job-status")).to_have_text("已完成")
        city.reload()
        with city.expect_download() as info:
            city.click("#bank-file")
        rows = CalamineWorkbook.from_path(str(Path(info.value.path()))).get_sheet_by_index(0)
        rows = rows.to_python()
        assert rows[2][:4] == [1, present.name, "6228480123456789012", "中国农业银行马山县支行"]
        result = tmp_path / "银行结果.xlsx"
        result.write_bytes(result_file([[1, rows[2][4], "成功", ""]]))
        city.set_input_files("#id_file", str(result))
        city.click("#import-result")
        expect(city.locator("#job-status")).to_have_text("已完成")
        batch = PaymentBatch.objects.get()
        city.goto(f"/batches/{batch.pk}/")
        expect(city.locator("#batch-state")).to_have_text("已对账")
        assert city.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The trainee's page shows what was paid.
        city.goto(f"/people/{present.pk}/")
        expect(city.locator("#claims")).to_contain_text("已发放")
        phone.close()

    line = ClaimLine.objects.get(person=present, kind="training")
    assert line.status == LineStatus.PAID and line.amount == 1200
    assert ClaimLine.objects.get(person=absent, kind="training").status == LineStatus.REFUSED
