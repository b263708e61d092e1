"""Registry snapshots, comparison runs, what a person must decide, and exchange keys.

A snapshot is one file another system handed over (the assisted-household registry,
the technical schools' e-registration, the unemployment and insurance registers),
loaded by the engine into a parquet file kept under MEDIA_ROOT/registry/. A new load of
the same source and kind is a new version, never an overwrite. A comparison run matches
a snapshot with our people in the starter's scope; what needs a person (near matches and
differences) becomes a ReviewItem, decided by someone other than the run's starter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.scope import Scope

from . import engine


class Outcome(models.TextChoices):
    CONSISTENT = "consistent", "双方一致"
    DIFFERENT = "different", "双方均有但信息不一致"
    ONLY_OURS = "only_ours", "仅本系统有"
    ONLY_THEIRS = "only_theirs", "仅对方有"
    NEAR_NAME = "near_name", "疑似匹配（身份证号相同、姓名不同）"
    NEAR_ID = "near_id", "疑似匹配（姓名出生日期相同、身份证号差一位）"


OUTCOMES = [o.value for o in Outcome]
# What a person must decide before it becomes a fact.
TO_REVIEW = (Outcome.DIFFERENT, Outcome.NEAR_NAME, Outcome.NEAR_ID)


def registry_path(instance: object, filename: str) -> str:
    return f"registry/{timezone.now():%Y%m}/{filename}"


class ExchangeKey(models.Model):
    """The key agreed with one partner for keyed-hash files (HMAC-SHA256 of ID numbers).

    Sealed with the ID key like a bank account; never our blind-index key. Its secret is
    shown once, when it is made, to be handed to the partner by a channel of its own.
    """

    name = models.CharField("密钥名称", max_length=64, unique=True)
    partner = models.CharField("交换对象", max_length=128)
    key_sealed = models.TextField("密钥（加密）")
    fingerprint = models.CharField("密钥指纹", max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "交换密钥"
        verbose_name_plural = "交换密钥"

    def __str__(self) -> str:
        return f"{self.name}（{self.partner}）"

    @property
    def secret(self) -> bytes:
        """The key's bytes, for the engine's keyed hash only."""
        from skillaid.accounts.keys import sealer

        return sealer().open(self.key_sealed).encode()


class RegistrySnapshot(models.Model):
    """One file of another system's registry, loaded as a versioned snapshot."""

    kind = models.CharField("名单类型", max_length=16)  # engine.KINDS
    source = models.CharField("来源系统", max_length=128)
    version = models.PositiveIntegerField("版本")
    as_of = models.DateField("数据截止日期")
    # The region the registry covers: absent from it means contradicted only there.
    region = models.ForeignKey(
        "regions.Region", verbose_name="覆盖地区", on_delete=models.PROTECT, related_name="+"
    )
    hashed = models.BooleanField("身份证号为密文", default=False)
    exchange_key = models.ForeignKey(
        ExchangeKey,
        verbose_name="交换密钥",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    rows_read = models.PositiveIntegerField("数据行", default=0)
    rows_loaded = models.PositiveIntegerField("载入行", default=0)
    duplicate_ids = models.PositiveIntegerField("重复身份证号", default=0)
    rejected = models.PositiveIntegerField("被拒绝行", default=0)
    # The engine's parquet, kept (registry/…) until the snapshot is purged.
    file = models.FileField("快照文件", upload_to=registry_path, max_length=255, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    loaded_at = models.DateTimeField("导入时间", default=timezone.now)
    job = models.ForeignKey(
        "accounts.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_record = models.ForeignKey(
        "accounts.ImportRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = "名单快照"
        verbose_name_plural = "名单快照"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "version"], name="snapshot_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}（{self.as_of:%Y-%m-%d}，第{self.version}版）"

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.region_id)

    @property
    def kind_label(self) -> str:
        kind = engine.KINDS.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def fact_source(self) -> str:
        """How a fact names it: 广西防返贫监测信息平台（2026-11-01）."""
        return f"{self.source}（{self.as_of:%Y-%m-%d}）"[:128]


class ComparisonRun(models.Model):
    """One comparison of a snapshot with our people in the starter's scope."""

    snapshot = models.ForeignKey(
        RegistrySnapshot, verbose_name="名单快照", on_delete=models.PROTECT, related_name="runs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField("发起时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Our side: the starter's region ('' for all), kept so the run stays in that scope.
    scope_region = models.CharField("范围", max_length=12, blank=True, db_index=True)
    job = models.ForeignKey(
        "accounts.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ours = models.PositiveIntegerField("本系统人数", default=0)
    counts = models.JSONField("比对结果", default=dict, blank=True)
    results = models.FileField("结果文件", max_length=255, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name="上次比对",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField("与上次比对相比", default=dict, blank=True)
    changes_file = models.FileField(max_length=255, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "比对批次"
        verbose_name_plural = "比对批次"

    def __str__(self) -> str:
        return f"比对 #{self.pk} {self.snapshot}"

    def within(self, scope: Scope) -> bool:
        return scope.everything or scope.contains_region(self.scope_region or "")

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def count(self, outcome: str) -> int:
        return int(self.counts.get(outcome, 0))


class ReviewState(models.TextChoices):
    PENDING = "pending", "待确认"
    ACCEPTED = "accepted", "已确认"
    REJECTED = "rejected", "已驳回"


class ReviewItem(models.Model):
    """A result a person decides: a near match or a difference, never matched silently."""

    run = models.ForeignKey(ComparisonRun, on_delete=models.CASCADE, related_name="items")
    outcome = models.CharField("比对结果", max_length=16, choices=Outcome.choices)
    person = models.ForeignKey(
        "people.Person", verbose_name="人员", on_delete=models.CASCADE, related_name="+"
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name="所属县（区）", on_delete=models.PROTECT, related_name="+"
    )
    row = models.PositiveBigIntegerField("对方文件行号", null=True, blank=True)
    differences = models.CharField("不一致项", max_length=255, blank=True)
    their_name = models.CharField("对方姓名", max_length=64, blank=True)
    their_id_masked = models.CharField("对方身份证号", max_length=18, blank=True)
    # The registry's fields of the row (category, since …), as text, for the page and facts.
    their = models.JSONField("对方信息", default=dict, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reason = models.CharField("原因", max_length=500, blank=True)
    # The run's starter: never the one who decides (accounts.review, maker_field).
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = "比对待确认事项"
        verbose_name_plural = "比对待确认事项"
        indexes = [models.Index(fields=["county", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person", "outcome"],
                condition=Q(row__isnull=True),
                name="review_item_no_row_unique",
            ),
            models.UniqueConstraint(
                fields=["run", "person", "outcome", "row"], name="review_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}：{self.their_name or ''}"

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.county_id)

    @property
    def audit_person_id(self) -> int:
        return self.person_id
