"""Whether a trainee on a roster may be subsidised, and why; the ages a roster accepts.

The basis a trainee is subsidised on (`standing`) is either the household's assisted
category in the ledger (the county's own record: it stands until a registry contradicts
it) or a basis declared on the roster (两后生, 农村转移就业劳动者, 登记失业人员, 毕业年度高校
毕业生, or 帮扶家庭 declared without the ledger saying so), which a registry comparison or
a clerk's check of the papers verifies or contradicts (people.facts). A contradicted
basis is not eligible; an unverified declared basis is eligible but shown as awaiting
comparison, and subsidies holds its claim lines until a fact verifies it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from skillaid.people.facts import Facts, Verdict
from skillaid.people.models import Category, FactKind, Sex

from ..models import Basis, Enrolment, TrainingClass

# The working age (劳动年龄) a roster is held to, in one place.
# Lower bound: 16 — 《中华人民共和国劳动法》第十五条 forbids employing anyone under sixteen,
# and subsidised vocational training is for the working-age population; a roster refuses
# anyone younger, and never registers them in the ledger.
MIN_AGE = 16
# Upper bound: the statutory retirement age — 60 for men, 55 for women — as
# 《国务院关于安置老弱病残干部的暂行办法》and《国务院关于工人退休、退职的暂行办法》
# (国发〔1978〕104号) set it (women workers may retire at 50; the higher age is taken). The
# gradual raise decided in 2024 (全国人大常委会关于实施渐进式延迟法定退休年龄的决定, from
# 2025) moves it by birth month; it is not modelled, so an older trainee is flagged for the
# reviewer rather than refused.
MAX_AGE = {Sex.MALE: 60, Sex.FEMALE: 55}


def age_on(birth: dt.date, on: dt.date) -> int:
    """Whole years of age on `on` (the class's start date)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def too_young(birth: dt.date, on: dt.date) -> str:
    """Why someone born on `birth` may not be on a roster of a class starting `on`, or ""."""
    age = age_on(birth, on)
    if age < MIN_AGE:
        return f"开班日期{on:%Y-%m-%d}时{age}周岁，未满{MIN_AGE}周岁，不能参加培训"
    return ""


def age_flag(birth: dt.date, sex: str, on: dt.date) -> str:
    """What the reviewer is asked to check about a trainee over the working age, or ""."""
    age = age_on(birth, on)
    limit = MAX_AGE.get(sex, MAX_AGE[Sex.MALE])
    if age > limit:
        label = Sex(sex).label if sex in Sex.values else ""
        return f"开班时{age}周岁，超过劳动年龄上限（{label}{limit}周岁），请审核人员核实"
    return ""


# Each roster basis and the kind of fact that verifies it: the one place they are mapped.
BASIS_FACT = {
    Basis.ASSISTED: FactKind.ASSISTED,
    Basis.SCHOOL_LEAVER: FactKind.SCHOOL_LEAVER,
    Basis.MIGRANT: FactKind.MIGRANT,
    Basis.UNEMPLOYED: FactKind.UNEMPLOYED,
    Basis.GRADUATE: FactKind.GRADUATE,
}
ASSISTED_CATEGORIES = frozenset({Category.LIFTED, Category.MONITORED})


def fact_kind(basis: str) -> str:
    """The fact kind that verifies a roster basis ("" for none)."""
    return BASIS_FACT.get(basis, "")


@dataclass(frozen=True)
class Standing:
    """The basis a trainee is subsidised on, on a day, and where the facts put it.

    `declared`: declared on the roster, so unverified until a fact verifies it; else the
    household's assisted category from the ledger, which stands unless contradicted.
    `category` is the household's category that day; `assisted` the verdict on it."""

    basis: str
    declared: bool
    verdict: Verdict | None
    category: str
    assisted: Verdict | None = None

    @property
    def fact_kind(self) -> str:
        return fact_kind(self.basis)

    @property
    def held(self) -> bool:
        """A declared basis no fact verifies yet: its subsidy waits for the comparison."""
        return bool(self.basis) and self.declared and not self.verified

    @property
    def verified(self) -> bool:
        return self.verdict is not None and self.verdict.verified

    @property
    def contradicted(self) -> bool:
        return self.verdict is not None and self.verdict.contradicted

    def evidence(self) -> dict:
        """What a claim line keeps of the basis it rests on."""
        out = {"basis_declared": self.declared}
        if self.verdict is not None:
            out["basis_verdict"] = self.verdict.evidence()
        return out


def category_of(enrolment: Enrolment, on: dt.date) -> str:
    household = enrolment.person.household
    if household is None:
        return ""
    status = household.category_on(on)
    return status.category if status else household.category


def standing(
    enrolment: Enrolment,
    on: dt.date | None = None,
    facts: Facts | None = None,
    category: str | None = None,
) -> Standing:
    """The trainee's basis on `on` (the class's start) and its verdict from `facts` (the
    person's own, one query, when not given: a roster loads them once for all)."""
    person = enrolment.person
    on = on or enrolment.training_class.start_on
    facts = facts if facts is not None else Facts.of_person(person)
    category = category_of(enrolment, on) if category is None else category
    assisted = None
    if category in ASSISTED_CATEGORIES:
        assisted = facts.verdict(person.pk, FactKind.ASSISTED, on)
        if not assisted.contradicted or enrolment.basis in ("", Basis.ASSISTED):
            return Standing(Basis.ASSISTED, False, assisted, category, assisted)
    if enrolment.basis:
        verdict = facts.verdict(person.pk, fact_kind(enrolment.basis), on)
        return Standing(enrolment.basis, True, verdict, category, assisted)
    return Standing("", False, None, category, assisted)


def flags(enrolment: Enrolment) -> list[str]:
    """What the reviewer should look at about this trainee (today: the upper age)."""
    person = enrolment.person
    flag = age_flag(person.birth_date, person.sex, enrolment.training_class.start_on)
    return [flag] if flag else []


def eligibility(
    enrolment: Enrolment,
    on: dt.date | None = None,
    facts: Facts | None = None,
    *,
    given: Standing | None = None,
) -> tuple[bool, str]:
    """Whether the trainee may be subsidised, and the reason shown beside them. `facts`:
    the roster's facts, loaded once (else the person's, prefetched or one query);
    `given`: the trainee's standing on `on`, already worked out."""
    person = enrolment.person
    on = on or enrolment.training_class.start_on
    age = age_on(person.birth_date, on)
    if age < MIN_AGE:
        return False, f"开班时{age}周岁，未满{MIN_AGE}周岁"
    s = given if given is not None else standing(enrolment, on, facts)
    if s.basis == Basis.ASSISTED and not s.declared:
        label = Category(s.category).label
        if s.contradicted:
            return False, f"{Basis.ASSISTED.label}（{label}，{s.verdict.text}）"
        if s.verified:
            return True, f"{Basis.ASSISTED.label}（{label}，{s.verdict.text}）"
        return True, f"{Basis.ASSISTED.label}（{label}）"
    if enrolment.basis == Basis.SCHOOL_LEAVER and age > 25:
        return False, f"申报为两后生，但开班时已{age}周岁"
    if s.basis:
        # A category contradicted by a registry, named before the declared basis.
        before = ""
        if s.assisted is not None and s.assisted.contradicted:
            before = f"{Basis.ASSISTED.label}{s.assisted.text}；"
        label = Basis(s.basis).label
        if s.contradicted or s.verified:
            return (not s.contradicted), f"{before}{label}（{s.verdict.text}）"
        return True, f"{before}{label}（待比对核实）"
    return (
        False,
        "家庭类别为一般户，且未申报其他补贴对象类别（两后生、农村转移劳动者、登记失业人员等）",
    )


@dataclass(frozen=True)
class RosterSummary:
    """The roster summed up for the reviewer: how many, how many eligible, who is flagged
    and why, and the subsidy they would cost (eligible × the catalogue line's subsidy)."""

    count: int
    eligible: int
    flagged: list[tuple[str, str]]
    subsidy_each: Decimal | None
    estimate: Decimal | None
    # Eligible on a declared basis no fact verifies yet: their subsidy waits (暂缓).
    awaiting: int = 0
    # Not eligible because a fact contradicts their basis.
    contradicted: int = 0


def roster_summary(
    c: TrainingClass, enrolments: list[Enrolment], facts: Facts | None = None
) -> RosterSummary:
    """`enrolments` are the class's, their people and households loaded; the facts of
    their people are read once (or given)."""
    from .lifecycle import entry_for

    if facts is None:
        facts = roster_facts(enrolments)
    eligible = awaiting = contradicted = 0
    for e in enrolments:
        s = standing(e, facts=facts)
        ok = eligibility(e, facts=facts, given=s)[0]
        eligible += ok
        awaiting += ok and s.held
        contradicted += (not ok) and (
            s.contradicted or (s.assisted is not None and s.assisted.contradicted)
        )
    flagged = [(e.person.name, why) for e in enrolments for why in flags(e)]
    entry = (c.entry or entry_for(c)) if c.subsidised else None
    each = entry.subsidy if entry is not None else None
    return RosterSummary(
        count=len(enrolments),
        eligible=eligible,
        flagged=flagged,
        subsidy_each=each,
        estimate=each * eligible if each is not None else None,
        awaiting=awaiting,
        contradicted=contradicted,
    )


def roster_facts(enrolments: list[Enrolment]) -> Facts:
    """The facts of a roster's people: from their prefetched `person.facts` (a roster
    page's), else in one query."""
    people = [e.person for e in enrolments]
    if all("facts" in getattr(p, "_prefetched_objects_cache", {}) for p in people):
        return Facts(f for p in people for f in p.facts.all())
    return Facts.load(sorted({e.person_id for e in enrolments}))


def declared_bases(person) -> list[tuple[str, dt.date, str]]:  # noqa: ANN001
    """The bases a person was declared on in rosters (for the person page's card of
    people.facts): fact kind, the class's start, and which roster."""
    rows = (
        Enrolment.objects.filter(person=person)
        .exclude(basis="")
        .select_related("training_class")
        .order_by("-training_class__start_on", "-id")[:20]
    )
    return [
        (
            fact_kind(e.basis),
            e.training_class.start_on,
            f"花名册申报：{e.training_class.name}（{e.training_class.start_on:%Y-%m-%d}开班）",
        )
        for e in rows
    ]
