"""The figures table: an indicator's records grouped into Tally, read back by region,
institution and period, and the drill-down giving exactly the records a figure counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from skillaid.reports import periods
from skillaid.reports.figures import Where, figure, figures_by, where_for
from skillaid.reports.models import Tally, TallyState
from skillaid.reports.tally import INDICATORS, indicator_records, tally_refresh
from tests.conftest import LONGAN, MASHAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_classes(run_class, school, lu, person_factory):
    a, b, c = (person_factory(category="脱贫户") for _ in range(3))
    first = run_class(lu, attended={a: 5, b: 5})
    second = run_class(lu, attended={c: 5})
    return first, second, (a, b, c)


def test_refresh_groups_completed_trainees_by_county_institution_and_month(two_classes):
    first, _second, _people = two_classes
    counts = tally_refresh(["trainings"])
    assert counts["trainings"] >= 1
    month = first.end_on.replace(day=1)
    row = Tally.objects.get(indicator="trainings", county_id=MASHAN, month=month)
    assert row.institution_id == first.institution_id
    assert row.value == Decimal(3)
    assert TallyState.objects.get(indicator="trainings").rows == counts["trainings"]


def test_figures_by_region_period_and_breakdowns(two_classes):
    first, _second, _people = two_classes
    tally_refresh()
    year = periods.year(first.end_on.year)
    assert figure("trainings", Where(region="45"), year) == 3
    assert figure("trainings", Where(region=LONGAN), year) == 0
    assert figure("trainings", Where(region="45"), periods.year(first.end_on.year - 1)) == 0
    assert figures_by("trainings", "city", Where(region="45"), year) == {"450100": 3}
    assert figures_by("trainings", "county", Where(region="45"), year) == {MASHAN: 3}
    by_month = figures_by("trainings", "month", Where(), year)
    assert by_month == {first.end_on.replace(day=1): 3}
    school = Where(region="45", institution_id=first.institution_id)
    assert figure("trainings", school, year) == 3


def test_drill_down_gives_exactly_the_counted_records(two_classes):
    first, _second, (a, b, c) = two_classes
    year = periods.year(first.end_on.year)
    records = indicator_records(
        INDICATORS["trainings"], region=MASHAN, start=year.start, end=year.end
    )
    assert sorted(records.values_list("person_id", flat=True)) == sorted([a.pk, b.pk, c.pk])
    none = indicator_records(INDICATORS["trainings"], region=LONGAN, start=year.start, end=year.end)
    assert not none.exists()
    city = indicator_records(INDICATORS["trainings"], region="4501", start=year.start, end=year.end)
    assert city.count() == 3  # the counties of 南宁市, as a range of codes


def test_where_for_keeps_a_viewer_in_scope(wei, huang, lu, liang, regions):
    assert where_for(wei) == Where(region=MASHAN)
    with pytest.raises(Http404):
        where_for(wei, region=LONGAN)
    assert where_for(liang, region=MASHAN).region == MASHAN
    officer = where_for(lu)
    assert officer.institution_id == lu.institution_id and officer.region == ""


def test_periods_parse_and_refuse_in_chinese():
    assert periods.parse("2026H1") == periods.half(2026, 1)
    assert periods.parse("2026Q3").end == dt.date(2026, 9, 30)
    assert periods.parse("2026-02").end == dt.date(2026, 2, 28)
    assert periods.parse("2021-2025").label == "2021—2025年"
    assert periods.parse("2026").months()[-1] == dt.date(2026, 12, 1)
    for bad in ("2026-13", "2026Q5", "abc", "2025-2021", ""):
        with pytest.raises(ValueError, match="统计期间"):
            periods.parse(bad)
    half = periods.half(2026, 1)
    assert half.elapsed(dt.date(2026, 1, 1)) == pytest.approx(1 / 181)
    assert half.elapsed(dt.date(2027, 1, 1)) == 1.0


def test_recent_refresh_rebuilds_only_the_recent_months(two_classes):
    first, _second, _people = two_classes
    tally_refresh()
    month = first.end_on.replace(day=1)
    # An older month's row the recent refresh must leave alone, whatever it holds.
    older = month - dt.timedelta(days=1)
    older = older.replace(day=1) - dt.timedelta(days=1)
    Tally.objects.create(
        indicator="trainings", county_id=MASHAN, month=older.replace(day=1), value=7
    )
    Tally.objects.filter(indicator="trainings", month=month).update(value=99)
    from skillaid.reports.tally import recent_since

    since = recent_since(first.end_on)
    assert since == (month - dt.timedelta(days=1)).replace(day=1)
    tally_refresh(["trainings"], since=since)
    assert Tally.objects.get(indicator="trainings", month=month).value == 3  # rebuilt
    assert Tally.objects.get(indicator="trainings", month=older.replace(day=1)).value == 7
    state = TallyState.objects.get(indicator="trainings")
    assert state.recent_at is not None and state.refreshed_at < state.recent_at
    tally_refresh(["trainings"])  # the full refresh drops what no record holds
    assert not Tally.objects.filter(indicator="trainings", month=older.replace(day=1)).exists()


def test_an_indicator_settled_months_later_is_left_to_the_full_refresh(regions):
    assert INDICATORS["employed_3m"].recent is False
    assert INDICATORS["employed_3m_measured"].recent is False
    assert INDICATORS["trainings"].recent is True
    Tally.objects.create(
        indicator="employed_3m", county_id=MASHAN, month=dt.date(2026, 2, 1), value=5
    )
    counts = tally_refresh(["employed_3m", "trainings"], since=dt.date(2026, 2, 1))
    assert "employed_3m" not in counts and "trainings" in counts
    assert Tally.objects.filter(indicator="employed_3m").count() == 1  # left alone
    tally_refresh(["employed_3m"])  # the full refresh: no records, no rows
    assert not Tally.objects.filter(indicator="employed_3m").exists()
