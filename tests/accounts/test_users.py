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
    entry = AuditEntry.objects.get(object_type="user", object_id=str(user.pk), action="create")
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
    assert AuditEntry.objects.filter(object_type="user", object_id=str(wei.pk)).exists()


def test_a_deactivated_user_cannot_log_in(wei, zhou):
    services.user_set_active(actor=zhou, user=wei, active=False)
    response = Client().post(reverse("login"), {"username": "wei", "password": PASSWORD})
    assert response.status_code == 200  # the login form again
    assert AuditEntry.objects.get(object_type="user", note="停用账号").actor_id == zhou.pk


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
    entry = AuditEntry.objects.get(object_type="user", object_id=str(wei.pk), action="update")
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


def test_a_user_added_in_the_admin_site_changes_the_password_at_first_login(client, zhou):
    client.force_login(zhou)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "mo",
            "password1": "Mashan-2026-ok",
            "password2": "Mashan-2026-ok",
            "usable_password": "true",
            "full_name": "莫小兰",
            "phone": "13800000001",
            "role": "county_clerk",
            "region": MASHAN,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="mo").must_change_password


def test_a_password_set_in_the_admin_site_is_changed_at_next_login(client, zhou, wei):
    client.force_login(zhou)
    response = client.post(
        f"/admin/accounts/user/{wei.pk}/password/",
        {"password1": "Mashan-2026-ok", "password2": "Mashan-2026-ok", "usable_password": "true"},
    )
    assert response.status_code == 302
    wei.refresh_from_db()
    assert wei.must_change_password and wei.check_password("Mashan-2026-ok")


def test_the_admin_site_keeps_segregation_of_duties_too(client, zhou):
    new_user(zhou, "mo", "county_clerk", MASHAN)
    client.force_login(zhou)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "mo_city",
            "password1": "Mashan-2026-ok",
            "password2": "Mashan-2026-ok",
            "usable_password": "true",
            "full_name": "莫小兰",
            "phone": "13800000001",
            "role": "city_reviewer",
            "region": NANNING,
        },
    )
    assert response.status_code == 200 and "岗位分离" in response.content.decode()
    assert not User.objects.filter(username="mo_city").exists()


def test_the_admin_sites_user_pages_open(client, zhou, wei):
    client.force_login(zhou)
    assert client.get(f"/admin/accounts/user/{wei.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 200
