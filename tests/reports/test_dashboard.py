"""The dashboard and the records behind its numbers: within the viewer's scope, the list
equal to the figure, whole ID numbers never shown, charts' data, odd queries answered in
Chinese (never a 500)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from skillaid.accounts.models import Action, AuditEntry
from skillaid.reports import tally
from skillaid.reports.models import Target
from skillaid.reports.tally import Indicator, tally_refresh
from tests.conftest import GUANGXI, LONGAN, MASHAN, NANNING
from tests.exports import export_rows

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")
PEOPLE = reverse("figure_people")
BUILT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
TODAY = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)  # 2026-07-01 in China: half the year gone


def closed_class(institution, county: str, people, *, occupation, end_on=dt.date(2026, 3, 14)):  # noqa: ANN001, ANN201
    """A subsidised class already closed with `people` completed, written directly: the
    dashboard only reads what the training pages leave behind (run_class makes the same
    through those pages, more slowly)."""
    from skillaid.regions.models import Region
    from skillaid.training.models import ClassStatus, Completion, Enrolment, TrainingClass

    c = TrainingClass.objects.create(
        institution=institution,
        name=f"{Region.objects.get(code=county).name}家政服务员培训班",
        occupation=occupation,
        level="5",
        training_kind="employment",
        subsidised=True,
        county_id=county,
        start_on=end_on - dt.timedelta(days=4),
        end_on=end_on,
        planned_size=30,
        status=ClassStatus.CLOSED,
    )
    for person in people:
        Enrolment.objects.create(training_class=c, person=person, completion=Completion.COMPLETED)
    return c


@pytest.fixture
def trained(rival, lu, occupation, person_factory):
    """Two people of 马山县 trained by 广西南宁技师学院 in 马山县, and one of 隆安县 by the
    隆安县 centre in 隆安县, all finishing in March 2026."""
    a = person_factory(name="韦小红", category="脱贫户")
    b = person_factory(name="蓝小明", category="脱贫户")
    c = person_factory(county=LONGAN, name="黄小丽", category="脱贫户")
    mashan = closed_class(lu.institution, MASHAN, [a, b], occupation=occupation)
    longan = closed_class(rival.institution, LONGAN, [c], occupation=occupation)
    tally_refresh()
    return {"a": a, "b": b, "c": c, "mashan": mashan, "longan": longan}


@pytest.fixture
def run_for_real(run_class, school, rival, lu, huang, person_factory):
    """The same as `trained`, run through the training pages' services (sign-in by code,
    completion, close)."""
    with time_machine.travel(BUILT, tick=False):
        a = person_factory(name="韦小红", category="脱贫户")
        b = person_factory(name="蓝小明", category="脱贫户")
        c = person_factory(county=LONGAN, name="黄小丽", category="脱贫户")
        mashan = run_class(lu, attended={a: 5, b: 5})
        longan = run_class(rival, attended={c: 5}, county=LONGAN, reviewer=huang)
    tally_refresh()
    return {"a": a, "b": b, "c": c, "mashan": mashan, "longan": longan}


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def login(client, user) -> None:  # noqa: ANN001
    client.force_login(user)


def chart_data(response) -> dict:  # noqa: ANN001
    html = response.content.decode()
    start = html.index('id="dashboard-data"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_province_dashboard_shows_cities_trend_and_links(client, qin, trained, today):
    login(client, qin)
    response = client.get(DASHBOARD, {"period": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "echarts-5.6.0.min.js" in html and "cdn" not in html.lower()
    data = chart_data(response)
    assert data["trend"]["months"][2] == "2026-03"
    assert data["trend"]["values"][2] == 3.0 and sum(data["trend"]["values"]) == 3.0
    nanning = next(c for c in data["children"] if c["name"] == "南宁市")
    assert nanning["value"] == 3.0
    # The chart of the cities: the largest first (the table keeps the divisions' order).
    values = [c["value"] or 0 for c in data["children"]]
    assert values == sorted(values, reverse=True) and data["children"][0] == nanning
    assert 'id="chart-children"' in html
    assert f"region={NANNING}" in nanning["url"]
    # Every figure links to its people with the same filters.
    assert f'{PEOPLE}?indicator=trainings&amp;period=2026"' in html
    assert f"{PEOPLE}?indicator=trainings&amp;region={NANNING}&amp;period=2026" in html


def test_drill_down_from_city_to_county_to_school(client, qin, trained, today):
    login(client, qin)
    city = chart_data(client.get(DASHBOARD, {"region": NANNING, "period": "2026"}))
    names = {c["name"]: c for c in city["children"]}
    assert names["马山县"]["value"] == 2.0 and names["隆安县"]["value"] == 1.0
    county = client.get(DASHBOARD, {"region": MASHAN, "period": "2026"})
    schools = chart_data(county)["children"]
    school_id = trained["mashan"].institution_id
    assert [s["name"] for s in schools] == ["广西南宁技师学院"]
    assert f"institution={school_id}" in schools[0]["url"]
    school = client.get(DASHBOARD, {"region": MASHAN, "institution": school_id, "period": "2026"})
    assert school.status_code == 200
    assert "广西南宁技师学院" in school.content.decode()


def test_people_list_count_equals_the_figure(client, qin, run_for_real, today):
    login(client, qin)
    for region, expected in ((GUANGXI, 3), (NANNING, 3), (MASHAN, 2), (LONGAN, 1)):
        response = client.get(PEOPLE, {"region": region, "period": "2026"})
        assert response.status_code == 200
        assert response.context["value"] == expected
        assert response.context["listed"] == expected
        assert len(response.context["rows"]) == expected


def test_county_clerk_cannot_drill_into_another_county(client, wei, trained, today):
    login(client, wei)
    assert client.get(DASHBOARD, {"region": LONGAN}).status_code == 404
    assert client.get(PEOPLE, {"region": LONGAN}).status_code == 404
    assert client.get(DASHBOARD, {"region": GUANGXI}).status_code == 404
    response = client.get(PEOPLE, {"period": "2026"})
    names = {r["person"].name for r in response.context["rows"]}
    assert names == {"韦小红", "蓝小明"}
    # A school drilled into from the clerk's own county still lists only the county's people.
    school = trained["longan"].institution_id
    listed = client.get(PEOPLE, {"period": "2026", "institution": school})
    assert listed.context["rows"] == []


def test_school_officer_sees_only_their_own_school(client, lu, trained, today):
    login(client, lu)
    response = client.get(DASHBOARD, {"period": "2026"})
    assert response.status_code == 200
    card = next(c for c in response.context["cards"] if c["ind"].code == "trainings")
    assert card["value"] == 2
    other = trained["longan"].institution_id
    assert client.get(DASHBOARD, {"institution": other}).status_code == 404
    assert client.get(PEOPLE, {"institution": other}).status_code == 404
    people = client.get(PEOPLE, {"period": "2026"})
    assert {r["person"].name for r in people.context["rows"]} == {"韦小红", "蓝小明"}
    # A school officer never opens a ledger record.
    assert not any(r["person_link"] for r in people.context["rows"])
    assert 'href="/people/' not in people.content.decode()


def test_whole_id_numbers_never_appear(client, qin, wei, trained, today):
    for user in (qin, wei):
        login(client, user)
        for url in (DASHBOARD, PEOPLE):
            html = client.get(url, {"period": "2026"}).content.decode()
            for person in (trained["a"], trained["b"], trained["c"]):
                assert person.id_number not in html
        html = client.get(PEOPLE, {"period": "2026"}).content.decode()
        assert trained["a"].id_masked in html
        assert f'href="/people/{trained["a"].pk}/"' in html


def test_export_lists_the_people_masked_and_is_audited(client, qin, trained, today):
    login(client, qin)
    response = client.get(PEOPLE, {"region": MASHAN, "period": "2026", "format": "xlsx"})
    assert response.status_code == 200
    table = export_rows(response)
    assert sorted(r[0] for r in table[2:]) == ["蓝小明", "韦小红"]
    text = repr(table)
    assert trained["a"].id_number not in text and trained["a"].id_masked in text
    entry = AuditEntry.objects.filter(action=Action.EXPORT).latest("pk")
    assert entry.actor == qin and entry.changes["rows"] == [None, 2]


ODD = [
    ({"indicator": "nope"}, 400, "没有统计指标"),
    ({"period": "2026-13"}, 400, "统计期间"),
    ({"period": "²"}, 400, "统计期间"),
    ({"region": "²"}, 404, ""),
    ({"region": "999999"}, 404, ""),
    ({"region": "45012"}, 404, ""),
    ({"institution": "99999999999999999999999"}, 404, ""),
    ({"institution": "9223372036854775807"}, 404, ""),
    ({"institution": "-1"}, 404, ""),
    ({"institution": "²"}, 404, ""),
    ({"cursor": "garbage"}, 200, ""),
    ({"page": "99999999999999999999"}, 200, ""),
]


def test_odd_queries_are_answered_never_a_500(client, qin, trained, today):
    login(client, qin)
    for query, status, words in ODD:
        for url in (DASHBOARD, PEOPLE):
            response = client.get(url, query)
            assert response.status_code == status, (url, query)
            if words:
                assert words in response.content.decode()


def test_pages_need_figures_read(client, regions, trained, today):
    from tests.conftest import make_user

    person = make_user("someone", "person", None)
    client.force_login(person)
    assert client.get(DASHBOARD).status_code in (302, 403, 404)
    client.logout()
    assert client.get(DASHBOARD).status_code == 302


def test_children_coloured_by_their_split_target_or_an_even_share(client, qin, trained, today):
    parent = Target.objects.create(
        plan="测试",
        source="测试",
        title="补贴性职业技能培训",
        indicator="trainings",
        region_id=GUANGXI,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        value=Decimal(20),
        unit="人次",
        kind="at_least",
    )
    Target.objects.create(
        plan="测试",
        source="测试",
        title="补贴性职业技能培训",
        indicator="trainings",
        region_id=NANNING,
        parent=parent,
        period_start=parent.period_start,
        period_end=parent.period_end,
        value=Decimal(4),
        unit="人次",
        kind="at_least",
    )
    login(client, qin)
    response = client.get(DASHBOARD, {"period": "2026"})
    children = {c.name: c for c in response.context["children"]}
    # 南宁市: 3 of a split target of 4, half the year gone (2 expected): on pace.
    assert children["南宁市"].level == "ok" and children["南宁市"].percent == Decimal("75.0")
    # 柳州市: no split, an even share of 20 over the cities, nothing done: behind.
    assert children["柳州市"].level == "behind"
    progress = response.context["progress"]
    assert len(progress) == 1 and progress[0]["p"].actual == 3
    data = chart_data(response)
    assert data["progress"][0]["percent"] == 15.0
    assert data["progress"][0]["expected"] == pytest.approx(50.0, abs=0.5)
    html = response.content.decode()
    assert "不着色" in html and "落后" in html


def test_a_ratio_drills_into_its_numerator_and_denominator(
    client, qin, trained, today, monkeypatch
):
    ratio = Indicator(
        code="test_ratio",
        name="测试比率",
        unit="个/人",
        counts="证书数除以培训人次",
        ratio=("certificates", "trainings"),
    )
    monkeypatch.setitem(tally.INDICATORS, "test_ratio", ratio)
    login(client, qin)
    response = client.get(PEOPLE, {"indicator": "test_ratio", "period": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "indicator=certificates" in html and "indicator=trainings" in html
    assert client.get(DASHBOARD, {"indicator": "test_ratio", "period": "2026"}).status_code == 200


def test_menu_shows_the_dashboard_to_those_who_read_figures(client, qin, trained, today):
    login(client, qin)
    assert 'id="nav-dashboard"' in client.get(DASHBOARD).content.decode()


def test_an_indicator_without_people_lists_its_records_and_sums_add_up(
    client, qin, trained, today, monkeypatch
):
    from skillaid.training.models import TrainingClass

    places = Indicator(
        code="test_places",
        name="测试计划培训名额",
        unit="个",
        counts="培训班的计划人数",
        records=lambda: TrainingClass.objects.all(),
        county="county__code",
        day="end_on",
        institution="institution_id",
        amount="planned_size",
    )
    monkeypatch.setitem(tally.INDICATORS, "test_places", places)
    tally_refresh(["test_places"])
    login(client, qin)
    response = client.get(PEOPLE, {"indicator": "test_places", "period": "2026"})
    assert response.status_code == 200
    assert response.context["value"] == 60 and response.context["listed"] == 60
    html = response.content.decode()
    assert "马山县家政服务员培训班" in html and "<th>姓名</th>" not in html
    exported = export_rows(
        client.get(PEOPLE, {"indicator": "test_places", "period": "2026", "format": "xlsx"})
    )
    assert sorted(r[-1] for r in exported[2:]) == [30, 30]


def test_city_reviewer_starts_at_their_city_and_a_school_spans_its_counties(
    client, liang, trained, today
):
    login(client, liang)
    response = client.get(DASHBOARD, {"period": "2026"})
    assert [name for name, _url in response.context["place"].crumbs] == ["南宁市"]
    children = {c.name: c.value for c in response.context["children"]}
    assert children["马山县"] == 2 and children["隆安县"] == 1
    assert client.get(DASHBOARD, {"region": "450200"}).status_code == 404
    # A school within the city as a whole: the counties it trained in.
    school = trained["mashan"].institution_id
    whole = client.get(DASHBOARD, {"region": NANNING, "institution": school, "period": "2026"})
    assert [(c.name, c.value) for c in whole.context["children"]] == [("马山县", 2)]
    listed = client.get(PEOPLE, {"region": NANNING, "institution": school, "period": "2026"})
    assert listed.context["value"] == 2 and listed.context["listed"] == 2


def test_the_dashboard_reads_figures_not_people(
    client, qin, trained, today, occupation, person_factory
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, qin)

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(DASHBOARD, {"period": "2026"}).status_code == 200
        return [q["sql"] for q in seen.captured_queries]

    before = queries()
    more = [person_factory(county=LONGAN, name="农小军") for _ in range(5)]
    closed_class(trained["longan"].institution, LONGAN, more, occupation=occupation)
    tally_refresh()
    after = queries()
    assert len(after) == len(before)
    for sql in after:
        assert "people_person" not in sql and "training_enrolment" not in sql
