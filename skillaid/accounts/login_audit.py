"""Logins, failed logins, lockouts and logouts in the audit log.

Connected to django.contrib.auth's and django-axes' signals in AccountsConfig.ready():
those are where the framework reports these events, whatever page or backend saw them.
They write audit entries only; no business logic hangs on them.
"""

from __future__ import annotations

from django.http import HttpRequest

from skillaid.lib import idnumber

from .clientip import client_ip
from .models import Action, Channel, User, audit


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return client_ip(request)


def _tried(username: str) -> tuple[str, object]:
    """The username tried, as the log keeps it, and its account's id ('' if none).

    A name that is no account's may be a password typed in the wrong box, or an ID
    number: only its first characters are kept.
    """
    username = username[:150]
    if not username:
        return "", ""
    user_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
    if user_id is None:
        return idnumber.redact(username)[:3] + "…（无此用户）", ""
    return username, user_id


def _signed(action: str, request: HttpRequest | None, user: User | None) -> None:
    if user is None:
        return
    audit(
        actor=user,
        channel=Channel.PAGE,
        action=action,
        object_type="accounts.user",
        object_id=user.pk,
        changes={"address": _address(request)},
    )


def _refused(action: str, username: str, address: str) -> None:
    # Only the username tried and where from: the password never reaches the log.
    name, user_id = _tried(username)
    audit(
        actor=None,
        actor_name=name or "（未填用户名）",
        channel=Channel.PAGE,
        action=action,
        object_type="accounts.user",
        object_id=user_id,
        changes={"username": name, "address": address},
    )


def logged_in(
    sender, request: HttpRequest | None = None, user: User | None = None, **kwargs
) -> None:  # noqa: ANN001
    _signed(Action.LOGIN, request, user)


def logged_out(
    sender, request: HttpRequest | None = None, user: User | None = None, **kwargs
) -> None:  # noqa: ANN001
    _signed(Action.LOGOUT, request, user)


def login_failed(
    sender, credentials: dict | None = None, request: HttpRequest | None = None, **kwargs
) -> None:  # noqa: ANN001
    username = str((credentials or {}).get("username") or "")
    _refused(Action.LOGIN_FAILED, username, _address(request))


def locked_out(
    sender,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs,
) -> None:  # noqa: ANN001
    _refused(Action.LOCKOUT, str(username or ""), ip_address or _address(request))
