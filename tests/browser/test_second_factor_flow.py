"""A city reviewer's first login in Chromium: password, then the enrolment page with its QR
code, a code typed from the authenticator, the recovery codes shown once, then the pages."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_enrols_on_first_login_and_keeps_recovery_codes(page, liang):
    page.goto("/login/")
    page.fill("#id_username", "liang")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/otp/enrol/**")
    expect(page.locator("#otp-qr")).to_be_visible()
    assert page.locator("#otp-qr").get_attribute("src").startswith("data:image/svg+xml")
    page.goto("/ledger/")  # nothing else opens before enrolment
    page.wait_for_url("**/account/otp/enrol/**")

    secret = page.locator("#otp-secret").inner_text().strip()
    totp = TOTP(base64.b32decode(secret))  # what the authenticator app computes
    page.fill("#id_code", f"{totp.token():06d}")
    page.click("#otp-submit")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    # On to the page asked for before enrolment.
    expect(page.locator("h1")).to_have_text("帮扶劳动力台账")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("工作台")  # the home page is the desk
    expect(page.locator("h2", has_text="各县台账概况")).to_be_visible()
