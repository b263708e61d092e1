"""Each listed model's page, API and export come from one selector with one set of filters,
so for the same filters they hold the same rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db.models import Q

from skillaid.accounts.models import ApiToken
from skillaid.catalogue.models import DemandEntry, Occupation
from skillaid.evaluation.models import Certificate
from skillaid.institutions.models import Capacity, Institution
from skillaid.pairings.models import Pairing
from tests.conftest import LONGAN, MASHAN, NANNING
from tests.exports import export_rows


@pytest.fixture
def fetch(client):
    """(page rows, API rows, export rows) for a user and the same query on all three."""

    def get(user, page: str, api: str, export: str, query: dict, *, page_rows, api_key, col):
        client.force_login(user)
        q = urlencode(query)
        on_page = page_rows(client.get(f"{page}?{q}").context)
        _, token = ApiToken.issue(user=user, name="lists")
        answer = client.get(f"{api}?{q}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert answer.status_code == 200, answer.content
        body = answer.json()
        items = body["items"] if isinstance(body, dict) else body
        on_api = [api_key(i) for i in items]
        # The export's first two rows are its title and its headers.
        exported = [col(r) for r in export_rows(client.get(f"{export}?{q}"))[2:]]
        return on_page, on_api, exported

    return get


def test_the_ledger_page_api_and_export_agree(fetch, person_factory, liang):
    for name, county, training in (
        ("甲一", MASHAN, True),
        ("甲二", MASHAN, True),
        ("甲三", MASHAN, False),
        ("甲四", LONGAN, True),
    ):
        person_factory(county=county, name=name, wants_training=training)
    page, api, export = fetch(
        liang,
        "/ledger/",
        "/api/people",
        "/ledger/export.xlsx",
        {"region": MASHAN, "intent": "training", "q": "甲", "sort": "name"},
        page_rows=lambda ctx: [p.name for p in ctx["page"].object_list],
        api_key=lambda i: i["name"],
        col=lambda r: r[1],
    )
    assert page == api == export
    assert sorted(page) == ["甲一", "甲二"]


def test_the_institution_page_api_and_export_agree(fetch, regions, qin):
    for name, kind, status in (
        ("南宁第一技工学校", "technical_school", "listed"),
        ("南宁第二技工学校", "technical_school", "pending"),
        ("南宁第三培训中心", "private_provider", "listed"),
        ("柳州第一技工学校", "technical_school", "listed"),
    ):
        Institution.objects.create(name=name, kind=kind, status=status, region_id=NANNING)
    page, api, export = fetch(
        qin,
        "/institutions/",
        "/api/institutions",
        "/institutions/export.xlsx",
        {"q": "南宁", "kind": "technical_school", "status": "listed"},
        page_rows=lambda ctx: [i.name for i in ctx["page"].object_list],
        api_key=lambda i: i["name"],
        col=lambda r: r[0],
    )
    assert page == api == export == ["南宁第一技工学校"]


def test_the_capacity_page_api_and_export_agree(fetch, regions, liang):
    for name, kind, year in (
        ("马山壮锦工作室", "master_studio", 2024),
        ("马山竹编工作室", "master_studio", 2025),
        ("马山实训基地", "public_base", 2024),
    ):
        Capacity.objects.create(name=name, kind=kind, year=year, region_id=MASHAN, master="韦师傅")
    page, api, export = fetch(
        liang,
        "/capacity/",
        "/api/capacity",
        "/capacity/export.xlsx",
        {"kind": "master_studio", "year": "2024", "q": "马山"},
        page_rows=lambda ctx: [c.name for c in ctx["page"].object_list],
        api_key=lambda i: i["name"],
        col=lambda r: r[1],
    )
    assert page == api == export == ["马山壮锦工作室"]


def test_the_pairing_page_api_and_export_agree(fetch, pairings, liang):
    expected = list(
        Pairing.objects.filter(Q(county_id=MASHAN) | Q(site__county_id=MASHAN)).values_list(
            "school__name", flat=True
        )
    )
    assert expected
    page, api, export = fetch(
        liang,
        "/pairings/",
        "/api/pairings",
        "/pairings/export.xlsx",
        {"region": MASHAN, "status": "active"},
        page_rows=lambda ctx: [p.school.name for _, ps in ctx["cities"] for p in ps],
        api_key=lambda i: i["school"],
        col=lambda r: r[4],
    )
    assert page == api == export
    assert sorted(page) == sorted(expected)


def test_the_catalogue_page_api_and_export_agree(fetch, regions, wei):
    weaving = Occupation.objects.create(code="6-04-02-01", name="壮锦织造工", urgent=True)
    cooking = Occupation.objects.create(code="4-03-02-01", name="中式烹调师", urgent=False)
    for occupation, level, since in (
        (weaving, "5", dt.date(2024, 1, 1)),
        (weaving, "4", dt.date(2024, 1, 1)),
        (cooking, "5", dt.date(2024, 1, 1)),
    ):
        DemandEntry.objects.create(
            occupation=occupation,
            training_kind="employment",
            level=level,
            standard_hours=80,
            subsidy=Decimal("1200"),
            region_id="450000",
            valid_from=since,
        )
    page, api, export = fetch(
        wei,
        "/catalogue/",
        "/api/catalogue",
        "/catalogue/export.xlsx",
        {"q": "织造", "urgent": "1", "current": "1"},
        page_rows=lambda ctx: [(e.occupation.name, e.level) for e in ctx["page"].object_list],
        api_key=lambda i: (i["name"], i["level"]),
        col=lambda r: (r[1], {"五级/初级工": "5", "四级/中级工": "4"}[r[3]]),
    )
    assert page == api == export
    assert sorted(page) == [("壮锦织造工", "4"), ("壮锦织造工", "5")]


def test_the_certificate_page_api_and_export_agree(fetch, person_factory, wei):
    mine = person_factory(county=MASHAN, name="蓝一")
    other = person_factory(county=MASHAN, name="黄二")
    outside = person_factory(county=LONGAN, name="蓝三")
    for number, person, kind in (
        ("C-001", mine, "skill_level"),
        ("C-002", mine, "training"),
        ("C-003", other, "skill_level"),
        ("C-004", outside, "skill_level"),
    ):
        Certificate.objects.create(
            number=number,
            kind=kind,
            person=person,
            holder_name=person.name,
            occupation_name="中式烹调师",
            level="5",
            issuer="马山县职业技能鉴定所",
            issued_on=dt.date(2025, 3, 1),
            source="imported",
        )
    page, api, export = fetch(
        wei,
        "/certificates/",
        "/api/certificates",
        "/certificates/export.xlsx",
        {"q": "蓝", "kind": "skill_level"},
        page_rows=lambda ctx: [c.number for c in ctx["page"].object_list],
        api_key=lambda i: i["number"],
        col=lambda r: r[0],
    )
    assert page == api == export == ["C-001"]


def test_the_class_page_api_and_export_agree(fetch, lu, school, class_factory):
    class_factory(lu, name="壮锦织造培训班一期", approve=False)
    class_factory(lu, name="壮锦织造培训班二期")
    class_factory(lu, name="中式烹调培训班")
    page, api, export = fetch(
        lu,
        "/classes/",
        "/api/classes",
        "/classes/export.xlsx",
        {"q": "壮锦", "status": "approved"},
        page_rows=lambda ctx: [c.name for c in ctx["page"].object_list],
        api_key=lambda i: i["name"],
        col=lambda r: r[0],
    )
    assert page == api == export == ["壮锦织造培训班二期"]


def test_the_ledger_page_and_api_page_alike(client, person_factory, liang, settings):
    """Followed page by page, by the page's links and the API's `next`, both give the same
    people in the same pages."""
    settings.SKILLAID_PAGE_SIZE = 2
    for name, county in (
        ("甲一", MASHAN),
        ("乙二", MASHAN),
        ("甲三", MASHAN),
        ("丙四", MASHAN),
        ("甲五", MASHAN),
        ("甲六", LONGAN),
    ):
        person_factory(county=county, name=name)
    query = {"region": MASHAN, "sort": "-name"}
    client.force_login(liang)
    on_page, cursor = [], ""
    while True:
        page = client.get("/ledger/", {**query, "cursor": cursor}).context["page"]
        on_page.append([p.name for p in page])
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    _, token = ApiToken.issue(user=liang, name="lists")
    on_api, cursor = [], ""
    while True:
        body = client.get(
            "/api/people",
            {**query, "limit": 2, "cursor": cursor},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ).json()
        on_api.append([i["name"] for i in body["items"]])
        if not body["next"]:
            break
        cursor = body["next"]
    assert on_page == on_api
    assert [len(p) for p in on_page] == [2, 2, 1]
    assert sorted(n for p in on_page for n in p) == sorted(["甲一", "乙二", "甲三", "丙四", "甲五"])


def test_the_policy_rule_page_api_and_export_agree(fetch, regions, wei):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    page, api, export = fetch(
        wei,
        "/policies/",
        "/api/policy-rules",
        "/policies/export.xlsx",
        {"kind": "limit", "region": MASHAN, "on": "2025-01-01"},
        page_rows=lambda ctx: [r.code for r in ctx["page"].object_list],
        api_key=lambda i: i["code"],
        col=lambda r: r[0],
    )
    assert page == api == export
    # Shenzhen's own limit is not a Mashan rule; the nationwide limits are.
    assert "sz-limit-living-allowance-per-year" not in page and "limit-three-per-year" in page
