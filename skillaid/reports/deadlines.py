"""Deadlines (报送时限): what is due when, for whom, and what is overdue per region.

The rules (DeadlineRule) come from `reports/data/deadlines.csv`, each quoting its policy
text, loaded at `skillaid setup` (only rules not yet there: a province reviewer's edits
stay). `deadlines_for(user, year, today)` gives the calendar of the user's scope: each
rule's report for each reporting unit (county, city, province, pairing) with its status,
the publication periods ending, and the follow-ups due, counted per county and month,
never listed per person.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, Channel, Role, User, audit, audit_changes
from skillaid.accounts.notices import NoticeKind, notify
from skillaid.accounts.scope import Scope
from skillaid.employment.models import FollowUp
from skillaid.pairings.models import Pairing, SummaryPeriod
from skillaid.pairings.selectors import pairings_visible_to
from skillaid.regions.models import Level, Region, code_prefix
from skillaid.subsidies.models import Publication

from .models import DeadlineRule, Submission
from .tally import MonthOf

CSV = Path(__file__).parent / "data" / "deadlines.csv"

DONE, OVERDUE, UPCOMING = "done", "overdue", "upcoming"
STATUS_LABELS = {DONE: "已完成", OVERDUE: "逾期", UPCOMING: "待办"}
REPORTERS = {
    "county": "各县（市、区）",
    "city": "各设区市",
    "province": "省级",
    "pairing": "各结对关系",
}
LEVELS = {"county": Level.COUNTY, "city": Level.CITY, "province": Level.PROVINCE}
# A pairing rule's period, as pairings name their summaries.
SUMMARY_OF = {"H1": SummaryPeriod.HALF_YEAR, "year": SummaryPeriod.ANNUAL}


@dataclass
class DueItem:
    date: dt.date
    what: str
    region_code: str
    status: str
    kind: str = "rule"  # rule, publication, followups
    source: str = ""
    url: str = ""
    region_name: str = ""
    rule: DeadlineRule | None = None
    pairing: Pairing | None = None
    count: int = 0
    overdue_count: int = 0
    recipients: list[int] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# --- the rules -------------------------------------------------------------------------------


def load_deadline_rules(path: Path = CSV) -> int:
    """Create the rules of `path` not yet in the table (by code); returns how many."""
    created = 0
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if DeadlineRule.objects.filter(code=row["code"]).exists():
                continue
            DeadlineRule.objects.create(
                code=row["code"],
                name=row["name"],
                report=row["report"],
                period=row["period"] or "year",
                month=int(row["month"]),
                day=int(row["day"]),
                source=row["source"],
                region_id=row["region"] or None,
                reporter=row["reporter"],
                valid_from=dt.date.fromisoformat(row["valid_from"]),
            )
            created += 1
    return created


def rules_in(year: int) -> list[DeadlineRule]:
    return list(
        DeadlineRule.objects.filter(valid_from__lte=dt.date(year, 12, 31))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=dt.date(year, 1, 1)))
        .select_related("region")
        .order_by("month", "day", "code")
    )


def rule_due(rule: DeadlineRule, year: int) -> dt.date:
    return dt.date(year, rule.month, rule.day)


def rule_update(*, actor: User, rule: DeadlineRule, data: Mapping[str, str]) -> DeadlineRule:
    """A province reviewer changes a rule's day, name, source or validity."""
    require(actor, "deadline.edit")
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for name in ("name", "source"):
        text = str(data.get(name, "")).strip()
        if not text:
            errors[name] = "必填"
        values[name] = text[:128]
    for name, top in (("month", 12), ("day", 31)):
        text = str(data.get(name, "")).strip()
        if not text.isdigit() or not 1 <= int(text) <= top:
            errors[name] = f"应为 1 到 {top} 的数字"
        else:
            values[name] = int(text)
    if "month" in values and "day" in values:
        try:
            dt.date(2025, values["month"], values["day"])  # type: ignore[arg-type]
        except ValueError:
            errors["day"] = f"{values['month']}月没有{values['day']}日"
    for name in ("valid_from", "valid_until"):
        text = str(data.get(name, "")).strip()
        if not text:
            if name == "valid_from":
                errors[name] = "必填"
            values[name] = None
            continue
        try:
            values[name] = dt.date.fromisoformat(text)
        except ValueError:
            errors[name] = f"日期“{text[:20]}”应写作 2026-01-01"
    if not errors and values["valid_until"] and values["valid_until"] < values["valid_from"]:
        errors["valid_until"] = "截止日期不能早于起始日期"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        audit_changes(
            rule, values, actor=actor, channel=Channel.PAGE, note=f"修改报送时限：{rule.code}"
        )
    return rule


# --- the calendar ----------------------------------------------------------------------------


def _served_prefixes() -> list[str]:
    """The provinces this system serves: those its bureau users work in (a scope of everything
    would otherwise list every province of the country)."""
    codes = (
        User.objects.filter(is_active=True, region__isnull=False)
        .exclude(role__in=[Role.PERSON])
        .values_list("region_id", flat=True)
        .distinct()
    )
    return sorted({c[:2] for c in codes}) or ["45"]


def _units(rule: DeadlineRule, scope: Scope) -> list[Region]:
    level = LEVELS.get(rule.reporter)
    if level is None or scope.region_prefix is None:
        return []
    rows = Region.objects.filter(level=level, is_current=True)
    if rule.region_id:
        rows = rows.filter(code__startswith=code_prefix(rule.region_id))
    if scope.everything:
        condition = Q()
        for prefix in _served_prefixes():
            condition |= Q(code__startswith=prefix)
        rows = rows.filter(condition)
    else:
        rows = rows.filter(code__startswith=scope.region_prefix)
    return list(rows.order_by("code"))


def _pairings(user: User, rule: DeadlineRule, year: int):  # noqa: ANN202
    rows = pairings_visible_to(user).prefetch_related("summaries")
    if rule.region_id:
        prefix = code_prefix(rule.region_id)
        rows = rows.filter(
            Q(county__code__startswith=prefix) | Q(site__county__code__startswith=prefix)
        )
    return rows.order_by("county__code", "site__county__code", "id")


def _rule_items(
    user: User, scope: Scope, rule: DeadlineRule, year: int, today: dt.date
) -> list[DueItem]:
    due = rule_due(rule, year)
    url = reverse("packs")
    items = []
    if rule.reporter == "pairing":
        summary = SUMMARY_OF.get(rule.period, SummaryPeriod.ANNUAL)
        for p in _pairings(user, rule, year):
            d = next(x for x in p.summary_dues(year, today) if x.period == summary)
            if d.waived:
                continue
            status = DONE if d.summary is not None else (OVERDUE if d.overdue else UPCOMING)
            items.append(
                DueItem(
                    date=d.due,
                    what=f"{rule.name}：{p.school.name}—{p.partner_name}",
                    region_code=p.partner_county_code,
                    status=status,
                    source=rule.source,
                    url=reverse("pairing_detail", args=[p.pk]),
                    rule=rule,
                    pairing=p,
                )
            )
        return items
    units = _units(rule, scope)
    done = set(
        Submission.objects.filter(
            report=rule.report, year=year, period=rule.period, region__in=[u.code for u in units]
        ).values_list("region_id", flat=True)
    )
    for unit in units:
        status = DONE if unit.code in done else (OVERDUE if due < today else UPCOMING)
        items.append(
            DueItem(
                date=due,
                what=rule.name,
                region_code=unit.code,
                region_name=unit.name,
                status=status,
                source=rule.source,
                url=url,
                rule=rule,
            )
        )
    return items


def deadlines_for(user: User, year: int, today: dt.date) -> list[DueItem]:
    """What falls due in `year` within the user's scope, each with its status on `today`."""
    scope = Scope.of(user)
    items: list[DueItem] = []
    for rule in rules_in(year):
        items += _rule_items(user, scope, rule, year, today)
    publications = scope.filter(
        Publication.objects.filter(ends_on__year=year), region="county__code"
    ).order_by("ends_on", "id")
    for pub in publications:
        items.append(
            DueItem(
                date=pub.ends_on,
                what=f"补贴公示期满：{pub.title}",
                region_code=pub.county_id,
                status=DONE if pub.ends_on < today else UPCOMING,
                kind="publication",
                url=reverse("publication_detail", args=[pub.pk]),
            )
        )
    followups = (
        scope.filter(
            FollowUp.objects.filter(done_on__isnull=True, due_on__year=year), region="county__code"
        )
        .values("county_id", m=MonthOf("due_on"))
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today)), last=Max("due_on"))
        .order_by("county_id", "m")
    )
    for row in followups:
        last = row["last"]
        if isinstance(last, str):
            last = dt.date.fromisoformat(last)
        late = row["late"]
        text = f"就业回访到期 {row['n']} 人" + (f"（其中逾期 {late} 人）" if late else "")
        items.append(
            DueItem(
                date=last,
                what=text,
                region_code=row["county_id"],
                status=OVERDUE if late else UPCOMING,
                kind="followups",
                url=reverse("employment_followups"),
                count=row["n"],
                overdue_count=late,
            )
        )
    names = dict(
        Region.objects.filter(
            code__in={i.region_code for i in items if not i.region_name}
        ).values_list("code", "name")
    )
    for item in items:
        if not item.region_name:
            item.region_name = names.get(item.region_code, item.region_code)
    items.sort(key=lambda i: (i.date, i.region_code, i.what))
    return items


def by_month(items: list[DueItem]) -> list[tuple[int, list[DueItem]]]:
    months: dict[int, list[DueItem]] = {m: [] for m in range(1, 13)}
    for item in items:
        months[item.date.month].append(item)
    return [(m, months[m]) for m in range(1, 13)]


@dataclass
class Overdue:
    region_code: str
    region_name: str
    items: list[DueItem]


def overdue_by_region(items: list[DueItem]) -> list[Overdue]:
    """What is overdue, per county or city (a pairing's under its partner county)."""
    out: dict[str, Overdue] = {}
    for item in items:
        if item.status != OVERDUE:
            continue
        entry = out.setdefault(item.region_code, Overdue(item.region_code, item.region_name, []))
        entry.items.append(item)
    return [out[k] for k in sorted(out)]


# --- notices ---------------------------------------------------------------------------------


def _recipients(item: DueItem) -> list[int]:
    users = User.objects.filter(is_active=True)
    if item.pairing is not None:
        return list(
            users.filter(
                Q(role=Role.COUNTY_CLERK, region_id=item.region_code)
                | Q(role=Role.SCHOOL_OFFICER, institution_id=item.pairing.school_id)
            ).values_list("pk", flat=True)
        )
    role = {
        "county": Role.COUNTY_CLERK,
        "city": Role.CITY_REVIEWER,
        "province": Role.PROVINCE_REVIEWER,
    }.get(item.rule.reporter if item.rule else "")
    if role is None:
        return []
    return list(users.filter(role=role, region_id=item.region_code).values_list("pk", flat=True))


def deadlines_notify(*, today: dt.date, actor: User) -> int:
    """Record a "falls due" notice to those responsible for each report not yet done that is
    due in 7 days or today; each once (by its key), however often this runs."""
    count = 0
    for year in sorted({today.year, (today + dt.timedelta(days=7)).year}):
        for item in deadlines_for(actor, year, today):
            if item.kind != "rule" or item.status == DONE:
                continue
            days = (item.date - today).days
            if days not in (0, 7):
                continue
            unit = f"p{item.pairing.pk}" if item.pairing is not None else item.region_code
            key = f"due:{item.rule.code}:{unit}:{year}:{days}"
            when = "今天到期" if days == 0 else "还有7天到期"
            text = f"{item.what}（{item.region_name}）{when}：请于{item.date:%Y年%m月%d日}前报送"
            url = f"{reverse('deadlines')}?year={year}"
            count += notify(_recipients(item), NoticeKind.DUE, text, url=url, key=key)
    return count


def deadline_done(*, actor: User, rule: DeadlineRule, region_code: str, year: int) -> Submission:
    """Record that a report no pack builds (双重点 published) was done for its region and year."""
    region = Region.objects.filter(code=region_code).first()
    if region is None or rule.reporter not in LEVELS:
        raise ValidationError("该事项不能在此登记为已完成")
    submission = Submission(
        report=rule.report, region=region, year=year, period=rule.period, submitted_by=actor
    )
    require(actor, "report.submit", submission)
    if Submission.objects.filter(
        report=rule.report, region=region, year=year, period=rule.period
    ).exists():
        raise ValidationError(f"{region.name}{year}年“{rule.name}”已登记为已完成")
    with transaction.atomic():
        submission.save()
        audit(
            actor=actor,
            channel=Channel.PAGE,
            action=Action.CREATE,
            object_type=submission,
            changes={"report": [None, rule.report], "year": [None, year]},
            note=f"登记已完成：{rule.name}（{region.name}{year}年）",
        )
    return submission
