"""A county clerk revokes a certificate (the public check then says so) and exports the county's classes, in Chromium."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.evaluation.models import Certificate
from skillaid.evaluation.services import certificates_issue
from skillaid.training import classes
from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_revokes_a_certificate_and_verification_says_so(
    browser, page, live_server, lu, wei, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee], count=1)
    today = dt.date.today()  # the certificate is dated today, so that it is revoked after
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=False):
        classes.enrolment_complete(
            actor=lu, enrolment=c.enrolments.get(), completed=True, score=90, passed=True
        )
        # Certificates are issued once the last session has ended.
        cert = certificates_issue(actor=lu, training_class=c, on=today)[0]

    login(page, "wei", PASSWORD)
    page.click("text=证书")
    row = page.locator("#certificates tbody tr", has_text=cert.number)
    row.get_by_role("link", name="注销").click()
    expect(page.locator("h1")).to_contain_text(f"注销证书 {cert.number}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".errorlist")).to_contain_text("请填写注销原因")
    page.fill("#id_revoked_reason", "冒名顶替参加考核")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text(f"证书 {cert.number} 已注销")
    expect(row).to_contain_text("注销")
    expect(row.get_by_role("link", name="注销")).to_have_count(0)
    cert.refresh_from_db()
    assert cert.revoked_reason == "冒名顶替参加考核"
    assert Certificate.objects.filter(revoked_on__isnull=False).count() == 1

    # Anyone checking the certificate, without logging in, is told it was revoked.
    public = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    public.goto("/verify/")
    public.fill("#number", cert.number)
    public.fill("#name", "蓝海燕")
    public.get_by_role("button", name="查验").click()
    expect(public.locator("#verdict")).to_contain_text(f"已于{cert.revoked_on:%Y-%m-%d}注销")
    public.context.close()


def test_clerk_downloads_the_county_class_list(page, lu, wei, school, class_factory):
    from python_calamine import CalamineWorkbook

    c = class_factory(lu)
    login(page, "wei", PASSWORD)
    page.click("text=培训班")
    row = page.locator("#classes tbody tr", has_text=c.name)
    expect(row).to_contain_text("—")  # no session held yet: no attendance rate
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    path = info.value.path()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert any(r[0] == c.name and "马山县" in r for r in rows)
