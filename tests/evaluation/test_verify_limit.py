"""The public certificate check allows 30 look-ups a minute from one address, counted in the
database: the /verify/ page and GET /api/certificates/verify count against one limit, and
every web worker sees the same count (not one kept in a process's memory)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from skillaid.evaluation.models import VerifyCount
from skillaid.evaluation.views import VERIFY_PER_MINUTE

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 2, 8, 0, 5, tzinfo=dt.UTC)


def page(client, address="10.1.1.1"):  # noqa: ANN001, ANN201
    return client.get("/verify/", {"number": "S2026450124000001"}, REMOTE_ADDR=address)


def api(client, address="10.1.1.1"):  # noqa: ANN001, ANN201
    return client.get(
        "/api/certificates/verify", {"number": "S2026450124000001"}, REMOTE_ADDR=address
    )


def test_the_page_and_the_api_count_against_one_limit(client):
    with time_machine.travel(START, tick=False):
        half = VERIFY_PER_MINUTE // 2
        assert all(page(client).status_code == 200 for _ in range(half))
        assert all(api(client).status_code == 200 for _ in range(VERIFY_PER_MINUTE - half))
        assert api(client).status_code == 429
        assert page(client).status_code == 429
        # Another address has its own count.
        assert page(client, "10.1.1.2").status_code == 200
    assert VerifyCount.objects.get(address="10.1.1.1").count == VERIFY_PER_MINUTE + 2


def test_the_count_is_not_kept_in_a_workers_memory(client):
    with time_machine.travel(START, tick=False):
        for _ in range(VERIFY_PER_MINUTE):
            page(client)
        # Another worker (or a restarted one) starts with its own empty memory cache.
        cache.clear()
        assert api(client).status_code == 429


def test_the_limit_opens_again_the_next_minute_and_old_counts_are_dropped(client):
    with time_machine.travel(START, tick=False):
        for _ in range(VERIFY_PER_MINUTE + 1):
            page(client)
        assert page(client).status_code == 429
    with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
        assert page(client).status_code == 200
    assert VerifyCount.objects.count() == 1
