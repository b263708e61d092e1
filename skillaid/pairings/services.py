"""Every change to pairings, their agreements, work plans and summaries goes through these functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import Action, User, audit, audit_changes, audit_value
from skillaid.accounts.scope import Scope, region_in_scope
from skillaid.institutions.models import SCHOOL_KINDS, Institution
from skillaid.lib import dates
from skillaid.regions.models import Level, ResettlementSite

from .models import Pairing, PairingSummary, SummaryPeriod, WorkPlan, WorkPlanItem


def _pairing_side(actor: User, pairing: Pairing) -> str:
    """'school' for the school's officer (and an administrator), 'county' for the partner's
    bureau, '' for anyone else."""
    if can(actor, "pairing.report", pairing):
        return "school"
    if can(actor, "pairing.agreement", pairing):
        return "county"
    return ""


def can_manage_pairings(actor: User) -> bool:
    """City and regional bureaus set up and end pairings (003 (七)); a county takes part."""
    return can(actor, "pairing.manage")


def can_end_pairing(actor: User, pairing: Pairing) -> bool:
    """A city or region bureau above the partner county, while the pairing lasts."""
    return not pairing.ended_on and can(actor, "pairing.manage", pairing)


def _refuse_if_ended(pairing: Pairing, what: str) -> None:
    if pairing.ended_by(timezone.localdate()):
        raise ValidationError(
            {"pairing": f"该结对已于 {pairing.ended_on:%Y-%m-%d} 结束，不能再{what}"}
        )


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    channel: str,
    school: Institution,
    county_code: str = "",
    site_id: int | None = None,
    signed_on: dt.date | None = None,
    source: str = "",
) -> Pairing:
    """Pair a technical school with a county or a resettlement site within the actor's region."""
    require(actor, "pairing.manage")
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
        county = region_in_scope(actor, county_code, errors, "county")
        if county is not None and county.level != Level.COUNTY:
            errors["county"] = f"{county.name}不是县级行政区"
            county = None
    else:
        site = ResettlementSite.objects.select_related("county").filter(pk=site_id).first()
        if site is None:
            errors["site"] = "安置区不存在"
        elif not Scope.of(actor).contains_region(site.county_id):
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
        object_type="pairings.pairing",
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
    *, actor: User, channel: str, pairing: Pairing, on: dt.date | None, reason: str
) -> Pairing:
    """End a pairing on a date with a reason; its plans and summaries stay."""
    require(actor, "pairing.manage", pairing)
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
    audit_changes(
        pairing,
        {"ended_on": on, "end_reason": reason.strip()[:255]},
        actor=actor,
        channel=channel,
    )
    return pairing


@transaction.atomic
def pairing_record_agreement(
    *, actor: User, channel: str, pairing: Pairing, data: dict[str, Any]
) -> Pairing:
    require(actor, "pairing.agreement", pairing)
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
            object_type="pairings.pairing",
            object_id=pairing.pk,
            changes=changes,
        )
    return pairing


@transaction.atomic
def work_plan_file(
    *,
    actor: User,
    channel: str,
    pairing: Pairing,
    year: int,
    planned_enrolments: int,
    items: list[dict[str, Any]],
    note: str = "",
) -> WorkPlan:
    """File (or re-file) the year's work plan of a pairing; only the school files it."""
    require(actor, "pairing.report", pairing)
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
        object_type="pairings.workplan",
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
    *, actor: User, channel: str, pairing: Pairing, year: int, period: str, text: str
) -> PairingSummary:
    require(actor, "pairing.report", pairing)
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
        object_type="pairings.pairingsummary",
        object_id=summary.pk,
        changes={"year": [None, year], "period": [None, period]},
        note=str(pairing),
    )
    return summary
