"""The postings API round trip under /api/employment/: post, read, list with the page's
filters, change, close; refusals are 422s naming the field in Chinese, another region's
posting is a 403 to change, a missing one a 404; fairs."""

from __future__ import annotations

import pytest
import time_machine

from skillaid.accounts.models import ApiToken
from skillaid.employment.models import Posting
from tests.conftest import MASHAN
from tests.employment import factories
from tests.employment.fixtures_postings import NOW, catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day(regions):
    catalogue()
    with time_machine.travel(NOW, tick=False):
        yield


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def body(unit, **extra) -> dict:  # noqa: ANN001
    data = {
        "employer": unit.uscc,
        "title": "维修电工",
        "occupation": "电工",
        "region": "南宁市马山县",
        "wage_min": "3500",
        "wage_max": "5000.50",
        "places": 3,
        "valid_from": "2026-03-01",
        "valid_until": "2026-12-31",
        "campaign": "春风行动",
    }
    data.update(extra)
    return data


def test_a_posting_round_trip(client, wei):
    food = factories.employer("马山县壮乡食品厂", region=MASHAN)
    auth = bearer(wei)
    created = client.post(
        "/api/employment/postings", body(food), content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    posting = created.json()
    assert posting["employer_name"] == "马山县壮乡食品厂" and posting["region"] == MASHAN
    assert posting["wage_max"] == "5000.50" and posting["campaign"] == "spring_breeze"
    pk = posting["id"]
    assert client.get(f"/api/employment/postings/{pk}", **auth).json()["title"] == "维修电工"
    listed = client.get("/api/employment/postings?open=1&campaign=spring_breeze", **auth).json()
    assert [p["id"] for p in listed] == [pk]
    assert client.get("/api/employment/postings?campaign=gig", **auth).json() == []
    changed = client.patch(
        f"/api/employment/postings/{pk}",
        {"places": 8, "requirements": "持证上岗"},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["places"] == 8
    assert changed.json()["title"] == "维修电工"
    closed = client.post(
        f"/api/employment/postings/{pk}/close",
        {"on": "2026-04-15"},
        content_type="application/json",
        **auth,
    )
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-04-15"
    assert client.get("/api/employment/postings?open=1", **auth).json() == []
    again = client.post(
        f"/api/employment/postings/{pk}/close",
        {"on": "2026-04-16"},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 422 and "停止招聘" in again.json()["detail"]["on"]


def test_refusals_are_422_naming_the_field(client, wei):
    food = factories.employer("马山县壮乡食品厂", region=MASHAN)
    response = client.post(
        "/api/employment/postings",
        body(food, occupation="不存在的工种", wage_max="100", employer=factories.uscc_new()),
        content_type="application/json",
        **bearer(wei),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "不在职业目录中" in detail["occupation"]
    assert "不能低于月薪下限" in detail["wage_max"]
    assert "尚未登记" in detail["employer"]
    assert not Posting.objects.exists()


def test_another_regions_posting_is_403_to_change_and_a_missing_one_404(client, wei, huang):
    food = factories.employer("马山县壮乡食品厂", region=MASHAN)
    pk = client.post(
        "/api/employment/postings", body(food), content_type="application/json", **bearer(wei)
    ).json()["id"]
    auth = bearer(huang)
    assert client.get(f"/api/employment/postings/{pk}", **auth).status_code == 200
    response = client.patch(
        f"/api/employment/postings/{pk}", {"places": 1}, content_type="application/json", **auth
    )
    assert response.status_code == 403 and "不是本单位或本地区的岗位" in response.json()["detail"]
    assert client.get("/api/employment/postings/999999", **auth).status_code == 404


def test_fairs_are_listed_and_registered(client, wei, huang):
    auth = bearer(wei)
    created = client.post(
        "/api/employment/fairs",
        {
            "name": "马山县金秋招聘会",
            "campaign": "金秋招聘月",
            "region": MASHAN,
            "held_on": "2026-09-20",
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201 and created.json()["campaign"] == "autumn"
    assert [f["name"] for f in client.get("/api/employment/fairs", **auth).json()] == [
        "马山县金秋招聘会"
    ]
    outside = client.post(
        "/api/employment/fairs",
        {"name": "马山县另一场", "region": MASHAN, "held_on": "2026-09-21"},
        content_type="application/json",
        **bearer(huang),
    )
    assert outside.status_code == 422 and "不在您的管辖范围内" in outside.json()["detail"]["region"]
