"""Aid for technical-school students (技工院校学生资助) as claims: the assisted-household
student aid (助学补助, 001 四（十二）, paid to the student) and free tuition (免学费补助,
paid to the school), term by term.

The students app above gathers the plain facts of a school's students for one term and
passes them here (this app never imports it): for each student the person, the enrolment
id, the status on the day the term starts (or the day they entered, if later in the
term) and whether their household was an assisted one on that day. One claim is made
per school, student county and term (`aid_claim_find`): the county that checks it is the
student's own, as for every other claim of its people; the school submits it as it
submits its classes' claims, and a line to the school is paid into the school's account.

Which student gets which line:
- a student studying (在读) on the term's first day: a line under each aid rule in force
  in their county that day whose household categories they meet; a rule that names no
  categories (free tuition as seeded) takes every student studying;
- a student suspended (休学) on that day: a refused line for each rule, saying so, so that
  the school and the county see why no aid is paid for a student still on the roll;
- a student who left (退学, 转学, 毕业) before the term: no line (they are no longer the
  school's student; the issue: "a student who left before a term gets no line for it");
- a student whose household does not meet a rule's categories: no line under that rule.

The term starts on 1 September (秋季学期) and 1 March (春季学期). These dates are the
school calendar, set by the education authorities for every school, not a subsidy term a
province sets; they are constants here. Each term pays half of the rule's annual amount
(the rules are per student and year, 元/生·年, and a school year has two terms).

Running it again for the same term changes nothing: the claim is found again, and a
student already on it under a rule is not added twice (the line's evidence carries the
key `aid_key`, kind:enrolment:term). A line of the same kind for the same student and
term in another school's claim (a transfer mid-year) refuses the new line, naming it.
A claim already submitted takes no new line: it is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.institutions.models import Institution
from skillaid.people.models import Person

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
)
from .rules import rules_in_force

AUTUMN, SPRING = "autumn", "spring"
TERMS = {AUTUMN: "秋季学期", SPRING: "春季学期"}
# The first day of each term (month, day): the school calendar, not a subsidy rule.
TERM_START = {AUTUMN: (9, 1), SPRING: (3, 1)}
TERM_SHARE = Decimal("0.5")  # a term is half a school year
AID_KINDS = (RuleKind.STUDENT_AID, RuleKind.TUITION)
# The statuses (students.StudentStatus values) in which a student is still on the roll.
STUDYING, SUSPENDED = "studying", "suspended"


def term_period(year: int, term: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a term: autumn 2026 is 2026-09-01 to 2027-02-28, spring
    2027 is 2027-03-01 to 2027-08-31."""
    if term not in TERM_START:
        raise ValueError(f"学期“{term}”无法识别（autumn 秋季学期 或 spring 春季学期）")
    month, day = TERM_START[term]
    start = dt.date(year, month, day)
    if term == AUTUMN:
        end = dt.date(year + 1, 3, 1) - dt.timedelta(days=1)
    else:
        end = dt.date(year, 9, 1) - dt.timedelta(days=1)
    return start, end


def term_label(year: int, term: str) -> str:
    first = year if term == AUTUMN else year - 1
    return f"{first}-{first + 1}学年{TERMS[term]}"


@dataclass(frozen=True)
class StudentFacts:
    """What the students app knows of one student for one term."""

    person_id: int
    enrolment_id: int
    county: str  # the student's county code: the claim's county
    status: str  # on the term's first day (or entry day): studying, suspended …
    status_label: str
    assisted: bool
    category: str  # the household category on that day ('' when unknown)
    on: dt.date  # the day the status and category were read


@dataclass
class AidResult:
    claims: list[Claim] = field(default_factory=list)
    created: int = 0  # lines added
    unchanged: int = 0  # lines already there
    skipped_claims: list[Claim] = field(default_factory=list)  # submitted: no new line


def aid_claim_find(*, school_id: int, county: str, start: dt.date) -> Claim | None:
    """The school's aid claim for the students of `county` for the term from `start`."""
    return (
        Claim.objects.filter(
            kind=ClaimKind.STUDENT_AID,
            institution_id=school_id,
            county_id=county,
            period_from=start,
        )
        .exclude(status=ClaimState.REJECTED)
        .first()
    )


def aid_key(kind: str, enrolment_id: int, start: dt.date) -> str:
    return f"{kind}:{enrolment_id}:{start.isoformat()}"


def fits(version: PolicyRuleVersion, s: StudentFacts) -> bool:
    """Whether the rule's household categories admit the student (none named: all)."""
    return not version.household_categories or s.category in version.household_categories


def aid_line(
    claim: Claim,
    version: PolicyRuleVersion,
    s: StudentFacts,
    person: Person,
    school: Institution,
    label: str,
) -> ClaimLine:
    """The unsaved line `version` gives student `s` for the term of `claim`."""
    kind = version.rule.kind
    to_school = version.payee == Payee.INSTITUTION
    line = ClaimLine(
        claim=claim,
        kind=kind,
        person=person,
        person_name=person.name,
        id_masked=person.id_masked,
        county_id=claim.county_id,
        rule=version,
        payee=version.payee or Payee.STUDENT,
        payee_name=school.name if to_school else person.name,
        unit=version.amount_unit or AmountUnit.PER_STUDENT_YEAR,
        claimed_on=claim.claimed_on,
        cap=version.cap_per_time,
        evidence={
            "aid_key": aid_key(kind, s.enrolment_id, claim.period_from),
            "student_enrolment_id": s.enrolment_id,
            "term": label,
            "term_from": claim.period_from.isoformat(),
            "term_until": claim.period_until.isoformat(),
            "status_on": s.on.isoformat(),
            "status": s.status,
            "household_category": s.category,
        },
    )

    def refuse(reason: str, by: int | None = None) -> ClaimLine:
        line.status, line.reason, line.amount = LineStatus.REFUSED, reason[:500], Decimal("0.00")
        line.blocked_by_id = by
        return line

    if s.status == SUSPENDED:
        return refuse(f"{s.on:%Y-%m-%d}（{label}开始时）学籍状态为休学，本学期不予补助")
    if version.amount is None:
        return refuse(f"{version.name}未规定补贴标准")
    taken = (
        ClaimLine.objects.filter(
            person=person,
            kind=kind,
            status__in=LIVE,
            evidence__term_from=claim.period_from.isoformat(),
        )
        # This claim's own lines too: a student who left and came back within the term
        # has two enrolments, and the term is still paid once.
        .first()
    )
    if taken is not None:
        return refuse(
            f"该学生{label}已由第{taken.pk}号补贴明细（{taken.payee_name}）享受{version.name}，"
            "同一学期只补助一次",
            taken.pk,
        )
    line.units, line.rate = TERM_SHARE, version.amount
    # The autumn term takes half the year rounded to the fen, the spring term the rest, so
    # the two terms never add up to more than the year's amount.
    half = money(version.amount * TERM_SHARE)
    amount = half if claim.period_from.month == TERM_START[AUTUMN][0] else version.amount - half
    explained = f"{label}，年标准{version.amount}元的一半"
    if version.cap_per_time is not None and amount > version.cap_per_time:
        amount = version.cap_per_time
        explained += f"，按单次上限{version.cap_per_time}元"
    line.amount, line.reason, line.status = amount, explained, LineStatus.DUE
    return line


@transaction.atomic
def aid_claims_make(
    *,
    actor: User,
    channel: str,
    school: Institution,
    year: int,
    term: str,
    students: Iterable[StudentFacts],
) -> AidResult:
    """The school's aid claims for the term: one per student county, each with a line per
    student and aid rule as the module says. Refused (PermissionDenied) to anyone who may
    not submit the school's claims."""
    start, end = term_period(year, term)
    label = term_label(year, term)
    # One run at a time for a school: two at once would each make the term's claim.
    Institution.objects.select_for_update(of=("self",)).filter(pk=school.pk).first()
    by_county: dict[str, list[StudentFacts]] = defaultdict(list)
    for s in students:
        # Left before the term: no line (see the module).
        if s.status in (STUDYING, SUSPENDED):
            by_county[s.county].append(s)
    result = AidResult()
    # The students themselves, locked in the order of their keys: two schools preparing
    # the same term at once (a transfer) decide a student's term one after the other.
    ids = sorted({s.person_id for group in by_county.values() for s in group})
    people = {
        p.pk: p
        for p in Person.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    }
    for county in sorted(by_county):
        probe = Claim(kind=ClaimKind.STUDENT_AID, institution=school, county_id=county)
        require(actor, "claim.submit", probe)
        versions = [v for v in rules_in_force_any(county, start) if v.rule.kind in AID_KINDS]
        claim = aid_claim_find(school_id=school.pk, county=county, start=start)
        if claim is not None:
            claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
            if claim.status not in OPEN_STATES:
                result.skipped_claims.append(claim)
                continue
        wanted: list[tuple[PolicyRuleVersion, StudentFacts]] = [
            (v, s) for s in by_county[county] for v in versions if fits(v, s)
        ]
        if claim is None:
            if not wanted:
                continue
            claim = Claim.objects.create(
                kind=ClaimKind.STUDENT_AID,
                county_id=county,
                institution=school,
                period_from=start,
                period_until=end,
                created_by=actor,
            )
            audit(
                actor=actor,
                channel=channel,
                action=Action.CREATE,
                object_type=claim,
                changes={"term": label, "county": county},
                note=f"{school.name}{label}学生资助申领（生源县区 {county}）",
            )
        have = set(
            claim.lines.filter(kind__in=AID_KINDS).values_list("evidence__aid_key", flat=True)
        )
        for version, s in wanted:
            key = aid_key(version.rule.kind, s.enrolment_id, start)
            if key in have:
                result.unchanged += 1
                continue
            line = aid_line(claim, version, s, people[s.person_id], school, label)
            line.save()
            have.add(key)
            result.created += 1
            audit(
                actor=actor,
                channel=channel,
                action=Action.CREATE,
                object_type=line,
                person_id=s.person_id,
                changes={"status": line.status, "amount": str(line.amount)},
                note=f"{label}{line.get_kind_display()}：{line.get_status_display()}{line.amount}元",
            )
        result.claims.append(claim)
    return result


def rules_in_force_any(county: str, day: dt.date) -> list[PolicyRuleVersion]:
    """The aid rules of every aid kind in force in `county` on `day`, the nearest region's
    of each kind."""
    found = []
    for kind in AID_KINDS:
        versions = rules_in_force(kind, county, day)
        if versions:
            found.append(versions[0])
    return found


def aid_lines_stop(
    *, actor: User, channel: str, enrolment_id: int, since: dt.date, status_label: str
) -> int:
    """A student left (or went on leave) on `since`, recorded after the term's claim was
    made: the aid lines of that enrolment for terms beginning on or after that day, not yet
    in a payment batch, are refused with the reason. After submission an amount may only
    fall, which a refusal does; a line already batched or paid is left to the reversal of
    the payment. The number of lines refused."""
    lines = list(
        ClaimLine.objects.select_for_update(of=("self",))
        .filter(
            kind__in=AID_KINDS,
            evidence__student_enrolment_id=enrolment_id,
            status__in=[LineStatus.DUE, LineStatus.HELD],
        )
        .order_by("pk")
    )
    stopped = 0
    for line in lines:
        term_from = dt.date.fromisoformat(line.evidence["term_from"])
        if term_from < since:
            continue
        before = (line.status, str(line.amount))
        line.status, line.hold, line.amount = LineStatus.REFUSED, "", Decimal("0.00")
        line.reason = (
            f"{since:%Y-%m-%d}学籍变动为{status_label}，在{line.evidence.get('term', '')}开始之前，"
            "本学期不予补助"
        )[:500]
        line.save(update_fields=["status", "hold", "amount", "reason"])
        stopped += 1
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type=line,
            person_id=line.person_id,
            changes={"status": [before[0], line.status], "amount": [before[1], "0.00"]},
            note=line.reason[:255],
        )
    return stopped
