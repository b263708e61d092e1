"""Users with a role and a region scope, API tokens, and the append-only audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .history import Change, describe, describe_many


class Role(models.TextChoices):
    COUNTY_CLERK = "county_clerk", "县（区）人社局经办人员"
    SCHOOL_OFFICER = "school_officer", "院校/培训机构管理员"
    CITY_REVIEWER = "city_reviewer", "市级审核人员"
    PROVINCE_REVIEWER = "province_reviewer", "省级审核人员"
    ADMIN = "admin", "系统管理员"


class User(AbstractUser):
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.COUNTY_CLERK)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="管辖区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空白表示全国（仅系统管理员）",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="所属院校/机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    full_name = models.CharField("姓名", max_length=64, blank=True)
    # With the name, tells one staff member's accounts apart from another's: segregation
    # of duties is checked per person, not per account (skillaid.accounts.users).
    phone = models.CharField("手机号", max_length=20, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    # Raised by "logout everywhere": a session that carries an older epoch is ended.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="user_scope_required",
                condition=models.Q(role="admin") | models.Q(region__isnull=False),
            ),
        ]

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def needs_second_factor(self) -> bool:
        """Reviewers above the county and administrators must log in with a TOTP code."""
        return self.is_staff or self.role in {
            Role.CITY_REVIEWER,
            Role.PROVINCE_REVIEWER,
            Role.ADMIN,
        }

    def password_expired(self, max_age_days: int) -> bool:
        if max_age_days <= 0:
            return False
        return timezone.now() - self.password_changed_at > dt.timedelta(days=max_age_days)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def region_prefix(self) -> str:
        """Leading code digits of everything this user may see; '' means all."""
        if self.region_id is None:
            return "" if self.role == Role.ADMIN else "--none--"
        from skillaid.regions.models import code_prefix

        return code_prefix(self.region_id)

    @property
    def can_reveal_ids(self) -> bool:
        return self.role in {
            Role.COUNTY_CLERK,
            Role.CITY_REVIEWER,
            Role.PROVINCE_REVIEWER,
            Role.ADMIN,
        }

    @property
    def is_reviewer(self) -> bool:
        """City and province reviewers and administrators: they keep the catalogues."""
        return self.role in {Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER, Role.ADMIN}

    @property
    def can_keep_demand_catalogue(self) -> bool:
        return self.role in {Role.PROVINCE_REVIEWER, Role.ADMIN}

    @property
    def can_register_institutions(self) -> bool:
        return self.role in {
            Role.COUNTY_CLERK,
            Role.CITY_REVIEWER,
            Role.PROVINCE_REVIEWER,
            Role.ADMIN,
        }

    @property
    def can_edit_ledger(self) -> bool:
        return self.role in {Role.COUNTY_CLERK, Role.ADMIN}

    @property
    def can_read_audit(self) -> bool:
        return self.role in {
            Role.CITY_REVIEWER,
            Role.PROVINCE_REVIEWER,
            Role.ADMIN,
            Role.COUNTY_CLERK,
        }


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def user_for(self, token: str) -> User | None:
        # Terminals authenticate many times a second: one statement written out, which
        # spares the ORM's compiling of a join on every request.
        users = User._meta.db_table
        tokens = self.model._meta.db_table
        found = User.objects.raw(
            f"SELECT u.* FROM {users} u JOIN {tokens} t ON t.user_id = u.id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active",
            [_hash_token(token)],
        )
        for user in found:
            return user
        return None


class ApiToken(models.Model):
    """A bearer token for other systems; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user.username}: {self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        token = "sk_" + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, name=name, key_hash=_hash_token(token), prefix=token[:8]
        )
        return row, token


class Channel(models.TextChoices):
    PAGE = "page", "页面"
    IMPORT = "import", "导入"
    API = "api", "接口"
    COMMAND = "command", "命令行"


class Action(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    REVEAL_ID = "reveal_id", "查看完整身份证号"
    EXPORT = "export", "导出"


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN201
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self):  # noqa: ANN201
        raise AppendOnlyError("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """One change or one sensitive read. Rows are never updated or deleted."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    object_type = models.CharField("对象", max_length=32)
    object_id = models.CharField(max_length=32, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        # The institution, pairing and capacity pages read their log by object.
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN201
        raise AppendOnlyError("审计日志只能追加，不能删除")

    @property
    def change_list(self) -> list[Change]:
        """The changes with Chinese field names and values, as pages show them."""
        if not hasattr(self, "_change_list"):
            self._change_list = describe(self.object_type, self.changes)
        return self._change_list

    @staticmethod
    def describe_all(entries: list[AuditEntry]) -> list[AuditEntry]:
        """Fill `change_list` of each entry of a page at once: one look-up per named model."""
        described = describe_many([(e.object_type, e.changes) for e in entries])
        for entry, changes in zip(entries, described, strict=True):
            entry._change_list = changes
        return entries


def audit_value(value: object) -> object:
    """A field value as the audit log's JSON keeps it: dates as ISO text, amounts as text, rows by key."""
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def audit(
    *,
    actor: User | None,
    channel: str,
    action: str,
    object_type: str,
    object_id: object = "",
    person_id: int | None = None,
    changes: dict | None = None,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.display_name if actor else "系统",
        channel=channel,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person_id=person_id,
        changes=changes or {},
        note=note,
    )


class IdKeyState(models.TextChoices):
    CURRENT = "current", "在用"
    NEXT = "next", "轮换目标"
    RETIRED = "retired", "已停用"


class IdKey(models.Model):
    """A key that has sealed resident ID numbers here, known by its check value, never itself.

    The check value (HMAC of a fixed label under the key) lets every process prove
    at start that its key is the one the database was sealed with. During a
    rotation the key being rotated to is the NEXT one; `progress` holds, per
    sealed model, the last primary key re-sealed, so that a rotation resumes.
    """

    key_id = models.CharField("密钥标识", max_length=16)
    check_value = models.CharField("校验值", max_length=64, unique=True)
    state = models.CharField("状态", max_length=16, choices=IdKeyState.choices)
    source = models.CharField("来源", max_length=255, blank=True)
    created_at = models.DateTimeField("启用时间", default=timezone.now)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)
    progress = models.JSONField("轮换进度", default=dict, blank=True)

    class Meta:
        verbose_name = "身份证号密钥"
        verbose_name_plural = "身份证号密钥"
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state__in=["current", "next"]),
                name="one_current_and_one_next_id_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_id}（{self.get_state_display()}）"


# The job model lives with its mechanism; imported here so that Django registers it.
from .jobs import Job, JobState  # noqa: E402, F401
