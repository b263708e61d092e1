"""API tokens for other systems: only a token's hash is stored; the look-up that turns a
bearer token into its user, planned once per connection; the scopes a token may have."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from typing import NamedTuple

from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from skillaid.db import adapter

from .capabilities import can
from .models import User


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", "只读"
    READ_WRITE = "read_write", "读写"
    # Attendance terminals sign trainees in and read their sessions; nothing else.
    TERMINAL = "terminal", "考勤终端"


# What a terminal token may call: (method, route under /api/ as Django resolves it).
TERMINAL_ROUTES = (("POST", "api/attendance"), ("GET", "api/sessions/"))
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenUse(NamedTuple):
    """What the token look-up learns besides the user, from the same statement."""

    token_id: int
    scope: str
    stale: bool  # last use recorded longer ago than SKILLAID_TOKEN_USE_SECONDS


class ApiTokenQuerySet(models.QuerySet):
    def user_for(self, token: str) -> User | None:
        """The user a live token belongs to, with `.token_use` set; None otherwise.

        A token is live if it is neither revoked nor expired and its user is active and
        not locked out by django-axes (failed logins under that username within the
        cool-off time). Terminals authenticate many times a second: one statement,
        planned once per connection, whose row becomes a User the way the ORM builds
        one, without compiling a query or a raw query's column mapping each time.
        """
        wrapper = connections[DEFAULT_DB_ALIAS]
        sql, fields, names = _token_plan(wrapper)
        now = timezone.now()
        limit, since = _lockout_rule(now)
        to_db = adapter()
        params = [
            to_db(now - dt.timedelta(seconds=settings.SKILLAID_TOKEN_USE_SECONDS)),
            _hash_token(token),
            to_db(now),
            to_db(since),
            limit,
        ]
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for value, (column, converters) in zip(row, fields, strict=False):
            for convert in converters:
                value = convert(value, column, wrapper)
            values.append(value)
        user = User.from_db(wrapper.alias, names, values)
        token_id, scope, stale = row[len(names) :]
        user.token_use = TokenUse(token_id, scope, bool(stale))
        return user

    def touch(self, token_id: int, *, now: dt.datetime | None = None) -> bool:
        """Record a use of the token unless one was recorded within SKILLAID_TOKEN_USE_SECONDS.

        True if this call recorded it. The condition is in the UPDATE itself, so of
        several workers serving the same token at once exactly one records the use.
        """
        now = now or timezone.now()
        since = now - dt.timedelta(seconds=settings.SKILLAID_TOKEN_USE_SECONDS)
        stale = models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=since)
        return bool(self.filter(pk=token_id).filter(stale).update(last_used_at=now))

    def visible_to(self, user: User) -> models.QuerySet:
        """An administrator sees everyone's tokens; anyone else their own."""
        tokens = self.select_related("user")
        return tokens if can(user, "tokens.manage") else tokens.filter(user=user)


@functools.lru_cache(maxsize=64)
def _token_plan(wrapper):  # noqa: ANN001, ANN202
    """The token look-up's statement and the User columns' converters, for one connection."""
    quote = wrapper.ops.quote_name
    fields = []
    columns = []
    for f in User._meta.concrete_fields:
        column = f.get_col("u")
        fields.append(
            (column, wrapper.ops.get_db_converters(column) + f.get_db_converters(wrapper))
        )
        columns.append(f"u.{quote(f.column)}")
    sql = (
        f"SELECT {', '.join(columns)}, t.id, t.scope, "
        "CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END "
        f"FROM {quote(User._meta.db_table)} u "
        f"JOIN {quote(ApiToken._meta.db_table)} t ON t.user_id = u.id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active "
        # django-axes' lockout by username: its failures within the cool-off time.
        "AND (SELECT coalesce(sum(a.failures_since_start), 0) "
        f"FROM {quote(AccessAttempt._meta.db_table)} a "
        "WHERE a.username = u.username AND a.attempt_time >= %s) < %s"
    )
    return sql, fields, [f.attname for f in User._meta.concrete_fields]


def _lockout_rule(now: dt.datetime) -> tuple[int, dt.datetime]:
    """django-axes' rule, as (failures that lock, counted since): locked out by username."""
    if not getattr(settings, "AXES_ENABLED", True) or not axes_settings.AXES_LOCK_OUT_AT_FAILURE:
        return 2**31 - 1, now
    cool_off = get_cool_off()
    since = now - cool_off if cool_off is not None else dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
    return get_failure_limit(None, None), since


class ApiToken(models.Model):
    """A bearer token for other systems; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    scope = models.CharField(
        "权限范围", max_length=16, choices=TokenScope.choices, default=TokenScope.READ_WRITE
    )
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at <= timezone.now():
            return "已过期"
        return "有效"

    @classmethod
    def issue(
        cls,
        *,
        user: User,
        name: str,
        scope: str = TokenScope.READ_WRITE,
        days: int | None = None,
    ) -> tuple[ApiToken, str]:
        """A new token row and the token itself, which is shown once and never stored."""
        days = settings.SKILLAID_TOKEN_DAYS if days is None else days
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise ValueError(f"有效天数应在 1 到 {MAX_TOKEN_DAYS} 天之间")
        if scope not in TokenScope.values:
            raise ValueError(f"权限范围应为 {'、'.join(TokenScope.values)} 之一")
        token = "sk_" + secrets.token_urlsafe(32)
        now = timezone.now()
        row = cls.objects.create(
            user=user,
            name=name,
            key_hash=_hash_token(token),
            prefix=token[:8],
            scope=scope,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        return row, token


MAX_TOKEN_DAYS = 3650
