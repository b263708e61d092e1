import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("SKILLAID_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium package"
            )
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, regions):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page, username: str, password: str) -> None:
    """Logs in through the pages; a user who needs a second factor is enrolled beforehand
    (as they would have been) and types the code their authenticator shows."""
    import time

    from django_otp import user_has_device

    from skillaid.accounts.models import User
    from tests.conftest import totp_code, totp_device

    user = User.objects.get(username=username)
    device = totp_device(user) if user.needs_second_factor or user_has_device(user) else None
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    if device is not None:
        page.wait_for_url(re.compile(r"/account/otp/"))
        device.refresh_from_db()
        # A code is taken once: after a login in this same 30 s step, wait for the next code.
        while int((time.time() - device.t0) // device.step) <= device.last_t:
            time.sleep(0.5)
        page.fill("#id_code", totp_code(device))
        page.click("#otp-submit")
    page.wait_for_url("**/")


def menu(page):  # noqa: ANN001, ANN201
    """The header menu, opened first where it folds behind its button (on a phone). The
    page's stylesheet decides whether the button shows: wait until it has loaded."""
    page.wait_for_load_state("load")
    button = page.locator("#menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
    return page.locator("#menu")
