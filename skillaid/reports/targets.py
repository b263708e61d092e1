"""Targets (目标任务): loaded from the plans (regions/data/plan_targets.csv), edited per
region and period by reviewers, and split down (分解) from a province to its cities and
from a city to its counties.

Loading (`targets_load`, run by `skillaid setup`) is idempotent: a line's target is found
again by its plan, source, wording, region and period, so loading twice adds nothing;
a target a reviewer has since edited (it has a `set_by`) keeps the reviewer's value.
The region of a line comes from its source, the policy text's number: the national plans
(000, 001, 002) are the whole country (no region, 全国), Guangxi's 003 is 广西壮族自治区
(450000) and Yong'an's 004 is 永安市 (350481). A line `at_least_per_year` over several
years becomes one target a year.

A bad line stops the load before anything is written, with every bad line named by its
line number in the file (the header is line 1) and why: a column missing or empty, a
target that is not a number or is negative, a period that is not years or ends before it
starts, a kind not among TargetKind, a source whose region is not known, a region not
loaded (run `skillaid setup`, which loads the divisions first).

Splitting: the parts of a total (不少于, 约) must add up to at least the parent's value:
a split short of it is refused, saying by how much (the children meeting theirs would
leave the parent unmet). A split over it is saved, and the excess (超出) is said, since
provinces commonly give their cities more than their own target. A rate or a per-county
target (每人/每县不少于) is not shared out: each part must be at least the parent's value.

Who edits: a target is adjusted by the level that set it. A part (one with a parent) is
the upper level's: it is refused (由上级下达的目标任务只能由上级调整) to a user whose
scope does not hold the parent's region, or whose own region is the part's — a city
reviewer may split the part the province gave their city to its counties, and edit those
county parts, never lower the city's own. A target without a parent is edited by anyone
holding `target.edit` on it.

Editing keeps a split whole, by the split's own rule: a value that would leave parts
short of their parent is refused, saying by how much, and the split is to be adjusted
first (raising a parent above what its parts add up to; lowering a part below its share
of its parent's total; for a rate, a parent above one of its parts or a part below its
parent). A value that leaves the parts over their parent is saved, and the excess is
shown on the target's page. A part's period is its parent's: a parent's new period is
carried down to its parts (and theirs) in the same transaction, each audited; a part's
own period cannot be set apart from its parent's.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import User, audit_changes
from skillaid.accounts.scope import Scope
from skillaid.regions.models import Level, Region, code_prefix

from .figures import where_for
from .models import Target, TargetKind
from .periods import parse
from .progress import Progress, progress_of
from .tally import indicator_for_title

PLAN_TARGETS = Path(__file__).resolve().parent.parent / "regions" / "data" / "plan_targets.csv"
COLUMNS = ("plan", "source", "indicator", "target", "unit", "period_start", "period_end", "kind")
# The region of a plan's line, by the policy text's number (the source's first word).
REGION_OF_SOURCE: dict[str, str | None] = {
    "000": None,  # 重点帮扶地区职业技能提升工程: national
    "001": None,  # 技能脱贫千校行动: national
    "002": None,  # 十四五职业技能培训规划: national
    "003": "450000",  # 广西壮族自治区
    "004": "350481",  # 永安市
}
# Kinds whose value is a total over the region, shared out by a split.
ADDITIVE = (TargetKind.AT_LEAST, TargetKind.ABOUT, TargetKind.AT_LEAST_PER_YEAR)


@dataclass(frozen=True)
class PlanLine:
    line: int
    plan: str
    source: str
    title: str
    value: Decimal
    unit: str
    first: int
    last: int
    kind: str
    region: str | None


class TargetFileError(ValueError):
    """The plan targets file has bad lines; the message names each by number."""


def _parse_line(number: int, row: dict) -> tuple[PlanLine | None, list[str]]:
    problems = []
    for col in COLUMNS:
        if not (row.get(col) or "").strip():
            problems.append(f"第{number}行：缺少“{col}”")
    if problems:
        return None, problems
    text = {k: row[k].strip() for k in COLUMNS}
    try:
        value = Decimal(text["target"])
        if not value.is_finite() or value < 0:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(f"第{number}行：目标值“{text['target'][:20]}”不是非负数")
        value = Decimal(0)
    try:
        first, last = int(text["period_start"]), int(text["period_end"])
        if not (1900 <= first <= last <= 2200):
            raise ValueError
    except ValueError:
        problems.append(
            f"第{number}行：期间“{text['period_start'][:10]}—{text['period_end'][:10]}”"
            "应为起止年份，且截止不早于起始"
        )
        first = last = 0
    if text["kind"] not in TargetKind.values:
        problems.append(
            f"第{number}行：口径“{text['kind'][:30]}”无法识别，应为{'、'.join(TargetKind.values)}之一"
        )
    source_key = text["source"].split()[0]
    if source_key not in REGION_OF_SOURCE:
        problems.append(
            f"第{number}行：依据“{text['source'][:30]}”不知道属于哪个地区"
            f"（已知：{'、'.join(REGION_OF_SOURCE)}）"
        )
        region = None
    else:
        region = REGION_OF_SOURCE[source_key]
        if region and not Region.objects.filter(code=region).exists():
            problems.append(
                f"第{number}行：地区{region}尚未载入行政区划（请先运行 skillaid setup）"
            )
    if problems:
        return None, problems
    return (
        PlanLine(
            number,
            text["plan"],
            text["source"],
            text["indicator"],
            value,
            text["unit"],
            first,
            last,
            text["kind"],
            region,
        ),
        [],
    )


def read_plan_targets(path: Path | None = None) -> list[PlanLine]:
    """The file's lines (the shipped file by default), or TargetFileError naming every bad
    line."""
    path = path or PLAN_TARGETS
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise TargetFileError(f"{path.name} 第1行（表头）缺少列：{'、'.join(missing)}")
        lines, problems = [], []
        for number, row in enumerate(reader, start=2):
            parsed, bad = _parse_line(number, row)
            problems += bad
            if parsed:
                lines.append(parsed)
    if problems:
        raise TargetFileError(f"{path.name} 有错误，未载入：" + "；".join(problems))
    return lines


def _periods(line: PlanLine) -> list[tuple[dt.date, dt.date]]:
    if line.kind == TargetKind.AT_LEAST_PER_YEAR:
        return [(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in range(line.first, line.last + 1)]
    return [(dt.date(line.first, 1, 1), dt.date(line.last, 12, 31))]


def targets_load(path: Path | None = None) -> dict[str, int]:
    """Load the plans' targets; returns {"created": n, "updated": n, "unchanged": n}."""
    lines = read_plan_targets(path)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for line in lines:
            ind = indicator_for_title(line.title)
            for start, end in _periods(line):
                row, created = Target.objects.get_or_create(
                    plan=line.plan,
                    source=line.source,
                    title=line.title,
                    region_id=line.region,
                    institution=None,
                    parent=None,
                    period_start=start,
                    period_end=end,
                    defaults={
                        "value": line.value,
                        "unit": line.unit,
                        "kind": line.kind,
                        "indicator": ind.code if ind else "",
                    },
                )
                if created:
                    counts["created"] += 1
                    continue
                fields = {"indicator": ind.code if ind else "", "unit": line.unit}
                if row.set_by_id is None:  # a reviewer's value stays theirs
                    fields |= {"value": line.value, "kind": line.kind}
                changed = [k for k, v in fields.items() if getattr(row, k) != v]
                for k in changed:
                    setattr(row, k, fields[k])
                if changed:
                    row.save(update_fields=changed)
                counts["updated" if changed else "unchanged"] += 1
    return counts


# Selectors -----------------------------------------------------------------------------


def targets_visible_to(user: User) -> QuerySet[Target]:
    """The targets a user reads: the national ones (read-only for everyone) and those of
    regions in their scope; a school officer, their own school's."""
    scope = Scope.of(user)
    national = Q(region__isnull=True)
    if scope.institution_id is not None:
        mine = Q(institution_id=scope.institution_id)
    elif scope.region_prefix is None:
        mine = Q(pk__in=[])
    elif scope.region_prefix == "":
        mine = Q(region__isnull=False)
    else:
        mine = Q(region__code__startswith=scope.region_prefix)
    return Target.objects.filter(national | mine).select_related("region", "parent", "institution")


def target_list(user: User, *, plan: str = "", region: str = "") -> QuerySet[Target]:
    """The visible targets of a plan (its name) and region (a division code and below;
    全国 or 000000: the national ones), in the order the pages and the API list them."""
    rows = targets_visible_to(user).order_by("plan", "title", "region__code", "period_start", "id")
    plan, region = (plan or "").strip()[:128], (region or "").strip()[:6]
    if plan:
        rows = rows.filter(plan=plan)
    if region in ("全国", "000000"):
        rows = rows.filter(region__isnull=True)
    elif region:
        rows = rows.filter(region__code__startswith=code_prefix(region.ljust(6, "0")))
    return rows


def in_scope(user: User, target: Target) -> bool:
    """Whether the target's region (or school) lies wholly within the user's scope: a
    national target does only for the administrator."""
    scope = Scope.of(user)
    if target.institution_id is not None:
        return scope.everything or scope.has_institution(target.institution_id)
    if target.region_id is None:
        return scope.everything
    return scope.contains_region(target.region_id)


def progress_for(user: User, target: Target, *, today: dt.date) -> tuple[Progress, bool]:
    """The target's progress as `user` reads it, and whether it is the whole target's: of
    a target wider than the user's scope (a national one, for a province) only the user's
    own figure is read, and its percentage and pace mean nothing."""
    whole = in_scope(user, target)
    return progress_of(target, today=today, where=None if whole else where_for(user)), whole


def target_for(user: User, pk: object) -> Target:
    """One visible target, or 404."""
    try:
        return targets_visible_to(user).get(pk=int(str(pk)))
    except (ValueError, Target.DoesNotExist):
        raise Http404("没有找到该目标任务") from None


def targets_for(region: str | None = None, *, plan: str = "") -> QuerySet[Target]:
    """The targets set for a region (a division code; None: the national ones)."""
    rows = (
        Target.objects.filter(region_id=region)
        if region
        else Target.objects.filter(region__isnull=True)
    )
    if plan:
        rows = rows.filter(plan=plan)
    return rows.select_related("region", "parent")


def child_regions(target: Target) -> list[Region]:
    """The regions a target is split to: a province's cities, a city's counties."""
    region = target.region
    if region is None or region.level == Level.COUNTY:
        return []
    return list(Region.objects.current().filter(parent=region).order_by("code"))


ASSIGNED = "由上级下达的目标任务只能由上级调整"


def assigned_from_above(user: User, target: Target) -> bool:
    """Whether `target` is a part the upper level gave the user: its parent's region is
    outside the user's scope, or the part's region is the user's own (a city reviewer's
    part of the province's target). The user may split it, not change it."""
    if target.parent_id is None:
        return False
    scope = Scope.of(user)
    if scope.everything:
        return False
    own = target.region_id is not None and code_prefix(target.region_id) == scope.region_prefix
    return own or not scope.contains_region(target.parent.region_id)


def editable(user: User, target: Target) -> bool:
    """Whether the user may change the target's value, period and note."""
    return can(user, "target.edit", target) and not assigned_from_above(user, target)


def splittable(user: User, target: Target) -> bool:
    """Whether the user may split the target to its child regions (a city reviewer, the
    part the province gave their city)."""
    return can(user, "target.edit", target) and bool(child_regions(target))


def require_edit(user: User, target: Target) -> None:
    """`editable`, or PermissionDenied saying why, in Chinese."""
    require(user, "target.edit", target)
    if assigned_from_above(user, target):
        parent = target.parent
        upper = parent.region.name if parent.region_id else "全国"
        hint = "；您可以把它分解到下级地区" if child_regions(target) else ""
        raise PermissionDenied(f"您不能调整{target}：该目标由{upper}分解下达，{ASSIGNED}{hint}")


# Services ------------------------------------------------------------------------------


def _value(raw: object, field: str, errors: dict[str, str], label: str) -> Decimal | None:
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        errors[field] = f"{label}：请填写目标值"
        return None
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors[field] = f"{label}：目标值“{text[:20]}”不是数字"
        return None
    if value < 0:
        errors[field] = f"{label}：目标值不能为负数"
        return None
    if value >= Decimal(10) ** 16:
        errors[field] = f"{label}：目标值过大"
        return None
    return value.quantize(Decimal("0.01"))


def _shortfall(kind: str, value: Decimal, parts: dict[str, Decimal]) -> tuple[Decimal, list[str]]:
    """The split's rule, for a parent of `value` and its parts (region code → value): how
    much a total's parts fall short of it (0: they do not), and for a rate or a
    per-county target, the regions whose part is below it."""
    if kind in ADDITIVE:
        total = sum(parts.values(), Decimal(0))
        return max(value - total, Decimal(0)), []
    return Decimal(0), [code for code, v in parts.items() if v < value]


def _names(codes: list[str]) -> str:
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return "、".join(names.get(c, c) for c in codes)


def _split_errors(target: Target, value: Decimal) -> dict[str, str]:
    """What a new value would break: the target's own split (its parts), and the split it
    is a part of (its parent's)."""
    errors: dict[str, str] = {}
    unit = target.unit
    parts = {t.region_id: t.value for t in target.parts.all()}
    if parts and value != target.value:
        short, low = _shortfall(target.kind, value, parts)
        if short:
            errors["value"] = (
                f"目标值 {value:,.2f}{unit} 比已分解到下级地区的合计 "
                f"{sum(parts.values(), Decimal(0)):,.2f}{unit} 多 {short:,.2f}："
                "各地区都完成仍完不成该目标，请先调整分解（补足差额）再提高目标"
            )
        elif low:
            errors["value"] = (
                f"{_names(low)}的分解目标低于 {value:,.2f}{unit}："
                f"“{target.get_kind_display()}”的目标不能分摊，请先调整分解再提高目标"
            )
    parent = target.parent
    if parent is not None and value != target.value:
        siblings = {t.region_id: t.value for t in parent.parts.exclude(pk=target.pk)}
        siblings[target.region_id] = value
        short, low = _shortfall(parent.kind, parent.value, siblings)
        if short:
            errors["value"] = (
                f"调整后{parent}的分解合计 {sum(siblings.values(), Decimal(0)):,.2f}{unit}，"
                f"比上级目标 {parent.value:,.2f}{unit} 少 {short:,.2f}："
                "各地区都完成仍完不成上级目标，请在上级目标的分解中一并调整"
            )
        elif low:
            errors["value"] = (
                f"目标值低于上级目标 {parent.value:,.2f}{unit}："
                f"“{parent.get_kind_display()}”的目标不能分摊，各地区应不低于上级"
            )
    return errors


def _carry_period(target: Target, *, actor: User, channel: str) -> None:
    """Give the target's parts (and theirs) the target's period, each change audited."""
    for part in target.parts.select_related("region"):
        audit_changes(
            part,
            {"period_start": target.period_start, "period_end": target.period_end},
            actor=actor,
            channel=channel,
            note=f"随上级目标调整统计期间：{target}",
        )
        _carry_period(part, actor=actor, channel=channel)


def _lock_family(target: Target) -> None:
    """Lock the target and its parent for the transaction, so that two edits of sibling
    parts (or of a part and its parent) at once are checked one after the other and
    never together leave a split short."""
    ids = [target.pk] + ([target.parent_id] if target.parent_id else [])
    list(Target.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


@transaction.atomic
def target_edit(*, actor: User, channel: str, target: Target, data: dict) -> dict[str, list]:
    """Set a target's value, period (a code: 2026, 2026H1, 2021-2025) and note.

    Only by the level that set it (a part given from above: PermissionDenied, 由上级下达的
    目标任务只能由上级调整). A value is refused, saying by how much, when it would leave a
    split short, as `target_split` refuses a short split: raising a parent above its parts'
    total (adjust the split first), lowering a part below its share; a value leaving
    parts over their parent is saved (`split_of` says the excess). A new period is carried
    down to the parts; a part's period is its parent's and is not set on its own."""
    require_edit(actor, target)
    _lock_family(target)
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    value = _value(data.get("value"), "value", errors, "目标值")
    if value is not None:
        values["value"] = value
        errors |= _split_errors(target, value)
    period_text = str(data.get("period") or "").strip()
    if period_text:
        try:
            period = parse(period_text)
            values["period_start"], values["period_end"] = period.start, period.end
        except ValueError as e:
            errors["period"] = str(e)
        else:
            parent = target.parent
            if parent is not None and (period.start, period.end) != (
                parent.period_start,
                parent.period_end,
            ):
                errors["period"] = (
                    f"分解目标的统计期间随上级目标（{parent}）："
                    "请调整上级目标的期间，会一并带到各分解目标"
                )
    note = str(data.get("note") or "").strip()
    if len(note) > 255:
        errors["note"] = "说明不能超过255个字"
    values["note"] = note[:255]
    if errors:
        raise ValidationError(errors)
    changes = audit_changes(target, {**values, "set_by": actor}, actor=actor, channel=channel)
    if "period_start" in changes or "period_end" in changes:
        _carry_period(target, actor=actor, channel=channel)
    return changes


@dataclass(frozen=True)
class Split:
    parent: Target
    total: Decimal  # the parts added up (additive kinds)
    difference: Decimal  # total − parent's value: < 0 short, > 0 over
    additive: bool
    parts: list[Target]
    low: tuple[str, ...] = ()  # a rate's regions whose part is below the parent

    @property
    def short(self) -> bool:
        return self.difference < 0 if self.additive else bool(self.low)

    @property
    def message(self) -> str:
        if not self.additive:
            if self.low:
                return f"{'、'.join(self.low)}的目标低于上级目标"
            return "各地区目标均不低于上级目标"
        if self.difference == 0:
            return f"分解合计 {self.total:,.2f}，与上级目标相等"
        if self.difference > 0:
            return f"分解合计 {self.total:,.2f}，超出上级目标 {self.difference:,.2f}"
        return f"分解合计 {self.total:,.2f}，比上级目标少 {-self.difference:,.2f}"


def split_check(parent: Target, parts: dict[str, Decimal]) -> tuple[Decimal, Decimal]:
    """The parts' total and its difference from the parent's value."""
    total = sum(parts.values(), Decimal(0))
    return total, total - parent.value


def split_of(parent: Target) -> Split | None:
    """How the target's existing parts stand against it (None: it is not split), for its
    page after an edit: the excess, or a shortfall left from before the split rule held."""
    parts = list(parent.parts.select_related("region").order_by("region_id"))
    if not parts:
        return None
    values = {t.region_id: t.value for t in parts}
    total, difference = split_check(parent, values)
    _, low = _shortfall(parent.kind, parent.value, values)
    names = {t.region_id: t.region.name if t.region_id else "全国" for t in parts}
    additive = parent.kind in ADDITIVE
    return Split(parent, total, difference, additive, parts, tuple(names[c] for c in low))


@transaction.atomic
def target_split(*, actor: User, channel: str, parent: Target, parts: dict) -> Split:
    """Split `parent` to its child regions: `parts` maps a child region's code to its value
    (text or number); a child left blank keeps no part (an existing part is removed).
    Refused, saying by how much, when a total's parts fall short of it, and when a part
    raised here would leave its own split (to counties) short. Splitting is open to
    whoever holds `target.edit` on the target, a part given from above included."""
    require(actor, "target.edit", parent)
    _lock_family(parent)
    children = {r.code: r for r in child_regions(parent)}
    if not children:
        raise ValidationError({"parts": f"{parent}：该地区没有可分解的下级地区"})
    errors: dict[str, str] = {}
    values: dict[str, Decimal] = {}
    for code, raw in parts.items():
        if code not in children:
            errors[f"part_{code}"[:40]] = (
                f"地区“{str(code)[:12]}”不是{parent.region.name}的下级地区"
            )
            continue
        if str(raw if raw is not None else "").strip() == "":
            continue
        value = _value(raw, f"part_{code}", errors, children[code].name)
        if value is not None:
            values[code] = value
    additive = parent.kind in ADDITIVE
    total, difference = split_check(parent, values)
    short, low_codes = _shortfall(parent.kind, parent.value, values)
    if not errors and not values:
        errors["parts"] = "请至少为一个下级地区填写目标值"
    if not errors and short:
        errors["parts"] = (
            f"分解合计 {total:,.2f}{parent.unit}，比上级目标 {parent.value:,.2f}{parent.unit}"
            f"少 {short:,.2f}：各地区都完成仍完不成上级目标，请补足差额后再保存"
        )
    if not errors and low_codes:
        low = [children[c].name for c in low_codes]
        errors["parts"] = (
            f"{'、'.join(low)}的目标低于上级目标 {parent.value:,.2f}{parent.unit}："
            f"“{parent.get_kind_display()}”的目标不能分摊，各地区应不低于上级"
        )
    existing = {t.region_id: t for t in parent.parts.all()}
    for code, value in values.items():
        row = existing.get(code)
        if row is None or row.value == value:
            continue
        below = {t.region_id: t.value for t in row.parts.all()}
        if below and any(_shortfall(parent.kind, value, below)):
            errors[f"part_{code}"] = (
                f"{children[code].name}：已分解到下级地区的目标与 {value:,.2f}{parent.unit} "
                f"不相符（合计 {sum(below.values(), Decimal(0)):,.2f}）："
                f"请先调整{children[code].name}的分解再提高其目标"
            )
    if errors:
        raise ValidationError(errors)
    saved = []
    for code, region in children.items():
        row = existing.get(code)
        if code not in values:
            if row is not None:
                row.delete()  # audited below as part of the split's entry
            continue
        row = row or Target(parent=parent, region=region)
        audit_changes(
            row,
            {
                "plan": parent.plan,
                "source": parent.source,
                "title": parent.title,
                "indicator": parent.indicator,
                "institution": None,
                "period_start": parent.period_start,
                "period_end": parent.period_end,
                "value": values[code],
                "unit": parent.unit,
                "kind": parent.kind,
                "set_by": actor,
            },
            actor=actor,
            channel=channel,
            note=f"分解自：{parent}",
        )
        saved.append(row)
    removed = sorted(set(existing) - set(values))
    if removed:
        from skillaid.accounts.models import Action, audit

        audit(
            actor=actor,
            channel=channel,
            action=Action.DELETE,
            object_type=Target,
            object_id=parent.pk,
            changes={"parts_removed": [removed, None]},
            note=f"{parent}：取消分解到 {'、'.join(children[c].name for c in removed)}",
        )
    return Split(parent, total, difference, additive, saved)
