"""Ages on a roster: under 16 on the class's start date is refused and never registered in the
ledger; over the working age is flagged for the reviewer; the class page sums the roster up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from skillaid.lib import idnumber
from skillaid.people.models import Person
from skillaid.training import classes
from tests.conftest import new_id
from tests.subsidies.fixtures import verified

pytestmark = pytest.mark.django_db


def born_before(c, years: int, days: int = 0) -> dt.date:  # noqa: ANN001
    """A birth date `years` years (and `days` days) before the class's start."""
    start = c.start_on
    return start.replace(year=start.year - years) - dt.timedelta(days=days)


def man_born(birth: dt.date) -> str:
    """An ID number of a man (odd order code) born on `birth`."""
    while idnumber.sex(number := new_id("450124", birth=birth)) != "M":
        pass
    return number


def test_a_fourteen_year_old_is_refused_and_not_registered(lu, school, class_factory):
    c = class_factory(lu, approve=False)
    child = new_id("450124", birth=born_before(c, 14))
    people = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        classes.roster_add(actor=lu, training_class=c, id_number=child, name="陆小宝")
    assert "14周岁，未满16周岁，不能参加培训" in exc.value.message_dict["id_number"][0]
    assert Person.objects.count() == people
    assert not Person.objects.with_id_number(child).exists()


def test_age_is_counted_on_the_class_start_date(lu, school, class_factory):
    c = class_factory(lu, approve=False)
    # Sixteen the day before the class starts: accepted; sixteen the day after: refused.
    ok = new_id("450124", birth=born_before(c, 16, days=1))
    classes.roster_add(actor=lu, training_class=c, id_number=ok, name="韦小东")
    late = new_id("450124", birth=born_before(c, 16, days=-1))
    with pytest.raises(ValidationError):
        classes.roster_add(actor=lu, training_class=c, id_number=late, name="韦小西")


def test_the_roster_page_says_why_a_child_is_refused(client, lu, school, class_factory):
    c = class_factory(lu, approve=False)
    child = new_id("450124", birth=born_before(c, 14))
    client.force_login(lu)
    page = client.post(
        reverse("roster_add", args=[c.pk]),
        {"id_number": child, "name": "陆小宝", "county": "450124", "basis": ""},
        follow=True,
    ).content.decode()
    assert "未满16周岁" in page
    assert not Person.objects.with_id_number(child).exists()


def test_over_the_working_age_is_flagged_not_refused(lu, school, class_factory):
    c = class_factory(lu, approve=False)
    man = man_born(born_before(c, 61))
    e = classes.roster_add(actor=lu, training_class=c, id_number=man, name="黄老伯")
    assert classes.flags(e) == ["开班时61周岁，超过劳动年龄上限（男60周岁），请审核人员核实"]
    assert classes.MAX_AGE == {"M": 60, "F": 55}
    while idnumber.sex(woman := new_id("450124", birth=born_before(c, 56))) != "F":
        pass
    e = classes.roster_add(actor=lu, training_class=c, id_number=woman, name="黄阿婆")
    assert classes.flags(e) == ["开班时56周岁，超过劳动年龄上限（女55周岁），请审核人员核实"]


def test_the_class_page_sums_up_the_roster_for_the_reviewer(
    client, lu, liang, school, class_factory, person_factory
):
    assisted = person_factory(category="脱贫户")
    ordinary = person_factory(name="黄志明")
    c = class_factory(lu, trainees=[assisted, ordinary], approve=False)
    old = man_born(born_before(c, 62))
    e = classes.roster_add(
        actor=lu, training_class=c, id_number=old, name="黄老伯", basis="migrant"
    )
    verified(e.person, "migrant")  # found by the migrant workers' registry
    summary = classes.roster_summary(c, list(c.enrolments.all()))
    assert (summary.count, summary.eligible) == (3, 2)
    assert summary.estimate == Decimal("2400.00")
    client.force_login(liang)
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    assert "共 3 人，符合补贴条件 2 人，待核实 1 人；预计补贴 2 × 1200.00 元 = 2400.00 元" in page
    assert "黄老伯：开班时62周岁，超过劳动年龄上限（男60周岁），请审核人员核实" in page
