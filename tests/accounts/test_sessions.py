"""Sessions: idle and absolute timeouts, logout everywhere, and the HTTPS settings of a
deployment (DEBUG off), which `skillaid check --deploy` must pass without a warning."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from skillaid.accounts import users as services
from tests.conftest import PASSWORD


def logged_in(client, username: str) -> Client:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_session_idle_longer_than_the_timeout_ends(client, wei, settings):
    settings.SKILLAID_SESSION_IDLE_MINUTES = 30
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        logged_in(client, "wei")
        clock.move_to(start + dt.timedelta(minutes=29))
        assert client.get(reverse("ledger")).status_code == 200
        clock.move_to(start + dt.timedelta(minutes=29 + 31))
        response = client.get(reverse("ledger"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "30 分钟没有操作" in client.get(response["Location"]).content.decode()
    assert client.get(reverse("ledger"))["Location"].startswith(reverse("login"))


def test_a_session_ends_after_the_absolute_timeout_however_busy(client, wei, settings):
    settings.SKILLAID_SESSION_MAX_HOURS = 12
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        logged_in(client, "wei")
        for minutes in range(20, 12 * 60, 20):
            clock.move_to(start + dt.timedelta(minutes=minutes))
            assert client.get(reverse("home")).status_code == 200
        clock.move_to(start + dt.timedelta(hours=12, minutes=5))
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_logout_everywhere_ends_every_session_of_the_user(wei, huang):
    office, phone, neighbour = Client(), Client(), Client()
    for c in (office, phone):
        logged_in(c, "wei")
    logged_in(neighbour, "huang")
    response = phone.post(reverse("logout_everywhere"))
    assert response.status_code == 302
    for c in (office, phone):
        assert c.get(reverse("ledger"))["Location"].startswith(reverse("login"))
    assert neighbour.get(reverse("ledger")).status_code == 200
    # A new login works again.
    assert logged_in(Client(), "wei").get(reverse("ledger")).status_code == 200


def test_the_account_page_offers_logout_everywhere(client, wei):
    client.force_login(wei)
    page = client.get(reverse("account")).content.decode()
    assert "退出所有设备" in page and reverse("logout_everywhere") in page


def test_deactivating_a_user_ends_their_sessions(wei, zhou):
    c = logged_in(Client(), "wei")
    services.user_set_active(actor=zhou, user=wei, active=False)
    assert c.get(reverse("ledger"))["Location"].startswith(reverse("login"))


def test_session_cookie_is_http_only_and_secure_when_https_is_on(wei):
    with override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True):
        response = Client().post(
            reverse("login"), {"username": "wei", "password": PASSWORD}, secure=True
        )
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]


def test_with_https_on_http_is_redirected_and_https_answers_with_hsts(wei):
    with override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True
    ):
        plain = Client().get(reverse("login"))
        secure = Client().get(reverse("login"), secure=True)
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert secure["X-Frame-Options"] == "DENY"
    assert secure["X-Content-Type-Options"] == "nosniff"
    assert secure["Referrer-Policy"] == "same-origin"


def deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    """`skillaid check --deploy` in a fresh process, with the environment a deployment has."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SKILLAID_HTTPS",
            "SKILLAID_HSTS_SECONDS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the test suite for Playwright
        }
    }
    environ.update({"SKILLAID_VAR": str(tmp_path), "SECRET_KEY": "x" * 20 + "-Kq8" * 12, **env})
    return subprocess.run(
        [sys.executable, "-m", "skillaid", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("proxy", ["", "HTTP_X_FORWARDED_PROTO"])
def test_check_deploy_is_clean_with_debug_off_by_default(tmp_path, proxy):
    result = deploy_check(tmp_path, SKILLAID_PROXY_SSL_HEADER=proxy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


def test_check_deploy_warns_when_https_is_switched_off(tmp_path):
    result = deploy_check(tmp_path, SKILLAID_HTTPS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_signed_in_pages_and_secrets_shown_once_are_never_cached(client, wei):
    from skillaid.accounts.models import ApiToken

    client.force_login(wei)
    issued = client.post(
        "/account/tokens/", {"name": "考勤终端 1 号", "scope": "terminal", "days": 30}
    )
    assert ApiToken.objects.filter(user=wei).exists()
    for response in (issued, client.get("/ledger/")):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_admin_sites_own_password_page_waits_for_the_required_change(client, zhou):
    zhou.must_change_password = True
    zhou.save()
    client.force_login(zhou)
    answer = client.get("/admin/password_change/")
    assert answer.status_code == 302 and answer["Location"].startswith("/account/password/")
