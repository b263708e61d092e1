"""The agency service subsidy (经营性人力资源服务机构就业创业服务补助, 003 四（十一）) as claim
lines in the claims flow.

003 四（十一）: a business human-resources agency that places a worker of an assisted
household under a labour contract of six months or more, with social insurance paid for
three months or more, earns a service subsidy; the amount and the procedure are the
regions' own (各地自定). So:

- The amount is a rule of kind `agency_service` (RuleKind.AGENCY_SERVICE) that a region
  sets; none is seeded. Where none is in force for the person's county on the day the
  placement is confirmed, no line is made and `NO_RULE` says why.
- The conditions are limit rules: `gx-limit-agency-contract-months` (6) and
  `gx-limit-agency-insurance-months` (3), read for the person's county on the day of
  confirmation. Contract months are counted as calendar months (apprentices.whole_months:
  2026-01-15 to 2026-07-14 is six, to 2026-07-13 five); an open-ended contract (无固定期限)
  qualifies. The insured months are those the county clerk confirmed (社保比对 or papers);
  they can never exceed the whole calendar months from the contract's start to the
  earliest of the confirmation day, the day the job ended and the day insurance was paid
  until (`insured_bound`): more cannot have been paid yet, and such a placement gets no line.
- A placement whose job ended (`ended_on`) is counted against that day: a contract ended
  before the rule's contract months were reached does not qualify, whatever its term said.
  When the end is recorded after the line was made and the conditions fail with it,
  `agency_line_stop` refuses the line if it is not yet in a payment batch (due or held,
  as aid.aid_lines_stop does; after submission an amount may only fall, which a refusal
  does); a line already batched, paid or failed is left to the reversal of the payment,
  and the placement page says so.
- A rule that names household categories takes only a person whose household was of one
  of them on the contract's first day (as aid.fits does). A rule that names none takes
  the assisted households (people.models.ASSISTED: 脱贫户, 监测户): 003 四（十一） is about
  workers of those households, so a region's rule without categories never pays anyone else.
- A placement whose conditions are not met gets NO line (not a refused one): nothing was
  claimed for it; `agency_assess` says which condition is short and by how much, and the
  placement page shows that.
- Each placement gets at most one line (evidence key `agency_key`, placement:<id>), and
  a person earns an agency one subsidy for one job: a placement of the same person (by
  any agency) whose contract starts within the rule's contract months (6) of another
  placement that already has a live line (the two windows overlap) gets a REFUSED line
  naming that first line, so the county and the agency see why nothing is paid.
- A placement confirmed while no rule was in force is asked again by the county clerk
  (`employment.placements.placement_reassess`) under the rule in force on the
  confirmation day: the day the conditions were confirmed decides the money, as for every
  other placement; a region that sets its amount later dates its rule back to cover it.

The employment app, above this one, confirms the placement and passes the plain facts
(`PlacementFacts`); this module never imports it. One claim gathers the lines of one
agency (by its unified social credit code, `Claim.enterprise_uscc`), one person county and
one month of confirmation while it is open (draft or returned); once submitted, a later
confirmation of that month starts another claim. The county clerk records the lines
(capability claim.record in the county) and submits the claim (claim.submit); it then goes
through the same review, publication and payment as every claim. Its lines are paid to
the agency (Payee.AGENCY), into the agency's account recorded by credit code as an
enterprise's (payouts.payee_key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.lib.dates import add_months
from skillaid.people.models import ASSISTED, Category, Person

from .apprentices import whole_months
from .claims import OPEN_STATES, money
from .models import (
    LIVE,
    AmountUnit,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    LineStatus,
    Payee,
    PolicyRuleVersion,
    RuleKind,
    plain,
)
from .rules import rule_in_force

CONTRACT_RULE = "gx-limit-agency-contract-months"
INSURANCE_RULE = "gx-limit-agency-insurance-months"
NO_RULE = (
    "本地区尚未设定经营性人力资源服务机构就业创业服务补助标准（003 四（十一）：具体补贴标准由"
    "各地确定），请省级审核人员在补贴政策规则中设定"
)


@dataclass(frozen=True)
class PlacementFacts:
    """What the employment app knows of one confirmed placement."""

    placement_id: int
    person_id: int
    county: str  # the person's county code: the claim's county
    agency_name: str
    agency_uscc: str
    employer_name: str
    contract_start: dt.date
    contract_end: dt.date | None
    open_ended: bool
    insured_months: int
    confirmed_on: dt.date
    category: str = ""  # the household category on the contract's first day ('' unknown)
    category_label: str = ""
    ended_on: dt.date | None = None  # the day the job ended, if it has
    insured_until: dt.date | None = None  # the day insurance was paid until


@dataclass
class Assessment:
    """Whether a placement earns the subsidy, and if not why: `rule` (the amount's rule in
    force, or None), `shortfalls` (each unmet condition, in Chinese)."""

    rule: PolicyRuleVersion | None
    contract_months: int | None  # None: open-ended
    shortfalls: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.rule is not None and not self.shortfalls


@dataclass
class AgencyResult:
    assessment: Assessment
    line: ClaimLine | None = None
    claim: Claim | None = None
    created: bool = False


def agency_key(placement_id: int) -> str:
    return f"placement:{placement_id}"


def contract_months(start: dt.date, end: dt.date | None) -> int:
    """Calendar months of a fixed-term contract, both days included (see the module)."""
    return whole_months(start, end) if end is not None else 0


def insured_bound(
    start: dt.date, day: dt.date, *, ended_on: dt.date | None = None, until: dt.date | None = None
) -> tuple[int, dt.date]:
    """The most insured months that can have been paid: whole calendar months from the
    contract's `start` to the earliest of `day`, `ended_on` and `until`; and that day."""
    last = min(d for d in (day, ended_on, until) if d is not None)
    return whole_months(start, last), last


def contract_limit(county: str, day: dt.date) -> PolicyRuleVersion | None:
    """The contract-months condition (gx-limit-agency-contract-months) in force, or None."""
    rule = rule_in_force(CONTRACT_RULE, county, day)
    return rule if rule is not None and rule.limit_value is not None else None


def end_shortfalls(f: PlacementFacts) -> list[str]:
    """What the end of the job (`f.ended_on`) makes fail: the contract ended before the
    rule's contract months, or more insured months than the job lasted. Empty: nothing."""
    found: list[str] = []
    if f.ended_on is None:
        return found
    contract = contract_limit(f.county, f.confirmed_on)
    if contract is not None:
        need = int(contract.limit_value)
        lasted = whole_months(f.contract_start, f.ended_on)
        if lasted < need:
            found.append(
                f"劳动合同自{f.contract_start:%Y-%m-%d}起，于{f.ended_on:%Y-%m-%d}离职解除，"
                f"实际履行{lasted}个整月，不足{need}个月（{contract.name}，{contract.source}）"
            )
    bound, _ = insured_bound(f.contract_start, f.confirmed_on, ended_on=f.ended_on)
    if f.insured_months > bound:
        found.append(
            f"经核实的社会保险{f.insured_months}个月超过劳动合同起始日至离职日"
            f"{f.ended_on:%Y-%m-%d}的整月数（{bound}个月），不可能已缴纳"
        )
    return found


def agency_rule(county: str, day: dt.date) -> PolicyRuleVersion | None:
    """The agency service subsidy rule in force for `county` on `day` (nearest region)."""
    return rule_in_force(RuleKind.AGENCY_SERVICE, county, day)


def agency_assess(f: PlacementFacts) -> Assessment:
    """The rule and the conditions of 003 四（十一） for one placement, on its confirmation day."""
    version = agency_rule(f.county, f.confirmed_on)
    months = None if f.open_ended else contract_months(f.contract_start, f.contract_end)
    result = Assessment(rule=version, contract_months=months)
    if version is None:
        result.shortfalls.append(NO_RULE)
        return result
    ended = end_shortfalls(f)
    if version.amount is None:
        result.shortfalls.append(f"{version.name}未规定补贴标准（元/人），请省级审核人员补充")
    contract = rule_in_force(CONTRACT_RULE, f.county, f.confirmed_on)
    if contract is None or contract.limit_value is None:
        result.shortfalls.append(
            f"本地区没有在{f.confirmed_on:%Y-%m-%d}有效的劳动合同期限条件（{CONTRACT_RULE}）"
        )
    elif months is not None and months < int(contract.limit_value):
        need = int(contract.limit_value)
        result.shortfalls.append(
            f"劳动合同期限{f.contract_start:%Y-%m-%d}至{f.contract_end:%Y-%m-%d}为{months}个整月，"
            f"不足{need}个月（差{need - months}个月；{contract.name}，{contract.source}）"
        )
    result.shortfalls.extend(ended)
    bound, last = insured_bound(
        f.contract_start, f.confirmed_on, ended_on=f.ended_on, until=f.insured_until
    )
    if f.insured_months > bound and not ended:
        result.shortfalls.append(
            f"经核实的社会保险{f.insured_months}个月超过劳动合同起始日至{last:%Y-%m-%d}的"
            f"整月数（{bound}个月），不可能已缴纳"
        )
    insurance = rule_in_force(INSURANCE_RULE, f.county, f.confirmed_on)
    if insurance is None or insurance.limit_value is None:
        result.shortfalls.append(
            f"本地区没有在{f.confirmed_on:%Y-%m-%d}有效的社会保险缴费月数条件（{INSURANCE_RULE}）"
        )
    elif f.insured_months < int(insurance.limit_value):
        need = int(insurance.limit_value)
        result.shortfalls.append(
            f"经核实已缴纳社会保险{f.insured_months}个月，不足{need}个月"
            f"（差{need - f.insured_months}个月；{insurance.name}，{insurance.source}）"
        )
    categories = list(version.household_categories or ASSISTED)
    if f.category not in categories:
        labels = (
            version.labels("household_categories")
            if version.household_categories
            else "、".join(Category(c).label for c in ASSISTED)
        )
        result.shortfalls.append(
            f"劳动合同起始日（{f.contract_start:%Y-%m-%d}）家庭类别为"
            f"{f.category_label or '未登记'}，不属于{labels}（{version.name}）"
        )
    return result


def agency_claim_find(*, uscc: str, county: str, month: dt.date) -> Claim | None:
    """The agency's open claim for the people of `county` confirmed in `month`'s month."""
    return (
        Claim.objects.filter(
            kind=ClaimKind.AGENCY_SERVICE,
            county_id=county,
            enterprise_uscc=uscc,
            period_from=month.replace(day=1),
            status__in=OPEN_STATES,
        )
        .order_by("pk")
        .first()
    )


def agency_line_of(placement_id: int) -> ClaimLine | None:
    """The placement's line (any status), in a claim not rejected, or None."""
    return (
        ClaimLine.objects.filter(
            kind=RuleKind.AGENCY_SERVICE, evidence__agency_key=agency_key(placement_id)
        )
        .exclude(claim__status=ClaimState.REJECTED)
        .select_related("claim")
        .order_by("-pk")
        .first()
    )


def earlier_subsidy(f: PlacementFacts, window: int) -> ClaimLine | None:
    """A live agency line of the same person whose window of `window` months (the rule's
    contract months) overlaps this one's."""
    for line in ClaimLine.objects.filter(
        person_id=f.person_id, kind=RuleKind.AGENCY_SERVICE, status__in=LIVE
    ).order_by("pk"):
        if line.evidence.get("agency_key") == agency_key(f.placement_id):
            continue
        start = dt.date.fromisoformat(line.evidence["contract_start"])
        if f.contract_start < add_months(start, window) and start < add_months(
            f.contract_start, window
        ):
            return line
    return None


class _CountyProbe:
    """The claim's county, for the capability check before the claim exists."""

    def __init__(self, county: str) -> None:
        self.county = county

    def within(self, scope) -> bool:  # noqa: ANN001
        return scope.contains_region(self.county)

    def __str__(self) -> str:
        return f"{self.county}的人员"


@transaction.atomic
def agency_line_make(*, actor: User, channel: str, facts: PlacementFacts) -> AgencyResult:
    """The placement's service-subsidy line, made once (see the module); the result says
    the assessment and the line (new or found), or no line and why."""
    require(actor, "claim.record", _CountyProbe(facts.county))
    # The person first, as aid.py does: two confirmations of one person at once decide one
    # after the other, and the second sees the first's line.
    person = Person.objects.select_for_update(of=("self",)).get(pk=facts.person_id)
    assessment = agency_assess(facts)
    found = agency_line_of(facts.placement_id)
    if found is not None:
        return AgencyResult(assessment, found, found.claim, created=False)
    if not assessment.eligible:
        return AgencyResult(assessment)
    version = assessment.rule
    claim = agency_claim_find(uscc=facts.agency_uscc, county=facts.county, month=facts.confirmed_on)
    if claim is None:
        start = facts.confirmed_on.replace(day=1)
        claim = Claim.objects.create(
            kind=ClaimKind.AGENCY_SERVICE,
            county_id=facts.county,
            enterprise_name=facts.agency_name,
            enterprise_uscc=facts.agency_uscc,
            claimed_on=facts.confirmed_on,
            period_from=start,
            period_until=add_months(start, 1) - dt.timedelta(days=1),
            created_by=actor,
        )
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=claim,
            changes={"agency": facts.agency_uscc, "county": facts.county},
            note=f"{facts.agency_name}{start:%Y年%m月}就业创业服务补助申领（县区 {facts.county}）",
        )
    line = ClaimLine(
        claim=claim,
        kind=RuleKind.AGENCY_SERVICE,
        person=person,
        person_name=person.name,
        id_masked=person.id_masked,
        county_id=facts.county,
        rule=version,
        payee=Payee.AGENCY,
        payee_name=facts.agency_name,
        unit=version.amount_unit or AmountUnit.PER_PERSON,
        units=Decimal("1"),
        rate=version.amount,
        cap=version.cap_per_time,
        claimed_on=claim.claimed_on,
        evidence={
            "agency_key": agency_key(facts.placement_id),
            "placement_id": facts.placement_id,
            "agency_uscc": facts.agency_uscc,
            "employer": facts.employer_name,
            "contract_start": facts.contract_start.isoformat(),
            "contract_end": facts.contract_end.isoformat() if facts.contract_end else "",
            "open_ended": facts.open_ended,
            "contract_months": assessment.contract_months,
            "insured_months": facts.insured_months,
            "confirmed_on": facts.confirmed_on.isoformat(),
            "household_category": facts.category,
        },
    )
    window = int(contract_limit(facts.county, facts.confirmed_on).limit_value)
    first = earlier_subsidy(facts, window)
    if first is not None:
        line.status, line.amount, line.blocked_by = LineStatus.REFUSED, Decimal("0.00"), first
        line.reason = (
            f"该人员{first.evidence.get('contract_start')}起的就业已由第{first.pk}号补贴明细"
            f"（{first.payee_name}，{first.evidence.get('employer', '')}）享受就业创业服务补助，"
            f"本次劳动合同{facts.contract_start:%Y-%m-%d}起始于其前{window}个月内，"
            "同一次就业只补助一次"
        )[:500]
    else:
        amount = money(version.amount)
        explained = f"{plain(version.amount)}{version.get_amount_unit_display() or '元/人'}"
        if version.cap_per_time is not None and amount > version.cap_per_time:
            amount = version.cap_per_time
            explained += f"，按单次上限{version.cap_per_time}元"
        months = "无固定期限" if facts.open_ended else f"{assessment.contract_months}个月"
        line.amount, line.status = amount, LineStatus.DUE
        line.reason = (
            f"劳动合同{months}，社会保险{facts.insured_months}个月，{explained}（{version.source}）"
        )[:500]
    line.save()
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=line,
        person_id=person.pk,
        changes={"status": line.status, "amount": str(line.amount)},
        note=f"就业创业服务补助：{line.get_status_display()}{line.amount}元"[:255],
    )
    return AgencyResult(assessment, line, claim, created=True)


STOPPABLE = (LineStatus.DUE, LineStatus.HELD)


@transaction.atomic
def agency_line_stop(*, actor: User, channel: str, facts: PlacementFacts) -> ClaimLine | None:
    """The job ended (`facts.ended_on`) after the placement's line was made: if the end
    makes the conditions fail (`end_shortfalls`), a line not yet in a payment batch (due or
    held) is refused with the reason, as aid.aid_lines_stop does. No capability of its
    own: the service that records the end checked its own. Returns the line (refused, or
    left as it was when batched or paid: `stop_warning` says so), or None without a line
    or when the conditions still hold."""
    found = agency_line_of(facts.placement_id)
    if found is None or found.status not in LIVE:
        return None
    reasons = end_shortfalls(facts)
    if not reasons:
        return None
    line = ClaimLine.objects.select_for_update(of=("self",)).get(pk=found.pk)
    if line.status not in STOPPABLE:
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type=line,
            person_id=line.person_id,
            changes={"ended_on": [None, str(facts.ended_on)]},
            note=f"离职后不再符合就业创业服务补助条件，明细已{line.get_status_display()}，"
            "须按冲回程序处理"[:255],
        )
        return line
    before = (line.status, str(line.amount))
    line.status, line.hold, line.amount = LineStatus.REFUSED, "", Decimal("0.00")
    line.reason = ("离职登记后不予补贴：" + "；".join(reasons))[:500]
    line.save(update_fields=["status", "hold", "amount", "reason"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=line,
        person_id=line.person_id,
        changes={"status": [before[0], line.status], "amount": [before[1], "0.00"]},
        note=line.reason[:255],
    )
    return line


def stop_warning(line: ClaimLine, facts: PlacementFacts) -> str:
    """What the placement page says of a line batched, paid or failed whose placement
    ended too early: nothing changed it, the county reverses the payment."""
    if line.status in STOPPABLE or line.status not in LIVE:
        return ""
    reasons = end_shortfalls(facts)
    if not reasons:
        return ""
    return (
        f"离职后不再符合补助条件（{'；'.join(reasons)}），但该明细已{line.get_status_display()}，"
        "须由县（区）人社部门按冲回程序处理"
    )
