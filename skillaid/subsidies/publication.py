"""Publication (补贴公示) of a county's approved lines, and the objections (异议) raised
against them.

A county's bureau (or one above it) publishes the due lines of the county's approved
claims that no publication has listed yet: one `Publication`, each line pointing at it.
The list is public for the number of statutory working days the limit rule
`limit-publication-days` sets in the county on the day (5 where no rule is in force,
as the policy documents say). How the days are counted: the list goes up on the day it
is published, and its period is counted from the next day, as the Civil Code counts a
period in days (民法典第二百零一条：开始的当日不计入，自下一日开始计算); it ends on the
n-th statutory working day after the day of publishing (`add_working_days(day, n)`).
Published on Tuesday 2026-09-29 for 5 working days: they are 9-30, then (after the
National Day holiday of 10-1 to 10-7) 10-8, 10-9, the make-up Saturday 10-10 and Monday
10-12, on which it ends; payment may follow from 10-13. The end date is stored, never
counted again: a later edit of the calendar does not move a period already published.
A period that reaches a year whose holidays are not entered is refused, saying which.

Anyone may object to a listed line while the period runs. An objection is OPEN and holds
the line (HELD, hold OBJECTION), so `payable.payable_lines` leaves it out; a reviewer of
the county resolves it with a reason: upheld, the line is refused naming the objection;
dismissed, the line is due again unless another open objection still holds it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit, audit_changes
from skillaid.accounts.scope import region_in_scope
from skillaid.accounts.workdays import UnknownCalendarYear, WorkCalendar
from skillaid.regions.models import Level, Region

from .limits import PUBLICATION
from .models import (
    ClaimLine,
    ClaimState,
    Hold,
    LineStatus,
    Objection,
    ObjectionState,
    PolicyRuleVersion,
    Publication,
)
from .notices import notify_published
from .rules import rule_in_force

# Where no rule is in force: the five working days the policy documents name.
DEFAULT_DAYS = 5
TEXT_MAX = 1000
# Objections from one address in a day: enough for a neighbour who knows several
# people on the list, too few to hold a county's whole list from one machine.
OBJECTIONS_PER_DAY = 10
PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")
PUBLIC = "公众（公示异议）"


@dataclass(frozen=True)
class Period:
    """A publication's period: published on `starts_on`, counted from the next day, ends
    on `ends_on` after `working_days` statutory working days, by `rule`."""

    starts_on: dt.date
    ends_on: dt.date
    working_days: int
    rule: PolicyRuleVersion | None

    @property
    def text(self) -> str:
        return (
            f"{self.starts_on:%Y-%m-%d}发布，自次日起计{self.working_days}个工作日，"
            f"至{self.ends_on:%Y-%m-%d}止"
        )


def publication_period(county: str, day: dt.date, calendar: WorkCalendar | None = None) -> Period:
    """The period of a publication of `county` put up on `day` (see the module), or a
    ValidationError naming the year the calendar does not know."""
    version = rule_in_force(PUBLICATION, county, day)
    n = DEFAULT_DAYS
    if version is not None and version.limit_value is not None and version.limit_value >= 1:
        n = int(version.limit_value)
    try:
        ends_on = (calendar or WorkCalendar()).add_working_days(day, n)
    except UnknownCalendarYear as exc:
        raise ValidationError(
            f"公示期无法计算：自{day:%Y-%m-%d}次日起的{n}个工作日进入{exc.year}年，"
            f"而{exc.year}年的法定节假日安排尚未录入。请系统管理员在“节假日安排”页面录入"
            f"{exc.year}年的放假和调休上班日期后再发布公示。",
            code="calendar_year_unknown",
        ) from exc
    return Period(starts_on=day, ends_on=ends_on, working_days=n, rule=version)


def publishable_lines(county: str) -> QuerySet[ClaimLine]:
    """The lines a publication of `county` would list now: due lines with an amount, of
    the county's approved claims, that no publication has listed."""
    return ClaimLine.objects.filter(
        claim__county_id=county,
        claim__status=ClaimState.APPROVED,
        publication__isnull=True,
        status=LineStatus.DUE,
        amount__gt=0,
    )


def _title(region: Region, day: dt.date) -> str:
    title = f"{region.name}职业技能培训补贴公示（{day.year}年{day.month}月{day.day}日）"
    earlier = Publication.objects.filter(county=region, starts_on=day).count()
    return f"{title[:-1]}第{earlier + 1}批）" if earlier else title


@transaction.atomic
def publication_create(*, actor: User, county: str, channel: str) -> Publication:
    """Publish the county's publishable lines today, for the period its rule sets."""
    require(actor, "publication.create")
    errors: dict[str, str] = {}
    region = region_in_scope(actor, county, errors, "county")
    if region is None:
        raise ValidationError(errors)
    if region.level != Level.COUNTY:
        raise ValidationError({"county": f"{region.name}不是县（区）：公示按县（区）发布"})
    today = timezone.localdate()
    lines = list(
        publishable_lines(region.code)
        .select_for_update(of=("self",))
        .values_list("pk", "amount", "person_id")
    )
    if not lines:
        raise ValidationError(
            {"county": f"{region.name}没有待公示的补贴明细（已审批、应发且尚未公示的明细）"}
        )
    period = publication_period(region.code, today)
    publication = Publication.objects.create(
        county=region,
        title=_title(region, today),
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        working_days=period.working_days,
        rule=period.rule,
        created_by=actor,
    )
    listed = ClaimLine.objects.filter(
        pk__in=[pk for pk, _, _ in lines], publication__isnull=True
    ).update(publication=publication)
    if listed != len(lines):  # another publication took some of them meanwhile
        raise ValidationError("部分明细已被另一公示列入，请刷新后重试")
    total = sum((amount for _, amount, _ in lines), Decimal("0.00"))
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=publication,
        changes={
            "lines": len(lines),
            "amount": str(total),
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
            "working_days": period.working_days,
        },
        note=f"发布{publication.title}：{len(lines)}条明细，合计{total}元，{period.text}",
    )
    notify_published(publication)
    return publication


def publication_total(publication: Publication) -> Decimal:
    return publication.lines.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


# --- objections ----------------------------------------------------------------------------


def _clean(value: object, limit: int) -> str:
    return str(value or "").strip()[: limit + 1]


@transaction.atomic
def objection_raise(
    *,
    publication: Publication,
    line_id: object,
    text: str,
    contact_name: str = "",
    contact_phone: str = "",
    ip: str | None = None,
    channel: str = "page",
) -> Objection:
    """Anyone's objection to a line of a running publication: recorded OPEN, and the line
    held until a reviewer resolves it."""
    today = timezone.localdate()
    if publication.ended(today):
        raise ValidationError(f"公示已于{publication.ends_on:%Y-%m-%d}结束，不再受理异议")
    errors: dict[str, str] = {}
    line = None
    try:
        line = (
            publication.lines.select_for_update(of=("self",)).filter(pk=int(str(line_id))).first()
        )
    except ValueError:
        pass
    if line is None:
        errors["line"] = "请从本公示名单中选择要提出异议的人员"
    text = _clean(text, TEXT_MAX)
    if not text:
        errors["text"] = "请填写异议内容：您认为哪里不实，依据是什么"
    elif len(text) > TEXT_MAX:
        errors["text"] = f"异议内容不能超过{TEXT_MAX}字"
    contact_name = _clean(contact_name, 64)
    if len(contact_name) > 64:
        errors["contact_name"] = "姓名不能超过64字"
    contact_phone = _clean(contact_phone, 20).replace("－", "-")
    if contact_phone and not PHONE.match(contact_phone):
        errors["contact_phone"] = "联系电话只能由数字、空格和 + - ( ) 组成，5至20位"
    if errors:
        raise ValidationError(errors)
    if ip:
        since = timezone.now() - dt.timedelta(days=1)
        if Objection.objects.filter(ip=ip, raised_at__gte=since).count() >= OBJECTIONS_PER_DAY:
            raise ValidationError(
                f"同一网络地址24小时内最多提交{OBJECTIONS_PER_DAY}条异议；"
                "如有更多情况，请直接向当地人力资源和社会保障部门反映"
            )
        if line.objections.filter(ip=ip, state=ObjectionState.OPEN).exists():
            raise ValidationError({"line": "您已对该人员提出过异议，正在处理中，无需重复提交"})
    objection = Objection.objects.create(
        line=line,
        publication=publication,
        text=text,
        contact_name=contact_name,
        contact_phone=contact_phone,
        ip=ip or None,
    )
    audit(
        actor=None,
        actor_name=PUBLIC,
        channel=channel,
        action=Action.CREATE,
        object_type=objection,
        person_id=line.person_id,
        changes={"line": line.pk, "publication": publication.pk},
        note=f"对“{publication.title}”中{line.person_name}的补贴提出异议",
    )
    if line.status == LineStatus.DUE:
        audit_changes(
            line,
            {"status": LineStatus.HELD, "hold": Hold.OBJECTION},
            actor=None,
            channel=channel,
            person_id=line.person_id,
            note=f"公示期收到第{objection.pk}号异议，暂缓发放待处理",
        )
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: User, objection: Objection, upheld: bool, reason: str, channel: str
) -> Objection:
    """Resolve an open objection with a reason: upheld refuses the line naming the
    objection; dismissed releases the line unless another open objection holds it."""
    require(actor, "objection.resolve", objection)
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("line")
        .get(pk=objection.pk)
    )
    if objection.state != ObjectionState.OPEN:
        raise ValidationError(f"该异议已处理（{objection.get_state_display()}），不能再次处理")
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "处理异议须填写处理说明：核查了什么、结论和理由"})
    if len(reason) > 400:
        raise ValidationError({"reason": "处理说明不能超过400字"})
    line = ClaimLine.objects.select_for_update(of=("self",)).get(pk=objection.line_id)
    state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    if upheld and line.status not in (LineStatus.DUE, LineStatus.HELD, LineStatus.REFUSED):
        raise ValidationError(
            f"该明细已{line.get_status_display()}，异议成立须按冲回程序办理，不能直接不予补贴"
        )
    audit_changes(
        objection,
        {
            "state": state,
            "resolution": reason,
            "resolved_at": timezone.now(),
            "resolved_by": actor,
        },
        actor=actor,
        channel=channel,
        person_id=line.person_id,
        note=f"处理第{objection.pk}号公示异议：{ObjectionState(state).label}",
    )
    if upheld and line.status != LineStatus.REFUSED:
        audit_changes(
            line,
            {
                "status": LineStatus.REFUSED,
                "hold": "",
                "reason": f"公示期第{objection.pk}号异议成立：{reason}"[:500],
            },
            actor=actor,
            channel=channel,
            person_id=line.person_id,
            note=f"公示期第{objection.pk}号异议成立，不予补贴",
        )
    elif (
        not upheld
        and line.status == LineStatus.HELD
        and line.hold == Hold.OBJECTION
        and not line.objections.filter(state=ObjectionState.OPEN).exists()
    ):
        audit_changes(
            line,
            {"status": LineStatus.DUE, "hold": ""},
            actor=actor,
            channel=channel,
            person_id=line.person_id,
            note=f"公示期第{objection.pk}号异议不成立，恢复应发",
        )
    return objection
