"""Employers (用人单位) and human-resources agencies (人力资源服务机构): their registration
by the bureau of their region, checked by their unified social credit code, and their
own accounts.

An employer's or agency's account (roles EMPLOYER and AGENCY) is opened by the bureau on
the unit's page with a one-time password shown once; it works only on its own unit
(accounts.scope reads `user.employer_account`), and may change its own contact details,
never its name, code or region, which the bureau keeps.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from skillaid.accounts.capabilities import CAPABILITIES, can, require
from skillaid.accounts.models import SYSTEM_USERNAME, Action, Role, User, audit, audit_changes
from skillaid.accounts.scope import region_in_scope
from skillaid.accounts.users import initial_password
from skillaid.lib import phones, uscc

from .models import Employer, EmployerAccount, EmployerKind

# Fields an employer's or agency's own account may change on its unit.
CONTACT_FIELDS = ("contact_name", "contact_phone", "address")
FIELDS = ("kind", "name", "uscc", "region", "workshop", *CONTACT_FIELDS)
USERNAME = re.compile(r"^[\w.@+-]{3,150}$", re.ASCII)


def _outside(user: User) -> bool:
    return user.role in (Role.EMPLOYER, Role.AGENCY)


def _text(value: object, length: int) -> str:
    return " ".join(str(value or "").split())[:length]


def _clean(
    actor: User, data: dict[str, Any], errors: dict[str, str], employer: Employer | None
) -> dict[str, Any]:
    """The unit's fields from `data` (only those given, for an update), each checked."""
    values: dict[str, Any] = {}
    if "kind" in data:
        kind = str(data.get("kind") or "")
        if kind not in EmployerKind.values:
            errors["kind"] = f"请选择单位类型：{'、'.join(EmployerKind.labels)}"
        elif employer is not None and kind != employer.kind and employer.accounts.exists():
            errors["kind"] = "该单位已开通账户，不能改变单位类型（账户角色随类型而定）"
        values["kind"] = kind
    if "name" in data:
        name = _text(data.get("name"), 128)
        if not name:
            errors["name"] = "请填写单位名称"
        values["name"] = name
    if "uscc" in data:
        try:
            code = uscc.check(data.get("uscc"))
        except uscc.UsccError as exc:
            errors["uscc"] = str(exc)
        else:
            values["uscc"] = code
            other = Employer.objects.filter(uscc=code)
            if employer is not None:
                other = other.exclude(pk=employer.pk)
            existing = other.first()
            if existing is not None:
                # The unit is named only to those who may see it: the code alone must
                # not tell a clerk of another region who is registered where.
                errors["uscc"] = (
                    f"统一社会信用代码 {code} 已登记为“{existing.name}”"
                    if can(actor, "employer.read", existing)
                    else f"统一社会信用代码 {code} 已由其他地区登记，请联系该单位所在地人社部门"
                )
    if "region" in data:
        region = region_in_scope(actor, data.get("region"), errors, "region")
        values["region_id"] = region.code if region is not None else None
    if "workshop" in data:
        values["workshop"] = bool(data.get("workshop"))
    if "address" in data:
        values["address"] = _text(data.get("address"), 255)
    if "contact_name" in data:
        values["contact_name"] = _text(data.get("contact_name"), 64)
    if "contact_phone" in data:
        try:
            values["contact_phone"] = phones.normalize(data.get("contact_phone"))
        except ValueError as exc:
            errors["contact_phone"] = str(exc)
    return values


@transaction.atomic
def employer_create(*, actor: User, channel: str, data: dict[str, Any]) -> Employer:
    """Register an employer or an agency in a region of the actor's (a bureau's)."""
    require(actor, "employer.edit")
    if _outside(actor):
        raise PermissionDenied(CAPABILITIES["employer.edit"].refusal)
    data = {"kind": "", "name": "", "uscc": "", "region": "", **data}
    errors: dict[str, str] = {}
    values = _clean(actor, data, errors, None)
    if errors:
        raise ValidationError(errors)
    employer = Employer(created_by=actor)
    audit_changes(employer, values, actor=actor, channel=channel)
    return employer


@transaction.atomic
def employer_update(
    *, actor: User, channel: str, employer: Employer, data: dict[str, Any]
) -> Employer:
    """Change the fields of the unit that `data` gives. Its own account may change only its
    contact details (联系人、联系电话、地址)."""
    require(actor, "employer.edit", employer)
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    data = {k: v for k, v in data.items() if k in FIELDS}
    errors: dict[str, str] = {}
    if _outside(actor):
        for name in data.keys() - set(CONTACT_FIELDS):
            current = getattr(employer, "region_id" if name == "region" else name)
            if str(data[name] if data[name] is not None else "") != str(current):
                errors[name] = "单位名称、类型、统一社会信用代码和所在地区由所在地人社部门修改"
        data = {k: v for k, v in data.items() if k in CONTACT_FIELDS}
    values = _clean(actor, data, errors, employer)
    if errors:
        raise ValidationError(errors)
    audit_changes(employer, values, actor=actor, channel=channel)
    return employer


@transaction.atomic
def employer_account_open(
    *,
    actor: User,
    channel: str,
    employer: Employer,
    username: str,
    full_name: str,
    phone: str,
) -> tuple[User, str]:
    """Open a login for the unit (role EMPLOYER or AGENCY by its kind) with a one-time
    password, to be shown once and changed at the first login. The password is never
    logged."""
    require(actor, "employer.account", employer)
    errors: dict[str, str] = {}
    username = str(username or "").strip()
    if not USERNAME.match(username):
        errors["username"] = "用户名为3到150个字母、数字或 @.+-_"
    elif username == SYSTEM_USERNAME or User.objects.filter(username__iexact=username).exists():
        errors["username"] = f"用户名“{username}”已被使用，请换一个"
    if not _text(full_name, 64):
        errors["full_name"] = "请填写账户使用人的姓名"
    if not str(phone or "").strip():
        errors["phone"] = "请填写账户使用人的手机号"
    role = Role.AGENCY if employer.kind == EmployerKind.AGENCY else Role.EMPLOYER
    user = User(
        username=username,
        role=role,
        region=None,
        full_name=_text(full_name, 64),
        phone=str(phone or ""),
    )
    try:
        user.clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, "；".join(messages))
    if errors:
        raise ValidationError(errors)
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    link = EmployerAccount.objects.create(user=user, employer=employer, opened_by=actor)
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=link,
        changes={
            "user": [None, user.username],
            "role": [None, role],
            "employer": [None, employer.pk],
        },
        note=f"为{employer.name}开通{Role(role).label}账户 {user.username}，已发放初始密码",
    )
    return user, password
