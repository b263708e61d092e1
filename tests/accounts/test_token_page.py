"""/account/tokens/: a user's tokens listed, issued (shown once) and revoked; an administrator's view."""

import re

from skillaid.accounts.models import Action, ApiToken, AuditEntry, TokenScope
from tests.conftest import make_user


def test_issuing_shows_the_token_once_and_it_works(client, wei):
    client.force_login(wei)
    page = client.post(
        "/account/tokens/", {"name": "考勤终端 1 号", "scope": "terminal", "days": "90"}
    )
    token = re.search(r'id="token-value">(sk_[^<]+)<', page.content.decode()).group(1)
    row = ApiToken.objects.get()
    assert (row.user, row.name, row.scope) == (wei, "考勤终端 1 号", TokenScope.TERMINAL)
    assert (row.expires_at - row.created_at).days == 90
    assert ApiToken.objects.user_for(token) == wei
    listing = client.get("/account/tokens/").content.decode()
    assert token not in listing and row.prefix in listing and "考勤终端 1 号" in listing
    issued = AuditEntry.objects.get(action=Action.TOKEN_ISSUE)
    assert issued.actor == wei and issued.changes["prefix"] == row.prefix
    assert token not in str(issued.changes)


def test_a_token_without_a_name_is_refused_beside_the_field(client, wei):
    client.force_login(wei)
    page = client.post("/account/tokens/", {"name": "", "scope": "read", "days": "30"})
    assert "errorlist" in page.content.decode() and not ApiToken.objects.exists()


def test_a_user_sees_and_revokes_only_their_own(client, wei, huang):
    mine, _ = ApiToken.issue(user=wei, name="我的")
    theirs, _ = ApiToken.issue(user=huang, name="别人的")
    client.force_login(wei)
    listing = client.get("/account/tokens/").content.decode()
    assert "我的" in listing and "别人的" not in listing
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert client.post(f"/account/tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert AuditEntry.objects.get(action=Action.TOKEN_REVOKE).object_id == str(mine.pk)


def test_an_administrator_sees_and_revokes_anyones(client, wei):
    admin = make_user("root", "admin", None, "管理员")
    row, token = ApiToken.issue(user=wei, name="韦丽的终端")
    client.force_login(admin)
    assert "韦丽的终端" in client.get("/account/tokens/").content.decode()
    client.post(f"/account/tokens/{row.pk}/revoke/")
    assert ApiToken.objects.user_for(token) is None
    assert AuditEntry.objects.get(action=Action.TOKEN_REVOKE).actor == admin


def test_the_page_needs_a_login(client, regions):
    assert client.get("/account/tokens/").status_code == 302
