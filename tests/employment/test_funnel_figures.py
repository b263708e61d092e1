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
from skillaid.employment.models import Placement
from tests.conftest import LONGAN, MASHAN
from tests.employment import factories, fixtures_followups
from tests.employment.fixtures_followups import closed_class_rows

pytestmark = pytest.mark.django_db

funnel_data = fixtures_followups.funnel_data

TODAY = dt.date(2026, 11, 18)
PERIOD = {"from": "2026-01-01", "until": "2026-11-18"}


@pytest.fixture(autouse=True)
def fixed_day(regions):
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def figures(row) -> tuple:  # noqa: ANN001
    return (row.trained, row.referred, row.hired, row.measured, row.still)


def test_the_measure_day_is_three_calendar_months_on():
    assert measured_until(dt.date(2026, 9, 30)) == dt.date(2026, 6, 30)
    # 2026-11-30 + 3 months is 2027-02-28, as is 2026-11-28's: both measured then.
    assert measured_until(dt.date(2027, 2, 28)) == dt.date(2026, 11, 30)
    assert measured_until(dt.date(2027, 2, 27)) == dt.date(2026, 11, 27)


def test_the_county_sees_its_own_people_in_every_figure(funnel_data, wei):
    rows = funnel(wei, filters=FunnelFilters.parse({"by": "county", **PERIOD}), on=TODAY)
    assert [(r.key, figures(r)) for r in rows] == [(MASHAN, (6, 2, 3, 5, 2))]
    assert rows[0].rate == 40


def test_each_grouping_adds_up_to_the_same_total(funnel_data, liang):
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


def test_the_officer_sees_their_own_institutions_classes(funnel_data, lu):
    rows = funnel(lu, filters=FunnelFilters.parse({"by": "class", **PERIOD}), on=TODAY)
    assert [r.label for r in rows] == ["家政服务员一班"]


def test_another_county_sees_only_its_people(funnel_data, huang):
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
def test_the_drill_down_lists_exactly_the_people_counted(funnel_data, wei, figure, names):
    filters = FunnelFilters.parse({"by": "county", "key": MASHAN, "figure": figure, **PERIOD})
    people = funnel_people(wei, filters=filters, on=TODAY)
    assert {e.person.name for e in people} == names
    row = funnel(wei, filters=filters, on=TODAY)[0]
    assert people.count() == getattr(row, figure)


def test_rates_only_for_classes_whose_three_months_have_passed(funnel_data, liang, lu):
    rates = employment_rates(liang, filters=FunnelFilters.parse(PERIOD), on=TODAY)
    assert [(r.label, r.rate) for r in rates.classes] == [("家政服务员一班", 40)]
    assert [(r.label, r.measured, r.still) for r in rates.institutions] == [
        ("广西南宁技师学院", 5, 2)
    ]
    assert rates.cutoff == dt.date(2026, 8, 18)


def test_the_period_is_of_class_ends(funnel_data, wei):
    later = funnel(
        wei, filters=FunnelFilters.parse({"from": "2026-07-01", "until": "2026-11-18"}), on=TODAY
    )
    assert [figures(r) for r in later] == [(1, 0, 0, 0, 0)]


def test_bad_filters_are_said_in_chinese():
    f = FunnelFilters.parse({"by": "x", "from": "2026-13-01", "until": "2025-12-01"})
    assert set(f.errors) == {"by", "from", "until"}
    assert "不是日期" in f.errors["from"]


def test_a_period_over_five_years_is_refused_saying_why():
    f = FunnelFilters.parse({"from": "2020-01-01", "until": "2026-11-18"})
    assert "不能超过5年" in f.errors["from"]


def test_each_class_is_measured_on_its_own_day(liang, lu, occupation, person_factory):
    """Nine classes with nine ends (month ends among them): a placement starting on each
    class's own measure day counts, one starting a day later does not."""
    from skillaid.employment.funnel import measure_day

    ends = [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 15),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 29),
        dt.date(2026, 5, 31),
        dt.date(2026, 6, 1),
        dt.date(2026, 7, 31),
    ]
    employer = factories.employer()
    for i, end in enumerate(ends):
        on_day, late = person_factory(name=f"准{i}"), person_factory(name=f"迟{i}")
        closed_class_rows(
            lu.institution, occupation, end_on=end, county=MASHAN, lines={on_day: True, late: True}
        )
        for person, start in (
            (on_day, measure_day(end)),
            (late, measure_day(end) + dt.timedelta(1)),
        ):
            Placement.objects.create(
                seeker=factories.seeker(person),
                county_id=MASHAN,
                employer=employer,
                contract_start=start,
                open_ended=True,
            )
    filters = FunnelFilters.parse({"by": "class", **PERIOD})
    rows = funnel(liang, filters=filters, on=TODAY)
    assert [(r.end_on, r.measured, r.still) for r in rows] == [(end, 2, 1) for end in ends]
    still = funnel_people(
        liang, filters=FunnelFilters.parse({"figure": "still", **PERIOD}), on=TODAY
    )
    assert sorted(e.person.name for e in still) == sorted(f"准{i}" for i in range(9))
