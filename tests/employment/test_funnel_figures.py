"""The funnel on a small known data set: each figure, by each grouping, within scope; the
drill-down lists exactly the trainees counted; the rate three months after completion
only for classes whose three months have passed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.employment.funnel import (
    FunnelFilters,
    employment_rates,
    funnel,
    funnel_people,
    funnel_total,
    measured_until,
)
from skillaid.employment.models import EmploymentStatus, Placement, ReferralOutcome, StatusRecord
from tests.conftest import LONGAN, MASHAN
from tests.employment import factories
from tests.employment.fixtures_followups import closed_class_rows, refer

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)
PERIOD = {"from": "2026-01-01", "until": "2026-11-18"}


@pytest.fixture(autouse=True)
def fixed_day(regions):
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def status(seeker, value: str, on: dt.date) -> None:  # noqa: ANN001
    StatusRecord.objects.create(seeker=seeker, status=value, confirmed_on=on, confirmed_by="phone")


@pytest.fixture
def data(lu, rival, occupation, person_factory):
    """Class A (lu's school, ended 2026-06-30, measured on 2026-09-30) and class B (the
    隆安 centre, ended 2026-10-31, not yet measured)."""
    p = {n: person_factory(name=n) for n in ("蓝一", "蓝二", "蓝三", "蓝四", "蓝五", "蓝六")}
    q1 = person_factory(LONGAN, name="黄一")
    q2 = person_factory(name="蓝七")
    a = closed_class_rows(
        lu.institution,
        occupation,
        end_on=dt.date(2026, 6, 30),
        county=MASHAN,
        lines={**{p[n]: True for n in ("蓝一", "蓝二", "蓝三", "蓝四", "蓝五")}, p["蓝六"]: False},
        name="家政服务员一班",
    )
    b = closed_class_rows(
        rival.institution,
        occupation,
        end_on=dt.date(2026, 10, 31),
        county=LONGAN,
        lines={q1: True, q2: True},
        name="隆安家政班",
    )
    s = {n: factories.seeker(p[n]) for n in ("蓝一", "蓝二", "蓝三", "蓝四", "蓝五")}
    s["黄一"] = factories.seeker(q1)
    # 蓝一: referred, hired through the referral, confirmed at work near the measure day.
    refer(s["蓝一"], dt.date(2026, 7, 5), outcome=ReferralOutcome.HIRED)
    status(s["蓝一"], EmploymentStatus.LOCAL, dt.date(2026, 9, 25))
    # 蓝二: referred, still without work.
    refer(s["蓝二"], dt.date(2026, 7, 10))
    status(s["蓝二"], EmploymentStatus.UNEMPLOYED, dt.date(2026, 10, 1))
    # 蓝三: found a job on their own; the placement covers the measure day.
    Placement.objects.create(
        seeker=s["蓝三"],
        county_id=MASHAN,
        employer=factories.employer(),
        contract_start=dt.date(2026, 7, 15),
        contract_end=dt.date(2027, 7, 14),
    )
    # 蓝四: at work in July, without work again by the measure day.
    status(s["蓝四"], EmploymentStatus.OUTSIDE, dt.date(2026, 7, 20))
    status(s["蓝四"], EmploymentStatus.UNEMPLOYED, dt.date(2026, 9, 28))
    # 蓝五: referred before the class ended: not a referral after training.
    refer(s["蓝五"], dt.date(2026, 6, 1))
    # 黄一: referred and at work, three months not yet passed.
    refer(s["黄一"], dt.date(2026, 11, 2))
    status(s["黄一"], EmploymentStatus.LOCAL, dt.date(2026, 11, 10))
    return a, b, p, q1, q2


def figures(row) -> tuple:  # noqa: ANN001
    return (row.trained, row.referred, row.hired, row.measured, row.still)


def test_the_measure_day_is_three_calendar_months_on():
    assert measured_until(dt.date(2026, 9, 30)) == dt.date(2026, 6, 30)
    # 2026-11-30 + 3 months is 2027-02-28, as is 2026-11-28's: both measured then.
    assert measured_until(dt.date(2027, 2, 28)) == dt.date(2026, 11, 30)
    assert measured_until(dt.date(2027, 2, 27)) == dt.date(2026, 11, 27)


def test_the_county_sees_its_own_people_in_every_figure(data, wei):
    rows = funnel(wei, filters=FunnelFilters.parse({"by": "county", **PERIOD}), on=TODAY)
    assert [(r.key, figures(r)) for r in rows] == [(MASHAN, (6, 2, 3, 5, 2))]
    assert rows[0].rate == 40


def test_each_grouping_adds_up_to_the_same_total(data, liang):
    totals = set()
    for by in ("county", "school", "class", "occupation"):
        rows = funnel(liang, filters=FunnelFilters.parse({"by": by, **PERIOD}), on=TODAY)
        totals.add(figures(funnel_total(rows)))
    assert totals == {(7, 3, 4, 5, 2)}
    by_class = funnel(liang, filters=FunnelFilters.parse({"by": "class", **PERIOD}), on=TODAY)
    assert [(r.label, figures(r)) for r in by_class] == [
        ("家政服务员一班", (5, 2, 3, 5, 2)),
        ("隆安家政班", (2, 1, 1, 0, 0)),
    ]


def test_the_officer_sees_their_own_institutions_classes(data, lu):
    rows = funnel(lu, filters=FunnelFilters.parse({"by": "class", **PERIOD}), on=TODAY)
    assert [r.label for r in rows] == ["家政服务员一班"]


def test_another_county_sees_only_its_people(data, huang):
    rows = funnel(huang, filters=FunnelFilters.parse({"by": "county", **PERIOD}), on=TODAY)
    assert [(r.key, figures(r)) for r in rows] == [(LONGAN, (1, 1, 1, 0, 0))]


@pytest.mark.parametrize(
    ("figure", "names"),
    [
        ("trained", {"蓝一", "蓝二", "蓝三", "蓝四", "蓝五", "蓝七"}),
        ("referred", {"蓝一", "蓝二"}),
        ("hired", {"蓝一", "蓝三", "蓝四"}),
        ("measured", {"蓝一", "蓝二", "蓝三", "蓝四", "蓝五"}),
        ("still", {"蓝一", "蓝三"}),
    ],
)
def test_the_drill_down_lists_exactly_the_people_counted(data, wei, figure, names):
    filters = FunnelFilters.parse({"by": "county", "key": MASHAN, "figure": figure, **PERIOD})
    people = funnel_people(wei, filters=filters, on=TODAY)
    assert {e.person.name for e in people} == names
    row = funnel(wei, filters=filters, on=TODAY)[0]
    assert people.count() == getattr(row, figure)


def test_rates_only_for_classes_whose_three_months_have_passed(data, liang, lu):
    rates = employment_rates(liang, filters=FunnelFilters.parse(PERIOD), on=TODAY)
    assert [(r.label, r.rate) for r in rates.classes] == [("家政服务员一班", 40)]
    assert [(r.label, r.measured, r.still) for r in rates.institutions] == [
        ("广西南宁技师学院", 5, 2)
    ]
    assert rates.cutoff == dt.date(2026, 8, 18)


def test_the_period_is_of_class_ends(data, wei):
    later = funnel(
        wei, filters=FunnelFilters.parse({"from": "2026-07-01", "until": "2026-11-18"}), on=TODAY
    )
    assert [figures(r) for r in later] == [(1, 0, 0, 0, 0)]


def test_bad_filters_are_said_in_chinese():
    f = FunnelFilters.parse({"by": "x", "from": "2026-13-01", "until": "2025-12-01"})
    assert set(f.errors) == {"by", "from", "until"}
    assert "不是日期" in f.errors["from"]
