"""Computing claim lines (补贴申领明细): what each rule gives each trainee of a closed class.

When a class closes (training sends `class_closed`), its claim is made with one line per
trainee for the class's subsidy — the project-based rule where one matches the class,
else the training subsidy at the demand catalogue's standard — and one per trainee for
the living allowance where a rule gives one for the class's kind of training. A line
whose payee is the institution or the enterprise is still a trainee's line: it rests on
that trainee's attendance and completion, a hold or an objection stops that trainee's
share alone, and the payment batch adds a payee's lines into one transfer.

Each line keeps the rule version it was computed with, the units (days, persons), the
rate, the cap and the result, or why nothing is due, and the roster line and
certificate it rests on. The limits (skillaid.subsidies.limits) are checked against
every live line of the same people wherever they were claimed.

A sign-in still flagged for review holds the trainee's lines (暂缓): the amount is
worked out but nothing is paid until the county bureau settles the flag; settling it
(training sends `attendance_settled`) computes that trainee's lines again.

A line resting on a basis declared on the roster (两后生, 农村转移就业劳动者, 登记失业人员,
毕业年度高校毕业生) is held the same way (`Hold.UNVERIFIED_BASIS`) until a fact — a
registry comparison's accepted result or a clerk's check of the papers (people.facts)
— verifies it for the class's start; a contradicting fact refuses it, naming the source
and date. A basis from the household's assisted category is the county's own record in
the ledger: its lines are due without a fact, and refused only when a fact contradicts
the category. When facts are recorded (people sends `facts_recorded`) the held lines of
those people are computed again. The facts of a run's trainees are read with them, in
one query per chunk of classes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.models import Action, User, audit
from skillaid.catalogue.models import Occupation
from skillaid.evaluation.models import Certificate
from skillaid.institutions.models import InstitutionKind
from skillaid.people.facts import Facts
from skillaid.people.models import Person
from skillaid.training.classes.eligibility import (
    ASSISTED_CATEGORIES,
    Standing,
    eligibility,
    fact_kind,
    standing,
)
from skillaid.training.classes.lifecycle import entry_for
from skillaid.training.models import (
    Attendance,
    Basis,
    ClassSession,
    ClassStatus,
    Completion,
    Enrolment,
    FlagOutcome,
    TrainingClass,
)

from . import limits as lim
from .models import (
    LIVE,
    AmountUnit,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Hold,
    LineStatus,
    Payee,
    PolicyRuleVersion,
    RuleKind,
)
from .rules import RuleBook

CENT = Decimal("0.01")
# A claim whose lines may still be computed again: not yet submitted, or returned.
OPEN_STATES = (ClaimState.DRAFT, ClaimState.RETURNED)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


# --- which rule speaks of a class ------------------------------------------------------


def occupation_matches(wanted: str, occupation: Occupation) -> bool:
    """Whether a rule's occupation text names the class's occupation: blank for any; 急需
    (企业急需工种, 急需紧缺) for an occupation the catalogue marks urgent; 非标准职业 for one
    without a code in the 职业分类大典; otherwise its name or its code."""
    wanted = (wanted or "").strip()
    if not wanted:
        return True
    if "急需" in wanted:
        return occupation.urgent
    if wanted.startswith("非标准职业"):
        return not occupation.code
    return wanted in {occupation.name, occupation.code}


# A rule that pays an enterprise pays the enterprise that ran the training (an assistance
# workshop's own training centre): it speaks of no class a school or a training
# institution ran, whose payee it could not name.
ENTERPRISE_KINDS = frozenset({InstitutionKind.ENTERPRISE_PROVIDER})


def rule_fits_class(version: PolicyRuleVersion, c: TrainingClass) -> bool:
    if version.payee == Payee.ENTERPRISE and c.institution.kind not in ENTERPRISE_KINDS:
        return False
    if version.payee == Payee.AGENCY:
        return False  # an agency's subsidy is claimed by the agency, never from a class
    return (
        (not version.training_kinds or c.training_kind in version.training_kinds)
        and (not version.levels or c.level in version.levels)
        and occupation_matches(version.occupation, c.occupation)
    )


def class_rules(
    c: TrainingClass, day: dt.date, book: RuleBook | None = None
) -> list[PolicyRuleVersion]:
    """The rule versions the class's lines are computed with: the project rule that fits
    (nearest region first), else the training subsidy; and a living allowance that fits."""
    book = book or RuleBook()
    chosen = []
    for kinds in ((RuleKind.PROJECT, RuleKind.TRAINING), (RuleKind.LIVING,)):
        for kind in kinds:
            fitting = [v for v in book.in_force(kind, c.county_id, day) if rule_fits_class(v, c)]
            if fitting:
                chosen.append(fitting[0])
                break
    # A subsidy paid alongside another (the living allowance of project-based training)
    # speaks of no class without that other.
    kinds = {v.rule.kind for v in chosen}
    return [v for v in chosen if not v.alongside or v.alongside in kinds]


# --- the facts of each trainee ---------------------------------------------------------


@dataclass
class Trainee:
    """What the lines of one trainee rest on."""

    enrolment: Enrolment
    sessions: int = 0
    attended: int = 0
    days: set[dt.date] = field(default_factory=set)
    pending_flags: int = 0
    certificate: Certificate | None = None
    categories: dict[dt.date, str] = field(default_factory=dict)  # household_category's
    facts: Facts | None = None  # the facts of the run's people, read once for them all

    @property
    def exact_rate(self) -> Decimal | None:
        """Attended sessions over sessions held, in per cent, unrounded: what the
        threshold is held against (79.95% is below 80%)."""
        if not self.sessions:
            return None
        return Decimal(self.attended) * 100 / Decimal(self.sessions)

    @property
    def rate(self) -> Decimal | None:
        """The rate as pages show it, to one decimal."""
        exact = self.exact_rate
        return None if exact is None else exact.quantize(Decimal("0.1"), ROUND_HALF_UP)


def trainees_of(c: TrainingClass, only: int | None = None) -> list[Trainee]:
    """The class's trainees with their attendance (sessions signed in and out, the days
    they fall on in local time, sign-ins still flagged) and certificate, in a few queries."""
    return trainees_of_classes([c], only=only).get(c.pk, [])


def trainees_of_classes(
    classes: list[TrainingClass], only: int | None = None
) -> dict[int, list[Trainee]]:
    """`trainees_of` for many classes at once, in the same few queries: class id → its
    trainees in roster order."""
    ids = [c.pk for c in classes]
    # Each class's sessions, and the day each falls on in local time.
    sessions: dict[int, int] = defaultdict(int)
    days: dict[int, dt.date] = {}
    for s_id, class_id, starts_at in ClassSession.objects.filter(
        training_class_id__in=ids
    ).values_list("id", "training_class_id", "starts_at"):
        sessions[class_id] += 1
        days[s_id] = timezone.localdate(starts_at)
    enrolments = (
        Enrolment.objects.filter(training_class_id__in=ids)
        .select_related("person__household")
        .prefetch_related("person__household__statuses")
        .order_by("id")
    )
    if only is not None:
        enrolments = enrolments.filter(person_id=only)
    facts = Facts.load(
        [only]
        if only is not None
        else Enrolment.objects.filter(training_class_id__in=ids).values("person_id")
    )
    found = {
        e.pk: Trainee(e, sessions=sessions.get(e.training_class_id, 0), facts=facts)
        for e in enrolments.iterator(chunk_size=2000)
    }
    marks: dict[tuple[int, int], set[str]] = defaultdict(set)
    attendance = Attendance.objects.filter(enrolment__training_class_id__in=ids)
    if only is not None:
        attendance = attendance.filter(enrolment_id__in=list(found))
    for e_id, s_id, direction, outcome, flag in attendance.values_list(
        "enrolment_id", "session_id", "direction", "flag_outcome", "flag"
    ).iterator(chunk_size=5000):
        if e_id not in found:
            continue
        if flag and outcome == FlagOutcome.PENDING:
            found[e_id].pending_flags += 1
        if outcome == FlagOutcome.CLEARED:
            continue
        marks[(e_id, s_id)].add(direction)
    for (e_id, s_id), directions in marks.items():
        if len(directions) == 2:
            found[e_id].attended += 1
            found[e_id].days.add(days[s_id])
    certificates = Certificate.objects.filter(
        enrolment__training_class_id__in=ids, revoked_on__isnull=True
    )
    for cert in certificates.iterator(chunk_size=2000):
        if cert.enrolment_id in found:
            found[cert.enrolment_id].certificate = cert
    by_class: dict[int, list[Trainee]] = {pk: [] for pk in ids}
    classes_by_id = {c.pk: c for c in classes}
    for t in found.values():
        # The class is at hand: eligibility and the line read it without a query.
        t.enrolment.training_class = classes_by_id[t.enrolment.training_class_id]
        by_class[t.enrolment.training_class_id].append(t)
    return by_class


def household_category(t: Trainee, day: dt.date) -> str:
    """The trainee's household category on `day` (worked out once for each line of theirs)."""
    if day not in t.categories:
        household = t.enrolment.person.household
        if household is None:
            t.categories[day] = ""
        else:
            status = household.category_on(day)
            t.categories[day] = status.category if status else household.category
    return t.categories[day]


def basis_of(c: TrainingClass, t: Trainee, version: PolicyRuleVersion) -> Standing | None:
    """The basis `version`'s line for `t` rests on, on the class's start, and where the
    facts put it; None for a living allowance that asks for no basis (it goes with the
    line it is paid alongside, or with everyone)."""
    e = t.enrolment
    if t.facts is None:
        t.facts = Facts.load([e.person_id])
    category = household_category(t, c.start_on)
    s = standing(e, c.start_on, t.facts, category=category)
    if version.bases and s.basis not in version.bases and e.basis in version.bases:
        # The rule pays the declared basis, not the household's category.
        verdict = t.facts.verdict(e.person_id, fact_kind(e.basis), c.start_on)
        s = Standing(e.basis, True, verdict, category, s.assisted)
    if version.rule.kind == RuleKind.LIVING and not version.bases:
        if version.household_categories and category in ASSISTED_CATEGORIES:
            return Standing("assisted", False, s.assisted, category, s.assisted)
        return None
    return s


# --- one line ----------------------------------------------------------------------------


def payee_name(version: PolicyRuleVersion, c: TrainingClass, t: Trainee) -> str:
    if version.payee == Payee.TRAINEE or not version.payee:
        return t.enrolment.person.name
    return c.institution.name


def line_for(
    c: TrainingClass,
    t: Trainee,
    version: PolicyRuleVersion,
    limits: lim.Limits,
    history: lim.History,
    claimed_on: dt.date,
    *,
    check: bool = True,
) -> ClaimLine:
    """The line `version` gives trainee `t` of class `c`: the amount, or why nothing
    (`check=False`: the line's facts only, its decision left to the caller)."""
    e, person = t.enrolment, t.enrolment.person
    line = ClaimLine(
        kind=version.rule.kind,
        person=person,
        person_name=person.name,
        id_masked=person.id_masked,
        county_id=c.county_id,
        rule=version,
        payee=version.payee or Payee.TRAINEE,
        payee_name=payee_name(version, c, t),
        occupation_id=c.occupation_id,
        level=c.level,
        enrolment=e,
        certificate=t.certificate,
        unit=version.amount_unit,
        claimed_on=claimed_on,
        cap=version.cap_per_time,
        evidence={
            "sessions": t.sessions,
            "attended": t.attended,
            "days": len(t.days),
            "attendance_rate": str(t.rate) if t.rate is not None else None,
            "completion": e.completion,
            "passed": e.passed,
            "basis": e.basis,
            "category": household_category(t, c.start_on),
            "pending_flags": t.pending_flags,
        },
    )
    basis = basis_of(c, t, version)
    if basis is not None:
        line.evidence.update(basis.evidence())

    def refuse(reason: str, limit: PolicyRuleVersion | None = None, by: int | None = None):  # noqa: ANN202
        line.status, line.reason, line.limit, line.blocked_by_id = (
            LineStatus.REFUSED,
            reason[:500],
            limit,
            by,
        )
        line.amount = Decimal("0.00")
        return line

    if not check:
        return line
    # Who qualifies.
    if e.completion != Completion.COMPLETED:
        return refuse("未结业" if e.completion == Completion.NOT_COMPLETED else "未登记结业")
    if e.passed is False and line.kind != RuleKind.LIVING:
        return refuse("考核不合格")
    if line.kind != RuleKind.LIVING:
        ok, why = eligibility(e, facts=t.facts, given=basis)
        if not ok:
            return refuse(why)
    if basis is not None and basis.contradicted:
        return refuse(f"补贴对象类别（{basis_label(basis.basis)}）{basis.verdict.text}")
    category = line.evidence["category"]
    if version.household_categories and category not in version.household_categories:
        return refuse(
            f"{version.name}限{version.labels('household_categories')}，"
            f"该学员家庭类别为{category_label(category)}"
        )
    if (
        version.bases
        and e.basis not in version.bases
        and not ("assisted" in version.bases and category in {"lifted", "monitored"})
    ):
        return refuse(f"{version.name}限{version.labels('bases')}")
    verdict = lim.attendance_verdict(limits, t.exact_rate, shown=t.rate)
    if verdict is not None:
        return refuse(verdict.reason, verdict.limit)
    verdict = lim.check(
        limits,
        history,
        person_id=person.pk,
        kind=line.kind,
        occupation_id=c.occupation_id,
        level=c.level,
        certificate_id=t.certificate.pk if t.certificate else None,
        certificate_issued_on=t.certificate.issued_on if t.certificate else None,
        enrolment_id=e.pk,
        claimed_on=claimed_on,
    )
    if verdict is not None:
        return refuse(verdict.reason, verdict.limit, verdict.blocked_by)

    # What it pays.
    unit = version.amount_unit
    if unit == AmountUnit.CATALOGUE:
        entry = c.entry or entry_for(c)
        if entry is None:
            return refuse("该班未对应需求指导目录条目，无补贴标准可依")
        line.units, line.rate = Decimal("1"), entry.subsidy
        line.evidence["catalogue_entry"] = entry.pk
    elif unit == AmountUnit.PER_PERSON_DAY:
        line.units, line.rate = Decimal(len(t.days)), version.amount
    elif unit == AmountUnit.PER_LEVEL:
        line.units, line.rate = Decimal("1"), version.level_amount(c.level)
    else:
        line.units, line.rate = Decimal("1"), version.amount
    if line.rate is None:
        return refuse(f"{version.name}未规定该等级或该类的补贴标准")
    amount = money(line.units * line.rate)
    explained = f"{plain_units(line)}×{line.rate}元"
    if version.cap_per_time is not None and amount > version.cap_per_time:
        amount = version.cap_per_time
        explained += f"，按单次上限{version.cap_per_time}元"
    if version.cap_per_year is not None:
        left = lim.yearly_cap_left(
            history,
            person_id=person.pk,
            rule_id=version.rule_id,
            year=claimed_on.year,
            cap=version.cap_per_year,
        )
        if amount > left:
            amount = left
            explained += f"，按年度上限{version.cap_per_year}元余额{left}元"
    if amount <= 0:
        return refuse(f"{explained}，应发0元")
    line.amount = money(amount)
    line.reason = explained
    if t.pending_flags:
        line.status, line.hold = LineStatus.HELD, Hold.FLAGGED_SIGNIN
        line.reason = (f"有{t.pending_flags}条签到待县（区）人社部门核查，核查后再定；{explained}")[
            :500
        ]
    elif basis is not None and basis.held:
        line.status, line.hold = LineStatus.HELD, Hold.UNVERIFIED_BASIS
        line.reason = (
            f"{Hold.UNVERIFIED_BASIS.label}（申报为{basis_label(basis.basis)}，"
            f"尚无比对或核验结果），核实后再定；{explained}"
        )[:500]
    else:
        line.status = LineStatus.DUE
    return line


def basis_label(value: str) -> str:
    return Basis(value).label if value in Basis.values else value


def plain_units(line: ClaimLine) -> str:
    units = f"{line.units.normalize():f}"
    if line.unit == AmountUnit.PER_PERSON_DAY:
        return f"{units}天"
    return f"{units}人"


def category_label(value: str) -> str:
    from skillaid.people.models import Category

    return Category(value).label if value in Category.values else "未登记"


def as_past(line: ClaimLine) -> lim.Past:
    return lim.Past(
        id=line.pk,
        person_id=line.person_id,
        kind=line.kind,
        occupation_id=line.occupation_id,
        level=line.level,
        certificate_id=line.certificate_id,
        enrolment_id=line.enrolment_id,
        claimed_on=line.claimed_on,
        # `line.rule` may be an unsaved version (a trial): ask it, not the key.
        rule_id=line.rule.rule_id if line.rule is not None else None,
        amount=line.amount,
        claim_id=line.claim_id,
    )


# --- a class's claim ----------------------------------------------------------------------


def compute_lines(
    c: TrainingClass,
    trainees: list[Trainee],
    *,
    claimed_on: dt.date,
    history: lim.History,
    limits: lim.Limits | None = None,
    book: RuleBook | None = None,
) -> list[ClaimLine]:
    """The unsaved lines of `trainees` (each decided against `history`, which each
    decided line joins, so that one run pays a person once). `book` gives the rules in
    force (a run over many classes shares one; a trial's carries the proposed version)."""
    book = book or RuleBook()
    limits = limits or lim.Limits(c.county_id, claimed_on, book)
    versions = class_rules(c, c.end_on, book)
    lines = []
    for t in trainees:
        if not versions:
            line = ClaimLine(
                kind=RuleKind.TRAINING,
                person=t.enrolment.person,
                person_name=t.enrolment.person.name,
                id_masked=t.enrolment.person.id_masked,
                county_id=c.county_id,
                occupation_id=c.occupation_id,
                level=c.level,
                enrolment=t.enrolment,
                claimed_on=claimed_on,
                status=LineStatus.REFUSED,
                reason=f"{c.county.name}在{c.end_on:%Y-%m-%d}没有适用于该班的补贴政策规则",
            )
            lines.append(line)
            continue
        decided: dict[str, ClaimLine] = {}
        for version in versions:
            with_ = decided.get(version.alongside) if version.alongside else None
            if version.alongside and (with_ is None or with_.status not in LIVE):
                line = line_for(c, t, version, limits, history, claimed_on, check=False)
                label = RuleKind(version.alongside).label
                line.status, line.amount, line.hold = LineStatus.REFUSED, Decimal("0.00"), ""
                line.reason = f"{version.name}随{label}发放，该学员的{label}不予补贴"
            else:
                line = line_for(c, t, version, limits, history, claimed_on)
                if with_ is not None and with_.status == LineStatus.HELD:
                    line.status, line.hold = LineStatus.HELD, with_.hold
            decided[line.kind] = line
            lines.append(line)
            if line.status in LIVE:
                history.add(as_past(line))
    return lines


def compute_for_classes(
    class_ids: Iterable[int] | object,
    *,
    book: RuleBook | None = None,
    history: lim.History | None = None,
    claimed_on: dt.date | None = None,
    chunk: int = 500,
) -> Iterator[tuple[TrainingClass, list[ClaimLine]]]:
    """The unsaved lines of many closed classes (ids, or a queryset of ids), class by class
    in the order they closed: what `class_claim` computes for each, set-based.

    The history of all their people is read once (`history` given: a copy of it is used),
    without the lines of these classes' own claims, which the new lines stand for; the
    rules are looked up once per county and kind; the trainees are read `chunk` classes at
    a time. Each class's lines are decided against the history with the lines of the
    classes before it, so a person on two of them is paid once. A class's claim date is
    its claim's, else `claimed_on` (today)."""
    book = book or RuleBook()
    claimed_on = claimed_on or timezone.localdate()
    classes = list(
        TrainingClass.objects.filter(pk__in=class_ids)
        .select_related("county", "institution", "occupation", "entry")
        .order_by("end_on", "id")
    )
    ids = [c.pk for c in classes]
    own_claims = Claim.objects.filter(training_class_id__in=ids)
    claim_dates = dict(own_claims.values_list("training_class_id", "claimed_on"))
    if history is None:
        history = lim.History.load(
            Enrolment.objects.filter(training_class_id__in=ids).values("person_id"),
            exclude_claims=own_claims.values("id"),
        )
    else:
        history = history.copy()
    limits: dict[tuple[str, dt.date], lim.Limits] = {}
    for start in range(0, len(classes), chunk):
        part = classes[start : start + chunk]
        trainees = trainees_of_classes(part)
        for c in part:
            day = claim_dates.get(c.pk, claimed_on)
            key = (c.county_id, day)
            if key not in limits:
                limits[key] = lim.Limits(c.county_id, day, book)
            lines = compute_lines(
                c, trainees[c.pk], claimed_on=day, history=history, limits=limits[key], book=book
            )
            yield c, lines


@transaction.atomic
def class_claim(
    c: TrainingClass, *, actor: User | None = None, channel: str = "page"
) -> Claim | None:
    """Make (or, while it is not yet submitted, make again) the claim of a closed
    subsidised class; None for a class that asked for no subsidy."""
    c = TrainingClass.objects.select_related("county", "institution", "occupation", "entry").get(
        pk=c.pk
    )
    if c.status != ClassStatus.CLOSED:
        raise ValidationError("培训班结业后才能计算补贴")
    if not c.subsidised:
        return None
    claim = Claim.objects.select_for_update(of=("self",)).filter(training_class=c).first()
    if claim is not None and claim.status not in OPEN_STATES:
        raise ValidationError(f"该班的补贴申领已{claim.get_status_display()}，不能重新计算")
    today = timezone.localdate()
    again = claim is not None
    if claim is None:
        claim = Claim.objects.create(
            kind=ClaimKind.CLASS,
            county_id=c.county_id,
            training_class=c,
            institution_id=c.institution_id,
            claimed_on=today,
            created_by=actor,
        )
    lock_people(Enrolment.objects.filter(training_class=c).values_list("person_id", flat=True))
    # The same set-based path as a run over many classes, for this one class.
    [(_, lines)] = compute_for_classes([c.pk])
    for line in lines:
        line.claim = claim
    if again:
        lines = _replace_lines(claim, lines)
    else:
        ClaimLine.objects.bulk_create(lines)
    due = sum((x.amount for x in lines if x.status in LIVE), Decimal("0.00"))
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE if again else Action.CREATE,
        object_type=claim,
        changes={"lines": len(lines), "due": str(due)},
        note=(
            f"{c.name}重新计算补贴明细{len(lines)}条，应发{due}元"
            if again
            else f"{c.name}结业，计算补贴明细{len(lines)}条，应发{due}元"
        ),
    )
    return claim


# What a line's computation sets; the rest (claim, person, enrolment, kind) is its identity.
COMPUTED = (
    "rule",
    "payee",
    "payee_name",
    "occupation_id",
    "level",
    "certificate_id",
    "units",
    "unit",
    "rate",
    "cap",
    "amount",
    "status",
    "hold",
    "reason",
    "limit",
    "blocked_by_id",
    "evidence",
    "person_name",
    "id_masked",
)


def _replace_lines(claim: Claim, fresh: list[ClaimLine]) -> list[ClaimLine]:
    """A draft claim computed again keeps each trainee's line of a kind (its number is
    what other lines and the audit log name) with the new terms; a line no longer
    produced is refused, never deleted."""
    kept = {(x.enrolment_id, x.kind): x for x in claim.lines.select_for_update(of=("self",))}
    out = []
    for line in fresh:
        old = kept.pop((line.enrolment_id, line.kind), None)
        if old is None:
            line.save()
            out.append(line)
            continue
        for name in COMPUTED:
            setattr(old, name, getattr(line, name))
        old.computed_at = timezone.now()
        old.save()
        out.append(old)
    for old in kept.values():
        old.status, old.hold, old.amount = LineStatus.REFUSED, "", Decimal("0.00")
        old.reason = "重新计算后不再适用（学员已移出花名册或规则已变化）"
        old.computed_at = timezone.now()
        old.save()
        out.append(old)
    return out


@transaction.atomic
def recompute_person(
    c: TrainingClass,
    person_id: int,
    *,
    actor: User | None = None,
    holds: tuple[str, ...] = (Hold.FLAGGED_SIGNIN,),
    channel: str = "page",
    note: str = "签到核查后重新核定补贴明细",
) -> None:
    """After a flagged sign-in of this trainee is settled (or facts about them are
    recorded: `holds` then names the unverified basis too): decide their lines held for
    one of `holds` again, each by the rule version it was computed with. Once the claim
    has been submitted an amount can only fall (a sign-in found untrue no longer counts),
    never rise."""
    claim = Claim.objects.select_for_update(of=("self",)).filter(training_class=c).first()
    if claim is None:
        return
    lock_people([person_id])
    held = list(
        claim.lines.select_for_update(of=("self",))
        .filter(person_id=person_id, status=LineStatus.HELD, hold__in=holds)
        .select_related("rule__rule")
        .order_by("id")
    )
    if not held:
        return
    c = TrainingClass.objects.select_related("county", "institution", "occupation", "entry").get(
        pk=c.pk
    )
    trainees = trainees_of(c, only=person_id)
    if not trainees:
        return
    t = trainees[0]
    history = lim.History.load([person_id])
    ids = {line.pk for line in held}
    history.by_person[person_id] = [p for p in history.of(person_id) if p.id not in ids]
    limits = lim.Limits(c.county_id, claim.claimed_on)
    decided: dict[str, ClaimLine] = {}
    for line in held:
        if line.rule is None:
            continue
        version = line.rule
        with_ = decided.get(version.alongside) if version.alongside else None
        new = line_for(c, t, version, limits, history, claim.claimed_on)
        if version.alongside and with_ is not None and with_.status not in LIVE:
            label = RuleKind(version.alongside).label
            new.status, new.amount, new.hold = LineStatus.REFUSED, Decimal("0.00"), ""
            new.reason = f"{version.name}随{label}发放，该学员的{label}不予补贴"
        elif with_ is not None and with_.status == LineStatus.HELD and new.status in LIVE:
            new.status, new.hold = LineStatus.HELD, with_.hold
        if claim.status not in OPEN_STATES and new.amount > line.amount:
            new.amount = line.amount
        decided[line.kind] = new
        if new.status in LIVE:
            history.add(as_past(new))
        before = {"status": line.status, "amount": str(line.amount)}
        for name in (
            "status",
            "hold",
            "amount",
            "units",
            "rate",
            "reason",
            "limit",
            "blocked_by_id",
            "evidence",
        ):
            setattr(line, name, getattr(new, name))
        line.computed_at = timezone.now()
        line.save()
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type=line,
            person_id=person_id,
            changes={
                "status": [before["status"], line.status],
                "amount": [before["amount"], str(line.amount)],
            },
            note=note,
        )


def lock_people(person_ids) -> None:  # noqa: ANN001
    """Lock the people whose lines are being decided, in one order, so that two classes
    closing at once with a trainee in common decide that trainee's lines one after the
    other (PostgreSQL; SQLite writes one transaction at a time anyway)."""
    list(
        Person.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(person_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def recheck(claim: Claim, *, actor: User | None = None) -> int:
    """Check the claim's live lines against every earlier live line of the same people
    once more, and refuse those a limit now stops; returns how many were refused.

    Two classes closing at the same moment each see the other's lines only once both are
    saved; the earlier line (the lower number) keeps its subsidy. Called when a claim is
    submitted and when it is approved, so the money is committed only on a fresh check."""
    lines = list(
        claim.lines.select_for_update(of=("self",))
        .filter(status__in=(LineStatus.DUE, LineStatus.HELD))
        .select_related("rule", "certificate")
    )
    if not lines:
        return 0
    lock_people(line.person_id for line in lines if line.person_id)
    everything = lim.History.load({line.person_id for line in lines if line.person_id})
    limits = lim.Limits(claim.county_id, claim.claimed_on)
    refused = 0
    for line in lines:
        if line.person_id is None:
            continue
        earlier = lim.History()
        for past in everything.of(line.person_id):
            if past.id < line.pk:
                earlier.add(past)
        verdict = lim.check(
            limits,
            earlier,
            person_id=line.person_id,
            kind=line.kind,
            occupation_id=line.occupation_id,
            level=line.level,
            certificate_id=line.certificate_id,
            certificate_issued_on=line.certificate.issued_on if line.certificate_id else None,
            enrolment_id=line.enrolment_id,
            claimed_on=line.claimed_on,
        )
        if verdict is None:
            continue
        before = line.status
        line.status, line.hold, line.amount = LineStatus.REFUSED, "", Decimal("0.00")
        line.reason, line.limit, line.blocked_by_id = (
            verdict.reason[:500],
            verdict.limit,
            verdict.blocked_by,
        )
        line.save()
        audit(
            actor=actor,
            channel="page",
            action=Action.UPDATE,
            object_type=line,
            person_id=line.person_id,
            changes={"status": [before, line.status]},
            note=f"复核补贴限制：{line.reason}"[:255],
        )
        refused += 1
    return refused
