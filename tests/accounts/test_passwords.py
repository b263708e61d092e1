"""Password rules (等保 2.0 level 3), the self-service change page, the change forced on first
login and after expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.models import User
from tests.conftest import PASSWORD

GOOD = "Mashan-2026-ok"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-xyz", "至少需要 10 个字符"),
        ("abcdefghijk", "至少 3 类"),
        ("abcdefgh-ijk", "至少 3 类"),  # two classes: lower case and symbols
        ("Password123", "过于常见"),
        ("Weiliwei-2026", "用户名"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(db, password, message):
    user = User(username="weiliwei", full_name="韦丽")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_a_password_of_three_classes_and_ten_characters_is_taken(db):
    validate_password(GOOD, User(username="weiliwei", full_name="韦丽"))


def test_the_change_page_needs_the_old_password(client, wei):
    client.force_login(wei)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": GOOD, "new_password2": GOOD},
    )
    assert "旧密码不正确" in response.content.decode()
    wei.refresh_from_db()
    assert wei.check_password(PASSWORD)


def test_the_change_page_refuses_a_weak_password_beside_the_field(client, wei):
    client.force_login(wei)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert "至少需要 10 个字符" in response.content.decode()


def test_the_change_page_sets_the_new_password_and_keeps_the_session(client, wei):
    wei.must_change_password = True
    wei.save()
    client.force_login(wei)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.status_code == 302
    wei.refresh_from_db()
    assert wei.check_password(GOOD) and not wei.must_change_password
    assert client.get(reverse("ledger")).status_code == 200


def test_a_user_who_must_change_the_password_reaches_nothing_else(client, wei):
    wei.must_change_password = True
    wei.save()
    client.force_login(wei)
    for url in [reverse("home"), reverse("ledger"), reverse("account"), reverse("users")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("password_change")), url
    assert client.get("/api/docs").status_code == 403  # the API answers, it does not redirect
    assert client.get(reverse("password_change")).status_code == 200


def test_an_expired_password_leads_to_the_change_page(client, wei, settings):
    settings.SKILLAID_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=wei.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client.force_login(wei)
    response = client.get(reverse("ledger"))
    assert response["Location"].startswith(reverse("password_change"))
    assert "超过 90 天" in client.get(response["Location"]).content.decode()


def test_a_password_within_its_age_or_with_expiry_off_is_not_asked_for(client, wei, settings):
    User.objects.filter(pk=wei.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=400)
    )
    settings.SKILLAID_PASSWORD_MAX_AGE_DAYS = 0
    client.force_login(wei)
    assert client.get(reverse("ledger")).status_code == 200
    settings.SKILLAID_PASSWORD_MAX_AGE_DAYS = 500
    assert client.get(reverse("ledger")).status_code == 200
