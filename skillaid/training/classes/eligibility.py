"""Whether a trainee on a roster may be subsidised, and why."""

from __future__ import annotations

import datetime as dt

from skillaid.people.models import Category

from ..models import Basis, Enrolment


def eligibility(enrolment: Enrolment, on: dt.date | None = None) -> tuple[bool, str]:
    """Whether the trainee may be subsidised, and the reason shown beside them."""
    person = enrolment.person
    on = on or enrolment.training_class.start_on
    b = person.birth_date
    age = on.year - b.year - ((on.month, on.day) < (b.month, b.day))
    if age < 16:
        return False, f"开班时{age}周岁，未满16周岁"
    if age > 65:
        return False, f"开班时{age}周岁，超过65周岁"
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
