"""Logins, failed logins, lockouts and logouts in the audit log."""

from skillaid.accounts.models import Action, AuditEntry
from tests.conftest import PASSWORD


def test_a_login_and_a_logout_are_logged_with_the_address(client, wei):
    client.post("/login/", {"username": "wei", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    client.post("/logout/", REMOTE_ADDR="10.1.2.3")
    login, logout = AuditEntry.objects.filter(actor=wei).order_by("id")
    assert (login.action, logout.action) == (Action.LOGIN, Action.LOGOUT)
    assert login.changes == {"address": "10.1.2.3"} and login.object_id == str(wei.pk)


def test_a_failed_login_keeps_the_username_and_address_never_the_password(client, wei):
    client.post(
        "/login/", {"username": "wei", "password": "guess-Secret-123"}, REMOTE_ADDR="10.9.9.9"
    )
    entry = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
    assert entry.changes == {"username": "wei", "address": "10.9.9.9"}
    assert entry.actor is None and entry.actor_name == "wei" and entry.object_id == str(wei.pk)
    assert "guess-Secret-123" not in str(entry.__dict__)


def test_a_failed_login_under_an_unknown_name_keeps_only_its_first_characters(client, regions):
    """A name that is no account's may be a password typed in the wrong box, or an ID number."""
    for typed in ("Mashan-2026-ok", "450124199506150011"):
        client.post("/login/", {"username": typed, "password": "x"})
    first, second = AuditEntry.objects.filter(action=Action.LOGIN_FAILED).order_by("id")
    assert first.changes["username"] == "Mas…（无此用户）" and first.object_id == ""
    assert second.changes["username"] == "450…（无此用户）"
    logged = str([e.__dict__ for e in (first, second)])
    assert "Mashan-2026-ok" not in logged and "199506150011" not in logged


def test_a_lockout_is_logged(client, wei, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "wei", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    lockout = AuditEntry.objects.get(action=Action.LOCKOUT)
    assert lockout.changes == {"username": "wei", "address": "10.9.9.9"}
    assert (
        AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count() == settings.AXES_FAILURE_LIMIT
    )
    # A try while locked out is refused and logged as such, even with the right password.
    client.post("/login/", {"username": "wei", "password": PASSWORD})
    assert AuditEntry.objects.filter(action=Action.LOCKOUT).count() == 2
    assert not AuditEntry.objects.filter(action=Action.LOGIN).exists()
