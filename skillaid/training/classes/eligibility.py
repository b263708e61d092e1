"""Whether a trainee on a roster may be subsidised, and why; the ages a roster accepts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from skillaid.people.models import Category, Sex

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


def flags(enrolment: Enrolment) -> list[str]:
    """What the reviewer should look at about this trainee (today: the upper age)."""
    person = enrolment.person
    flag = age_flag(person.birth_date, person.sex, enrolment.training_class.start_on)
    return [flag] if flag else []


def eligibility(enrolment: Enrolment, on: dt.date | None = None) -> tuple[bool, str]:
    """Whether the trainee may be subsidised, and the reason shown beside them."""
    person = enrolment.person
    on = on or enrolment.training_class.start_on
    age = age_on(person.birth_date, on)
    if age < MIN_AGE:
        return False, f"开班时{age}周岁，未满{MIN_AGE}周岁"
    household = person.household
    status = household.category_on(on) if household else None
    category = status.category if status else (household.category if household else "")
    if category in {Category.LIFTED, Category.MONITORED}:
        label = Category(category).label
        return True, f"{Basis.ASSISTED.label}（{label}）"
    if enrolment.basis == Basis.SCHOOL_LEAVER and age > 25:
        return False, f"申报为两后生，但开班时已{age}周岁"
    if enrolment.basis:
        return True, Basis(enrolment.basis).label + "（待比对核实）"
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


def roster_summary(c: TrainingClass, enrolments: list[Enrolment]) -> RosterSummary:
    """`enrolments` are the class's, their people and households loaded."""
    from .lifecycle import entry_for

    eligible = sum(1 for e in enrolments if eligibility(e)[0])
    flagged = [(e.person.name, why) for e in enrolments for why in flags(e)]
    entry = (c.entry or entry_for(c)) if c.subsidised else None
    each = entry.subsidy if entry is not None else None
    return RosterSummary(
        count=len(enrolments),
        eligible=eligible,
        flagged=flagged,
        subsidy_each=each,
        estimate=each * eligible if each is not None else None,
    )
