"""The administrator's user pages and services: create with a one-time password, edit role and
scope, deactivate, reset password and second factor, all audited; segregation of duties."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from skillaid.accounts import users as services
from skillaid.accounts.models import AuditEntry, User
from tests.conftest import LONGAN, MASHAN, NANNING, PASSWORD

LIUZHOU = "450200"


def new_user(zhou, username: str, role: str, region: str | None, phone: str = "13800000001"):
    from skillaid.regions.models import Region

    user, password = services.user_create(
        actor=zhou,
        data={
            "username": username,
            "full_name": "莫小兰",
            "phone": phone,
            "role": role,
            "region": Region.objects.get(pk=region) if region else None,
            "institution": None,
        },
    )
    return user, password


def test_a_new_user_gets_a_one_time_password_that_meets_the_rules(zhou):
    user, password = new_user(zhou, "mo", "county_clerk", MASHAN)
    validate_password(password, user)
    assert user.check_password(password) and user.must_change_password
    entry = AuditEntry.objects.get(
        object_type="accounts.user", object_id=str(user.pk), action="create"
    )
    assert entry.actor_id == zhou.pk and entry.changes["role"] == [None, "county_clerk"]
    assert password not in str(entry.changes) + entry.note


def test_the_first_login_of_a_created_user_leads_to_the_password_change(zhou):
    user, password = new_user(zhou, "mo", "county_clerk", MASHAN)
    c = Client()
    c.post(reverse("login"), {"username": "mo", "password": password})
    assert c.get(reverse("ledger"))["Location"].startswith(reverse("password_change"))
    new = "Mashan-2026-ok"
    c.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert c.get(reverse("ledger")).status_code == 200


def test_one_person_cannot_check_where_they_make(zhou):
    """莫小兰 is the clerk of 马山县 (she records the ledger, declares nothing to herself): a
    Nanning city reviewer account for her would let her approve her own county's work."""
    new_user(zhou, "mo", "county_clerk", MASHAN)
    with pytest.raises(ValidationError) as refused:
        new_user(zhou, "mo_city", "city_reviewer", NANNING)
    assert "岗位分离" in str(refused.value) and "mo" in str(refused.value)
    with pytest.raises(ValidationError):
        new_user(zhou, "mo_gx", "province_reviewer", "450000")
    with pytest.raises(ValidationError):
        new_user(zhou, "mo_admin", "admin", None)


def test_the_same_phone_typed_another_way_is_still_the_same_person(zhou):
    """Full-width digits, spaces or dashes in the phone must not let 莫小兰 pass for someone else."""
    clerk, _ = new_user(zhou, "mo", "county_clerk", MASHAN)
    assert clerk.phone == "13800000001"
    for typed in ("１３８０００００００１", "138-0000-0001", "+86 138 0000 0001"):
        with pytest.raises(ValidationError, match="岗位分离"):
            new_user(zhou, f"mo_{len(typed)}", "city_reviewer", NANNING, phone=typed)
    with pytest.raises(ValidationError) as refused:
        new_user(zhou, "mo_x", "county_clerk", LONGAN, phone="1380000")
    assert "phone" in refused.value.message_dict


def test_the_same_person_may_check_elsewhere_or_hold_the_same_role(zhou):
    new_user(zhou, "mo", "county_clerk", MASHAN)
    new_user(zhou, "mo_lz", "city_reviewer", LIUZHOU)  # 柳州 does not cover 马山
    new_user(zhou, "mo_la", "county_clerk", LONGAN)  # a second clerk account, no checking
    new_user(zhou, "other", "city_reviewer", NANNING, phone="13900000002")  # another 莫小兰


def test_changing_a_role_is_held_to_segregation_too(zhou):
    from skillaid.regions.models import Region

    new_user(zhou, "mo", "county_clerk", MASHAN)
    other, _ = new_user(zhou, "mo_lz", "city_reviewer", LIUZHOU)
    with pytest.raises(ValidationError):
        services.user_update(
            actor=zhou, user=other, data={"region": Region.objects.get(pk=NANNING)}
        )
    other.refresh_from_db()
    assert other.region_id == LIUZHOU


def test_a_deactivated_makers_account_frees_the_person_to_check(zhou):
    maker, _ = new_user(zhou, "mo", "county_clerk", MASHAN)
    services.user_set_active(actor=zhou, user=maker, active=False)
    checker, _ = new_user(zhou, "mo_city", "city_reviewer", NANNING)
    with pytest.raises(ValidationError):
        services.user_set_active(actor=zhou, user=maker, active=True)
    assert checker.is_active


def test_resetting_a_password_ends_sessions_and_asks_for_a_change(wei, zhou):
    c = Client()
    c.post(reverse("login"), {"username": "wei", "password": PASSWORD})
    password = services.user_reset_password(actor=zhou, user=wei)
    assert c.get(reverse("ledger"))["Location"].startswith(reverse("login"))
    wei.refresh_from_db()
    assert not wei.check_password(PASSWORD) and wei.check_password(password)
    assert wei.must_change_password
    assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(wei.pk)).exists()


def test_a_deactivated_user_cannot_log_in(wei, zhou):
    services.user_set_active(actor=zhou, user=wei, active=False)
    response = Client().post(reverse("login"), {"username": "wei", "password": PASSWORD})
    assert response.status_code == 200  # the login form again
    assert AuditEntry.objects.get(object_type="accounts.user", note="停用账号").actor_id == zhou.pk


def test_an_administrator_cannot_deactivate_themselves(zhou):
    with pytest.raises(ValidationError):
        services.user_set_active(actor=zhou, user=zhou, active=False)


# ---- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["wei", "liang", "qin"])
def test_only_an_administrator_reaches_the_user_pages(client, persona, request, zhou):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("users")).status_code == 403
    assert client.get(reverse("user_create")).status_code == 403
    response = client.post(reverse("user_action", args=[zhou.pk, "reset-password"]))
    assert response.status_code == 403
    zhou.refresh_from_db()
    assert zhou.check_password(PASSWORD)


def test_the_administrator_creates_a_user_on_the_page_and_sees_the_password_once(client, zhou):
    client.force_login(zhou)
    response = client.post(
        reverse("user_create"),
        {
            "username": "mo",
            "full_name": "莫小兰",
            "phone": "13800000001",
            "role": "county_clerk",
            "region": MASHAN,
        },
    )
    password = re.search(r'id="initial-password"[^>]*>([^<]+)<', response.content.decode())[1]
    user = User.objects.get(username="mo")
    assert user.check_password(password) and user.region_id == MASHAN
    assert "莫小兰" in client.get(reverse("users") + "?q=莫").content.decode()


def test_the_create_page_refuses_a_clerk_without_a_region_and_a_conflict(client, zhou):
    client.force_login(zhou)
    data = {"username": "mo", "full_name": "莫小兰", "phone": "138", "role": "county_clerk"}
    page = client.post(reverse("user_create"), data).content.decode()
    assert "每个账号都须有管辖区域" in page
    client.post(reverse("user_create"), {**data, "region": MASHAN})
    page = client.post(
        reverse("user_create"),
        {**data, "username": "mo2", "role": "city_reviewer", "region": NANNING},
    ).content.decode()
    assert "岗位分离" in page and not User.objects.filter(username="mo2").exists()


def test_the_administrator_edits_role_and_region_and_it_is_audited(client, zhou, wei):
    client.force_login(zhou)
    response = client.post(
        reverse("user_edit", args=[wei.pk]),
        {"full_name": "韦丽", "phone": "13800000009", "role": "county_clerk", "region": LONGAN},
    )
    assert response.status_code == 302
    wei.refresh_from_db()
    assert wei.region_id == LONGAN and wei.username == "wei"
    entry = AuditEntry.objects.get(
        object_type="accounts.user", object_id=str(wei.pk), action="update"
    )
    assert entry.changes["region"] == [MASHAN, LONGAN]
    log = client.get(reverse("user_edit", args=[wei.pk])).content.decode()
    assert "管辖区域：马山县（450124） → 隆安县（450123）" in log and "周静" in log


def test_the_actions_on_the_edit_page(client, zhou, qin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import totp_device

    totp_device(qin)
    client.force_login(zhou)
    page = client.get(reverse("user_edit", args=[qin.pk])).content.decode()
    for label in ("重置密码", "重置双因素认证", "停用账号"):
        assert label in page
    client.post(reverse("user_action", args=[qin.pk, "reset-otp"]))
    assert not TOTPDevice.objects.filter(user=qin).exists()
    response = client.post(reverse("user_action", args=[qin.pk, "reset-password"]))
    assert 'id="initial-password"' in response.content.decode()
    client.post(reverse("user_action", args=[qin.pk, "deactivate"]))
    qin.refresh_from_db()
    assert not qin.is_active and qin.must_change_password


def test_the_admin_site_shows_users_but_changes_none(client, zhou, wei):
    """Accounts are kept on the user pages, audited and held to segregation of duties; the
    admin site cannot make a clerk a superuser or a password that never expires."""
    client.force_login(zhou)
    assert client.get(f"/admin/accounts/user/{wei.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 403
    answer = client.post(
        f"/admin/accounts/user/{wei.pk}/change/",
        {"username": "wei", "is_superuser": "on", "is_staff": "on", "role": "county_clerk"},
    )
    assert answer.status_code == 403
    assert client.post(f"/admin/accounts/user/{wei.pk}/password/", {}).status_code == 403
    wei.refresh_from_db()
    assert not wei.is_staff and not wei.is_superuser


def test_the_admin_site_hides_second_factor_secrets(client, zhou, liang):
    from django_otp.plugins.otp_static.models import StaticDevice

    from tests.conftest import totp_device

    device = totp_device(liang)
    codes = StaticDevice.objects.create(user=liang, name="恢复码")
    codes.token_set.create(token="k7q2m9x4")
    client.force_login(zhou)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    page = client.get(f"/admin/otp_static/staticdevice/{codes.pk}/change/").content.decode()
    assert "k7q2m9x4" not in page


def test_a_reset_deactivation_or_change_of_scope_revokes_the_users_api_tokens(client, zhou, wei):
    """A token issued from a stolen session must not outlive the administrator's response."""
    from skillaid.accounts.models import ApiToken, Role
    from skillaid.regions.models import Region

    def live_token() -> str:
        return ApiToken.issue(user=wei, name="stolen")[1]

    def works(token: str) -> bool:
        return client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    for respond in (
        lambda: services.user_reset_password(actor=zhou, user=wei),
        lambda: services.user_reset_second_factor(actor=zhou, user=wei),
        lambda: services.user_update(
            actor=zhou, user=wei, data={"region": Region.objects.get(pk=LONGAN)}
        ),
        lambda: services.user_logout_everywhere(user=wei),
    ):
        token = live_token()
        assert works(token)
        respond()
        wei.refresh_from_db()
        assert not works(token)
    token = live_token()
    services.user_set_active(actor=zhou, user=wei, active=False)
    services.user_set_active(actor=zhou, user=wei, active=True)
    assert not works(token)
    assert wei.role == Role.COUNTY_CLERK
    assert not ApiToken.objects.filter(user=wei, revoked_at__isnull=True).exists()


def test_an_invisible_character_in_the_name_does_not_make_another_person(zhou):
    new_user(zhou, "mo", "county_clerk", MASHAN)
    with pytest.raises(ValidationError, match="岗位分离"):
        services.user_create(
            actor=zhou,
            data={
                "username": "mo_city",
                "full_name": "莫\u200b小兰",
                "phone": "13800000001",
                "role": "city_reviewer",
                "region": User._meta.get_field("region").related_model.objects.get(pk=NANNING),
                "institution": None,
            },
        )


def test_a_roles_region_is_a_division_of_its_level(zhou):
    with pytest.raises(ValidationError) as refused:
        new_user(zhou, "mo", "county_clerk", "450000")  # a clerk over the whole province
    assert "县级" in refused.value.message_dict["region"][0]
    with pytest.raises(ValidationError):
        new_user(zhou, "mo", "city_reviewer", MASHAN)
    with pytest.raises(ValidationError) as refused:
        new_user(zhou, "mo", "school_officer", NANNING)
    assert "institution" in refused.value.message_dict
    assert new_user(zhou, "mo", "province_reviewer", "450000")[0].pk
