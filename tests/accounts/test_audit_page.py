"""/audit/: the whole log for administrators, filtered by actor, action and dates."""

import datetime as dt

from django.utils import timezone

from skillaid.accounts.models import Action, AuditEntry, audit
from tests.conftest import make_user


def test_an_administrator_filters_by_user_action_and_date(client, wei, huang):
    admin = make_user("root", "admin", None, "管理员")
    audit(
        actor=wei,
        channel="page",
        action=Action.LOGIN,
        object_type="accounts.user",
        object_id=wei.pk,
        changes={"address": "10.0.0.1"},
    )
    audit(
        actor=huang,
        channel="page",
        action=Action.LOGIN,
        object_type="accounts.user",
        object_id=huang.pk,
    )
    audit(
        actor=wei, channel="page", action=Action.REVEAL_ID, object_type="people.person", object_id=1
    )
    old = AuditEntry(
        at=timezone.now() - dt.timedelta(days=40),
        actor=wei,
        actor_name="韦丽",
        channel="page",
        action=Action.LOGIN,
        object_type="accounts.user",
    )
    old.save()
    client.force_login(admin)
    page = client.get(
        "/audit/",
        {
            "user": "wei",
            "action": "login",
            "since": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    shown = list(page.context["page"])
    assert [e.actor for e in shown] == [wei] and shown[0].action == Action.LOGIN
    assert "IP 地址" in page.content.decode() and "10.0.0.1" in page.content.decode()
    everything = client.get("/audit/").context["page"].paginator.count
    assert everything == AuditEntry.objects.count()


def test_a_reversed_date_range_is_refused_beside_the_field(client, regions):
    admin = make_user("root", "admin", None)
    client.force_login(admin)
    page = client.get("/audit/", {"since": "2026-05-02", "until": "2026-05-01"})
    assert "截止日期不能早于起始日期" in page.content.decode()
    assert page.context["page"].paginator.count == 0


def test_only_administrators_see_the_whole_log(client, qin):
    client.force_login(qin)
    assert client.get("/audit/").status_code == 403


def test_the_log_names_objects_and_times_in_chinese_and_leaves_out_empty_fields(client, wei):
    admin = make_user("root", "admin", None, "管理员")
    audit(
        actor=admin,
        channel="page",
        action=Action.CREATE,
        object_type="accounts.apitoken",
        object_id=7,
        changes={
            "expires_at": [None, "2027-12-02T05:29:50.626562+00:00"],
            "revoked_at": [None, None],
        },
    )
    audit(actor=wei, channel="page", action=Action.EXPORT, object_type="ledger")
    client.force_login(admin)
    text = client.get("/audit/").content.decode()
    assert "API 令牌 7" in text and "台账" in text
    assert "api_token" not in text and ">ledger<" not in text
    assert "2027-12-02 13:29" in text and "+00:00" not in text
    assert "（空） → （空）" not in text
