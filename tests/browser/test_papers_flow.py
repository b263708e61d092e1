"""Printing papers from the pages, in Chromium: the officer downloads the roster PDF from the
class page on a phone; the county clerk downloads a certificate from the certificate list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.evaluation.services import certificates_issue
from tests.conftest import PASSWORD
from tests.papers import pdf_text
from tests.training.fixtures import complete

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_officer_downloads_the_roster_pdf_from_the_class_page_on_a_phone(
    browser, live_server, lu, school, class_factory, person_factory, tmp_path
):
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee])
    ctx = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, accept_downloads=True
    )
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    login(page, "lu", PASSWORD)
    page.goto(f"/classes/{c.pk}/")
    papers = page.locator("#papers")
    expect(papers).to_contain_text("打印与归档")
    # The card fits the phone's width: nothing in it reaches past the screen's edge.
    box = papers.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    with page.expect_download() as download:
        page.click("#paper-roster-pdf")
    name = download.value.suggested_filename
    assert name.startswith(f"花名册-{c.name}") and name.endswith(".pdf")
    path = tmp_path / "roster.pdf"
    download.value.save_as(path)
    text = pdf_text(path.read_bytes())
    assert "学员花名册" in text and "蓝海燕" in text and trainee.id_masked in text
    assert trainee.id_number not in text
    page.screenshot(path=str(tmp_path / "class-page-phone.png"), full_page=True)
    ctx.close()


def test_the_county_clerk_downloads_a_certificate_from_the_list(
    page, lu, wei, school, class_factory, person_factory, tmp_path
):
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee], count=1)
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=False):
        complete(lu, c, {trainee: True})
        (cert,) = certificates_issue(actor=lu, training_class=c)
    login(page, "wei", PASSWORD)
    page.goto("/certificates/")
    row = page.locator("#certificates tr", has_text=cert.number)
    with page.expect_download() as download:
        row.get_by_role("link", name="打印PDF").click()
    assert download.value.suggested_filename.startswith(f"证书-{cert.number}")
    path = tmp_path / "certificate.pdf"
    download.value.save_as(path)
    text = pdf_text(path.read_bytes())
    assert "职业技能等级证书" in text and "蓝海燕" in text
    assert f"/verify/?number={cert.number}" in text
