"""TokenAuth: which tokens open the API, what their scope allows, and how their use is recorded."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from skillaid.accounts.models import Action, ApiToken, AuditEntry, TokenScope


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_an_expired_token_is_refused(client, wei):
    row, token = ApiToken.issue(user=wei, name="old", days=1)
    assert client.get("/api/people", **bearer(token)).status_code == 200
    with time_machine.travel(row.expires_at + dt.timedelta(seconds=1)):
        assert client.get("/api/people", **bearer(token)).status_code == 401


def test_a_token_lasts_the_configured_days_unless_chosen(wei, settings):
    settings.SKILLAID_TOKEN_DAYS = 30
    row, _ = ApiToken.issue(user=wei, name="default")
    assert row.expires_at - row.created_at == dt.timedelta(days=30)
    row, _ = ApiToken.issue(user=wei, name="chosen", days=7)
    assert row.expires_at - row.created_at == dt.timedelta(days=7)


def test_a_deactivated_users_token_stops_working(client, wei):
    _, token = ApiToken.issue(user=wei, name="t")
    wei.is_active = False
    wei.save()
    assert client.get("/api/people", **bearer(token)).status_code == 401


def test_a_locked_out_users_token_stops_working_until_the_lock_ends(client, wei, huang, settings):
    _, token = ApiToken.issue(user=wei, name="t")
    _, other = ApiToken.issue(user=huang, name="t")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "wei", "password": "wrong guess"})
    assert AccessAttempt.objects.filter(username="wei").exists()
    assert client.get("/api/people", **bearer(token)).status_code == 401
    assert client.get("/api/people", **bearer(other)).status_code == 200
    later = timezone.now() + dt.timedelta(hours=1)
    with time_machine.travel(later):
        assert client.get("/api/people", **bearer(token)).status_code == 200


def test_an_unlocked_user_gets_their_token_back(client, wei, settings):
    _, token = ApiToken.issue(user=wei, name="t")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "wei", "password": "wrong guess"})
    assert client.get("/api/people", **bearer(token)).status_code == 401
    AccessAttempt.objects.filter(username="wei").delete()  # what `axes_reset_username` does
    assert client.get("/api/people", **bearer(token)).status_code == 200


def test_the_look_up_is_one_statement(wei):
    _, token = ApiToken.issue(user=wei, name="t")
    ApiToken.objects.touch(ApiToken.objects.get().pk)
    with CaptureQueriesContext(connection) as queries:
        user = ApiToken.objects.user_for(token)
    assert user == wei and len(queries) == 1
    assert user.token_use.scope == TokenScope.READ_WRITE and user.token_use.stale is False


def test_a_read_only_token_reads_but_may_not_write(client, wei):
    _, token = ApiToken.issue(user=wei, name="reader", scope=TokenScope.READ)
    assert client.get("/api/people", **bearer(token)).status_code == 200
    refused = client.post(
        "/api/people",
        data={"id_number": "x", "name": "x"},
        content_type="application/json",
        **bearer(token),
    )
    assert refused.status_code == 403
    assert "只读" in refused.json()["detail"]


def test_a_terminal_token_signs_in_and_reads_sessions_only(client, lu):
    _, token = ApiToken.issue(user=lu, name="terminal", scope=TokenScope.TERMINAL)
    sign = client.post(
        "/api/attendance",
        data={"session": 999999, "id_number": "450124199506150011"},
        content_type="application/json",
        **bearer(token),
    )
    assert sign.status_code == 404  # past the scope check, to the session look-up
    assert client.get("/api/sessions/999999/code", **bearer(token)).status_code == 404
    for method, path in (("get", "/api/people"), ("get", "/api/classes"), ("post", "/api/classes")):
        response = getattr(client, method)(path, content_type="application/json", **bearer(token))
        assert response.status_code == 403, path
        assert "考勤终端" in response.json()["detail"]


def test_use_is_recorded_once_per_interval_with_the_route(client, wei, settings):
    settings.SKILLAID_TOKEN_USE_SECONDS = 60
    row, token = ApiToken.issue(user=wei, name="t")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            assert client.get("/api/people", **bearer(token)).status_code == 200
    uses = AuditEntry.objects.filter(action=Action.TOKEN_USE, object_id=str(row.pk))
    assert uses.count() == 1
    assert uses.get().note == "GET /api/people" and uses.get().actor == wei
    row.refresh_from_db()
    assert row.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.get("/api/regions", **bearer(token))
    assert uses.count() == 2
    assert uses.order_by("id").last().note == "GET /api/regions"


@pytest.mark.parametrize("scope", [TokenScope.READ, TokenScope.TERMINAL])
def test_a_refused_request_is_not_recorded_as_use(client, wei, scope):
    row, token = ApiToken.issue(user=wei, name="t", scope=scope)
    client.post("/api/people", data={}, content_type="application/json", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at is None
    assert not AuditEntry.objects.filter(action=Action.TOKEN_USE).exists()
