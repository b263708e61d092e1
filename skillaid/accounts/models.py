"""Users with a role and a region scope, API tokens, and the append-only audit log."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from skillaid.db import bulk_insert
from skillaid.lib import chain, phones

from .history import Change, describe, describe_many, object_label, object_type_of


class Role(models.TextChoices):
    COUNTY_CLERK = "county_clerk", "县（区）人社局经办人员"
    SCHOOL_OFFICER = "school_officer", "院校/培训机构管理员"
    CITY_REVIEWER = "city_reviewer", "市级审核人员"
    PROVINCE_REVIEWER = "province_reviewer", "省级审核人员"
    ADMIN = "admin", "系统管理员"
    # The person themselves (本人): a trainee, later also a student or a job seeker, who
    # reads their own record. Linked to their person by people.PersonAccount; sees nobody
    # else and holds no capability (accounts.scope, accounts.middleware).
    PERSON = "person", "本人（学员）"
    # An employer (用人单位) and a human-resources agency (经营性人力资源服务机构): outside
    # organisations that post jobs and report placements. Linked to their organisation by
    # employment.EmployerAccount; they see only their own postings, the referrals made to
    # them and their placements (accounts.scope, accounts.middleware).
    EMPLOYER = "employer", "用人单位"
    AGENCY = "agency", "人力资源服务机构"
    # An inspector (检查人员) of the random inspections (双随机、一公开, 002 (二十七)): drawn
    # from a pool by a reviewer, reads only the classes and institutions drawn for them and
    # records findings (reports.inspections). No ledger scope; an allow-list of pages.
    INSPECTOR = "inspector", "检查人员"


# Roles of people outside the bureaus and schools: no region, an allow-list of pages.
OUTSIDE_ROLES = frozenset({Role.PERSON, Role.EMPLOYER, Role.AGENCY})
# Roles that see no region's records through their scope (accounts.scope): the outside
# roles and the inspectors, who read only what was drawn for them.
SCOPELESS_ROLES = OUTSIDE_ROLES | {Role.INSPECTOR}


# The level of division each role's region must be (regions.Level values).
ROLE_LEVELS = {
    Role.COUNTY_CLERK: "county",
    Role.CITY_REVIEWER: "city",
    Role.PROVINCE_REVIEWER: "province",
}
LEVEL_NAMES = {"county": "县级", "city": "市级", "province": "省级"}
# The user jobs and commands act as (accounts.system.system_user).
SYSTEM_USERNAME = "system"
SYSTEM_FULL_NAME = "系统（自动任务）"


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
                # A person's account has no region: it sees its own person, nothing by place.
                condition=models.Q(role__in=["admin", "person", "employer", "agency"])
                | models.Q(region__isnull=False),
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

    def clean(self) -> None:
        """One spelling of the name and phone that tell a staff member's accounts apart:
        full-width digits, spaces or dashes must not make the same person look like two."""
        super().clean()
        # Spaces and invisible format characters (zero-width space, joiners) dropped too.
        self.full_name = "".join(
            c
            for c in unicodedata.normalize("NFKC", self.full_name or "")
            if not c.isspace() and unicodedata.category(c) != "Cf"
        )
        errors = {}
        try:
            self.phone = phones.normalize(self.phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
        # A role's scope is a division of its own level: a clerk over a whole province
        # would keep every county's ledger.
        level = ROLE_LEVELS.get(self.role)
        if level and self.region_id and self.region.level != level:
            errors["region"] = (
                f"{self.get_role_display()}的管辖区域应为{LEVEL_NAMES[level]}区划，"
                f"{self.region.name}（{self.region_id}）不是"
            )
        if self.role == Role.SCHOOL_OFFICER and not self.institution_id:
            errors["institution"] = "院校/培训机构管理员须选择所属院校或机构"
        if errors:
            raise ValidationError(errors)

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
    def is_system(self) -> bool:
        """The named user jobs and commands act as (accounts.system): never logs in."""
        return self.username == SYSTEM_USERNAME and not self.has_usable_password()

    @property
    def acts(self) -> bool:
        """Whether this user's actions are taken: an active user, or the system user."""
        return self.is_active or self.is_system

    # What pages ask of a role, answered by the capability table (accounts.capabilities).
    def can(self, capability: str, obj: object = None) -> bool:
        from .capabilities import can

        return can(self, capability, obj)  # type: ignore[arg-type]

    @property
    def can_reveal_ids(self) -> bool:
        return self.can("ledger.reveal_id")

    @property
    def is_reviewer(self) -> bool:
        """City and province reviewers and administrators: they move the institution catalogue."""
        return self.can("institution.set_status")

    @property
    def can_keep_demand_catalogue(self) -> bool:
        return self.can("catalogue.edit")

    @property
    def can_register_institutions(self) -> bool:
        return self.can("institution.create")

    @property
    def reads_ledger(self) -> bool:
        """Ledger records are for the bureaus: a school officer sees trainees only on its
        classes, never their phone, household or village."""
        return self.can("ledger.read")

    @property
    def can_edit_ledger(self) -> bool:
        return self.can("ledger.edit")

    @property
    def can_read_audit(self) -> bool:
        return self.can("audit.read")


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
    REVEAL_PHONE = "reveal_phone", "查看联系电话"
    EXPORT = "export", "导出"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账号锁定"
    LOGOUT = "logout", "退出登录"
    TOKEN_ISSUE = "token_issue", "签发令牌"
    TOKEN_REVOKE = "token_revoke", "吊销令牌"
    TOKEN_USE = "token_use", "使用令牌"
    CODE_ISSUE = "code_issue", "签发开通码"
    ACCOUNT_OPEN = "account_open", "开通本人账户"
    OPEN_FAILED = "open_failed", "开通账户失败"


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN201
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self):  # noqa: ANN201
        raise AppendOnlyError("审计日志只能追加，不能删除")

    def about(self, obj: models.Model) -> AuditQuerySet:
        """The entries about one row, as the pages that show a row's change log read them."""
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def matching(
        self,
        *,
        user: str = "",
        action: str = "",
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> AuditQuerySet:
        """Entries by an actor (username or name), of an action, between two local dates."""
        entries = self
        if user:
            entries = entries.filter(models.Q(actor__username=user) | models.Q(actor_name=user))
        if action:
            entries = entries.filter(action=action)
        zone = timezone.get_current_timezone()
        if since:
            entries = entries.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
        if until:
            next_day = until + dt.timedelta(days=1)
            entries = entries.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=zone))
        return entries

    def bulk_create(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        # bulk_create would skip the hash chain; the bulk path is audit_bulk_insert.
        raise AppendOnlyError("审计日志须逐条链接哈希：请用 audit() 或 audit_bulk_insert()")


# Fields in the order the chain hashes them, which is also the bulk path's column order.
CHAINED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "channel",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "changes",
    "note",
)
# Any number unlikely to be chosen by another lock in the same database: "skillaid audit" in ASCII.
AUDIT_CHAIN_LOCK = 0x736B696C6C617564


class AuditEntry(models.Model):
    """One change or one sensitive read. Rows are never updated or deleted.

    `hash` chains the entries in id order: SHA-256 over the entry's fields and the
    hash of the entry before it (see skillaid.lib.chain), so that `skillaid audit
    verify` finds an entry changed, removed or inserted behind the application's back.
    """

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
    hash = models.CharField("链式哈希", max_length=64, default="", editable=False)

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
        with transaction.atomic():
            previous = chain_head()
            self.hash = chain.link(chained_values(self.__dict__), previous)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN201
        raise AppendOnlyError("审计日志只能追加，不能删除")

    @property
    def object_label(self) -> str:
        """What the entry is about, in Chinese (培训班, 用户, 台账 …)."""
        return object_label(self.object_type)

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


class AuditAnchor(models.Model):
    """Where the chain continues after `skillaid audit archive` moved older entries to a file.

    The newest anchor's `last_hash` is the hash the first remaining entry chains onto.
    """

    at = models.DateTimeField("归档时间", default=timezone.now)
    last_id = models.BigIntegerField("归档至条目")
    last_at = models.DateTimeField("归档至时间")
    last_hash = models.CharField("归档末条哈希", max_length=64)
    entries = models.PositiveIntegerField("归档条数")
    file = models.CharField("归档文件", max_length=255)

    class Meta:
        ordering = ["-last_id"]
        verbose_name = "审计日志归档点"
        verbose_name_plural = "审计日志归档点"

    def __str__(self) -> str:
        return f"{self.file}: {self.entries} 条，至 #{self.last_id}"


def chained_values(row: dict) -> list[object]:
    """An entry's fields as the chain hashes them, from a model's __dict__, a values() row
    or an archive's line (whose `at` is already the chain's text)."""
    changes = row["changes"]
    # Through JSON and back, as the database returns it: tuples become lists, number keys text.
    value = json.loads(changes) if isinstance(changes, str) else json.loads(json.dumps(changes))
    at = row["at"]
    return [
        at if isinstance(at, str) else chain.moment(at),
        row["actor_id"],
        row["actor_name"],
        row["channel"],
        row["action"],
        row["object_type"],
        str(row["object_id"]),
        row["person_id"],
        chain.canonical_json(value),
        row["note"],
    ]


def chain_head() -> str:
    """The hash the next audit entry chains onto; call inside the transaction that writes it.

    On PostgreSQL a transaction-level advisory lock is taken first and held to the
    commit, so concurrent writers chain one after the other and the entries' ids
    follow the chain. On SQLite the open transaction (begun IMMEDIATE) already holds
    the database's only write lock.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("chain_head needs the transaction that writes the entry")
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
        cursor.execute(f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    anchor = AuditAnchor.objects.order_by("-last_id").values_list("last_hash", flat=True).first()
    return anchor or chain.GENESIS


def audit_bulk_insert(rows: list[list[object]], *, at: dt.datetime) -> None:
    """Append entries through the bulk path, chained: the ledger import's thousands a chunk.

    Each row holds CHAINED_FIELDS in order, with `at` already adapted for the bulk path
    and `changes` as text written by `chain.canonical_json`; all rows share the time `at`.
    The chain is computed in one pass under the same lock as `audit()` takes.
    """
    if not rows:
        return
    with transaction.atomic():
        previous = chain_head()
        stamp = chain.moment(at)
        hashes: list[str] = []
        # Rows come in runs of one kind (actor, channel, action, object type): each run's
        # shared fields are serialised once.
        start = 0
        for end in range(1, len(rows) + 1):
            if end == len(rows) or rows[end][1:6] != rows[start][1:6]:
                run = rows[start:end]
                hashes += chain.link_many(
                    [stamp, *run[0][1:6]], ((r[6], r[7], r[8], r[9]) for r in run), previous
                )
                previous = hashes[-1]
                start = end
        for row, digest in zip(rows, hashes, strict=True):
            row.append(digest)  # the caller's rows are written once and dropped
        bulk_insert(AuditEntry._meta.db_table, (*CHAINED_FIELDS, "hash"), rows)


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
    object_type: str | type[models.Model] | models.Model,
    object_id: object = "",
    person_id: int | None = None,
    changes: dict | None = None,
    note: str = "",
    actor_name: str | None = None,
) -> AuditEntry:
    """Append one entry to the chained log; `actor_name` names an actor who is not a user.

    `object_type` is a model, one of its rows (whose key is then the object_id unless
    given) or its label; only what is no one model's row is one of history.DOCUMENTS.
    """
    if isinstance(object_type, models.Model) and object_id == "":
        object_id = object_type.pk
    if actor_name is None:
        actor_name = actor.display_name if actor else "系统"
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor_name[:150],
        channel=channel,
        action=action,
        object_type=object_type_of(object_type),
        object_id=str(object_id),
        person_id=person_id,
        changes=changes or {},
        note=note,
    )


def audit_changes(
    obj: models.Model,
    values: Mapping[str, Any],
    *,
    actor: User | None,
    channel: str,
    action: str | None = None,
    note: str = "",
    person_id: int | None = None,
    prepare: Callable[[dict[str, list]], None] | None = None,
) -> dict[str, list]:
    """Set the fields of `obj` that `values` changes, save it and log the change, in one call.

    Returns the changes as the log keeps them, {field: [old, new]} (audit_value of
    each side); a row not yet saved logs every value as new (action CREATE). Nothing
    changed: nothing is saved and nothing logged. `prepare` sees the changes before
    the save, to set what follows from them and the log leaves out (a name's
    initials, who last surveyed). The entry concerns `person_id`, or the person the row
    names by an `audit_person_id` attribute. Runs inside the caller's transaction, if any; the
    caller has validated `values` (the database's constraints still hold on save).
    """
    adding = obj._state.adding
    changes: dict[str, list] = {}
    for name, value in values.items():
        old = None if adding else getattr(obj, name)
        if adding or old != value:
            changes[name] = [None if adding else audit_value(old), audit_value(value)]
            setattr(obj, name, value)
    if not changes and not adding:
        return changes
    with transaction.atomic():
        if prepare is not None:
            prepare(changes)
        obj.save()
        if person_id is None:
            # A row about a person names them (Person.audit_person_id), once it has a key.
            person_id = getattr(obj, "audit_person_id", None)
        audit(
            actor=actor,
            channel=channel,
            action=action or (Action.CREATE if adding else Action.UPDATE),
            object_type=obj,
            person_id=person_id,
            changes=changes,
            note=note,
        )
    return changes


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


# The token, import-record, job, review-step and calendar models live with their mechanisms;
# imported here so that Django registers them and imports of them from this module keep working.
from .apitokens import (  # noqa: E402, F401
    MAX_TOKEN_DAYS,
    READ_METHODS,
    TERMINAL_ROUTES,
    ApiToken,
    ApiTokenQuerySet,
    TokenScope,
    TokenUse,
)
from .holidays import CalendarDay, CalendarSource, CalendarYear, DayKind  # noqa: E402, F401
from .imports.records import ImportRecord  # noqa: E402, F401
from .jobs import Job, JobState  # noqa: E402, F401
from .notices import Notice, NoticeKind  # noqa: E402, F401
from .review import ReviewStep  # noqa: E402, F401
