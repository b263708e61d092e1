"""Paying claim lines (发放) out of budgets (资金): the payee's bank account, the yearly
budget of a region, the payment batch sent to the bank, one payment per line in it, and
the reversal (冲回) of a payment that was paid.

A payment is never edited or deleted. It is written pending when its batch is built and
takes its result once (paid, or failed with the bank's reason), from the bank's result
file; a draft batch that is withdrawn marks its payments withdrawn. A paid payment stays
paid for ever: taking the money back is a `Reversal` row beside it, which makes the line
REVERSED. The database holds at most one pending or paid payment per line (a partial
unique constraint), so no sequence of batches pays a line twice.

The account number is sealed at rest with the ID key (skillaid.lib.sealed), as the ID
number is; pages show it masked; only the bank file, which is for the bank, holds it
whole. Key rotation re-seals these columns as it does the ID numbers (registered in
SubsidiesConfig.ready()).

Imported by models.py (at its end), so that Django finds these models in the app.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.scope import Scope


def mask_account(number: str) -> str:
    """6222 **** **** 1234: the first four and the last four digits stay readable."""
    digits = "".join(number.split())
    if len(digits) <= 8:
        return "*" * len(digits)
    return f"{digits[:4]} **** **** {digits[-4:]}"


class Fund(models.TextChoices):
    """Where the money comes from (资金来源)."""

    EMPLOYMENT = "employment", "就业补助资金"
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance", "失业保险基金"
    SKILLS_ACCOUNT = "skills_account", "职业技能提升行动专账资金"
    OTHER = "other", "其他财政资金"


class PayeeKind(models.TextChoices):
    PERSON = "person", "个人（社保卡）"
    INSTITUTION = "institution", "培训机构（院校）"
    ENTERPRISE = "enterprise", "企业"


class PayeeAccount(models.Model):
    """The bank account a payee is paid into: a person's social-security card account
    (社保卡银行账户), an institution's or an enterprise's account. Recorded by the county
    clerk; changing it keeps the old number only in the audit log, masked."""

    kind = models.CharField("收款方类型", max_length=16, choices=PayeeKind.choices)
    person = models.OneToOneField(
        "people.Person",
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payee_account",
    )
    institution = models.OneToOneField(
        "institutions.Institution",
        verbose_name="院校/机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payee_account",
    )
    enterprise_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    holder_name = models.CharField("户名", max_length=128)
    bank_name = models.CharField("开户行", max_length=128)
    account_sealed = models.TextField("银行账号（加密）")
    account_masked = models.CharField("银行账号", max_length=32)
    # Whose records these are: the person's county, the institution's region, the
    # enterprise's county as the clerk who recorded it said.
    county = models.ForeignKey(
        "regions.Region", verbose_name="所属地区", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "收款账户"
        verbose_name_plural = "收款账户"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_uscc"],
                condition=~Q(enterprise_uscc=""),
                name="payee_account_enterprise_unique",
            ),
            models.CheckConstraint(
                name="payee_account_one_payee",
                condition=(
                    Q(kind="person", person__isnull=False, institution__isnull=True)
                    | Q(kind="institution", institution__isnull=False, person__isnull=True)
                    | Q(
                        kind="enterprise",
                        person__isnull=True,
                        institution__isnull=True,
                    )
                    & ~Q(enterprise_uscc="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.bank_name} {self.account_masked}"

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.county_id)

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id

    @property
    def account_number(self) -> str:
        """The whole number, for the bank file only."""
        from skillaid.people.models import sealer

        return sealer().open(self.account_sealed)

    def set_account_number(self, number: str) -> None:
        from skillaid.people.models import sealer

        self.account_sealed = sealer().seal(number)
        self.account_masked = mask_account(number)


class Budget(models.Model):
    """The yearly amount a region has for one subsidy kind from one fund (资金)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    fund = models.CharField("资金来源", max_length=32, choices=Fund.choices)
    kind = models.CharField("补贴类别", max_length=16)  # a RuleKind
    amount = models.DecimalField("年度额度（元）", max_digits=14, decimal_places=2)
    note = models.CharField("说明", max_length=255, blank=True)
    created_at = models.DateTimeField("设立时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设立人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "region", "kind", "fund"]
        verbose_name = "补贴资金预算"
        verbose_name_plural = "补贴资金预算"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "fund", "kind"], name="budget_unique"
            ),
            models.CheckConstraint(name="budget_amount_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        from .models import RuleKind

        kind = dict(RuleKind.choices).get(self.kind, self.kind)
        return f"{self.region.name}{self.year}年{self.get_fund_display()}（{kind}）"

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.region_id)


class BatchState(models.TextChoices):
    DRAFT = "draft", "草稿"
    LOCKED = "locked", "已锁定"
    EXPORTED = "exported", "已生成银行文件"
    RECONCILED = "reconciled", "已对账"
    WITHDRAWN = "withdrawn", "已撤销"


class PaymentBatch(models.Model):
    """One county's lines paid together from one budget, in one bank file."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    budget = models.ForeignKey(
        Budget, verbose_name="资金预算", on_delete=models.PROTECT, related_name="batches"
    )
    state = models.CharField(
        "状态", max_length=16, choices=BatchState.choices, default=BatchState.DRAFT
    )
    total = models.DecimalField("合计（元）", max_digits=14, decimal_places=2, default=0)
    line_count = models.PositiveIntegerField("明细条数", default=0)
    row_count = models.PositiveIntegerField("银行文件行数", default=0)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="锁定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The bank file: written by a job (accounts.jobs), kept for the retention period.
    export_job_id = models.PositiveIntegerField("生成任务", null=True, blank=True)
    bank_file = models.CharField("银行文件", max_length=255, blank=True)
    bank_file_sha256 = models.CharField("银行文件SHA-256", max_length=64, blank=True)
    exported_at = models.DateTimeField("生成银行文件时间", null=True, blank=True)
    result_sha256 = models.CharField("结果文件SHA-256", max_length=64, blank=True)
    result_filename = models.CharField("结果文件", max_length=255, blank=True)
    reconciled_at = models.DateTimeField("对账时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "补贴发放批次"
        verbose_name_plural = "补贴发放批次"

    def __str__(self) -> str:
        return f"发放批次第{self.pk}号（{self.county.name}）"

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.county_id)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "待发放"
    PAID = "paid", "已发放"
    FAILED = "failed", "发放失败"
    WITHDRAWN = "withdrawn", "批次已撤销"


class PaymentQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN201
        raise PermissionDenied("发放记录不能批量修改：结果只能由银行结果文件逐笔登记")

    def delete(self):  # noqa: ANN201
        raise PermissionDenied("发放记录不能删除：已发放的款项只能冲回")


class Payment(models.Model):
    """One claim line in one batch: its amount, where it goes, and what the bank did."""

    line = models.ForeignKey(
        "subsidies.ClaimLine",
        verbose_name="补贴明细",
        on_delete=models.PROTECT,
        related_name="payments",
    )
    batch = models.ForeignKey(
        PaymentBatch, verbose_name="批次", on_delete=models.PROTECT, related_name="payments"
    )
    row = models.PositiveIntegerField("序号")  # the bank file's row; payee lines share one
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    payee_name = models.CharField("收款人", max_length=128)
    bank_name = models.CharField("开户行", max_length=128)
    account_sealed = models.TextField("银行账号（加密）")
    account_masked = models.CharField("银行账号", max_length=32)
    status = models.CharField(
        "状态", max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    failure_reason = models.CharField("失败原因", max_length=255, blank=True)
    settled_at = models.DateTimeField("结果登记时间", null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "row", "id"]
        verbose_name = "补贴发放记录"
        verbose_name_plural = "补贴发放记录"
        constraints = [
            models.UniqueConstraint(
                fields=["line"],
                condition=Q(status__in=["pending", "paid"]),
                name="payment_one_pending_or_paid_per_line",
            ),
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.payee_name} {self.amount}元（{self.get_status_display()}）"

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        """Written once; afterwards only its result, once, from pending (see `settle`)."""
        if not self._state.adding:
            stored = Payment.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            fields = set(kwargs.get("update_fields") or ())
            if stored != PaymentStatus.PENDING or not fields or not fields <= SETTLE_FIELDS:
                raise PermissionDenied("发放记录一经生成不再修改：已发放的款项只能冲回")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise PermissionDenied("发放记录不能删除：已发放的款项只能冲回")

    def within(self, scope: Scope) -> bool:
        return self.batch.within(scope)

    @property
    def audit_person_id(self) -> int | None:
        return self.line.person_id

    def settle(self, status: str, reason: str = "") -> None:
        """The payment's result, once: paid, failed with the bank's reason, or withdrawn."""
        self.status, self.failure_reason = status, reason[:255]
        self.settled_at = timezone.now()
        self.save(update_fields=sorted(SETTLE_FIELDS))


SETTLE_FIELDS = frozenset({"status", "failure_reason", "settled_at"})


class ReversalQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN201
        raise PermissionDenied("冲回记录只能追加，不能修改")

    def delete(self):  # noqa: ANN201
        raise PermissionDenied("冲回记录只能追加，不能删除")


class Reversal(models.Model):
    """Money paid and taken back (冲回): who, when and why; the line becomes REVERSED."""

    payment = models.OneToOneField(
        Payment, verbose_name="发放记录", on_delete=models.PROTECT, related_name="reversal"
    )
    amount = models.DecimalField("冲回金额（元）", max_digits=12, decimal_places=2)
    reason = models.CharField("冲回原因", max_length=500)
    created_at = models.DateTimeField("冲回时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ReversalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "补贴冲回"
        verbose_name_plural = "补贴冲回"
        constraints = [
            models.CheckConstraint(name="reversal_reason_required", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"冲回 {self.payment}"

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if not self._state.adding:
            raise PermissionDenied("冲回记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise PermissionDenied("冲回记录只能追加，不能删除")


ZERO = Decimal("0.00")
