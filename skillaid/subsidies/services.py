"""Making and changing policy rules: every change a new version, checked and audited.

The page, the API and the seed loader all come through `clean_terms`, `rule_create`
and `rule_change`, so each refuses the same terms with the same Chinese messages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import User, audit_changes
from skillaid.lib.money import parse_yuan
from skillaid.regions.models import Region

from .models import (
    BASES,
    HOUSEHOLD_CATEGORIES,
    LEVELS,
    TERMS,
    TRAINING_KINDS,
    AmountUnit,
    Payee,
    PolicyRule,
    PolicyRuleVersion,
    RuleKind,
    code_validator,
)
from .rules import region_chain

CHOICE_LISTS = {
    "household_categories": HOUSEHOLD_CATEGORIES,
    "bases": BASES,
    "training_kinds": TRAINING_KINDS,
    "levels": LEVELS,
}
MONEY = ("amount", "cap_per_time", "cap_per_year")
LEVEL_NAMES = dict(LEVELS)


def label(field: str) -> str:
    return str(PolicyRuleVersion._meta.get_field(field).verbose_name)


def parse_level_amounts(raw: object) -> dict[str, str]:
    """ "5=1000；4=1500；3=2000" (or a mapping) → {"5": "1000.00", …}: amounts as text, so
    the JSON keeps them exact."""
    if isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        text = str(raw or "").replace("；", ";").replace("，", ";").replace("\n", ";")
        pairs = []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            level, sep, amount = part.replace("：", "=").replace(":", "=").partition("=")
            if not sep:
                raise ValueError(f"“{part}”应写成 等级=金额，如 5=1000")
            pairs.append((level.strip(), amount.strip()))
    out: dict[str, str] = {}
    for level, amount in pairs:
        level = str(level).strip()
        if level not in LEVEL_NAMES:
            raise ValueError(f"等级“{level}”无法识别（可用：5、4、3、2、1）")
        if level in out:
            raise ValueError(f"等级“{level}”重复")
        out[level] = str(parse_yuan(amount, f"{LEVEL_NAMES[level]}的金额"))
    return out


def describe_level_amounts(amounts: dict[str, str]) -> str:
    """{"5": "1000.00", "4": "1500.00"} → "5=1000.00；4=1500.00", as the form takes it."""
    return "；".join(f"{k}={v}" for k, v in sorted(amounts.items(), reverse=True))


def _date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(f"日期“{value}”无法识别，请写成 2024-01-31") from exc


def clean_terms(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The terms of a version from `data` (text as typed or values already parsed), or
    ValidationError naming each bad field and why, in Chinese."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in ("name", "source_document", "source_article", "occupation", "limit_unit"):
        values[field] = str(data.get(field) or "").strip()
    values["note"] = str(data.get("note") or "").strip()
    for field in ("name", "source_document"):
        if not values[field]:
            fail(field, f"请填写{label(field)}")
    for field in ("valid_from", "valid_until"):
        try:
            values[field] = _date(data.get(field))
        except ValueError as exc:
            fail(field, str(exc))
            values[field] = None
    if values["valid_from"] is None and "valid_from" not in errors:
        fail("valid_from", "请填写起始日期")
    if (
        values["valid_from"]
        and values["valid_until"]
        and values["valid_until"] < values["valid_from"]
    ):
        fail("valid_until", "截止日期不能早于起始日期")
    for field, choices in CHOICE_LISTS.items():
        raw = data.get(field) or []
        if isinstance(raw, str):
            raw = [p.strip() for p in raw.replace("、", "|").split("|") if p.strip()]
        allowed = dict(choices)
        unknown = [str(v) for v in raw if str(v) not in allowed]
        if unknown:
            fail(field, f"{label(field)}“{'、'.join(unknown)}”无法识别")
        # In the order of the choices, each once: the same terms compare equal.
        values[field] = [v for v in allowed if v in {str(r) for r in raw}]
    values["payee"] = str(data.get("payee") or "").strip()
    if values["payee"] and values["payee"] not in Payee.values:
        fail("payee", f"补贴对象“{values['payee']}”无法识别")
    values["alongside"] = str(data.get("alongside") or "").strip()
    if values["alongside"] and (
        values["alongside"] not in RuleKind.values or values["alongside"] in (RuleKind.LIMIT, kind)
    ):
        fail("alongside", f"随同发放的补贴类别“{values['alongside']}”无法识别或不适用")
    values["amount_unit"] = str(data.get("amount_unit") or "").strip()
    if values["amount_unit"] and values["amount_unit"] not in AmountUnit.values:
        fail("amount_unit", f"计量单位“{values['amount_unit']}”无法识别")
    for field in (*MONEY, "limit_value"):
        raw = data.get(field)
        if raw in (None, ""):
            values[field] = None
            continue
        try:
            what = "数值" if field == "limit_value" else "金额"
            values[field] = parse_yuan(raw, label(field), what)
        except ValueError as exc:
            fail(field, str(exc))
            values[field] = None
    values["amount_is_minimum"] = bool(data.get("amount_is_minimum"))
    try:
        values["level_amounts"] = parse_level_amounts(data.get("level_amounts"))
    except ValueError as exc:
        fail("level_amounts", str(exc))
        values["level_amounts"] = {}
    _check_kind(kind, values, fail, errors)
    if errors:
        raise ValidationError(errors)
    return values


def _check_kind(kind: str, values: dict[str, Any], fail, errors) -> None:  # noqa: ANN001
    """What a rule of `kind` must say: a subsidy its payee and amount, a limit its value."""
    unit = values["amount_unit"]
    if kind == RuleKind.LIMIT:
        if values["limit_value"] is None and not values["limit_unit"]:
            fail("limit_value", "限制规则须填写限制数值，或在限制单位中写明限制内容")
        return
    if not values["payee"]:
        fail("payee", "请选择补贴对象（收款方）")
    if not unit:
        if "amount_unit" not in errors:
            fail("amount_unit", "请选择计量单位")
        return
    if unit == AmountUnit.PER_LEVEL:
        if not values["level_amounts"] and "level_amounts" not in errors:
            fail("level_amounts", "按等级计发的规则须填写各等级金额，如 5=1000；4=1500")
        if values["amount"] is not None:
            fail("amount", "按等级计发的规则不填统一标准，请填在分等级标准中")
    elif unit == AmountUnit.CATALOGUE:
        if values["amount"] is not None:
            fail("amount", "按需求目录标准计发的规则不填金额")
    elif values["amount"] is None and "amount" not in errors:
        fail("amount", "请填写补贴标准")
    if values["level_amounts"] and unit != AmountUnit.PER_LEVEL:
        fail("level_amounts", "只有按等级计发的规则填写分等级标准")
    cap = values["cap_per_time"]
    if (
        cap is not None
        and values["amount"] is not None
        and unit == AmountUnit.PER_PERSON
        and values["amount_is_minimum"]
        and cap < values["amount"]
    ):
        fail("cap_per_time", "单次上限不能低于补贴标准的下限")


def describe(field: str, value: object) -> str:
    """A term's value as a page and the log's note show it."""
    if value in (None, "", [], {}):
        return "（空）"
    if field in CHOICE_LISTS:
        names = dict(CHOICE_LISTS[field])
        return "、".join(names.get(v, v) for v in value)
    if field == "payee":
        return Payee(value).label
    if field == "amount_unit":
        return AmountUnit(value).label
    if field == "alongside":
        return f"随{RuleKind(value).label}发放" if value in RuleKind.values else str(value)
    if field == "amount_is_minimum":
        return "是" if value else "否"
    if field == "level_amounts":
        return "；".join(f"{LEVEL_NAMES.get(k, k)} {v} 元" for k, v in sorted(value.items()))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def differences(before: PolicyRuleVersion | None, after: dict[str, Any] | PolicyRuleVersion):
    """[(label, old, new)] for each term that differs, in the order of TERMS."""
    new = after if isinstance(after, dict) else {f: getattr(after, f) for f in TERMS}
    out = []
    for field in TERMS:
        old = getattr(before, field) if before is not None else None
        if before is None or old != new[field]:
            out.append((label(field), describe(field, old), describe(field, new[field])))
    return out


def _write_version(
    rule: PolicyRule, number: int, values: dict[str, Any], *, actor: User, channel: str, reason: str
) -> PolicyRuleVersion:
    previous = rule.versions.filter(number=number - 1).first()
    changed = differences(previous, values)
    note = f"第{number}版"
    if previous is not None:
        note += "：" + "；".join(f"{name} {old} → {new}" for name, old, new in changed)
    if reason:
        note += f"（原因：{reason}）"
    version = PolicyRuleVersion(rule=rule, number=number, recorded_by=actor, reason=reason)
    audit_changes(version, values, actor=actor, channel=channel, note=note[:2000])
    return version


def rule_create(
    *,
    actor: User,
    channel: str,
    code: str,
    kind: str,
    region: Region | None,
    terms: dict[str, Any],
    reason: str = "",
    replaces: str = "",
) -> PolicyRule:
    """A new rule with its first version."""
    rule = PolicyRule(
        code=str(code or "").strip(), kind=kind, region=region, replaces=str(replaces or "").strip()
    )
    require(actor, "policy.edit", rule)
    errors: dict[str, list[str]] = {}
    try:
        code_validator(rule.code)
    except ValidationError as exc:
        errors["code"] = exc.messages
    if not rule.code:
        errors["code"] = ["请填写规则编码"]
    elif PolicyRule.objects.filter(code=rule.code).exists():
        errors["code"] = [f"规则编码“{rule.code}”已被使用"]
    if kind not in RuleKind.values:
        errors["kind"] = [f"类别“{kind}”无法识别"]
    if rule.replaces:
        replaced = PolicyRule.objects.filter(code=rule.replaces).first()
        if replaced is None:
            errors["replaces"] = [f"没有编码为“{rule.replaces}”的规则可替代"]
        elif replaced.kind != kind:
            errors["replaces"] = [
                f"“{rule.replaces}”是{replaced.get_kind_display()}，只能由同类规则替代"
            ]
        elif region is None:
            errors["replaces"] = ["替代上级规则的须是某一地区的规则，请填写适用地区"]
        elif replaced.region_id and replaced.region_id not in region_chain(region):
            errors["replaces"] = [f"{region.name}不在被替代规则的适用地区内"]
    try:
        values = clean_terms(kind, terms)
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        audit_changes(
            rule,
            {"code": rule.code, "kind": kind, "region": region},
            actor=actor,
            channel=channel,
            note="建立补贴政策规则",
        )
        _write_version(rule, 1, values, actor=actor, channel=channel, reason=reason)
    return rule


def rule_change(
    *, actor: User, channel: str, rule: PolicyRule, terms: dict[str, Any], reason: str
) -> PolicyRuleVersion:
    """A new version of `rule` with `terms`; the versions before it stay as they were."""
    require(actor, "policy.edit", rule)
    errors: dict[str, list[str]] = {}
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = ["请填写修改原因"]
    try:
        values = clean_terms(rule.kind, terms)
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One writer at a time per rule: two reviewers saving at once get versions n and n+1.
        PolicyRule.objects.select_for_update().filter(pk=rule.pk).first()
        number = (rule.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        previous = rule.versions.filter(number=number - 1).first()
        if previous is not None and not differences(previous, values):
            raise ValidationError("没有修改任何内容，未生成新版本")
        return _write_version(rule, number, values, actor=actor, channel=channel, reason=reason)


def terms_of(version: PolicyRuleVersion) -> dict[str, Any]:
    return {field: getattr(version, field) for field in TERMS}
