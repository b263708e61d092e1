"""Every change to the capacity registry (training bases, studios, brands, norms, competitions,
key schools and majors) goes through these functions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit, audit_changes
from skillaid.accounts.scope import region_in_scope
from skillaid.lib import dates

from .models import (
    Capacity,
    CapacityKind,
    CapacityLevel,
    Institution,
)

CAPACITY_FIELDS = (
    "kind",
    "name",
    "region",
    "year",
    "level",
    "institution",
    "occupations",
    "master",
    "apprentices",
    "held_on",
    "published_on",
    "results",
)


def _capacity_values(actor: User, data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    kind = data.get("kind")
    if kind not in CapacityKind.values:
        errors["kind"] = "类别无法识别"
    values["kind"] = kind
    values["name"] = str(data.get("name") or "").strip()[:128]
    if not values["name"]:
        errors["name"] = "必填"
    values["region"] = region_in_scope(actor, data.get("region"), errors, "region")
    year = data.get("year")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year + 1:
        errors["year"] = f"年度应在 2000–{this_year + 1} 之间"
    values["year"] = year
    level = data.get("level") or ""
    if level and level not in CapacityLevel.values:
        errors["level"] = "级别无法识别"
    values["level"] = level
    institution = data.get("institution")
    if institution is not None and not isinstance(institution, Institution):
        institution = Institution.objects.filter(pk=institution).first()
        if institution is None:
            errors["institution"] = "院校/机构不存在"
    values["institution"] = institution
    for f in ("occupations", "master", "results"):
        values[f] = str(data.get(f) or "").strip()
    values["apprentices"] = data.get("apprentices")
    values["held_on"] = data.get("held_on")
    values["published_on"] = data.get("published_on")
    for f in ("held_on", "published_on"):
        if dates.too_early(values[f]):
            errors[f] = dates.TOO_EARLY
    if kind == CapacityKind.MASTER_STUDIO and not values["master"]:
        errors["master"] = "技能大师工作室须填写领办的技能大师"
    if kind == CapacityKind.COMPETITION and not values["held_on"]:
        errors["held_on"] = "竞赛须填写举办日期"
    if kind in (CapacityKind.KEY_SCHOOL, CapacityKind.KEY_MAJOR):
        if not values["published_on"]:
            errors["published_on"] = "重点院校、重点专业须填写公布日期"
        if kind == CapacityKind.KEY_SCHOOL and institution is None:
            errors["institution"] = "重点院校须选择院校"
    if kind == CapacityKind.LABOUR_BRAND and not values["occupations"]:
        errors["occupations"] = "劳务品牌须填写涵盖的职业（工种）"
    return values


@transaction.atomic
def capacity_create(*, actor: User, channel: str, data: dict[str, Any]) -> Capacity:
    require(actor, "capacity.edit")
    errors: dict[str, str] = {}
    values = _capacity_values(actor, data, errors)
    if (
        not errors
        and Capacity.objects.filter(
            kind=values["kind"], name=values["name"], region=values["region"], year=values["year"]
        ).exists()
    ):
        errors["name"] = "该地区该年度已登记同名项目"
    if errors:
        raise ValidationError(errors)
    item = Capacity(created_by=actor)
    audit_changes(item, values, actor=actor, channel=channel)
    return item


@transaction.atomic
def capacity_update(
    *, actor: User, channel: str, item: Capacity, data: dict[str, Any]
) -> dict[str, list]:
    require(actor, "capacity.edit", item)
    errors: dict[str, str] = {}
    merged = {f: getattr(item, f) for f in CAPACITY_FIELDS}
    merged["region"] = item.region_id
    merged.update(data)
    values = _capacity_values(actor, merged, errors)
    if errors:
        raise ValidationError(errors)
    return audit_changes(item, values, actor=actor, channel=channel)


@transaction.atomic
def competition_record_result(
    *, actor: User, channel: str, competition: Capacity, person: Any, placing: str
) -> Any:
    """A trainee's placing in a competition; the person comes from the caller's ledger scope."""
    from .models import CompetitionResult

    require(actor, "capacity.edit", competition)
    if competition.kind != CapacityKind.COMPETITION:
        raise ValidationError({"competition": "只能为职业技能竞赛登记成绩"})
    placing = placing.strip()
    if not placing:
        raise ValidationError({"placing": "请填写名次或奖项"})
    result, created = CompetitionResult.objects.update_or_create(
        competition=competition, person=person, defaults={"placing": placing[:32]}
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE if created else Action.UPDATE,
        object_type="institutions.capacity",
        object_id=competition.pk,
        person_id=person.pk,
        changes={"placing": [None, placing]},
        note=str(competition),
    )
    return result
