"""Job postings (招聘岗位) and recruitment fairs (招聘会): what is open, who may post what,
and the one list the postings page, the API and the export share.

Who posts: an employer's own account for its own unit; an agency's account for an
employer it names by unified social credit code (the employer must be registered; the
posting's `agency` is then the agency) or for itself; a bureau user for any registered
employer when the workplace or the employer lies in their regions. Postings are public
job information (no personal data): every bureau reads them all, while an employer's or
agency's account reads only its own.

`postings_open(on)` is the one definition of "open" that lists, suggestions and
referrals read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.lists import Filters
from skillaid.accounts.models import Role, User, audit_changes
from skillaid.accounts.scope import Scope
from skillaid.catalogue.models import OCCUPATION_CODE, Occupation
from skillaid.lib import dates, uscc
from skillaid.lib.ints import parse_id
from skillaid.lib.money import parse_yuan
from skillaid.people import fields
from skillaid.regions.models import Region, code_prefix

from .models import Campaign, Employer, JobFair, Posting

OCCUPATION_HELP = (
    "请填写职业编码（如 6-31-01-03）或职业目录中的准确名称；"
    "可在“培训需求目录”中查找，目录中没有的职业（工种）请联系县（区）人社局补充"
)


def postings_open(on: dt.date) -> QuerySet[Posting]:
    """The postings open on `on`: within their validity and not closed by then. The one
    definition of "open" that lists, suggestions and referrals read."""
    return Posting.objects.filter(valid_from__lte=on, valid_until__gte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )


# ----- reading what people type -------------------------------------------------------


def _text(raw: object) -> str:
    return " ".join(fields.text(raw).split())


def occupation_find(raw: object) -> Occupation:
    """The catalogue's occupation named by code (6-31-01-03), by exact name (电工), or by
    both ("6-31-01-03 电工"); ValueError saying how to find it otherwise."""
    if isinstance(raw, Occupation):
        return raw
    text = _text(raw)
    if not text:
        raise ValueError(f"请填写职业（工种）：{OCCUPATION_HELP}")
    # A name as typed, as NFKC folds it, and with full-width brackets, which catalogue
    # names keep (电工（高压）) while people type either kind.
    typed = " ".join(str(raw).split())
    if isinstance(raw, int) or text.isdigit():
        row = Occupation.objects.filter(pk=int(text)).first()
        if row is not None:
            return row
    head, _, rest = text.partition(" ")
    if OCCUPATION_CODE.match(head):
        rows = Occupation.objects.filter(code=head)
        if rest:
            rows = rows.filter(name__in=_spellings(rest, typed.partition(" ")[2]))
        found = list(rows[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = "、".join(o.name for o in Occupation.objects.filter(code=head)[:5])
            raise ValueError(f"职业编码 {head} 下有多个工种（{names}），请同时填写工种名称")
        raise ValueError(f"职业编码“{text}”不在职业目录中：{OCCUPATION_HELP}")
    named = Occupation.objects.filter(name__in=_spellings(text, typed))
    found = list(named[:2])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        codes = "、".join(o.code or "无编码" for o in named[:5])
        raise ValueError(f"职业（工种）“{text}”有多个编码（{codes}），请填写职业编码")
    raise ValueError(f"职业（工种）“{text}”不在职业目录中：{OCCUPATION_HELP}")


def _spellings(*names: str) -> set[str]:
    found = {n.strip() for n in names}
    return found | {n.replace("(", "（").replace(")", "）") for n in found}


def region_find(raw: object) -> Region:
    """A region by its six-digit code (any province's: 440300 深圳市 too), or by its full
    name (广西壮族自治区南宁市马山县, 南宁市马山县) or a name no other region has (马山县)."""
    if isinstance(raw, Region):
        return raw
    text = _text(raw).replace(" ", "")
    if not text:
        raise ValueError("请填写工作地（6位区划代码或地区全称，如 450124 或 南宁市马山县）")
    if text.isdigit():
        region = Region.objects.filter(code=text).first()
        if region is None:
            raise ValueError(f"工作地区划代码 {text} 不存在，请填写6位区划代码")
        return region
    # Every ending of the text that could be a region's own name, in one query; then
    # the ones whose full name (with or without the province) is the text.
    endings = [text[i:] for i in range(len(text))]
    candidates = list(
        Region.objects.filter(name__in=endings).select_related("parent__parent").order_by("code")
    )
    matched = [r for r in candidates if _names_region(r, text)]
    current = [r for r in matched if r.is_current] or matched
    if len(current) == 1:
        return current[0]
    if len(current) > 1:
        shown = "、".join(f"{r.full_name}（{r.code}）" for r in current[:5])
        raise ValueError(f"工作地“{text}”有多个同名地区：{shown}，请填写6位区划代码")
    raise ValueError(
        f"工作地“{text}”不是已知的地区，请填写6位区划代码或地区全称（如 南宁市马山县）"
    )


def _names_region(region: Region, text: str) -> bool:
    if text == region.name:
        return True
    names: list[str] = []
    node: Region | None = region
    while node is not None:
        names.append(node.name)
        node = node.parent
    names.reverse()  # province, city, county
    return any("".join(names[i:]) == text for i in range(len(names)))


_CAMPAIGN_BY_LABEL = {label: value for value, label in Campaign.choices if value}
_CAMPAIGN_BY_LABEL.update(
    {
        "春风": Campaign.SPRING_BREEZE,
        "民营企业招聘月": Campaign.PRIVATE_MONTH,
        "金秋招聘": Campaign.AUTUMN,
        "县区专场招聘会": Campaign.COUNTY_FAIR,
        "专场招聘会": Campaign.COUNTY_FAIR,
        "帮扶车间": Campaign.WORKSHOP,
        "零工": Campaign.GIG,
    }
)


def campaign_of(raw: object) -> str:
    """A Campaign value from its value or its Chinese label; '' for none."""
    text = _text(raw).replace(" ", "")
    if not text or text in ("—", "-", "无"):
        return ""
    if text in Campaign.values:
        return text
    # Labels as typed and as NFKC folds them (县(区) for 县（区）).
    for label, value in _CAMPAIGN_BY_LABEL.items():
        if text in (label, _text(label).replace(" ", "")):
            return str(value)
    labels = "、".join(label for value, label in Campaign.choices if value)
    raise ValueError(f"专项活动“{text}”无法识别（可填：{labels}）")


def fair_find(raw: object) -> JobFair | None:
    """A fair by its id or its exact name (the latest held of that name); None for none."""
    if raw in (None, ""):
        return None
    if isinstance(raw, JobFair):
        return raw
    text = _text(raw)
    if not text:
        return None
    if isinstance(raw, int) or text.isdigit():
        fair = JobFair.objects.filter(pk=int(text)).first()
        if fair is None:
            raise ValueError(f"招聘会（编号 {text}）不存在")
        return fair
    fair = JobFair.objects.filter(name=text).order_by("-held_on", "-id").first()
    if fair is None:
        raise ValueError(f"招聘会“{text}”尚未登记，请先在“招聘会”页面登记，或留空")
    return fair


def employer_find(raw: object) -> Employer:
    """A registered employer or agency by its credit code (checked) or its id."""
    if isinstance(raw, Employer):
        return raw
    if isinstance(raw, int):
        found = Employer.objects.filter(pk=raw).first()
        if found is None:
            raise ValueError(f"用人单位（编号 {raw}）不存在")
        return found
    try:
        code = uscc.check(raw)
    except uscc.UsccError as exc:
        raise ValueError(str(exc)) from exc
    found = Employer.objects.filter(uscc=code).first()
    if found is None:
        raise ValueError(
            f"统一社会信用代码为 {code} 的单位尚未登记：请先由所在地人社部门在“用人单位”中登记该单位"
        )
    return found


def _day(raw: object, label: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = fields.date(raw, today=dt.date.max)
        except ValueError as exc:
            raise ValueError(f"{label}：{exc}") from exc
        if day is None:
            raise ValueError(f"请填写{label}（如 2026-03-01）")
    if dates.too_early(day):
        raise ValueError(f"{label}：{dates.TOO_EARLY}")
    return day


def _wage(raw: object, label: str) -> Decimal:
    if isinstance(raw, float):
        raw = repr(raw)
    value = parse_yuan(raw, label, "金额")
    if value <= 0:
        raise ValueError(f"{label}应大于0")
    return value


def _places(raw: object) -> int:
    text = _text(raw).removesuffix("人")
    try:
        number = Decimal(text)
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"招聘人数“{text}”应为整数" if text else "请填写招聘人数")
    if number < 1:
        raise ValueError("招聘人数至少为1人")
    if number > 100000:
        raise ValueError(f"招聘人数“{text}”过大")
    return int(number)


def import_key(employer: Employer, title: str, occupation: Occupation, region: Region, day) -> str:  # noqa: ANN001
    """What makes a posting the same posting when a file is imported again: the employer,
    the title, the occupation, the workplace and the first day."""
    text = f"{employer.uscc}|{title}|{occupation.pk}|{region.code}|{day.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


# ----- the terms of a posting --------------------------------------------------------

EDITABLE = (
    "title",
    "occupation",
    "region",
    "address",
    "wage_min",
    "wage_max",
    "places",
    "requirements",
    "valid_from",
    "valid_until",
    "campaign",
    "fair",
)


def posting_terms(data: dict[str, Any], current: Posting | None = None) -> dict[str, Any]:
    """The posting's checked values from `data` (a key left out keeps `current`'s value),
    or ValidationError naming each field at fault in Chinese."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def given(name: str) -> bool:
        return name in data or current is None

    def keep(name: str) -> object:
        return getattr(current, name) if current is not None else None

    if given("title"):
        title = _text(data.get("title"))
        if not title:
            errors["title"] = "请填写岗位名称"
        elif len(title) > 128:
            errors["title"] = f"岗位名称不能超过128个字（现为{len(title)}个字）"
        values["title"] = title
    for name, parse in (("occupation", occupation_find), ("region", region_find)):
        if given(name):
            try:
                values[name] = parse(data.get(name))
            except ValueError as exc:
                errors[name] = str(exc)
    for name, label, limit in (("address", "工作地点", 255), ("requirements", "岗位要求", 500)):
        if given(name):
            text = _text(data.get(name))
            if len(text) > limit:
                errors[name] = f"{label}不能超过{limit}个字（现为{len(text)}个字）"
            values[name] = text
    for name, label in (("wage_min", "月薪下限"), ("wage_max", "月薪上限")):
        if given(name):
            try:
                values[name] = _wage(data.get(name), label)
            except ValueError as exc:
                errors[name] = str(exc)
    if "wage_min" not in errors and "wage_max" not in errors:
        low = values.get("wage_min", keep("wage_min"))
        high = values.get("wage_max", keep("wage_max"))
        if low is not None and high is not None and high < low:
            errors["wage_max"] = f"月薪上限（{high}元）不能低于月薪下限（{low}元）"
    if given("places"):
        try:
            values["places"] = _places(data.get("places"))
        except ValueError as exc:
            errors["places"] = str(exc)
    for name, label in (("valid_from", "有效期起"), ("valid_until", "有效期止")):
        if given(name):
            try:
                values[name] = _day(data.get(name), label)
            except ValueError as exc:
                errors[name] = str(exc)
    if "valid_from" not in errors and "valid_until" not in errors:
        start = values.get("valid_from", keep("valid_from"))
        end = values.get("valid_until", keep("valid_until"))
        if start is not None and end is not None and end < start:
            errors["valid_until"] = (
                f"有效期止（{end:%Y-%m-%d}）不能早于有效期起（{start:%Y-%m-%d}）"
            )
    if given("fair"):
        try:
            values["fair"] = fair_find(data.get("fair"))
        except ValueError as exc:
            errors["fair"] = str(exc)
    if given("campaign"):
        try:
            values["campaign"] = campaign_of(data.get("campaign"))
        except ValueError as exc:
            errors["campaign"] = str(exc)
    # A posting of a fair is of the fair's campaign unless it names its own.
    fair = values.get("fair", keep("fair"))
    if fair is not None and not values.get("campaign", keep("campaign")) and fair.campaign:
        values["campaign"] = fair.campaign
    if errors:
        raise ValidationError(errors)
    return values


def _outside_account(actor: User) -> bool:
    return actor.role in (Role.EMPLOYER, Role.AGENCY)


def posting_parties(actor: User, raw: object) -> tuple[Employer, Employer | None]:
    """(employer, agency) of a new posting by `actor`, naming the employer `raw` (a credit
    code, an id or an Employer; empty for an account's own unit), or ValidationError."""
    own_id = Scope.of(actor).employer_id
    named = None
    if raw not in (None, ""):
        try:
            named = employer_find(raw)
        except ValueError as exc:
            raise ValidationError({"employer": str(exc)}) from exc
    if _outside_account(actor):
        own = Employer.objects.filter(pk=own_id).first() if own_id else None
        if own is None:
            raise PermissionDenied("您的账户没有关联的单位，请联系所在地人社部门")
        if named is None or named.pk == own.pk:
            return own, None
        if actor.role == Role.EMPLOYER:
            raise ValidationError(
                {
                    "employer": f"用人单位账户只能发布本单位（{own.name}）的岗位，不能为{named.name}发布"
                }
            )
        return named, own
    if named is None:
        raise ValidationError({"employer": "请填写用人单位的统一社会信用代码"})
    return named, None


# ----- the services ------------------------------------------------------------------


@transaction.atomic
def posting_create(*, actor: User, channel: str, data: dict[str, Any]) -> Posting:
    """A new posting. `data`: employer (credit code; an employer's or agency's account may
    leave it out for its own unit), title, occupation, region, address, wage_min,
    wage_max, places, requirements, valid_from, valid_until, campaign, fair."""
    require(actor, "posting.edit")
    errors: dict[str, str] = {}
    employer = agency = None
    try:
        employer, agency = posting_parties(actor, data.get("employer"))
    except ValidationError as exc:
        errors.update({k: "；".join(v) for k, v in exc.message_dict.items()})
    try:
        values = posting_terms(data)
    except ValidationError as exc:
        errors.update({k: "；".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    posting = Posting(employer=employer, agency=agency, created_by=actor)
    for name, value in values.items():
        setattr(posting, name, value)
    # A bureau posts where it works: the workplace or the employer in its regions.
    require(actor, "posting.edit", posting)
    key = import_key(
        employer, values["title"], values["occupation"], values["region"], values["valid_from"]
    )
    audit_changes(
        posting,
        {"employer": employer, "agency": agency, **values, "import_key": key},
        actor=actor,
        channel=channel,
        note=f"发布招聘岗位：{employer.name} {values['title']}",
    )
    return posting


@transaction.atomic
def posting_update(
    *, actor: User, channel: str, posting: Posting, data: dict[str, Any]
) -> dict[str, list]:
    """Change the posting's terms (the keys of `data` among EDITABLE); returns the changes
    as the audit log keeps them ({} when nothing changed). Its employer stays."""
    require(actor, "posting.edit", posting)
    if data.get("employer") not in (None, ""):
        try:
            named = employer_find(data["employer"])
        except ValueError as exc:
            raise ValidationError({"employer": str(exc)}) from exc
        if named.pk != posting.employer_id:
            raise ValidationError(
                {"employer": "岗位的用人单位不能修改；如需更换，请停止招聘后重新发布"}
            )
    values = posting_terms({k: v for k, v in data.items() if k in EDITABLE}, current=posting)
    before = {name: getattr(posting, name) for name in values}
    for name, value in values.items():
        setattr(posting, name, value)
    try:
        require(actor, "posting.edit", posting)
    except PermissionDenied as exc:
        for name, value in before.items():
            setattr(posting, name, value)
        raise ValidationError({"region": str(exc)}) from exc
    for name, value in before.items():
        setattr(posting, name, value)
    return audit_changes(
        posting, values, actor=actor, channel=channel, note=f"修改招聘岗位：{posting.title}"
    )


@transaction.atomic
def posting_close(*, actor: User, channel: str, posting: Posting, on: dt.date) -> Posting:
    """Stop recruiting from `on` (停止招聘): the posting is open no more from that day."""
    require(actor, "posting.edit", posting)
    try:
        day = _day(on, "停止招聘日期")
    except ValueError as exc:
        raise ValidationError({"on": str(exc)}) from exc
    if posting.closed_on is not None:
        raise ValidationError({"on": f"该岗位已于{posting.closed_on:%Y-%m-%d}停止招聘"})
    audit_changes(
        posting,
        {"closed_on": day},
        actor=actor,
        channel=channel,
        note=f"停止招聘：{posting.title}（{day:%Y-%m-%d}起）",
    )
    return posting


# ----- reading postings --------------------------------------------------------------


def postings_visible_to(user: User) -> QuerySet[Posting]:
    """Every posting to a bureau (public job information, no personal data); an
    employer's or agency's account its own unit's and those it posted."""
    if not can(user, "posting.read"):
        return Posting.objects.none()
    scope = Scope.of(user)
    if _outside_account(user):
        return scope.filter(Posting.objects.all(), employer="employer_id|agency_id")
    return Posting.objects.all()


class PostingFilters(Filters):
    """`open`: only postings open on `on` (today when not given, 仅显示在招);
    `occupation`: an occupation's id or code; `campaign`: a Campaign value; `fair`: a
    fair's id; `region`: a workplace code or its leading digits (45, 4501, 450124);
    `employer`: an employer's id; `q`: words of the title or the employer's name."""

    open: bool = False
    on: dt.date | None = None
    occupation: str = ""
    campaign: str = ""
    fair: int | None = None
    region: str = ""
    employer: int | None = None
    q: str = ""

    def day(self) -> dt.date:
        return self.on or timezone.localdate()


def posting_list(user: User, *, filters: PostingFilters | None = None) -> QuerySet[Posting]:
    """The postings page, its export and the API list: within scope, newest first."""
    f = filters or PostingFilters()
    rows = postings_visible_to(user)
    if f.open:
        rows = rows & postings_open(f.day())
    if f.occupation:
        if f.occupation.isdigit():
            rows = rows.filter(occupation_id=parse_id(f.occupation) or 0)
        else:
            rows = rows.filter(occupation__code=f.occupation)
    if f.campaign:
        rows = rows.filter(campaign=f.campaign)
    if f.fair:
        rows = rows.filter(fair_id=f.fair)
    if f.region:
        code = f.region
        if len(code) == 6 and code.isdigit():
            code = code_prefix(code)
        rows = rows.filter(region__code__startswith=code)
    if f.employer:
        rows = rows.filter(Q(employer_id=f.employer) | Q(agency_id=f.employer))
    if f.q:
        for word in f.q.split():
            rows = rows.filter(Q(title__contains=word) | Q(employer__name__contains=word))
    return rows.select_related("employer", "agency", "occupation", "region", "fair").order_by("-id")


def posting_for(user: User, pk: object) -> Posting:
    """One posting the user may see, or 404."""
    try:
        return (
            postings_visible_to(user)
            .select_related("employer", "agency", "occupation", "region", "fair")
            .get(pk=int(str(pk)))
        )
    except (ValueError, OverflowError, Posting.DoesNotExist):
        raise Http404("没有这个招聘岗位") from None


# ----- fairs -------------------------------------------------------------------------


class _RegionPlace:
    """A region as `within` asks it: in scope if its code is."""

    def __init__(self, region: Region) -> None:
        self.region = region

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.region.code)

    def __str__(self) -> str:
        return self.region.name


def fairs_visible_to(user: User) -> QuerySet[JobFair]:
    """Fairs are public: whoever reads postings reads them all."""
    if not can(user, "posting.read"):
        return JobFair.objects.none()
    return JobFair.objects.select_related("region").order_by("-held_on", "-id")


@transaction.atomic
def fair_create(*, actor: User, channel: str, data: dict[str, Any]) -> JobFair:
    """A recruitment fair held by a bureau in its regions: name, campaign, region,
    held_on."""
    require(actor, "fair.edit")
    errors: dict[str, str] = {}
    name = _text(data.get("name"))
    if not name:
        errors["name"] = "请填写招聘会名称"
    elif len(name) > 128:
        errors["name"] = f"招聘会名称不能超过128个字（现为{len(name)}个字）"
    campaign = ""
    try:
        campaign = campaign_of(data.get("campaign"))
    except ValueError as exc:
        errors["campaign"] = str(exc)
    region = None
    try:
        region = region_find(data.get("region"))
    except ValueError as exc:
        errors["region"] = str(exc).replace("工作地", "举办地")
    if region is not None and not can(actor, "fair.edit", _RegionPlace(region)):
        errors["region"] = f"{region.name}不在您的管辖范围内，只能登记本地区的招聘会"
    held_on = None
    try:
        held_on = _day(data.get("held_on"), "举办日期")
    except ValueError as exc:
        errors["held_on"] = str(exc)
    if not errors and JobFair.objects.filter(name=name, held_on=held_on, region=region).exists():
        errors["name"] = f"{held_on:%Y-%m-%d}在{region.name}的“{name}”已登记"
    if errors:
        raise ValidationError(errors)
    fair = JobFair(created_by=actor)
    audit_changes(
        fair,
        {"name": name, "campaign": campaign, "region": region, "held_on": held_on},
        actor=actor,
        channel=channel,
        note=f"登记招聘会：{name}",
    )
    return fair
