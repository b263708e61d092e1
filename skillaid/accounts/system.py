"""The named user that jobs and commands act as, so that every change has a real actor.

Its username is `system` and its name 系统（自动任务）: the audit log names it like any
other user. It is an administrator for the capability table, but it never logs in: it is
inactive with an unusable password, and `User.acts` lets it act all the same.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from .models import SYSTEM_FULL_NAME, SYSTEM_USERNAME, Role, User


def system_user() -> User:
    """The system user, made on first use (a database restored from before it, or a test's)."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "full_name": SYSTEM_FULL_NAME,
            "role": Role.ADMIN,
            "is_active": False,
            "password": make_password(None),
        },
    )
    if not user.is_system:
        # Someone named an account "system" before this user existed: it must not be
        # mistaken for the system, nor the system for it.
        raise RuntimeError(
            f"用户名“{SYSTEM_USERNAME}”已被一个可登录的账号占用，请改名后再运行自动任务"
        )
    return user


def command_actor(username: str | None) -> User:
    """Who a command acts as: the user named by its --user, or the system user."""
    from django.core.management.base import CommandError

    if not username:
        return system_user()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user named {username!r}")
    return user
