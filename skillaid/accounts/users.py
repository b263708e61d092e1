"""Users kept by an administrator: creation, role and scope, deactivation, password and second
factor resets, each in the audit log; and segregation of duties between makers and checkers.

Segregation of duties. Work flows up one chain in a region: a school officer declares classes
and records attendance; the county clerk records the ledger and reviews the school's classes;
the city reviewer and the province reviewer check the counties' work; an administrator can do
everything. Each role's work is checked by the roles above it over the same place, so any two
different roles whose regions overlap (one contains the other) are a maker and a checker. One
person (the same name and phone) may therefore not hold accounts of two different roles over
overlapping regions; accounts of the same role (a clerk moved between counties) are allowed.
"""

from __future__ import annotations

import secrets
import string

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .capabilities import require
from .models import SYSTEM_USERNAME, Action, Role, User, audit, audit_value
from .tokens import tokens_revoke_all

# The TOTP device `skillaid demo-data` enrols for demo users; `skillaid otp-code` reads only these.
DEMO_DEVICE_NAME = "演示验证器"
FIELDS = ("full_name", "phone", "role", "region", "institution")


def _require_manager(actor: User, user: User | None = None) -> None:
    """An administrator keeps users; nobody changes the system user, which never logs in."""
    require(actor, "users.manage")
    if user is not None and user.is_system:
        raise PermissionDenied("系统用户（自动任务）不能修改、启用或重置")


# Unambiguous characters for passwords read out over the phone (no 0/O, 1/l/I).
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def initial_password() -> str:
    """A one-time password that meets every rule, to be changed at the first login."""
    while True:
        body = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        candidate = f"{body[:5]}-{body[5:]}"
        if any(c.isupper() for c in body) and any(c.isdigit() for c in body):
            try:
                password_validation.validate_password(candidate)
            except ValidationError:
                continue
            return candidate


def _overlaps(a: str | None, b: str | None) -> bool:
    """Whether two regions overlap: None (the whole country) overlaps every region."""
    if a is None or b is None:
        return True
    from skillaid.regions.models import code_prefix

    pa, pb = code_prefix(a), code_prefix(b)
    return pa.startswith(pb) or pb.startswith(pa)


def segregation_conflicts(*, user: User) -> list[User]:
    """Active accounts of the same person whose role checks, or is checked by, `user`'s role
    over an overlapping region."""
    if not (user.full_name and user.phone):
        return []
    same_person = (
        User.objects.filter(full_name=user.full_name, phone=user.phone, is_active=True)
        .exclude(pk=user.pk)
        .exclude(role=user.role)
        .select_related("region")
    )
    return [other for other in same_person if _overlaps(user.region_id, other.region_id)]


def check_segregation(user: User) -> None:
    """Refuses, with a Chinese message on the role, a user who would check their own work."""
    conflicts = segregation_conflicts(user=user)
    if conflicts:
        other = conflicts[0]
        where = other.region.name if other.region else "全国"
        raise ValidationError(
            {
                "role": f"{user.full_name}（{user.phone}）已有{where}的“{other.get_role_display()}”"
                f"账号 {other.username}；同一人不能在相互覆盖的区域既经办又审核"
                f"（岗位分离），请先停用那个账号或换人。"
            }
        )


def _snapshot(user: User) -> dict:
    return {
        name: audit_value(getattr(user, f"{name}_id", None) or getattr(user, name))
        for name in FIELDS
    }


@transaction.atomic
def user_create(*, actor: User, data: dict, channel: str = "page") -> tuple[User, str]:
    """A new account with a one-time password, which the user must change at the first login."""
    _require_manager(actor)
    if data["username"] == SYSTEM_USERNAME:
        raise ValidationError({"username": f"用户名“{SYSTEM_USERNAME}”留给系统自动任务使用"})
    user = User(username=data["username"], **{k: data.get(k) for k in FIELDS})
    user.clean()
    check_segregation(user)
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.is_staff = user.is_superuser = user.role == Role.ADMIN
    user.full_clean()
    user.save()
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type="accounts.user",
        object_id=user.pk,
        changes={name: [None, value] for name, value in _snapshot(user).items()},
        note=f"新建账号 {user.username}，已发放初始密码",
    )
    return user, password


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict, channel: str = "page") -> User:
    _require_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _snapshot(user)
    for name in FIELDS:
        if name in data:
            setattr(user, name, data[name] if data[name] is not None else None)
    user.clean()
    if user.is_active:
        check_segregation(user)
    user.is_staff = user.is_superuser = user.role == Role.ADMIN
    user.full_clean()
    user.save()
    after = _snapshot(user)
    changes = {k: [before[k], after[k]] for k in FIELDS if before[k] != after[k]}
    if changes:
        # A changed role or scope takes effect at once: the user's sessions end.
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type="accounts.user",
            object_id=user.pk,
            changes=changes,
        )
        tokens_revoke_all(actor=actor, user=user, channel=channel, why="用户角色或管辖范围变更")
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, channel: str = "page") -> User:
    _require_manager(actor, user)
    if user.pk == actor.pk and not active:
        raise ValidationError("不能停用自己的账号。")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if active:
        check_segregation(user)
    user.is_active = active
    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["is_active", "session_epoch"])
    user.refresh_from_db()
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type="accounts.user",
        object_id=user.pk,
        changes={"is_active": [not active, active]},
        note="启用账号" if active else "停用账号",
    )
    if not active:
        tokens_revoke_all(actor=actor, user=user, channel=channel, why="账号停用")
    return user


def _end_access(*, actor: User, user: User, channel: str, note: str) -> int:
    """End every session of `user` and revoke their API tokens, logged with `note`;
    returns how many tokens were revoked."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type="accounts.user",
        object_id=user.pk,
        note=note,
    )
    return tokens_revoke_all(actor=actor, user=user, channel=channel, why=note)


@transaction.atomic
def user_reset_password(*, actor: User, user: User, channel: str = "page") -> str:
    """A new one-time password; the user's sessions end and the next login must change it."""
    _require_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    _end_access(actor=actor, user=user, channel=channel, note="重置密码（须在下次登录时修改）")
    return password


@transaction.atomic
def user_reset_second_factor(*, actor: User, user: User, channel: str = "page") -> None:
    """Removes the user's TOTP devices and recovery codes (a lost phone); a role that needs a
    second factor enrols again at the next login."""
    _require_manager(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _end_access(actor=actor, user=user, channel=channel, note="重置双因素认证（须重新绑定验证器）")


@transaction.atomic
def user_logout_everywhere(*, user: User, channel: str = "page") -> int:
    """Ends every session of the user, on every device, this one included, and revokes their
    API tokens; returns how many tokens were revoked."""
    return _end_access(actor=user, user=user, channel=channel, note="退出所有设备")


@transaction.atomic
def user_change_password(*, user: User, password: str, channel: str = "page") -> None:
    """The user's own change, after the form has checked the old password and the rules."""
    user.set_password(password)
    user.must_change_password = False
    user.save()
    audit(
        actor=user,
        channel=channel,
        action=Action.UPDATE,
        object_type="accounts.user",
        object_id=user.pk,
        note="修改本人密码",
    )


RECOVERY_CODES = 10


@transaction.atomic
def user_confirm_totp(*, user: User, device: TOTPDevice, channel: str = "page") -> list[str]:
    """Confirms a TOTP device whose code the user has typed, and issues 10 recovery codes,
    each usable once; they are returned to be shown once (the page never shows them again)."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    # Sessions opened without the code end: from now on every login types one.
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    return _issue_recovery_codes(user, channel, note="绑定验证器")


@transaction.atomic
def user_new_recovery_codes(*, user: User, channel: str = "page") -> list[str]:
    return _issue_recovery_codes(user, channel, note="重新生成恢复码")


def _issue_recovery_codes(user: User, channel: str, note: str) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = []
    for _ in range(RECOVERY_CODES):
        code = "".join(secrets.choice("23456789abcdefghjkmnpqrstuvwxyz") for _ in range(10))
        static.token_set.create(token=code)
        codes.append(code)
    audit(
        actor=user,
        channel=channel,
        action=Action.UPDATE,
        object_type="accounts.user",
        object_id=user.pk,
        note=note,
    )
    return codes
