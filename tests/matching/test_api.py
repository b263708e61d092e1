"""精准比对 over the API: the same selectors and services as the pages, refusals in Chinese."""

from __future__ import annotations

import pytest
import time_machine

from skillaid.accounts.models import ApiToken
from skillaid.matching.models import ReviewItem
from skillaid.people.models import PersonFact

from .helpers import load, make_people, registry_rows, write_csv

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="matching")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_run_started_read_and_decided_over_the_api(
    client, system, qin, wei, huang, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        make_people(system)
        snapshot = load(qin, write_csv(tmp_path / "registry.csv", registry_rows()))
        listed = client.get("/api/matching/snapshots", **bearer(qin)).json()
        assert [s["id"] for s in listed] == [snapshot.pk]
        started = client.post(f"/api/matching/snapshots/{snapshot.pk}/runs", **bearer(qin))
        assert started.status_code == 201, started.content
        run = started.json()
        assert run["state"] == "done" and run["counts"]["near_name"] == 1
        # huang reads the same run cut to his county.
        mine = client.get(f"/api/matching/runs/{run['id']}", **bearer(huang)).json()
        assert mine["counts"]["consistent"] == 1 and mine["counts"]["near_id"] == 1
        items = client.get("/api/matching/review", **bearer(wei)).json()
        assert {i["person_name"] for i in items} == {"韦二", "韦三"}
        near = next(i for i in items if i["outcome"] == "near_name")
        refused = client.post(
            f"/api/matching/review/{near['id']}",
            data={"decision": "reject"},
            content_type="application/json",
            **bearer(wei),
        )
        assert refused.status_code == 422 and "原因" in str(refused.json()["detail"])
        by_maker = client.post(
            f"/api/matching/review/{near['id']}",
            data={"decision": "accept"},
            content_type="application/json",
            **bearer(qin),
        )
        assert by_maker.status_code == 403 and "发起比对" in by_maker.json()["detail"]
        outside = client.post(
            f"/api/matching/review/{near['id']}",
            data={"decision": "accept"},
            content_type="application/json",
            **bearer(huang),
        )
        assert outside.status_code == 404
        done = client.post(
            f"/api/matching/review/{near['id']}",
            data={"decision": "accept"},
            content_type="application/json",
            **bearer(wei),
        )
        assert done.json()["state"] == "accepted"
        assert PersonFact.objects.filter(person_id=near["person_id"]).count() == 1
        assert ReviewItem.objects.get(pk=near["id"]).reviewer == wei
