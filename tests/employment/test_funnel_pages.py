"""The funnel pages and API: each figure links to the people behind it with the same
filters; the drill-down pages and exports exactly those people, masked; the rates page;
who may read them."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import time_machine

from skillaid.accounts.models import Action, ApiToken, AuditEntry
from tests.conftest import MASHAN
from tests.employment import fixtures_followups
from tests.exports import export_rows

pytestmark = pytest.mark.django_db

funnel_data = fixtures_followups.funnel_data
PERIOD = "from=2026-01-01&until=2026-11-18"


@pytest.fixture(autouse=True)
def fixed_day(regions):
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_each_figure_links_to_exactly_its_people(client, wei, funnel_data):
    client.force_login(wei)
    page = client.get(f"/employment/funnel/?by=county&{PERIOD}").content.decode()
    assert "马山县" in page and "40.0%" in page
    links = re.findall(r'href="(/employment/funnel/people/\?[^"]+)">(\d+)</a>', page)
    assert links
    for href, shown in links:
        people = client.get(unescape(href)).content.decode()
        assert f"共 {shown} 人次" in people
    hired = next(unescape(h) for h, _ in links if "figure=hired" in h and f"key={MASHAN}" in h)
    listed = client.get(hired).content.decode()
    assert all(name in listed for name in ("蓝一", "蓝三", "蓝四"))
    assert "蓝二" not in listed and "蓝五" not in listed


def test_the_drill_down_exports_the_same_people_masked(client, wei, funnel_data):
    client.force_login(wei)
    response = client.get(
        f"/employment/funnel/people/?by=county&key={MASHAN}&figure=still&{PERIOD}&format=xlsx"
    )
    assert response.status_code == 200
    rows = export_rows(response)
    names = {r[0] for r in rows[2:]}
    assert names == {"蓝一", "蓝三"}
    assert all("*" in str(r[1]) for r in rows[2:])
    assert AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_the_rates_page_shows_measured_classes_only(client, liang, funnel_data):
    client.force_login(liang)
    page = client.get(f"/employment/funnel/rates/?{PERIOD}").content.decode()
    assert "家政服务员一班" in page and "40.0%" in page
    assert "隆安家政班" not in page
    assert "广西南宁技师学院" in page


def test_the_officer_reads_the_funnel_of_their_classes_only(client, lu, funnel_data):
    client.force_login(lu)
    page = client.get(f"/employment/funnel/?by=class&{PERIOD}").content.decode()
    assert "家政服务员一班" in page and "隆安家政班" not in page


def test_a_bad_date_is_said_next_to_its_field(client, wei):
    client.force_login(wei)
    page = client.get("/employment/funnel/?from=2026-02-30").content.decode()
    assert "结业日期起“2026-02-30”不是日期" in page


def test_the_api_gives_the_same_figures(client, wei, funnel_data):
    _, token = ApiToken.issue(user=wei, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get(f"/api/employment/funnel?by=county&{PERIOD}", **auth).json()
    assert [
        (r["key"], r["trained"], r["referred"], r["hired"], r["still"]) for r in body["rows"]
    ] == [(MASHAN, 6, 2, 3, 2)]
    assert body["total"]["rate"] == "40.0"
    bad = client.get("/api/employment/funnel?by=nothing", **auth)
    assert bad.status_code == 422 and "分组方式" in bad.json()["detail"]["by"]
