"""What the API and pages answer to numbers no database column holds and to bodies that are not
one JSON object: 404 or 422 with a reason, never a server error (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from skillaid.accounts.models import ApiToken
from skillaid.institutions import services as institutions
from tests.conftest import MASHAN

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond a 64-bit integer


@pytest.fixture
def client(client):
    # A server error must come back as a 500 response, not as an exception in the test.
    client.raise_request_exception = False
    return client


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize(
    "url",
    [
        f"/api/certificates?person_id={HUGE}",
        f"/api/people?offset={HUGE}",
        f"/api/people?limit={HUGE}",
        "/api/people?offset=9223372036854775807",
        f"/api/capacity?year={HUGE}",
        f"/api/people/{HUGE}",
        f"/api/institutions/{HUGE}",
        f"/api/classes/{HUGE}",
        f"/api/classes/{HUGE}/roster",
        f"/api/sessions/{HUGE}/attendance",
        f"/api/pairings/{HUGE}",
    ],
)
def test_out_of_range_numbers_in_api_reads_are_404_or_422(client, wei, url):
    # A filter by a number nobody has may also answer with an empty list.
    assert client.get(url, **bearer(wei)).status_code in (200, 404, 422)


def test_an_out_of_range_number_in_a_body_is_422(client, lu, regions):
    from skillaid.catalogue.models import Occupation
    from tests.training.fixtures import class_data

    occupation = Occupation.objects.create(code="4-10-01-01", name="家政服务员")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    data = class_data(occupation, start)
    data["occupation_id"] = data.pop("occupation")
    data["planned_size"] = int(HUGE)
    answer = client.post(
        "/api/classes", json.dumps(data, default=str), content_type="application/json", **bearer(lu)
    )
    assert answer.status_code == 422, answer.content


@pytest.mark.parametrize(
    "url",
    [
        f"/people/{HUGE}/",
        f"/institutions/{HUGE}/",
        f"/classes/{HUGE}/",
        f"/sign/{HUGE}/",
        f"/pairings/{HUGE}/",
        f"/certificates/?class={HUGE}",
        f"/capacity/?year={HUGE}",
        f"/people/?page={HUGE}",
    ],
)
def test_out_of_range_numbers_on_pages_are_never_a_server_error(client, wei, url):
    client.force_login(wei)
    assert client.get(url).status_code in (200, 404, 422)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("[1, 2]", "数组"),
        ('"phone"', "字符串"),
        ("3", "数字"),
        ("null", "null"),
        ("{not json", "不是有效的 JSON"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_422_and_changes_nothing(client, wei, body, says):
    school = institutions.institution_create(
        actor=wei,
        channel="page",
        data={"name": "马山县阳光职业培训学校", "kind": "private_provider", "region": MASHAN},
    )
    auth = bearer(wei)
    for method, url in (
        ("patch", f"/api/institutions/{school.pk}"),
        ("post", "/api/institutions"),
        ("post", "/api/people"),
    ):
        answer = getattr(client, method)(url, body, content_type="application/json", **auth)
        assert answer.status_code == 422, (method, url, answer.status_code)
        assert says in answer.json()["detail"]
    school.refresh_from_db()
    assert school.name == "马山县阳光职业培训学校"


def test_a_missing_or_revoked_token_and_a_record_out_of_scope_are_answered_in_chinese(
    client, wei, huang, person_factory
):
    from skillaid.accounts.models import ApiToken

    assert "令牌" in client.get("/api/people").json()["detail"]
    row, token = ApiToken.issue(user=huang, name="probe")
    row.revoked_at = row.created_at
    row.save()
    answer = client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 401 and "令牌" in answer.json()["detail"]
    stranger = person_factory()  # in 马山县, outside huang's 隆安县
    _, token = ApiToken.issue(user=huang, name="probe")
    for url in (f"/api/people/{stranger.pk}", "/api/people/99999999"):
        answer = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert answer.status_code == 404
        assert answer.json()["detail"] == "未找到，或不在您的管辖范围内"


def test_the_api_docs_load_their_scripts_from_our_own_static_files(client):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
