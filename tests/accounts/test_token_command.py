"""`skillaid token issue|list|revoke`, and `skillaid issue-token` as the README shows it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from skillaid.accounts.models import Action, ApiToken, AuditEntry, TokenScope


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_issue_with_a_scope_and_days_prints_the_token_only(wei):
    token = run(
        "token", "issue", "wei", "--name", "终端", "--scope", "terminal", "--days", "30"
    ).strip()
    row = ApiToken.objects.get()
    assert ApiToken.objects.user_for(token) == wei
    assert (row.scope, (row.expires_at - row.created_at).days) == (TokenScope.TERMINAL, 30)
    assert AuditEntry.objects.get(action=Action.TOKEN_ISSUE).channel == "command"


def test_issue_token_still_works(wei):
    token = run("issue_token", "wei", "--name", "old script").strip()
    assert ApiToken.objects.user_for(token) == wei
    assert ApiToken.objects.get().scope == TokenScope.READ_WRITE


def test_days_out_of_range_or_unknown_user_are_refused(wei):
    with pytest.raises(CommandError, match="1 到 3650"):
        run("token", "issue", "wei", "--name", "x", "--days", "0")
    with pytest.raises(CommandError, match="no user"):
        run("token", "issue", "nobody", "--name", "x")


def test_list_and_revoke_by_prefix_or_id(wei, huang):
    a, token = ApiToken.issue(user=wei, name="甲")
    b, _ = ApiToken.issue(user=huang, name="乙")
    listing = run("token", "list", "wei")
    assert a.prefix in listing and b.prefix not in listing
    assert b.prefix in run("token", "list")
    run("token", "revoke", a.prefix)
    assert ApiToken.objects.user_for(token) is None
    assert a.prefix not in run("token", "list") and a.prefix in run("token", "list", "--all")
    run("token", "revoke", str(b.pk))
    b.refresh_from_db()
    assert b.revoked_at is not None
    with pytest.raises(CommandError, match="no token"):
        run("token", "revoke", "sk_nope")
