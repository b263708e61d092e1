"""Every change to institutions, pairings and capacity goes through these functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from skillaid.accounts.models import Action, Role, User, audit, audit_value
from skillaid.lib import dates, uscc
from skillaid.regions.models import Level, Region, ResettlementSite
from skillaid.training.models import Occupation, SkillLevel

from .models import (
    SCHOOL_KINDS,
    Capacity,
    CapacityKind,
    CapacityLevel,
    CatalogueStatus,
    Institution,
    InstitutionKind,
    InstitutionOccupation,
    InstitutionStatus,
    Pairing,
    PairingSummary,
    SummaryPeriod,
    WorkPlan,
    WorkPlanItem,
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


def _region_in_scope(
    actor: User | None, code: object, errors: dict[str, str], field: str
) -> Region | None:
    code = str(code or "").strip()
    if not code:
        errors[field] = "必填"
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        errors[field] = f"地区代码 {code} 不存在"
        return None
    if actor is not None and not region.code.startswith(actor.region_prefix):
        errors[field] = f"{region.name}不在您的管辖范围内"
        return None
    return region


def _institution_values(
    actor: User | None, data: dict[str, Any], errors: dict[str, str], instance: Institution | None
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
        values["region"] = _region_in_scope(actor, data["region"], errors, "region")
    for f in ("address", "contact", "phone"):
        if f in data:
            values[f] = str(data[f] or "").strip()
    return values


def _require(actor: User | None, allowed: bool, what: str) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied(f"您的角色不能{what}")


class InstitutionChange(models.TextChoices):
    EDIT = "edit", "修改该院校/机构"
    STATUS = "status", "变更该机构的目录状态"
    OCCUPATIONS = "occupations", "登记该机构的可培训职业"


def can_change_institution(actor: User | None, institution: Institution, change: str) -> bool:
    """Whether `actor` may make `change` to `institution`: the one rule for every write on an
    institution, used by the services and by pages and API to show or hide the actions.

    Writes follow the institution's own region, never what the actor sees of it through a
    pairing: the clerk of 马山县 sees a Nanning city school paired with the county but
    writes only the institutions of 马山县; city and province reviewers those of their
    region. A school officer keeps the contact details of their own institution."""
    if actor is None:
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.role == Role.SCHOOL_OFFICER:
        return change == InstitutionChange.EDIT and actor.institution_id == institution.pk
    role_may = {
        InstitutionChange.EDIT: actor.can_register_institutions,
        InstitutionChange.STATUS: actor.is_reviewer,
        InstitutionChange.OCCUPATIONS: actor.can_register_institutions,
    }.get(change, False)
    return role_may and str(institution.region_id or "").startswith(actor.region_prefix)


def _require_change(actor: User | None, institution: Institution, change: str) -> None:
    if not can_change_institution(actor, institution, change):
        raise PermissionDenied(
            f"您不能{InstitutionChange(change).label}：院校/机构的信息由其所在地区的人社部门维护"
        )


@transaction.atomic
def institution_create(*, actor: User | None, channel: str, data: dict[str, Any]) -> Institution:
    _require(actor, actor is None or actor.can_register_institutions, "登记院校/机构")
    errors: dict[str, str] = {}
    for required in ("name", "kind", "region"):
        data.setdefault(required, "")
    values = _institution_values(actor, data, errors, None)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    institution = Institution.objects.create(**values, status_since=today)
    InstitutionStatus.objects.create(
        institution=institution, status=CatalogueStatus.PENDING, on=today, reason="登记", by=actor
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type="institution",
        object_id=institution.pk,
        changes={k: [None, audit_value(v)] for k, v in values.items()},
    )
    return institution


@transaction.atomic
def institution_update(
    *, actor: User | None, channel: str, institution: Institution, data: dict[str, Any]
) -> dict[str, list]:
    _require_change(actor, institution, InstitutionChange.EDIT)
    if actor is not None and actor.role == Role.SCHOOL_OFFICER:
        # An officer keeps the contact details; the name, kind, code and region are the bureau's.
        data = {k: v for k, v in data.items() if k in ("address", "contact", "phone")}
    errors: dict[str, str] = {}
    values = _institution_values(actor, data, errors, institution)
    if errors:
        raise ValidationError(errors)
    changed = {
        k: [audit_value(getattr(institution, k)), audit_value(v)]
        for k, v in values.items()
        if getattr(institution, k) != v
    }
    if changed:
        for k, v in values.items():
            setattr(institution, k, v)
        institution.save()
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type="institution",
            object_id=institution.pk,
            changes=changed,
        )
    return changed


@transaction.atomic
def institution_set_status(
    *,
    actor: User | None,
    channel: str,
    institution: Institution,
    status: str,
    on: dt.date | None = None,
    reason: str = "",
) -> InstitutionStatus:
    """Move an institution in the catalogue; only reviewers may, and only by legal moves."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    _require_change(actor, institution, InstitutionChange.STATUS)
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
        object_type="institution",
        object_id=institution.pk,
        changes={"status": [current.value, target.value], "on": [None, on.isoformat()]},
        note=reason,
    )
    return entry


@transaction.atomic
def institution_add_occupation(
    *,
    actor: User | None,
    channel: str,
    institution: Institution,
    occupation: Occupation,
    level: str,
) -> InstitutionOccupation:
    _require_change(actor, institution, InstitutionChange.OCCUPATIONS)
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
            object_type="institution",
            object_id=institution.pk,
            changes={"occupations": [None, f"{occupation} {SkillLevel(level).label}"]},
        )
    return link


def _pairing_side(actor: User | None, pairing: Pairing) -> str:
    """'school' for the school's officer, 'county' for the partner's bureau, '' otherwise."""
    if actor is None or actor.role == Role.ADMIN:
        return "school"
    if actor.role == Role.SCHOOL_OFFICER and actor.institution_id == pairing.school_id:
        return "school"
    if actor.role == Role.COUNTY_CLERK and pairing.partner_county_code.startswith(
        actor.region_prefix
    ):
        return "county"
    return ""


PAIRING_MANAGERS = {Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER, Role.ADMIN}


def can_manage_pairings(actor: User | None) -> bool:
    """City and regional bureaus set up and end pairings (003 (七)); a county takes part."""
    return actor is None or actor.role in PAIRING_MANAGERS


def _manages(actor: User | None, pairing: Pairing) -> bool:
    """A city or region bureau above the partner county."""
    return can_manage_pairings(actor) and (
        actor is None or pairing.partner_county_code.startswith(actor.region_prefix)
    )


def can_end_pairing(actor: User | None, pairing: Pairing) -> bool:
    return not pairing.ended_on and _manages(actor, pairing)


def _refuse_if_ended(pairing: Pairing, what: str) -> None:
    if pairing.ended_by(timezone.localdate()):
        raise ValidationError(
            {"pairing": f"该结对已于 {pairing.ended_on:%Y-%m-%d} 结束，不能再{what}"}
        )


@transaction.atomic
def pairing_create(
    *,
    actor: User | None,
    channel: str,
    school: Institution,
    county_code: str = "",
    site_id: int | None = None,
    signed_on: dt.date | None = None,
    source: str = "",
) -> Pairing:
    """Pair a technical school with a county or a resettlement site within the actor's region."""
    if not can_manage_pairings(actor):
        raise PermissionDenied("结对关系由市、自治区人力资源社会保障部门建立")
    errors: dict[str, str] = {}
    if school.kind not in SCHOOL_KINDS:
        errors["school"] = (
            f"{school.name}不是技工院校（技师学院、高级技工学校、技工学校），不能结对帮扶"
        )
    county = site = None
    county_code = str(county_code or "").strip()
    if bool(county_code) == bool(site_id):
        errors["partner"] = "请选择帮扶县或安置区，二者选其一"
    elif county_code:
        county = _region_in_scope(actor, county_code, errors, "county")
        if county is not None and county.level != Level.COUNTY:
            errors["county"] = f"{county.name}不是县级行政区"
            county = None
    else:
        site = ResettlementSite.objects.select_related("county").filter(pk=site_id).first()
        if site is None:
            errors["site"] = "安置区不存在"
        elif actor is not None and not site.county_id.startswith(actor.region_prefix):
            errors["site"] = f"{site.name}不在您的管辖范围内"
            site = None
    if signed_on and signed_on > timezone.localdate():
        errors["signed_on"] = "签订日期不能晚于今天"
    elif dates.too_early(signed_on):
        errors["signed_on"] = dates.TOO_EARLY
    if not errors:
        partner = {"county": county} if county else {"site": site}
        existing = Pairing.objects.filter(school=school, **partner).first()
        if existing is not None:
            name = county.name if county else site.name
            errors["partner"] = (
                f"{school.name}与{name}已于 {existing.ended_on:%Y-%m-%d} 结束结对"
                if existing.ended_on
                else f"{school.name}已与{name}结对"
            )
    if errors:
        raise ValidationError(errors)
    pairing = Pairing.objects.create(
        school=school, county=county, site=site, signed_on=signed_on, source=source.strip()[:128]
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type="pairing",
        object_id=pairing.pk,
        changes={
            "school": [None, school.pk],
            "partner": [None, county.code if county else site.name],
            "signed_on": [None, audit_value(signed_on)],
        },
    )
    return pairing


@transaction.atomic
def pairing_end(
    *, actor: User | None, channel: str, pairing: Pairing, on: dt.date | None, reason: str
) -> Pairing:
    """End a pairing on a date with a reason; its plans and summaries stay."""
    if not _manages(actor, pairing):
        raise PermissionDenied("结对关系由市、自治区人力资源社会保障部门结束")
    if pairing.ended_on:
        raise ValidationError({"ended_on": f"该结对已于 {pairing.ended_on:%Y-%m-%d} 结束"})
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if on is None:
        errors["ended_on"] = "请填写结束日期"
    elif on > today:
        errors["ended_on"] = "结束日期不能晚于今天"
    elif dates.too_early(on):
        errors["ended_on"] = dates.TOO_EARLY
    elif pairing.signed_on and on < pairing.signed_on:
        errors["ended_on"] = f"结束日期不能早于协议签订日期 {pairing.signed_on:%Y-%m-%d}"
    if not reason.strip():
        errors["end_reason"] = "请填写结束原因"
    if errors:
        raise ValidationError(errors)
    pairing.ended_on, pairing.end_reason = on, reason.strip()[:255]
    pairing.save(update_fields=["ended_on", "end_reason"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type="pairing",
        object_id=pairing.pk,
        changes={"ended_on": [None, audit_value(on)], "end_reason": ["", pairing.end_reason]},
    )
    return pairing


@transaction.atomic
def pairing_record_agreement(
    *, actor: User | None, channel: str, pairing: Pairing, data: dict[str, Any]
) -> Pairing:
    if not _pairing_side(actor, pairing):
        raise PermissionDenied("只有结对双方可以登记结对协议")
    errors: dict[str, str] = {}
    signed_on = data.get("signed_on")
    if signed_on and signed_on > timezone.localdate():
        errors["signed_on"] = "签订日期不能晚于今天"
    elif dates.too_early(signed_on):
        errors["signed_on"] = dates.TOO_EARLY
    if errors:
        raise ValidationError(errors)
    changes = {}
    for f in ("signed_on", "school_duties", "county_duties"):
        if f in data and getattr(pairing, f) != data[f]:
            changes[f] = [audit_value(getattr(pairing, f)), audit_value(data[f])]
            setattr(pairing, f, data[f])
    if data.get("agreement"):
        pairing.agreement = data["agreement"]
        changes["agreement"] = [None, data["agreement"].name]
    pairing.save()
    if changes:
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type="pairing",
            object_id=pairing.pk,
            changes=changes,
        )
    return pairing


@transaction.atomic
def work_plan_file(
    *,
    actor: User | None,
    channel: str,
    pairing: Pairing,
    year: int,
    planned_enrolments: int,
    items: list[dict[str, Any]],
    note: str = "",
) -> WorkPlan:
    """File (or re-file) the year's work plan of a pairing; only the school files it."""
    if _pairing_side(actor, pairing) != "school":
        raise PermissionDenied("年度工作计划由结对院校报备")
    _refuse_if_ended(pairing, "报备工作计划")
    errors: dict[str, str] = {}
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        errors["year"] = f"年度应在 {this_year - 1}–{this_year + 1} 之间"
    if planned_enrolments < 0:
        errors["planned_enrolments"] = "不能为负数"
    clean: list[tuple[str, int, int]] = []
    for n, item in enumerate(items, start=1):
        occupation = str(item.get("occupation") or "").strip()
        month, trainees = item.get("month"), item.get("trainees")
        if not occupation and not trainees:
            continue
        if not occupation:
            errors[f"items.{n}.occupation"] = f"第{n}项：请填写培训职业（工种）"
        if not isinstance(month, int) or not 1 <= month <= 12:
            errors[f"items.{n}.month"] = f"第{n}项：月份应为1–12"
        if not isinstance(trainees, int) or trainees <= 0:
            errors[f"items.{n}.trainees"] = f"第{n}项：计划培训人数应为正整数"
        clean.append((occupation[:64], month, trainees))  # type: ignore[arg-type]
    if not clean and not errors:
        errors["items"] = "请至少填写一项培训计划"
    if errors:
        raise ValidationError(errors)
    plan, created = WorkPlan.objects.update_or_create(
        pairing=pairing,
        year=year,
        defaults={
            "planned_enrolments": planned_enrolments,
            "note": note,
            "filed_on": timezone.localdate(),
            "filed_by": actor,
        },
    )
    plan.items.all().delete()
    WorkPlanItem.objects.bulk_create(
        [WorkPlanItem(plan=plan, occupation=o, month=m, trainees=t) for o, m, t in clean]
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE if created else Action.UPDATE,
        object_type="work_plan",
        object_id=plan.pk,
        changes={
            "year": [None, year],
            "planned_enrolments": [None, planned_enrolments],
            "items": [None, [f"{m}月 {o} {t}人" for o, m, t in clean]],
        },
        note=str(pairing),
    )
    return plan


@transaction.atomic
def summary_submit(
    *, actor: User | None, channel: str, pairing: Pairing, year: int, period: str, text: str
) -> PairingSummary:
    if _pairing_side(actor, pairing) != "school":
        raise PermissionDenied("结对工作总结由结对院校报送")
    if pairing.ended_on and year > pairing.ended_on.year:
        raise ValidationError(
            {"year": f"该结对已于 {pairing.ended_on:%Y-%m-%d} 结束，不必报送以后年度的总结"}
        )
    if period not in SummaryPeriod.values:
        raise ValidationError({"period": "总结类型无法识别"})
    if not text.strip():
        raise ValidationError({"text": "请填写总结内容"})
    today = timezone.localdate()
    if year > today.year:
        raise ValidationError({"year": "不能报送未来年度的总结"})
    summary, created = PairingSummary.objects.update_or_create(
        pairing=pairing,
        year=year,
        period=period,
        defaults={"text": text.strip(), "submitted_on": today, "submitted_by": actor},
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE if created else Action.UPDATE,
        object_type="pairing_summary",
        object_id=summary.pk,
        changes={"year": [None, year], "period": [None, period]},
        note=str(pairing),
    )
    return summary


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


def _capacity_values(
    actor: User | None, data: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    kind = data.get("kind")
    if kind not in CapacityKind.values:
        errors["kind"] = "类别无法识别"
    values["kind"] = kind
    values["name"] = str(data.get("name") or "").strip()[:128]
    if not values["name"]:
        errors["name"] = "必填"
    values["region"] = _region_in_scope(actor, data.get("region"), errors, "region")
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
def capacity_create(*, actor: User | None, channel: str, data: dict[str, Any]) -> Capacity:
    _require(actor, actor is None or actor.can_register_institutions, "登记能力建设项目")
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
    item = Capacity.objects.create(**values, created_by=actor)
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type="capacity",
        object_id=item.pk,
        changes={k: [None, audit_value(v)] for k, v in values.items()},
    )
    return item


@transaction.atomic
def capacity_update(
    *, actor: User | None, channel: str, item: Capacity, data: dict[str, Any]
) -> dict[str, list]:
    _require(actor, actor is None or actor.can_register_institutions, "修改能力建设项目")
    errors: dict[str, str] = {}
    merged = {f: getattr(item, f) for f in CAPACITY_FIELDS}
    merged["region"] = item.region_id
    merged.update(data)
    values = _capacity_values(actor, merged, errors)
    if errors:
        raise ValidationError(errors)
    changed = {}
    for k, v in values.items():
        if getattr(item, k) != v:
            old = getattr(item, k)
            changed[k] = [audit_value(old), audit_value(v)]
            setattr(item, k, v)
    if changed:
        item.save()
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type="capacity",
            object_id=item.pk,
            changes=changed,
        )
    return changed


@transaction.atomic
def competition_record_result(
    *, actor: User | None, channel: str, competition: Capacity, person: Any, placing: str
) -> Any:
    """A trainee's placing in a competition; the person comes from the caller's ledger scope."""
    from .models import CompetitionResult

    _require(actor, actor is None or actor.can_register_institutions, "登记竞赛成绩")
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
        object_type="capacity",
        object_id=competition.pk,
        person_id=person.pk,
        changes={"placing": [None, placing]},
        note=str(competition),
    )
    return result
