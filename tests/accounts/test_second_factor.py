"""The second factor: TOTP codes after the password, recovery codes, enrolment with a QR code,
required for reviewers and administrators, optional for clerks and school officers."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillaid.accounts import users as services
from tests.conftest import PASSWORD, totp_code, totp_device


def password_step(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_a_reviewer_types_a_code_after_the_password(client, qin):
    device = totp_device(qin)
    response = password_step(client, "qin")
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    assert client.get(reverse("ledger"))["Location"].startswith(reverse("otp_verify"))
    response = client.post(reverse("otp_verify"), {"code": totp_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("ledger")).status_code == 200


def test_a_wrong_code_is_refused_and_opens_nothing(client, qin):
    device = totp_device(qin)
    password_step(client, "qin")
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("otp_verify"), {"code": wrong})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert client.get(reverse("ledger"))["Location"].startswith(reverse("otp_verify"))


def test_after_a_wrong_code_even_the_right_one_waits(client, qin):
    """django-otp's throttle: each failure doubles the wait (1, 2, 4 ... s) before the next try."""
    device = totp_device(qin)
    password_step(client, "qin")
    client.post(reverse("otp_verify"), {"code": "000000" if totp_code(device) != "000000" else "1"})
    response = client.post(reverse("otp_verify"), {"code": totp_code(device)})
    assert "连续输错 1 次" in response.content.decode()
    assert client.get(reverse("ledger")).status_code == 302


def test_a_code_is_taken_only_once(client, qin):
    device = totp_device(qin)
    code = totp_code(device)
    password_step(client, "qin")
    assert client.post(reverse("otp_verify"), {"code": code}).status_code == 302
    other = type(client)()
    password_step(other, "qin")
    response = other.post(reverse("otp_verify"), {"code": code})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()


def test_a_recovery_code_works_once(client, qin):
    totp_device(qin)
    codes = services.user_new_recovery_codes(user=qin)
    assert len(codes) == 10 and len(set(codes)) == 10
    password_step(client, "qin")
    response = client.post(reverse("otp_verify"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("ledger")).status_code == 200
    assert StaticToken.objects.filter(device__user=qin).count() == 9

    other = type(client)()
    password_step(other, "qin")
    response = other.post(reverse("otp_verify"), {"code": codes[0]})
    assert "验证码不正确" in response.content.decode()


def test_a_required_role_without_a_device_cannot_skip_enrolment(client, liang):
    response = password_step(client, "liang")
    assert response["Location"].startswith(reverse("otp_enrol"))
    for url in [reverse("home"), reverse("ledger"), reverse("account"), reverse("otp_verify")]:
        assert client.get(url)["Location"].startswith(reverse("otp_enrol")), url
    page = client.get(reverse("otp_enrol")).content.decode()
    assert "data:image/svg+xml" in page  # the QR code, from segno, no CDN
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=liang, confirmed=False)
    assert secret == __import__("base64").b32encode(device.bin_key).decode()

    response = client.post(reverse("otp_enrol"), {"code": "12345"})
    assert client.get(reverse("ledger")).status_code == 302

    response = client.post(reverse("otp_enrol"), {"code": totp_code(device)})
    page = response.content.decode()
    assert response.status_code == 200 and "每个恢复码只能使用一次" in page
    shown = re.findall(r"<li>([a-z0-9]{10})</li>", page)
    assert len(shown) == 10
    assert '<a class="button" href="/">我已保存，继续</a>' in page
    assert TOTPDevice.objects.get(user=liang).confirmed
    assert client.get(reverse("ledger")).status_code == 200


def test_an_optional_role_logs_in_without_a_code(client, wei, lu):
    for user in ("wei", "lu"):
        c = type(client)()
        password_step(c, user)
        assert c.get(reverse("ledger")).status_code == 200


def test_a_clerk_may_enrol_and_then_needs_the_code(client, wei):
    earlier = type(client)()
    password_step(earlier, "wei")  # a session opened without a code, elsewhere
    client.force_login(wei)
    assert "绑定验证器" in client.get(reverse("account")).content.decode()
    client.get(reverse("otp_enrol"))
    device = TOTPDevice.objects.get(user=wei)
    client.post(reverse("otp_enrol"), {"code": totp_code(device)})
    assert TOTPDevice.objects.get(user=wei).confirmed
    assert client.get(reverse("ledger")).status_code == 200
    assert earlier.get(reverse("ledger"))["Location"].startswith(reverse("login"))

    other = type(client)()
    response = password_step(other, "wei")
    assert response["Location"].startswith(reverse("otp_verify"))


def test_the_admin_site_needs_a_verified_user(client, zhou):
    device = totp_device(zhou)
    password_step(client, "zhou")
    assert client.get("/admin/").status_code == 302
    client.post(reverse("otp_verify"), {"code": totp_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_login_is_skillaids_own(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_otp_code_prints_a_demo_users_code_and_nothing_else(qin, capsys):
    TOTPDevice.objects.create(user=qin, name=services.DEMO_DEVICE_NAME, confirmed=True)
    call_command("otp_code", "qin")
    code = capsys.readouterr().out.strip()
    assert TOTPDevice.objects.get(user=qin).verify_token(code)


def test_otp_code_refuses_a_real_users_device(qin):
    totp_device(qin)
    with pytest.raises(CommandError):
        call_command("otp_code", "qin")


def test_resetting_the_second_factor_removes_devices_and_asks_for_enrolment(client, qin, zhou):
    totp_device(qin)
    services.user_new_recovery_codes(user=qin)
    services.user_reset_second_factor(actor=zhou, user=qin)
    assert not TOTPDevice.objects.filter(user=qin).exists()
    assert not StaticDevice.objects.filter(user=qin).exists()
    assert password_step(client, "qin")["Location"].startswith(reverse("otp_enrol"))


def test_a_signed_in_user_who_is_not_staff_is_refused_by_the_admin_site_not_sent_round(client, wei):
    client.force_login(wei)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
    assert "管理后台只供系统管理员使用" in response.content.decode()


def test_the_code_page_shows_no_menu_but_a_way_out(client, qin):
    device = totp_device(qin)
    password_step(client, "qin")
    page = client.get(reverse("otp_verify")).content.decode()
    assert 'href="/ledger/"' not in page and "<nav>" not in page
    assert 'action="/logout/"' in page
    client.post(reverse("otp_verify"), {"code": totp_code(device)})
    assert "<nav>" in client.get(reverse("home")).content.decode()
