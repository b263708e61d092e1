"""Placements (就业登记): a job taken, reported by the employer, by the agency that placed the
worker or by the county clerk, and confirmed by the county bureau of the worker's county;
the confirmation records the worker's employment status and asks the subsidies app for
the agency's service-subsidy line (skillaid.subsidies.agency, 003 四（十一）).

Who reports what:
- an employer's account reports a job at its own unit;
- an agency's account reports a person it placed at a registered employer (named by its
  unified social credit code); the agency is itself;
- a county clerk (or an administrator) either, for a person of their county.

The person is named by ID number and name and must be in the ledger; the placement
attaches to their seeker record (made by `seeker_ensure` if they have none). An outside
account (employer, agency) that names a number not in the ledger, or a name that does
not go with it, is told one and the same thing (`NOT_FOUND`), so it cannot probe who is
in the ledger: every other field is checked first and the person is looked up only when
all of them are valid (so a deliberately bad field answers the same for any number), a
placement already reported is refused in words that name no unit and no date
(`DUPLICATE_OUTSIDE`), and each refused look-up is audited with the number masked. A
county clerk hears one message for a number not in the ledger and one of another
county's ledger (`NOT_IN_SCOPE`, as the seekers page).

Insured months (已缴社会保险月数) can never exceed the whole calendar months from the
contract's start to the earliest of the day (today when reporting, the confirmation day
when confirming), the day the job ended and the day insurance was paid until
(`agency.insured_bound`); months above 0 need the day insurance was paid until, on or
after the contract's start and not after that day. The confirming clerk may change the
months only by a match against the insurance records (社保比对), logged as its own change.

A placement confirmed after its job ended records the status 未就业 confirmed on the day
it ended (the job is over; a status dated the confirmation day saying employed would be
false), never an employed status. Ending a placement whose line exists asks the
subsidies app to stop the line when the end makes the conditions fail
(`agency.agency_line_stop`).

Maker and checker: the clerk who confirms is never the user who reported it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import Action, Role, User, audit
from skillaid.accounts.scope import Scope
from skillaid.lib import uscc as uscc_lib
from skillaid.lib.idnumber import mask
from skillaid.lib.ints import parse_id
from skillaid.lib.names import same_name
from skillaid.people.models import Category, Person
from skillaid.people.services import check_id
from skillaid.subsidies import agency

from .models import (
    ConfirmedBy,
    Employer,
    EmployerKind,
    EmploymentStatus,
    Placement,
    Referral,
    SeekerSource,
)
from .seekers import seeker_ensure, status_record

NOT_FOUND = "未找到该人员或姓名与身份证号不符，请与其户籍所在县（区）人社部门联系"
NOT_IN_SCOPE = (
    "您管辖范围内的台账中没有这个身份证号的人员；请核对号码，或由其户籍所在县（区）人社部门登记"
)
DUPLICATE_OUTSIDE = (
    "该人员的这次就业已登记，不能重复登记；如有疑问请与其户籍所在县（区）人社部门联系"
)
# How a clerk confirms the contract and the insured months: the papers the employer gave,
# or a match against the social-insurance records.
CONFIRM_MEANS = (ConfirmedBy.EMPLOYER, ConfirmedBy.INSURANCE)
MAX_INSURED_MONTHS = 600


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


def _day(value: object, errors: dict[str, str], field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = f"{label}“{value}”不是有效日期，请按 2026-03-01 的格式填写"
        return None


def _decimal_text(value: object) -> str | None:
    """The ASCII digits of `value`, or None: "²" or "٣" are not numbers here."""
    text = str(value if value is not None else "").strip()
    return text if text.isascii() and text.isdecimal() else None


def _months(value: object, errors: dict[str, str], field: str) -> int:
    if value in (None, ""):
        return 0
    text = _decimal_text(value)
    if text is None:
        errors[field] = f"社会保险缴费月数“{value}”应为整数"
        return 0
    try:
        months = int(text)
    except ValueError:
        errors[field] = f"社会保险缴费月数“{value}”应为整数"
        return 0
    if months < 0 or months > MAX_INSURED_MONTHS:
        errors[field] = f"社会保险缴费月数应在0至{MAX_INSURED_MONTHS}之间"
        return 0
    return months


def _flag(value: object) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "on", "yes", "是")


def _employer_by_code(
    raw: object, errors: dict[str, str], field: str, kind: str
) -> Employer | None:
    what = "用人单位" if kind == EmployerKind.EMPLOYER else "人力资源服务机构"
    if not _text(raw):
        errors[field] = f"请填写{what}的统一社会信用代码"
        return None
    try:
        code = uscc_lib.check(raw)
    except uscc_lib.UsccError as exc:
        errors[field] = str(exc)
        return None
    row = Employer.objects.filter(uscc=code, kind=kind).first()
    if row is None:
        errors[field] = f"统一社会信用代码为{code}的{what}尚未登记，请先由所在地人社部门登记"
    return row


def _own_employer(actor: User) -> Employer:
    link = getattr(actor, "employer_account", None)
    if link is None:
        raise PermissionDenied("您的账户未关联单位，请联系人社部门")
    return link.employer


def _outside(actor: User) -> bool:
    return actor.role in (Role.EMPLOYER, Role.AGENCY)


class _LookupRefused(Exception):
    """An outside account's look-up found no one: audited after the rollback."""

    def __init__(self, masked: str) -> None:
        super().__init__(masked)
        self.masked = masked


def _identity(data: dict[str, Any], errors: dict[str, str]) -> tuple[str, str] | None:
    """The name and the checked ID number, or None with the errors set (no look-up)."""
    name = _text(data.get("name"))
    if not name:
        errors["name"] = "请填写姓名"
    checked = check_id(data.get("id_number"))
    if not checked.ok:
        errors["id_number"] = checked.error or "身份证号无效"
        return None
    if not name:
        return None
    return name, checked.number or ""


def _person(actor: User, name: str, number: str, errors: dict[str, str]) -> Person | None:
    """The person named by ID number and name. An outside account hears only NOT_FOUND
    (and `_LookupRefused` is raised for the audit); a clerk one message for a number not
    in the ledger and one outside their scope."""
    person = Person.objects.with_id_number(number).first()
    if _outside(actor):
        if person is None or not same_name(name, person.name):
            raise _LookupRefused(mask(number))
        return person
    if person is None or not Scope.of(actor).contains_region(person.county_id):
        errors["id_number"] = NOT_IN_SCOPE
        return None
    if not same_name(name, person.name):
        errors["name"] = "姓名与身份证号不符"
        return None
    return person


def _insured_checks(
    *,
    start: dt.date | None,
    months: int,
    until: dt.date | None,
    day: dt.date,
    day_label: str,
    ended_on: dt.date | None,
    errors: dict[str, str],
) -> None:
    """Insured months against the whole months that can have passed (see the module)."""
    if start is None or "insured_months" in errors or "insured_until" in errors:
        return
    if months > 0 and until is None:
        errors["insured_until"] = f"已缴社会保险{months}个月，请填写社保缴纳至的日期"
        return
    if until is not None and until < start:
        errors["insured_until"] = (
            f"社保缴纳至{until:%Y-%m-%d}，早于劳动合同起始日期{start:%Y-%m-%d}"
        )
        return
    if until is not None and until > day:
        errors["insured_until"] = f"社保缴纳至{until:%Y-%m-%d}，晚于{day_label}{day:%Y-%m-%d}"
        return
    bound, last = agency.insured_bound(start, day, ended_on=ended_on, until=until)
    if months > bound:
        label = (
            day_label
            if last == day
            else ("离职日" if ended_on is not None and last == ended_on else "社保缴纳至日")
        )
        errors["insured_months"] = (
            f"已缴社会保险月数不能超过劳动合同起始日至{label}的整月数（{bound}个月）"
        )


def placement_record(*, actor: User, channel: str, data: dict[str, Any]) -> Placement:
    """就业登记: see the module for who reports what. `data`: id_number, name,
    employer_uscc (an employer's account: its own), agency_uscc (a clerk's, optional; an
    agency's account: itself), referral (id, optional), job, contract_start,
    contract_end or open_ended, insured_months, insured_until (needed when months > 0)."""
    require(actor, "placement.record")
    try:
        return _record(actor=actor, channel=channel, data=data)
    except _LookupRefused as refused:
        # Written after the rollback of the refused report: the trace of a probe stays.
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=Placement,
            changes={"id_number": refused.masked, "result": "not_found"},
            note=f"就业登记未成功：未找到身份证号{refused.masked}的人员或姓名不符",
        )
        raise ValidationError({"id_number": NOT_FOUND}) from None


@transaction.atomic
def _record(*, actor: User, channel: str, data: dict[str, Any]) -> Placement:
    errors: dict[str, str] = {}
    employer: Employer | None = None
    agency_row: Employer | None = None
    if actor.role == Role.EMPLOYER:
        employer = _own_employer(actor)
    elif actor.role == Role.AGENCY:
        agency_row = _own_employer(actor)
        employer = _employer_by_code(data.get("employer_uscc"), errors, "employer_uscc", "employer")
    else:
        employer = _employer_by_code(data.get("employer_uscc"), errors, "employer_uscc", "employer")
        if _text(data.get("agency_uscc")):
            agency_row = _employer_by_code(
                data.get("agency_uscc"), errors, "agency_uscc", EmployerKind.AGENCY
            )
    identity = _identity(data, errors)
    job = _text(data.get("job"))
    if not job:
        errors["job"] = "请填写岗位"
    elif len(job) > 128:
        errors["job"] = "岗位不超过128个字"
    start = _day(data.get("contract_start"), errors, "contract_start", "劳动合同起始日期")
    if start is None and "contract_start" not in errors:
        errors["contract_start"] = "请填写劳动合同起始日期"
    open_ended = _flag(data.get("open_ended"))
    end = _day(data.get("contract_end"), errors, "contract_end", "劳动合同终止日期")
    if open_ended:
        end = None
    elif end is None and "contract_end" not in errors:
        errors["contract_end"] = "请填写劳动合同终止日期，或勾选无固定期限劳动合同"
    elif start is not None and end is not None and end < start:
        errors["contract_end"] = f"劳动合同终止日期{end:%Y-%m-%d}早于起始日期{start:%Y-%m-%d}"
    insured = _months(data.get("insured_months"), errors, "insured_months")
    insured_until = _day(data.get("insured_until"), errors, "insured_until", "社保缴纳至日期")
    today = timezone.localdate()
    if start is not None and start > today + dt.timedelta(days=90):
        errors["contract_start"] = (
            f"劳动合同起始日期{start:%Y-%m-%d}晚于今天三个月以上，请到岗后再登记"
        )
    _insured_checks(
        start=start,
        months=insured,
        until=insured_until,
        day=today,
        day_label="登记日",
        ended_on=None,
        errors=errors,
    )
    raw_referral = _text(data.get("referral"))
    referral_id = parse_id(raw_referral) if raw_referral else None
    if raw_referral and referral_id is None:
        errors["referral"] = f"推荐记录编号“{raw_referral[:20]}”应为数字，请重新填写或留空"
    # An outside account's look-up only once every other field is valid: a bad field
    # answers the same whoever the number is.
    if errors or identity is None:
        raise ValidationError(errors)
    person = _person(actor, identity[0], identity[1], errors)
    if errors or person is None:
        raise ValidationError(errors)
    seeker = seeker_ensure(
        person=person,
        source=SeekerSource.CLERK,
        on=timezone.localdate(),
        actor=actor,
        channel=channel,
    )
    referral = None
    if referral_id:
        referral = Referral.objects.filter(pk=referral_id, seeker=seeker, employer=employer).first()
        if referral is None:
            raise ValidationError(
                {"referral": "该推荐记录不是推荐此人到该单位的，请重新选择或留空"}
            )
    if Placement.objects.filter(seeker=seeker, employer=employer, contract_start=start).exists():
        if _outside(actor):
            raise ValidationError({"contract_start": DUPLICATE_OUTSIDE})
        raise ValidationError(
            {
                "contract_start": f"该人员在{employer.name}自{start:%Y-%m-%d}起的就业已登记，"
                "不能重复登记"
            }
        )
    placement = Placement(
        seeker=seeker,
        county_id=seeker.county_id,
        employer=employer,
        agency=agency_row,
        referral=referral,
        job=job,
        contract_start=start,
        contract_end=end,
        open_ended=open_ended,
        insured_months=insured,
        insured_until=insured_until,
        reported_by=actor,
    )
    require(actor, "placement.record", placement)
    placement.save()
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=placement,
        person_id=person.pk,
        changes={
            "employer": employer.uscc,
            "agency": agency_row.uscc if agency_row else "",
            "contract_start": str(start),
            "contract_end": str(end or ""),
            "open_ended": open_ended,
            "insured_months": insured,
        },
        note=f"就业登记：{employer.name} {job}",
    )
    return placement


def workplace_status(placement: Placement) -> str:
    """县内 if the employer is in the seeker's county, 区内 in the same province, else 区外."""
    code, home = str(placement.employer.region_id), str(placement.county_id)
    if code == home:
        return EmploymentStatus.LOCAL
    if code[:2] == home[:2]:
        return EmploymentStatus.PROVINCE
    return EmploymentStatus.OUTSIDE


def placement_facts(placement: Placement) -> agency.PlacementFacts:
    person = placement.seeker.person
    category = ""
    household = person.household
    if household is not None:
        status = household.category_on(placement.contract_start)
        category = status.category if status is not None else household.category
    labels = dict(Category.choices)
    return agency.PlacementFacts(
        placement_id=placement.pk,
        person_id=person.pk,
        county=placement.county_id,
        agency_name=placement.agency.name,
        agency_uscc=placement.agency.uscc,
        employer_name=placement.employer.name,
        contract_start=placement.contract_start,
        contract_end=placement.contract_end,
        open_ended=placement.open_ended,
        insured_months=placement.insured_months,
        confirmed_on=placement.confirmed_on,
        category=category or "",
        category_label=labels.get(category, ""),
        ended_on=placement.ended_on,
        insured_until=placement.insured_until,
    )


@transaction.atomic
def placement_confirm(
    *,
    actor: User,
    channel: str,
    placement: Placement,
    on: dt.date,
    means: str,
    insured_months: int | None = None,
    insured_until: dt.date | None = None,
) -> tuple[Placement, agency.AgencyResult | None]:
    """The county clerk confirms the contract and the insured months (社保比对 or the
    papers) on `on` (not before the day it was reported, not in the future); the seeker's
    status follows, then the agency's service-subsidy line. The months (and the day
    insurance was paid until) may be changed only by 社保比对, logged as its own change."""
    require(actor, "placement.confirm", placement)
    placement = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
    if placement.reported_by_id is not None and placement.reported_by_id == actor.pk:
        raise PermissionDenied("登记人不能核实自己登记的就业，请由本县（区）其他经办人员核实")
    if placement.confirmed_on is not None:
        raise ValidationError(f"该就业登记已于{placement.confirmed_on:%Y-%m-%d}核实")
    errors: dict[str, str] = {}
    if means not in CONFIRM_MEANS:
        errors["means"] = (
            "请选择核实方式（" + "、".join(ConfirmedBy(m).label for m in CONFIRM_MEANS) + "）"
        )
    reported = timezone.localdate(placement.reported_at)
    if on is None:
        errors["on"] = "请填写核实日期"
    elif on > timezone.localdate():
        errors["on"] = f"核实日期{on:%Y-%m-%d}晚于今天"
    elif on < placement.contract_start:
        errors["on"] = (
            f"核实日期{on:%Y-%m-%d}早于劳动合同起始日期{placement.contract_start:%Y-%m-%d}"
        )
    elif on < reported:
        errors["on"] = f"核实日期{on:%Y-%m-%d}早于登记日期{reported:%Y-%m-%d}"
    months = placement.insured_months
    if insured_months not in (None, ""):
        months = _months(insured_months, errors, "insured_months")
    until = placement.insured_until
    if insured_until not in (None, ""):
        until = _day(insured_until, errors, "insured_until", "社保缴纳至日期")
    changed = (months, until) != (placement.insured_months, placement.insured_until)
    if changed and means in CONFIRM_MEANS and means != ConfirmedBy.INSURANCE:
        errors["insured_months"] = (
            f"核实时变更社会保险缴费月数或缴纳至日期须经{ConfirmedBy.INSURANCE.label}；"
            f"按{ConfirmedBy(means).label}核实的，以登记的{placement.insured_months}个月为准"
        )
    if "on" not in errors and on is not None:
        _insured_checks(
            start=placement.contract_start,
            months=months,
            until=until,
            day=on,
            day_label="核实日",
            ended_on=placement.ended_on,
            errors=errors,
        )
    if errors:
        raise ValidationError(errors)
    seeker = placement.seeker
    if changed:
        before = (placement.insured_months, placement.insured_until)
        placement.insured_months, placement.insured_until = months, until
        placement.save(update_fields=["insured_months", "insured_until"])
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type=placement,
            person_id=seeker.person_id,
            changes={
                "insured_months": [before[0], months],
                "insured_until": [str(before[1] or ""), str(until or "")],
            },
            note=f"社保比对变更社会保险缴费月数：{before[0]}个月→{months}个月",
        )
    placement.confirmed_on, placement.confirmed_by, placement.confirm_means = on, actor, means
    placement.save(update_fields=["confirmed_on", "confirmed_by", "confirm_means"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=placement,
        person_id=seeker.person_id,
        changes={"confirmed_on": [None, str(on)], "confirm_means": ["", means]},
        note=f"核实就业登记（{ConfirmedBy(means).label}）：社会保险{months}个月",
    )
    if placement.ended_on is not None:
        # The job is over: the person was without it from the day it ended.
        status_record(
            actor=actor,
            channel=channel,
            seeker=seeker,
            status=EmploymentStatus.UNEMPLOYED,
            confirmed_on=placement.ended_on,
            confirmed_by=means,
            employer_name=placement.employer.name,
            note=f"就业登记核实：{placement.job}，已于{placement.ended_on:%Y-%m-%d}离职",
            check=False,
        )
    else:
        status_record(
            actor=actor,
            channel=channel,
            seeker=seeker,
            status=workplace_status(placement),
            confirmed_on=on,
            confirmed_by=means,
            employer_name=placement.employer.name,
            workplace=placement.employer.region,
            note=f"就业登记核实：{placement.job}",
            check=False,
        )
    result = None
    if placement.agency_id is not None:
        result = _agency_line(actor=actor, channel=channel, placement=placement)
    return placement, result


def _agency_line(*, actor: User, channel: str, placement: Placement) -> agency.AgencyResult:
    # The agency first: two of its placements confirmed at once find (or make) its
    # month's claim one after the other.
    Employer.objects.select_for_update(of=("self",)).filter(pk=placement.agency_id).first()
    return agency.agency_line_make(actor=actor, channel=channel, facts=placement_facts(placement))


def may_reassess(user: User, placement: Placement) -> bool:
    """The button on the placement page: confirmed, by an agency, without a line."""
    return (
        placement.confirmed_on is not None
        and placement.agency_id is not None
        and can(user, "placement.confirm", placement)
        and agency.agency_line_of(placement.pk) is None
    )


@transaction.atomic
def placement_reassess(*, actor: User, channel: str, placement: Placement) -> agency.AgencyResult:
    """Ask again for the agency's line of a confirmed placement that has none (e.g. no
    rule was in force when it was confirmed): under the rule in force on the
    confirmation day, as at confirmation (see subsidies.agency)."""
    require(actor, "placement.confirm", placement)
    placement = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
    if placement.confirmed_on is None:
        raise ValidationError("该就业登记尚未核实，请先核实")
    if placement.agency_id is None:
        raise ValidationError("非人力资源服务机构介绍的就业，不涉及就业创业服务补助")
    if agency.agency_line_of(placement.pk) is not None:
        raise ValidationError("该就业登记已有就业创业服务补助明细，无需重新审核")
    result = _agency_line(actor=actor, channel=channel, placement=placement)
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=placement,
        person_id=placement.seeker.person_id,
        changes={"reassessed": str(timezone.localdate())},
        note=(
            "重新审核就业创业服务补助："
            + (
                "生成补助明细"
                if result.line is not None
                else "；".join(result.assessment.shortfalls)
            )
        )[:255],
    )
    return result


@transaction.atomic
def placement_end(
    *, actor: User, channel: str, placement: Placement, ended_on: dt.date
) -> Placement:
    """离职登记: the day the job ended, by the employer, the agency or the county clerk.
    A subsidy line already made is stopped when the end makes its conditions fail."""
    require(actor, "placement.record", placement)
    placement = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
    errors: dict[str, str] = {}
    if ended_on is None:
        errors["ended_on"] = "请填写离职日期"
    elif ended_on < placement.contract_start:
        errors["ended_on"] = (
            f"离职日期{ended_on:%Y-%m-%d}早于劳动合同起始日期{placement.contract_start:%Y-%m-%d}"
        )
    elif ended_on > timezone.localdate():
        errors["ended_on"] = f"离职日期{ended_on:%Y-%m-%d}晚于今天"
    if placement.ended_on is not None:
        errors["ended_on"] = f"已登记于{placement.ended_on:%Y-%m-%d}离职"
    if errors:
        raise ValidationError(errors)
    placement.ended_on = ended_on
    placement.save(update_fields=["ended_on"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=placement,
        person_id=placement.seeker.person_id,
        changes={"ended_on": [None, str(ended_on)]},
        note=f"离职登记：{ended_on:%Y-%m-%d}",
    )
    if placement.agency_id is not None and placement.confirmed_on is not None:
        agency.agency_line_stop(actor=actor, channel=channel, facts=placement_facts(placement))
    return placement


# --- selectors ---------------------------------------------------------------------------


def placements_visible_to(user: User) -> QuerySet[Placement]:
    """Bureaus: their counties' placements; an employer or agency: only its own."""
    rows = Placement.objects.select_related("seeker__person", "employer", "agency", "county")
    if not (can(user, "placement.record") or can(user, "seeker.read")):
        return rows.none()
    return Scope.of(user).filter(rows, region="county__code", employer="employer_id|agency_id")


def placement_for(user: User, pk: object) -> Placement:
    try:
        return placements_visible_to(user).get(pk=int(str(pk)))
    except (ValueError, Placement.DoesNotExist):
        raise Http404("没有该就业登记，或不在您的管辖范围内") from None


@dataclass
class PlacementFilters:
    confirmed: str = ""  # "1" confirmed, "0" waiting
    agency: str = ""  # an agency's id
    q: str = ""  # name

    @classmethod
    def from_query(cls, query: Any) -> PlacementFilters:
        return cls(
            confirmed=str(query.get("confirmed") or "").strip(),
            agency=str(query.get("agency") or "").strip(),
            q=str(query.get("q") or "").strip()[:64],
        )


def placement_list(user: User, *, filters: PlacementFilters | None = None) -> QuerySet[Placement]:
    """The list the page, the API and the export share."""
    f = filters or PlacementFilters()
    rows = placements_visible_to(user)
    if f.confirmed == "1":
        rows = rows.filter(confirmed_on__isnull=False)
    elif f.confirmed == "0":
        rows = rows.filter(confirmed_on__isnull=True)
    agency_id = parse_id(f.agency)
    if agency_id:
        rows = rows.filter(agency_id=agency_id)
    if f.q:
        rows = rows.filter(
            Q(seeker__person__name__icontains=f.q) | Q(employer__name__icontains=f.q)
        )
    return rows.order_by("-contract_start", "-id")


def agencies_in(user: User) -> QuerySet[Employer]:
    """The agencies of the user's visible placements (the list's filter)."""
    ids = placements_visible_to(user).exclude(agency=None).values("agency_id")
    return Employer.objects.filter(pk__in=ids).order_by("name")


def sees_subsidy(user: User, placement: Placement) -> bool:
    """The subsidy block: bureaus, and the agency's own account; never the employer."""
    if not _outside(user):
        return True
    link = getattr(user, "employer_account", None)
    return (
        user.role == Role.AGENCY
        and link is not None
        and placement.agency_id is not None
        and link.employer_id == placement.agency_id
    )


def subsidy_of(placement: Placement) -> tuple[Any, list[str]]:
    """The placement's service-subsidy line (or None) and, without one, why; with a line
    batched or paid whose placement ended too early, the warning: what the page shows."""
    if placement.agency_id is None:
        return None, ["非人力资源服务机构介绍的就业，不涉及就业创业服务补助"]
    line = agency.agency_line_of(placement.pk)
    if line is not None:
        if placement.confirmed_on is not None and placement.ended_on is not None:
            warning = agency.stop_warning(line, placement_facts(placement))
            return line, [warning] if warning else []
        return line, []
    if placement.confirmed_on is None:
        return None, ["待人员所在县（区）人社部门核实劳动合同和社会保险缴费月数后生成补助明细"]
    return None, agency.agency_assess(placement_facts(placement)).shortfalls
