import datetime as dt
import json

from skillaid.accounts.models import ApiToken
from skillaid.lib.uscc import make_code
from skillaid.pairings.models import Pairing
from tests.conftest import LONGAN, MASHAN


def auth(user):
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, url, data, headers, method="post"):
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", **headers
    )


def test_institutions_through_the_api_with_the_same_checks(client, regions, wei):
    headers = auth(wei)
    bad = post(
        client,
        "/api/institutions",
        {
            "name": "马山县阳光职业培训学校",
            "kind": "private_provider",
            "region": MASHAN,
            "uscc": "91450124MA5K00001X",
        },
        headers,
    )
    assert bad.status_code == 422 and "校验位错误" in bad.json()["detail"]["uscc"]
    good = post(
        client,
        "/api/institutions",
        {
            "name": "马山县阳光职业培训学校",
            "kind": "private_provider",
            "region": MASHAN,
            "uscc": make_code("52450124MJ0000001"),
        },
        headers,
    )
    assert good.status_code == 201 and good.json()["status"] == "pending"
    pk = good.json()["id"]
    patched = post(
        client, f"/api/institutions/{pk}", {"phone": "0771-6812345"}, headers, method="patch"
    )
    assert patched.status_code == 200 and patched.json()["phone"] == "0771-6812345"
    outside = post(
        client,
        "/api/institutions",
        {"name": "隆安某校", "kind": "private_provider", "region": LONGAN},
        headers,
    )
    assert outside.status_code == 422 and "管辖范围" in outside.json()["detail"]["region"]


def test_pairings_and_plans_through_the_api(client, pairings, lu, huang):
    mashan = Pairing.objects.get(county_id=MASHAN)
    listed = client.get("/api/pairings", **auth(lu)).json()
    assert {p["partner"] for p in listed} >= {"马山县", "隆安县"} and all(
        p["school_id"] == lu.institution_id for p in listed
    )
    assert client.get(f"/api/pairings/{mashan.pk}", **auth(huang)).status_code == 404
    plan = {
        "year": dt.date.today().year,
        "planned_enrolments": 5,
        "items": [{"occupation": "电工", "month": 6, "trainees": 20}],
    }
    assert (
        post(
            client, f"/api/pairings/{mashan.pk}/plans", plan, auth(huang), method="put"
        ).status_code
        == 404
    )
    filed = post(client, f"/api/pairings/{mashan.pk}/plans", plan, auth(lu), method="put")
    assert filed.status_code == 200 and filed.json()["plans"][0]["planned_trainees"] == 20


def test_catalogue_and_capacity_through_the_api(client, regions, qin, wei):
    entry = {
        "code": "4-10-01-01",
        "name": "育婴员",
        "training_kind": "employment",
        "level": "5",
        "standard_hours": 120,
        "subsidy": "1200",
        "region": "450000",
        "valid_from": "2024-01-01",
    }
    assert post(client, "/api/catalogue", entry, auth(wei)).status_code == 403
    created = post(client, "/api/catalogue", entry, auth(qin))
    assert created.status_code == 201 and created.json()["subsidy"] == "1200.00"
    assert post(client, "/api/catalogue", entry, auth(qin)).status_code == 200
    assert len(client.get("/api/catalogue?on=2025-01-01", **auth(wei)).json()) == 1
    item = {
        "kind": "labour_brand",
        "name": "马山黑山羊厨师",
        "region": MASHAN,
        "year": dt.date.today().year,
    }
    refused = post(client, "/api/capacity", item, auth(wei))
    assert refused.status_code == 422 and "occupations" in refused.json()["detail"]
    made = post(client, "/api/capacity", item | {"occupations": "中式烹调师"}, auth(wei))
    assert made.status_code == 201
    assert [c["name"] for c in client.get("/api/capacity", **auth(wei)).json()] == [
        "马山黑山羊厨师"
    ]


def test_a_competition_records_placings_of_people_in_scope(
    client, regions, wei, huang, person_factory
):
    competition = post(
        client,
        "/api/capacity",
        {
            "kind": "competition",
            "name": "马山县乡村振兴职业技能大赛",
            "region": MASHAN,
            "year": dt.date.today().year,
            "held_on": str(dt.date.today()),
            "level": "county",
        },
        auth(wei),
    ).json()
    mine = person_factory(MASHAN, name="韦厨师")
    theirs = person_factory(LONGAN, name="黄厨师")
    url = f"/api/capacity/{competition['id']}/placings"
    assert (
        post(client, url, {"person_id": mine.pk, "placing": "一等奖"}, auth(wei)).status_code == 201
    )
    assert (
        post(client, url, {"person_id": theirs.pk, "placing": "二等奖"}, auth(wei)).status_code
        == 404
    )
    assert post(client, url, {"person_id": mine.pk, "placing": " "}, auth(wei)).status_code == 422
    client.force_login(wei)
    assert "韦厨师：一等奖" in client.get("/capacity/?kind=competition").content.decode()
