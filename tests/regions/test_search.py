"""Looking divisions up by name or code, on the page and over the API."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillaid.accounts.models import ApiToken
from skillaid.regions.selectors import SEARCH_LIMIT, search_regions


def test_a_clerk_finds_a_county_by_name_with_its_standing_and_sites(client, wei):
    client.force_login(wei)
    page = client.get(reverse("regions"), {"q": "马山"}).content.decode()
    table = page[page.index('id="regions"') :]
    assert "450124" in table and "广西壮族自治区南宁市" in table
    assert "国家乡村振兴重点帮扶县" in table or "自治区乡村振兴重点帮扶县" in table
    assert "马山县城区合作安置区" in table


def test_an_old_id_card_prefix_is_found_as_retired_with_its_history(client, wei):
    client.force_login(wei)
    page = client.get(reverse("regions"), {"q": "450127"}).content.decode()
    assert "横县" in page and "已撤销（2021年）" in page
    current = client.get(reverse("regions"), {"q": "450127", "current": "1"}).content.decode()
    assert "横县" not in current and "没有名称含“450127”或代码以它开头的区划" in current


def test_a_code_prefix_lists_the_divisions_below_it_by_level(regions):
    counties = search_regions("4501", level="county", current_only=True)
    assert counties and all(r.code.startswith("4501") and r.level == "county" for r in counties)
    assert [r.code for r in counties] == sorted(r.code for r in counties)
    assert "450124" in {r.code for r in counties}


def test_a_broad_search_stops_at_the_limit_in_a_fixed_number_of_queries(regions):
    with CaptureQueriesContext(connection) as queries:
        found = search_regions("县")
        names = [
            (r.parent.full_name if r.parent else "", list(r.resettlement_sites.all()))
            for r in found
        ]
    assert len(found) == SEARCH_LIMIT == len(names)
    assert len(queries) == 2  # the divisions with their parents, then their sites


def test_an_empty_search_lists_nothing_and_says_how_to_search(client, wei):
    client.force_login(wei)
    page = client.get(reverse("regions")).content.decode()
    assert 'id="regions"' not in page and "已撤销的旧代码也能查到" in page


def test_the_api_searches_the_same_way(client, wei):
    _, token = ApiToken.issue(user=wei, name="lookup")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    every = client.get("/api/regions", {"q": "融水", "level": "county"}, **auth).json()
    # 融水 had a code under the former 柳州地区 (4522) before it joined 柳州市.
    assert [(r["code"], r["is_current"]) for r in every] == [("450225", True), ("452229", False)]
    rows = client.get(
        "/api/regions", {"q": "融水", "level": "county", "current": "true"}, **auth
    ).json()
    assert [r["code"] for r in rows] == ["450225"]
    assert rows[0]["key_county_category"] == "national" and rows[0]["parent_code"] == "450200"
    assert rows[0]["full_name"] == "广西壮族自治区柳州市融水苗族自治县"
    old = client.get("/api/regions", {"q": "450127"}, **auth).json()
    assert old[0]["is_current"] is False and old[0]["valid_to"] == 2021
    assert client.get("/api/regions", {"q": "马山"}).status_code == 401
