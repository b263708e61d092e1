"""Logins, failed logins, lockouts and logouts in the audit log.

Connected to django.contrib.auth's and django-axes' signals in AccountsConfig.ready():
those are where the framework reports these events, whatever page or backend saw them.
They write audit entries only; no business logic hangs on them.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.http import HttpRequest

from skillaid.lib import idnumber

from .models import Action, Channel, User, audit


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or ""


def _user_id(username: str) -> object:
    return User.objects.filter(username=username).values_list("pk", flat=True).first() or ""


def logged_in(
    sender, request: HttpRequest | None = None, user: User | None = None, **kwargs
) -> None:  # noqa: ANN001
    if user is None:
        return
    audit(
        actor=user,
        channel=Channel.PAGE,
        action=Action.LOGIN,
        object_type="user",
        object_id=user.pk,
        changes={"address": _address(request)},
    )


def login_failed(
    sender, credentials: dict | None = None, request: HttpRequest | None = None, **kwargs
) -> None:  # noqa: ANN001
    # Only the username tried and where from: the password never reaches the log. A name
    # that is no account's may be a password typed in the wrong box, or an ID number:
    # only its first characters are kept.
    username = str((credentials or {}).get("username") or "")[:150]
    user_id = _user_id(username) if username else ""
    if username and not user_id:
        username = idnumber.redact(username)[:3] + "…（无此用户）"
    audit(
        actor=None,
        actor_name=username or "（未填用户名）",
        channel=Channel.PAGE,
        action=Action.LOGIN_FAILED,
        object_type="user",
        object_id=user_id,
        changes={"username": username, "address": _address(request)},
    )


def locked_out(
    sender,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs,
) -> None:  # noqa: ANN001
    username = str(username or "")[:150]
    audit(
        actor=None,
        actor_name=username or "（未填用户名）",
        channel=Channel.PAGE,
        action=Action.LOCKOUT,
        object_type="user",
        object_id=_user_id(username) if username else "",
        changes={"username": username, "address": ip_address or _address(request)},
    )


def logged_out(
    sender, request: HttpRequest | None = None, user: User | None = None, **kwargs
) -> None:  # noqa: ANN001
    if user is None:
        return
    audit(
        actor=user,
        channel=Channel.PAGE,
        action=Action.LOGOUT,
        object_type="user",
        object_id=user.pk,
        changes={"address": _address(request)},
    )
