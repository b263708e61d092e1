"""The placements pages and API: an agency reports and sees only its own, the county clerk
confirms and sees the subsidy line (or why none), the county's agency claims, the export."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from skillaid.accounts.models import ApiToken
from skillaid.employment.models import Placement
from skillaid.subsidies.agency import NO_RULE
from tests.employment.fixtures_placements import *  # noqa: F403
from tests.employment.fixtures_placements import agency_rule, confirm, report

pytestmark = pytest.mark.django_db


def form(person, employer, **extra):
    return {
        "id_number": person.id_number,
        "name": person.name,
        "employer_uscc": employer.uscc,
        "job": "包装工",
        "contract_start": "2026-03-01",
        "contract_end": "2026-12-31",
        "insured_months": "3",
        "insured_until": "2026-05-31",
        **extra,
    }


def test_an_agency_reports_on_the_page_and_the_clerk_confirms(
    today, rules, agent, firm, worker, mo, client
):
    agency_rule()
    client.force_login(agent.user)
    page = client.get("/employment/placements/new/")
    assert page.status_code == 200 and "agency_uscc" not in page.content.decode()
    bad = client.post("/employment/placements/new/", form(worker, firm, name="别人"))
    assert "未找到该人员或姓名与身份证号不符" in bad.content.decode()
    done = client.post("/employment/placements/new/", form(worker, firm))
    p = Placement.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/employment/placements/{p.pk}/"
    detail = client.get(done["Location"]).content.decode()
    assert "待人员所在县（区）人社部门核实" in detail and 'id="confirm-form"' not in detail
    assert client.get("/employment/placements/").status_code == 200
    client.force_login(mo)
    page = client.get(f"/employment/placements/{p.pk}/").content.decode()
    assert 'id="confirm-form"' in page
    after = client.post(
        f"/employment/placements/{p.pk}/",
        {"action": "confirm", "on": "2026-09-15", "means": "insurance", "insured_months": "3"},
        follow=True,
    ).content.decode()
    assert "800.00" in after and 'id="subsidy-claim"' in after
    claims = client.get("/employment/agency-claims/").content.decode()
    assert agent.name in claims and "2026年09月" in claims
    client.force_login(agent.user)
    mine = client.get(f"/employment/placements/{p.pk}/").content.decode()
    assert "应发" in mine and 'id="subsidy-claim"' not in mine


def test_without_a_rule_the_page_says_who_must_set_it(
    today, rules, agent, firm, worker, mo, client
):
    p, _ = confirm(mo, report(agent.user, worker, firm))
    client.force_login(mo)
    assert NO_RULE in client.get(f"/employment/placements/{p.pk}/").content.decode()


def test_a_short_insurance_is_named_on_the_page(today, rules, agent, firm, worker, mo, client):
    agency_rule()
    p, _ = confirm(mo, report(agent.user, worker, firm), months=2)
    client.force_login(agent.user)
    assert "不足3个月（差1个月" in client.get(f"/employment/placements/{p.pk}/").content.decode()


def test_an_agency_cannot_open_another_agencys_placement(
    today, rules, agent, other_agent, firm, worker, client
):
    p = report(agent.user, worker, firm)
    client.force_login(other_agent.user)
    assert client.get(f"/employment/placements/{p.pk}/").status_code == 404
    assert worker.name not in client.get("/employment/placements/").content.decode()
    # Pages not opened to outside accounts stay shut.
    assert client.get("/employment/agency-claims/").status_code in (302, 403, 404)


def test_the_reporting_clerk_is_told_someone_else_confirms(today, rules, wei, firm, worker, client):
    p = report(wei, worker, firm)
    client.force_login(wei)
    page = client.get(f"/employment/placements/{p.pk}/").content.decode()
    assert 'id="own-report"' in page and 'id="confirm-form"' not in page


def test_the_export_is_the_filtered_list(today, rules, agent, firm, worker, wei, client):
    report(agent.user, worker, firm)
    client.force_login(wei)
    response = client.get("/employment/placements/export/?confirmed=0")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    rows = book.get_sheet_by_index(0).to_python()
    assert any(worker.name in [str(c) for c in row] for row in rows)


def bearer(user) -> dict:
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_api_reports_confirms_and_ends(today, rules, firm, worker, wei, mo, huang, client):
    """The county clerks' API (outside accounts get no API token): 韦丽 reports, 莫云 confirms."""
    agency_rule()
    body = form(worker, firm)
    body["insured_months"] = 3
    made = client.post(
        "/api/employment/placements", body, content_type="application/json", **bearer(wei)
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["subsidy"]["reasons"]
    listed = client.get("/api/employment/placements?confirmed=0", **bearer(wei)).json()
    assert [p["id"] for p in listed] == [pk]
    assert client.get(f"/api/employment/placements/{pk}", **bearer(huang)).status_code == 404
    refused = client.post(
        f"/api/employment/placements/{pk}/confirm",
        {"on": "2026-09-15", "means": "insurance"},
        content_type="application/json",
        **bearer(wei),
    )
    assert refused.status_code == 403 and "登记人不能核实" in refused.json()["detail"]
    done = client.post(
        f"/api/employment/placements/{pk}/confirm",
        {"on": "2026-09-15", "means": "insurance"},
        content_type="application/json",
        **bearer(mo),
    )
    assert done.status_code == 200 and done.json()["confirmed_on"] == "2026-09-15"
    assert done.json()["subsidy"]["reasons"]  # no agency: no subsidy
    ended = client.post(
        f"/api/employment/placements/{pk}/end",
        {"ended_on": "2026-09-12"},
        content_type="application/json",
        **bearer(mo),
    )
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2026-09-12"
