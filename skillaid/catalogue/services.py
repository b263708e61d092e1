"""Changes to the demand catalogue; kept by province reviewers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import User, audit_changes
from skillaid.accounts.scope import Scope
from skillaid.lib import dates
from skillaid.lib.money import parse_yuan
from skillaid.regions.models import Region

from .models import OCCUPATION_CODE, DemandEntry, Occupation, SkillLevel, TrainingKind

_KIND_BY_LABEL = {label: value for value, label in TrainingKind.choices}
_KIND_BY_LABEL.update(
    {
        "就业技能": "employment",
        "岗位技能提升": "upgrading",
        "创业": "entrepreneurship",
        "劳动预备制": "labour_prep",
        "学徒制": "apprenticeship",
        "企业新型学徒制": "apprenticeship",
        "订单式培训": "order_based",
        "订单培训": "order_based",
    }
)
_LEVEL_BY_LABEL = {label: value for value, label in SkillLevel.choices}
_LEVEL_BY_LABEL.update(
    {
        "五级": "5",
        "初级工": "5",
        "初级": "5",
        "四级": "4",
        "中级工": "4",
        "中级": "4",
        "三级": "3",
        "高级工": "3",
        "高级": "3",
        "二级": "2",
        "技师": "2",
        "一级": "1",
        "高级技师": "1",
        "特级技师": "special_technician",
        "首席技师": "chief_technician",
        "专项职业能力": "specialised",
        "专项能力": "specialised",
        "无等级": "none",
        "培训合格": "none",
    }
)


def parse_kind(raw: object) -> str:
    text = str(raw or "").strip()
    if text in TrainingKind.values:
        return text
    if text in _KIND_BY_LABEL:
        return _KIND_BY_LABEL[text]
    raise ValueError(f"培训类型“{text}”无法识别（可填：{'、'.join(TrainingKind.labels)}）")


def parse_level(raw: object) -> str:
    text = str(raw or "").strip()
    if text in SkillLevel.values:
        return text
    if text in _LEVEL_BY_LABEL:
        return _LEVEL_BY_LABEL[text]
    raise ValueError(f"等级“{text}”无法识别（如：五级、四级、三级、专项职业能力）")


def parse_money(raw: object) -> Decimal:
    """Yuan with two places; refuses negatives, fractions of a fen and non-numbers."""
    return parse_yuan(raw, "补贴标准")


def _clean(actor: User, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    code = str(data.get("code") or "").strip()
    name = str(data.get("name") or "").strip()
    if code and not OCCUPATION_CODE.match(code):
        errors["code"] = f"职业编码“{code}”格式不对，应如 4-10-01-01"
    if not name:
        errors["name"] = "职业（工种）名称必填"
    elif len(name) > 64:
        errors["name"] = "职业（工种）名称超过64个字"
    values["code"], values["name"] = code, name
    for f in ("digital", "green", "urgent"):
        values[f] = bool(data.get(f))
    for f, parse in (
        ("training_kind", parse_kind),
        ("level", parse_level),
        ("subsidy", parse_money),
    ):
        try:
            values[f] = parse(data.get(f))
        except ValueError as exc:
            errors[f] = str(exc)
    hours = data.get("standard_hours")
    try:
        hours = (
            int(hours) if hours not in (None, "") and float(hours) == int(float(hours)) else None
        )
    except (TypeError, ValueError):
        hours = None
    if hours is None or not 1 <= hours <= 5000:
        errors["standard_hours"] = "标准课时应为1–5000的整数"
    values["standard_hours"] = hours
    region = Region.objects.filter(code=str(data.get("region") or "").strip()).first()
    if region is None:
        errors["region"] = f"适用地区“{data.get('region') or ''}”不存在（填6位区划代码）"
    elif not Scope.of(actor).contains_region(region.code):
        errors["region"] = f"{region.name}不在您的管辖范围内"
    values["region"] = region
    start, end = data.get("valid_from"), data.get("valid_to")
    if not isinstance(start, dt.date):
        errors["valid_from"] = "起始日期必填（如 2024-01-01）"
    elif dates.too_early(start):
        errors["valid_from"] = dates.TOO_EARLY
    if end is not None and not isinstance(end, dt.date):
        errors["valid_to"] = "截止日期格式不对"
    elif dates.too_early(end):
        errors["valid_to"] = dates.TOO_EARLY
    elif end and isinstance(start, dt.date) and end < start:
        errors["valid_to"] = "截止日期不能早于起始日期"
    values["valid_from"], values["valid_to"] = start, end
    values["source"] = str(data.get("source") or "").strip()[:128]
    return values, errors


@transaction.atomic
def demand_entry_save(
    *, actor: User, channel: str, data: dict[str, Any], entry: DemandEntry | None = None
) -> tuple[DemandEntry, str]:
    """Create or update one catalogue line; returns it and 'created', 'updated' or 'unchanged'.

    Without `entry`, a line with the same occupation, kind, level, region and start
    date is the one updated, so importing the same catalogue twice changes nothing.
    """
    require(actor, "catalogue.edit", entry)
    values, errors = _clean(actor, data)
    if errors:
        raise ValidationError(errors)
    occupation, _ = Occupation.objects.get_or_create(code=values["code"], name=values["name"])
    marks = {f: values[f] for f in ("digital", "green", "urgent")}
    if any(getattr(occupation, f) != v for f, v in marks.items()):
        Occupation.objects.filter(pk=occupation.pk).update(**marks)
        for f, v in marks.items():
            setattr(occupation, f, v)
    key = {
        "occupation": occupation,
        "training_kind": values["training_kind"],
        "level": values["level"],
        "region": values["region"],
        "valid_from": values["valid_from"],
    }
    rest = {f: values[f] for f in ("standard_hours", "subsidy", "valid_to", "source")}
    if entry is None:
        entry = DemandEntry.objects.filter(**key).first()
    if entry is None:
        entry = DemandEntry()
    adding = entry._state.adding

    def refuse_duplicate(changes: dict[str, list]) -> None:
        if not adding and DemandEntry.objects.filter(**key).exclude(pk=entry.pk).exists():
            raise ValidationError(
                {"occupation": "目录中已有相同职业、类型、等级、地区和起始日期的条目"}
            )

    changes = audit_changes(
        entry, {**key, **rest}, actor=actor, channel=channel, prepare=refuse_duplicate
    )
    outcome = "created" if adding else "updated" if changes else "unchanged"
    return entry, outcome
