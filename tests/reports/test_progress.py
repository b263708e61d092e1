"""Progress maths (a property over any target, actual and day), per-county and per-year
targets, and the child regions' progress listed for the county table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillaid.evaluation.models import CertificateKind
from skillaid.regions.models import Region
from skillaid.reports.models import Target, TargetKind
from skillaid.reports.progress import counties_of, progress_of, regions_progress
from skillaid.reports.tally import tally_refresh
from tests.conftest import GUANGXI, LONGAN, MASHAN, NANNING
from tests.reports.test_indicators import a_class, certificate, line


def target(**extra) -> Target:  # noqa: ANN003
    fields = {
        "plan": "广西职业技能培训计划",
        "source": "测试",
        "title": "开展补贴性职业技能培训",
        "indicator": "trainings",
        "region_id": GUANGXI,
        "period_start": dt.date(2021, 1, 1),
        "period_end": dt.date(2025, 12, 31),
        "value": Decimal(1000),
        "unit": "人次",
        "kind": TargetKind.AT_LEAST,
    }
    return Target(**(fields | extra))


@settings(max_examples=300, deadline=None)
@given(
    value=st.integers(min_value=1, max_value=10**8),
    done=st.fractions(min_value=0, max_value=2),
    day=st.dates(min_value=dt.date(2020, 6, 1), max_value=dt.date(2026, 6, 1)),
    kind=st.sampled_from([TargetKind.AT_LEAST, TargetKind.ABOUT]),
)
def test_pace_reaches_the_target_and_percent_agrees(value, done, day, kind):
    actual = (Decimal(value) * Decimal(done.numerator) / Decimal(done.denominator)).quantize(
        Decimal(1)
    )
    t = target(value=Decimal(value), kind=kind)
    with mock.patch("skillaid.reports.progress.figure", return_value=actual):
        p = progress_of(t, today=day)
    assert p.percent is not None
    assert abs(p.percent - actual / Decimal(value) * 100) <= Decimal("0.05")
    if p.behind and not p.finished:
        assert p.pace_needed is not None
    if p.pace_needed is not None:
        # Keeping the pace every month left reaches the target.
        assert p.pace_needed * p.months_left + actual >= value
        assert p.months_left > 0 and actual < value
    if actual >= value:
        assert p.pace_needed is None and not p.behind
    if p.forecast is not None:
        assert p.forecast >= actual
    if day > dt.date(2025, 12, 31):
        assert p.finished and p.months_left == 0 and p.expected == value


def test_a_rate_is_held_to_its_value_all_the_way():
    t = target(kind=TargetKind.AT_LEAST_PER_PERSON, value=Decimal(3), indicator="referrals")
    with mock.patch("skillaid.reports.progress.figure", return_value=Decimal("2.50")):
        p = progress_of(t, today=dt.date(2021, 2, 1))
    assert p.behind and p.expected == 3 and p.pace_needed is None and p.percent == Decimal("83.3")


def test_a_yearly_value_over_several_years_adds_up():
    t = target(kind=TargetKind.AT_LEAST_PER_YEAR, value=Decimal(1000))
    with mock.patch("skillaid.reports.progress.figure", return_value=Decimal(3200)):
        p = progress_of(t, today=dt.date(2023, 12, 31))
    assert p.goal == 5000 and p.percent == 64 and not p.behind  # 3 of 5 years gone: 3000 due
    one = target(
        kind=TargetKind.AT_LEAST_PER_YEAR,
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
    )
    with mock.patch("skillaid.reports.progress.figure", return_value=Decimal(400)):
        p = progress_of(one, today=dt.date(2022, 7, 1))
    assert p.goal == 1000 and p.behind and p.pace_needed == Decimal("100.0")  # 600 in 6 months


@pytest.mark.django_db
def test_per_county_counts_the_counties_that_reach_the_value(regions, person_factory):
    certificate(person_factory(), kind=CertificateKind.SPECIALISED, level="specialised")
    certificate(
        person_factory(county=LONGAN), kind=CertificateKind.SPECIALISED, level="specialised"
    )
    certificate(
        person_factory(county=LONGAN), kind=CertificateKind.SPECIALISED, level="specialised"
    )
    tally_refresh(["certificates_specialised"])
    every = Region.objects.filter(level="county", is_current=True, code__startswith="45").count()
    t = target(
        indicator="certificates_specialised",
        kind=TargetKind.AT_LEAST_PER_COUNTY,
        value=Decimal(1),
        period_end=dt.date(2026, 12, 31),
    )
    p = progress_of(t, today=dt.date(2026, 6, 30))
    assert p.counties == (2, every) and p.actual == 2 and p.goal == every
    two = target(
        indicator="certificates_specialised",
        kind=TargetKind.AT_LEAST_PER_COUNTY,
        value=Decimal(2),
        period_end=dt.date(2026, 12, 31),
    )
    assert progress_of(two, today=dt.date(2026, 6, 30)).counties == (1, every)
    key_area = target(plan="重点帮扶地区职业技能提升工程", kind=TargetKind.AT_LEAST_PER_COUNTY)
    keys = counties_of(key_area)
    assert keys and len(keys) < every
    assert all(Region.objects.get(code=c).key_county for c in keys)


@pytest.mark.django_db
def test_regions_progress_lists_cities_with_their_split(school, occupation, person_factory, qin):
    c = a_class(school, occupation, county=MASHAN, end_on=dt.date(2026, 3, 10))
    for _ in range(3):
        line(c, person_factory())
    c2 = a_class(school, occupation, county="450205", end_on=dt.date(2026, 3, 10))
    line(c2, person_factory())
    tally_refresh(["trainings"])
    parent = target(period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
    parent.save()
    from skillaid.reports.targets import target_split

    target_split(actor=qin, channel="page", parent=parent, parts={NANNING: "600", "450200": "400"})
    rows = {
        r.region.code: r for r in regions_progress(parent, by="city", today=dt.date(2026, 7, 1))
    }
    nanning = rows[NANNING]
    assert nanning.actual == 3 and nanning.share == 75 and nanning.target.value == 600
    assert nanning.progress.percent == Decimal("0.5") and nanning.progress.behind
    assert rows["450200"].actual == 1 and rows["450200"].share == 25
    assert rows["450300"].target is None and rows["450300"].actual == 0
    counties = regions_progress(parent, by="county", today=dt.date(2026, 7, 1))
    assert {r.region.code: r.actual for r in counties if r.actual} == {MASHAN: 3, "450205": 1}


@pytest.mark.django_db
def test_a_pairing_against_what_its_school_trained_and_enrolled_there(
    school, occupation, person_factory, liang, huang
):
    from skillaid.pairings.models import Pairing, WorkPlan, WorkPlanItem
    from skillaid.reports.progress import pairings_progress
    from tests.reports.test_indicators import student

    pairing = Pairing.objects.create(school=school, county_id=MASHAN)
    plan = WorkPlan.objects.create(
        pairing=pairing, year=2026, planned_enrolments=4, filed_on=dt.date(2026, 1, 10)
    )
    WorkPlanItem.objects.create(plan=plan, occupation="家政服务员", month=5, trainees=6)
    WorkPlanItem.objects.create(plan=plan, occupation="育婴员", month=9, trainees=4)
    here = a_class(school, occupation, county=MASHAN, end_on=dt.date(2026, 5, 20))
    for _ in range(3):
        line(here, person_factory())
    elsewhere = a_class(school, occupation, county=LONGAN, end_on=dt.date(2026, 5, 20))
    line(elsewhere, person_factory(county=LONGAN))  # another county: not this pairing's
    student(person_factory(category="一般户"), school)
    student(person_factory(county=LONGAN), school)
    tally_refresh(["trainings", "students_new"])
    (row,) = pairings_progress(liang, year=2026)
    assert (row.planned_trainees, row.trained, row.trained_percent) == (10, 3, Decimal(30))
    assert (row.planned_enrolments, row.enrolled, row.enrolled_percent) == (4, 1, Decimal(25))
    assert pairings_progress(huang, year=2026) == []  # 隆安县 sees not 马山县's pairing
    (empty,) = pairings_progress(liang, year=2025)
    assert empty.plan is None and empty.trained_percent is None
