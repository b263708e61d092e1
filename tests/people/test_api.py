import pytest

from skillaid.accounts.models import ApiToken, AuditEntry
from skillaid.people.models import Person
from tests.conftest import MASHAN, new_id


@pytest.fixture
def wei_auth(wei):
    _, token = ApiToken.issue(user=wei, name="attendance terminal")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_every_call_needs_a_token(client, regions):
    assert client.get("/api/people").status_code == 401
    assert client.get("/api/people", HTTP_AUTHORIZATION="Bearer sk_wrong").status_code == 401


def test_a_revoked_token_no_longer_works(client, wei):
    from django.utils import timezone

    row, token = ApiToken.issue(user=wei, name="old")
    row.revoked_at = timezone.now()
    row.save()
    assert client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_the_schema_is_published(client, regions):
    schema = client.get("/api/openapi.json").json()
    assert "/api/people" in schema["paths"] and "/api/people/{person_id}" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_create_read_search_and_update_through_the_services(client, wei_auth, wei):
    number = new_id()
    created = client.post(
        "/api/people",
        data={
            "id_number": number,
            "name": "韦小宝",
            "county": MASHAN,
            "phone": "13812345678",
            "category": "lifted",
            "wants_training": True,
        },
        content_type="application/json",
        **wei_auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert body["category"] == "lifted" and number not in created.content.decode()
    pid = body["id"]
    assert client.get(f"/api/people/{pid}", **wei_auth).json()["name"] == "韦小宝"
    assert client.get("/api/people", {"q": "wxb"}, **wei_auth).json()["count"] == 1
    assert client.get("/api/people", {"q": number}, **wei_auth).json()["items"][0]["id"] == pid
    patched = client.patch(
        f"/api/people/{pid}",
        data={"phone": "13900001111", "wants_school": True},
        content_type="application/json",
        **wei_auth,
    )
    assert patched.status_code == 200 and patched.json()["phone"] == "13900001111"
    entry = AuditEntry.objects.filter(person_id=pid, action="update").get()
    assert entry.channel == "api" and entry.changes["phone"] == ["13812345678", "13900001111"]


def test_bad_input_is_a_422_that_names_the_field(client, wei_auth):
    bad = client.post(
        "/api/people",
        data={"id_number": "450124199001011235", "name": "韦一", "county": MASHAN},
        content_type="application/json",
        **wei_auth,
    )
    assert bad.status_code == 422 and "校验码错误" in bad.json()["detail"]["id_number"]
    bad_phone = client.post(
        "/api/people",
        data={"id_number": new_id(), "name": "韦一", "county": MASHAN, "phone": "123"},
        content_type="application/json",
        **wei_auth,
    )
    assert bad_phone.status_code == 422 and "phone" in bad_phone.json()["detail"]
    assert Person.objects.count() == 0


def test_a_school_officer_token_cannot_write(client, lu):
    _, token = ApiToken.issue(user=lu, name="t")
    response = client.post(
        "/api/people",
        data={"id_number": new_id(), "name": "韦一", "county": MASHAN},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403


def test_a_category_change_over_the_api_takes_its_date_and_reason(client, wei_auth, person_factory):
    import datetime as dt

    from skillaid.people.models import HouseholdStatus

    someone = person_factory(category="monitored", monitoring_kind="marginal")
    HouseholdStatus.objects.filter(household=someone.household).update(start=dt.date(2026, 2, 1))

    def patch(**fields):
        return client.patch(
            f"/api/people/{someone.pk}", data=fields, content_type="application/json", **wei_auth
        )

    early = patch(category="lifted", category_on="2026-01-31")
    assert early.status_code == 422
    assert "不能早于当前类别的起始日期 2026-02-01" in early.json()["detail"]["category_on"]
    done = patch(category="lifted", category_on="2026-05-20", category_note="脱贫攻坚成果巩固")
    assert done.status_code == 200 and done.json()["category"] == "lifted"
    closed, opened = someone.household.statuses.order_by("start")
    assert closed.end == opened.start == dt.date(2026, 5, 20)
    assert opened.note == "脱贫攻坚成果巩固"


def test_a_county_clerk_may_leave_out_the_county_an_administrator_may_not(client, wei_auth):
    from tests.conftest import LONGAN, make_user

    body = {"id_number": new_id(), "name": "韦小芳"}
    created = client.post("/api/people", data=body, content_type="application/json", **wei_auth)
    assert created.status_code == 201 and created.json()["county_code"] == MASHAN
    _, token = ApiToken.issue(user=make_user("root", "admin", None), name="all")
    admin = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"id_number": new_id(LONGAN), "name": "黄小芳"}
    refused = client.post("/api/people", data=body, content_type="application/json", **admin)
    assert refused.status_code == 422 and refused.json()["detail"]["county"] == "必填"
    assert not Person.objects.filter(name="黄小芳").exists()
