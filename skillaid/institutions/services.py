"""Every change to institutions and their place in the institution catalogue goes through these functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import Action, Role, User, audit, audit_changes
from skillaid.accounts.scope import region_in_scope
from skillaid.catalogue.models import Occupation, SkillLevel
from skillaid.lib import dates, uscc

from .models import (
    CatalogueStatus,
    Institution,
    InstitutionKind,
    InstitutionOccupation,
    InstitutionStatus,
)

INSTITUTION_FIELDS = ("name", "kind", "uscc", "region", "address", "contact", "phone")

# Which catalogue moves are legal, and which need a reason.
STATUS_MOVES = {
    CatalogueStatus.PENDING: {CatalogueStatus.LISTED, CatalogueStatus.REMOVED},
    CatalogueStatus.LISTED: {CatalogueStatus.SUSPENDED, CatalogueStatus.REMOVED},
    CatalogueStatus.SUSPENDED: {CatalogueStatus.LISTED, CatalogueStatus.REMOVED},
    CatalogueStatus.REMOVED: {CatalogueStatus.PENDING},
}
NEEDS_REASON = {CatalogueStatus.SUSPENDED, CatalogueStatus.REMOVED}


def _institution_values(
    actor: User, data: dict[str, Any], errors: dict[str, str], instance: Institution | None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            errors["name"] = "必填"
        elif (
            Institution.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists()
        ):
            errors["name"] = "已有同名院校/机构"
        values["name"] = name
    if "kind" in data:
        if data["kind"] not in InstitutionKind.values:
            errors["kind"] = "类型无法识别"
        values["kind"] = data["kind"]
    if "uscc" in data:
        raw = str(data["uscc"] or "").strip()
        code = ""
        if raw:
            try:
                code = uscc.check(raw)
            except uscc.UsccError as exc:
                errors["uscc"] = str(exc)
        if code and (
            Institution.objects.filter(uscc=code).exclude(pk=getattr(instance, "pk", None)).exists()
        ):
            errors["uscc"] = "该统一社会信用代码已被其他院校/机构使用"
        values["uscc"] = code
    if "region" in data:
        values["region"] = region_in_scope(actor, data["region"], errors, "region")
    for f in ("address", "contact", "phone"):
        if f in data:
            values[f] = str(data[f] or "").strip()
    return values


class InstitutionChange(models.TextChoices):
    EDIT = "edit", "修改该院校/机构"
    STATUS = "status", "变更该机构的目录状态"
    OCCUPATIONS = "occupations", "登记该机构的可培训职业"


# The capability each change needs, given the institution (accounts.capabilities).
CHANGE_CAPABILITY = {
    InstitutionChange.EDIT: "institution.edit",
    InstitutionChange.STATUS: "institution.set_status",
    InstitutionChange.OCCUPATIONS: "institution.occupations",
}


def can_change_institution(actor: User, institution: Institution, change: str) -> bool:
    """Whether `actor` may make `change` to `institution`, for pages and API to show or hide
    the action; the services require the same capability.

    Writes follow the institution's own region, never what the actor sees of it through a
    pairing (Institution.within): the clerk of 马山县 sees a Nanning city school paired
    with the county but writes only the institutions of 马山县; city and province
    reviewers those of their region. A school officer keeps the contact details of their
    own institution."""
    return can(actor, CHANGE_CAPABILITY[InstitutionChange(change)], institution)


@transaction.atomic
def institution_create(*, actor: User, channel: str, data: dict[str, Any]) -> Institution:
    require(actor, "institution.create")
    errors: dict[str, str] = {}
    for required in ("name", "kind", "region"):
        data.setdefault(required, "")
    values = _institution_values(actor, data, errors, None)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    institution = Institution(status_since=today)
    audit_changes(institution, values, actor=actor, channel=channel)
    InstitutionStatus.objects.create(
        institution=institution, status=CatalogueStatus.PENDING, on=today, reason="登记", by=actor
    )
    return institution


@transaction.atomic
def institution_update(
    *, actor: User, channel: str, institution: Institution, data: dict[str, Any]
) -> dict[str, list]:
    require(actor, "institution.edit", institution)
    if actor.role == Role.SCHOOL_OFFICER:
        # An officer keeps the contact details; the name, kind, code and region are the bureau's.
        data = {k: v for k, v in data.items() if k in ("address", "contact", "phone")}
    errors: dict[str, str] = {}
    values = _institution_values(actor, data, errors, institution)
    if errors:
        raise ValidationError(errors)
    return audit_changes(institution, values, actor=actor, channel=channel)


@transaction.atomic
def institution_set_status(
    *,
    actor: User,
    channel: str,
    institution: Institution,
    status: str,
    on: dt.date | None = None,
    reason: str = "",
) -> InstitutionStatus:
    """Move an institution in the catalogue; only reviewers may, and only by legal moves."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require(actor, "institution.set_status", institution)
    if status not in CatalogueStatus.values:
        raise ValidationError({"status": "目录状态无法识别"})
    current = CatalogueStatus(institution.status)
    target = CatalogueStatus(status)
    if target not in STATUS_MOVES[current]:
        allowed = "、".join(s.label for s in STATUS_MOVES[current])
        raise ValidationError(
            {"status": f"“{current.label}”的机构不能改为“{target.label}”（可改为：{allowed}）"}
        )
    reason = reason.strip()
    if target in NEEDS_REASON and not reason:
        raise ValidationError({"reason": f"改为“{target.label}”须写明原因"})
    if target == CatalogueStatus.LISTED and not institution.uscc:
        raise ValidationError({"status": "列入目录前须登记统一社会信用代码"})
    on = on or timezone.localdate()
    if dates.too_early(on):
        raise ValidationError({"on": dates.TOO_EARLY})
    if institution.status_since and on < institution.status_since:
        raise ValidationError(
            {"on": f"日期不能早于当前状态的起始日期 {institution.status_since.isoformat()}"}
        )
    entry = InstitutionStatus.objects.create(
        institution=institution, status=target, on=on, reason=reason, by=actor
    )
    institution.status, institution.status_since = target, on
    institution.save(update_fields=["status", "status_since"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type="institutions.institution",
        object_id=institution.pk,
        changes={"status": [current.value, target.value], "on": [None, on.isoformat()]},
        note=reason,
    )
    return entry


@transaction.atomic
def institution_add_occupation(
    *,
    actor: User,
    channel: str,
    institution: Institution,
    occupation: Occupation,
    level: str,
) -> InstitutionOccupation:
    require(actor, "institution.occupations", institution)
    if level not in SkillLevel.values:
        raise ValidationError({"level": "等级无法识别"})
    link, created = InstitutionOccupation.objects.get_or_create(
        institution=institution, occupation=occupation, level=level
    )
    if created:
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type="institutions.institution",
            object_id=institution.pk,
            changes={"occupations": [None, f"{occupation} {SkillLevel(level).label}"]},
        )
    return link
