"""Policy rules as data (补贴政策规则): what a subsidy pays, to whom, where and when, and the
limits that stop a payment twice. Amounts, caps and limits are rows a province reviewer
edits, never constants in code: other provinces set other numbers.

A rule is two tables:

- `PolicyRule` is the rule's identity: a stable code (`gx-workshop-project-training`),
  its kind and the region it applies to (none: nationwide). These never change; a rule
  for another region is another rule.
- `PolicyRuleVersion` holds every term of the rule, one row per change, numbered 1, 2, 3…
  A version row is written once and never updated or deleted: a claim line points at
  the version it was computed with by a plain foreign key and reads the same terms
  for ever. A separate table (rather than a version number and a `superseded_at` on
  one table) keeps the code unique, lets everything that names a rule name its
  identity, and leaves no row whose meaning changes when it is superseded.

Which version applies on a day: the newest-numbered version whose validity period
covers the day (`version_on`). An amendment from a date is a new version starting
then (the old one still covers the days before); a correction of the whole rule is a
new version with the same period; ending a rule is a new version with an end date.
Which rule applies in a region: the nearest region with a rule in force wins — the
county's beats the city's, the city's the province's, the province's the nationwide
one (see `skillaid.subsidies.rules`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.scope import Scope
from skillaid.catalogue.models import SkillLevel, TrainingKind
from skillaid.people.models import Category
from skillaid.training.models import Basis

NATIONWIDE = "全国"


class RuleKind(models.TextChoices):
    TRAINING = "training", "职业培训补贴"
    LIVING = "living", "生活费补贴"
    APPRENTICESHIP = "apprenticeship", "企业新型学徒制培训补贴"
    PROJECT = "project", "项目制培训补贴"
    UPGRADING = "upgrading", "技能提升补贴"
    STUDENT_AID = "student_aid", "技工院校帮扶家庭学生助学补助"
    TUITION = "tuition", "免学费补助"
    AGENCY_SERVICE = "agency_service", "经营性人力资源服务机构就业创业服务补助"
    LIMIT = "limit", "补贴限制"


class Payee(models.TextChoices):
    TRAINEE = "trainee", "参训个人"
    INSTITUTION = "institution", "培训机构（院校）"
    ENTERPRISE = "enterprise", "企业"
    AGENCY = "agency", "人力资源服务机构"
    STUDENT = "student", "学生本人"


class AmountUnit(models.TextChoices):
    PER_PERSON_DAY = "person_day", "元/人·天"
    PER_PERSON = "person", "元/人"
    PER_APPRENTICE_YEAR = "apprentice_year", "元/人·年"
    PER_STUDENT_YEAR = "student_year", "元/生·年"
    PER_LEVEL = "level", "按等级（元/人）"
    CATALOGUE = "catalogue", "按需求目录补贴标准"


# Declared bases a rule may ask for: the class roster's bases (training.Basis) and the
# insured employee of the skill-upgrading subsidy, who is on no roster.
INSURED = "insured"
BASES = [(v, label) for v, label in Basis.choices if v] + [(INSURED, "参保职工（失业保险）")]
HOUSEHOLD_CATEGORIES = list(Category.choices)
TRAINING_KINDS = list(TrainingKind.choices)
LEVELS = list(SkillLevel.choices)

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "编码只能由小写字母、数字和连字符组成，如 gx-workshop-training"
)


class PolicyRule(models.Model):
    """A rule's identity: its code, kind and region. Its terms are in its versions."""

    code = models.CharField("规则编码", max_length=64, unique=True, validators=[code_validator])
    kind = models.CharField("类别", max_length=16, choices=RuleKind.choices, db_index=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="适用地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_rules",
        help_text="留空表示全国通用（国家默认标准，各地可另定）",
    )
    # A region's rule that takes the place of another rule there names that rule's code:
    # looking a rule up by code then finds the nearest region's own (a county's approval
    # levels in place of the nationwide default). Empty for a rule that replaces none.
    replaces = models.CharField(
        "替代规则编码",
        max_length=64,
        blank=True,
        db_index=True,
        help_text="本地区规则替代的上级规则编码，如 limit-attendance-threshold；留空表示不替代",
    )
    created_at = models.DateTimeField("建立时间", default=timezone.now)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = "补贴政策规则"
        verbose_name_plural = "补贴政策规则"

    def __str__(self) -> str:
        current = self.current_version if self.pk else None
        return current.name if current else f"{self.region_name}的规则 {self.code}"

    @property
    def region_name(self) -> str:
        return self.region.name if self.region_id else NATIONWIDE

    @property
    def current_version(self) -> PolicyRuleVersion | None:
        """The newest version (a list prefetches `versions`, newest first)."""
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.number) if versions else None

    def within(self, scope: Scope) -> bool:
        """Whose to edit (accounts.capabilities asks): a region's rule, the bureaus over the
        region; a nationwide rule, only those who work on everything (administrators)."""
        if self.region_id is None:
            return scope.everything
        return scope.contains_region(self.region_id)

    def version_on(self, day: dt.date) -> PolicyRuleVersion | None:
        """The newest version whose validity covers `day`, or None: the rule is not in force."""
        covering = [v for v in self.versions.all() if v.covers(day)]
        return max(covering, key=lambda v: v.number) if covering else None


class PolicyRuleVersion(models.Model):
    """One version of a rule's terms, written once, never changed (see the module)."""

    rule = models.ForeignKey(
        PolicyRule, verbose_name="规则", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    name = models.CharField("名称", max_length=128)
    source_document = models.CharField("依据文件", max_length=128)
    source_article = models.CharField("条款", max_length=64, blank=True)
    valid_from = models.DateField("起始日期")
    valid_until = models.DateField("截止日期", null=True, blank=True)
    # Who qualifies; an empty list asks nothing of that kind.
    household_categories = models.JSONField("户类别", default=list, blank=True)
    bases = models.JSONField("申报类别", default=list, blank=True)
    training_kinds = models.JSONField("培训类型", default=list, blank=True)
    occupation = models.CharField(
        "职业（工种）", max_length=128, blank=True, help_text="留空表示不限职业"
    )
    levels = models.JSONField("等级", default=list, blank=True)
    payee = models.CharField("补贴对象（收款方）", max_length=16, choices=Payee.choices, blank=True)
    # Paid only together with another subsidy of the same class: the living allowance
    # during project-based training (003 四（十）) goes only to trainees whose project
    # subsidy is due, and to no class that has none.
    alongside = models.CharField(
        "随同发放",
        max_length=16,
        choices=RuleKind.choices,
        blank=True,
        help_text="只发给同一班中该类补贴应发的学员，如生活费补贴随项目制培训补贴",
    )
    # What it pays.
    amount = models.DecimalField(
        "补贴标准（元）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount_unit = models.CharField(
        "计量单位", max_length=16, choices=AmountUnit.choices, blank=True
    )
    amount_is_minimum = models.BooleanField("标准为下限（不低于）", default=False)
    level_amounts = models.JSONField(
        "分等级标准（元）", default=dict, blank=True, help_text="等级 → 金额，如 5 → 1000.00"
    )
    cap_per_time = models.DecimalField(
        "单次上限（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    cap_per_year = models.DecimalField(
        "年度上限（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # A limit's value and its unit: 1 次/人·职业·等级, 3 次/人·年, 12 月, 80 %.
    limit_value = models.DecimalField(
        "限制数值", max_digits=12, decimal_places=2, null=True, blank=True
    )
    limit_unit = models.CharField("限制单位", max_length=32, blank=True)
    note = models.TextField("说明", blank=True)
    reason = models.CharField("修改原因", max_length=255, blank=True)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["rule", "-number"]
        verbose_name = "补贴政策规则版本"
        verbose_name_plural = "补贴政策规则版本"
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="policy_rule_version_unique"),
            models.CheckConstraint(
                name="policy_rule_version_period",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
            models.CheckConstraint(
                name="policy_rule_version_amount_not_negative",
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.number}版）"

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if not self._state.adding:
            raise ValueError("补贴政策规则的版本一经保存不再修改：请保存为新版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise ValueError("补贴政策规则的版本不能删除：补贴申领明细按它计算，须长期可查")

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def level_amount(self, level: str) -> Decimal | None:
        """The amount of a per-level rule for `level` ("5", "4", "3"…), or None: nothing
        is set for that level."""
        amount = self.level_amounts.get(str(level))
        return Decimal(amount) if amount is not None else None

    @property
    def source(self) -> str:
        return f"{self.source_document} {self.source_article}".strip()

    @property
    def period(self) -> str:
        until = self.valid_until.isoformat() if self.valid_until else "今"
        return f"{self.valid_from.isoformat()} 至 {until}"

    @property
    def amount_text(self) -> str:
        """The amount as the documents say it: 200.00 元/人·天，单次不超过 1000.00 元."""
        parts = []
        if self.amount_unit == AmountUnit.CATALOGUE:
            parts.append("按需求目录该职业、类型、等级的补贴标准")
        elif self.amount_unit == AmountUnit.PER_LEVEL:
            labels = dict(LEVELS)
            parts.append(
                "；".join(
                    f"{labels.get(level, level)} {amount} 元"
                    for level, amount in sorted(self.level_amounts.items(), reverse=True)
                )
            )
        elif self.amount is not None:
            prefix = "不低于 " if self.amount_is_minimum else ""
            parts.append(f"{prefix}{self.amount} {self.get_amount_unit_display()}")
        if self.cap_per_time is not None:
            parts.append(f"单次不超过 {self.cap_per_time} 元")
        if self.cap_per_year is not None:
            parts.append(f"每年不超过 {self.cap_per_year} 元")
        if self.limit_value is not None:
            parts.append(f"{plain(self.limit_value)} {self.limit_unit}".strip())
        elif self.limit_unit:
            parts.append(self.limit_unit)
        return "，".join(parts) or "—"

    def labels(self, field: str) -> str:
        """A list of codes (bases, categories, kinds, levels) as their Chinese names."""
        choices = {
            "household_categories": HOUSEHOLD_CATEGORIES,
            "bases": BASES,
            "training_kinds": TRAINING_KINDS,
            "levels": LEVELS,
        }[field]
        names = dict(choices)
        return "、".join(names.get(v, v) for v in getattr(self, field)) or "不限"


def plain(value: Decimal) -> str:
    """12.00 → "12", 0.50 → "0.5": a count or a percentage as people write it."""
    return f"{value.normalize():f}"


# The terms a version carries, in the order pages and the loader show them.
TERMS = [
    "name",
    "source_document",
    "source_article",
    "valid_from",
    "valid_until",
    "household_categories",
    "bases",
    "training_kinds",
    "occupation",
    "levels",
    "payee",
    "alongside",
    "amount",
    "amount_unit",
    "amount_is_minimum",
    "level_amounts",
    "cap_per_time",
    "cap_per_year",
    "limit_value",
    "limit_unit",
    "note",
]


# ---------------------------------------------------------------------------------------
# Claims (补贴申领): what is due to whom, line by line, by which rule version.


class ClaimKind(models.TextChoices):
    CLASS = "class", "培训班补贴申领"
    UPGRADING = "upgrading", "技能提升补贴申领"
    APPRENTICESHIP = "apprenticeship", "企业新型学徒制补贴申领"
    STUDENT_AID = "student_aid", "技工院校学生资助申领"
    AGENCY_SERVICE = "agency_service", "人力资源服务机构就业创业服务补助申领"


class ClaimState(models.TextChoices):
    """Where a claim stands in its review (accounts.review's table is in subsidies.review)."""

    DRAFT = "draft", "待提交"
    SUBMITTED = "submitted", "已提交待初审"
    CHECKED = "checked", "县级初审通过待审批"
    CITY_CHECKED = "city_checked", "市级复核通过待审批"
    APPROVED = "approved", "已审批"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不予补贴"


class LineStatus(models.TextChoices):
    """Where one claim line stands: its decision, then its payment."""

    DUE = "due", "应发"
    REFUSED = "refused", "不予补贴"
    HELD = "held", "暂缓（待核查）"
    BATCHED = "batched", "已纳入发放批次"
    PAID = "paid", "已发放"
    FAILED = "failed", "发放失败待重发"
    REVERSED = "reversed", "已冲回"


# The statuses of a line that has taken (or is taking) its subsidy: the limits count them.
LIVE = (
    LineStatus.DUE,
    LineStatus.HELD,
    LineStatus.BATCHED,
    LineStatus.PAID,
    LineStatus.FAILED,
)


class Hold(models.TextChoices):
    NONE = "", "—"
    FLAGGED_SIGNIN = "flagged_signin", "签到待核查"
    OBJECTION = "objection", "公示期异议待处理"
    UNVERIFIED_BASIS = "unverified_basis", "补贴对象类别待比对核实"


class Claim(models.Model):
    """One claim under review: a closed class's lines, a person's skill-upgrading
    application, or an enterprise's apprentice list. Scope: the county it is paid in,
    and the institution that submits it (a class's)."""

    kind = models.CharField("申领类型", max_length=16, choices=ClaimKind.choices)
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    training_class = models.OneToOneField(
        "training.TrainingClass",
        verbose_name="培训班",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="申领机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_claims",
    )
    # An enterprise's apprenticeship claim: the enterprise is not an institution of ours.
    enterprise_name = models.CharField("企业名称", max_length=128, blank=True)
    enterprise_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    claimed_on = models.DateField("申领日期", default=timezone.localdate)
    # The period an enterprise's apprenticeship claim covers (its lines count apprentice-
    # years within it); empty for other claims.
    period_from = models.DateField("申领期间起", null=True, blank=True)
    period_until = models.DateField("申领期间止", null=True, blank=True)
    status = models.CharField(
        "审核状态", max_length=16, choices=ClaimState.choices, default=ClaimState.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField("审核意见", max_length=500, blank=True)
    # What the system cannot know (an enterprise's apprentice contracts): attached once.
    attachment = models.FileField("附件", upload_to="claims/%Y%m/", max_length=255, blank=True)
    attachment_name = models.CharField("附件名称", max_length=255, blank=True)
    attachment_sha256 = models.CharField("附件SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "补贴申领"
        verbose_name_plural = "补贴申领"
        indexes = [models.Index(fields=["county", "status"])]

    def __str__(self) -> str:
        if self.training_class_id:
            return f"{self.training_class}（培训班补贴）"
        if self.person_id:
            return f"{self.person.name}的{self.get_kind_display()}"
        if self.kind == ClaimKind.STUDENT_AID and self.institution_id and self.period_from:
            return f"{self.institution.name}{self.period_from:%Y年%m月}起学期学生资助"
        if self.kind == ClaimKind.AGENCY_SERVICE and self.period_from:
            return f"{self.enterprise_name}{self.period_from:%Y年%m月}就业创业服务补助"
        return f"{self.enterprise_name}的{self.get_kind_display()}"

    def within(self, scope: Scope) -> bool:
        return scope.has_institution(self.institution_id) or scope.contains_region(self.county_id)

    @property
    def total_due(self) -> Decimal:
        return sum(
            (line.amount for line in self.lines.all() if line.status in LIVE), Decimal("0.00")
        )


class ClaimLine(models.Model):
    """What one rule gives (or refuses) one person, or one enterprise's apprentice: the
    rule version, units, rate, cap and result, or why nothing is due, and the records it
    rests on (roster line, certificate), linked rather than uploaded again."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField("补贴类别", max_length=16, choices=RuleKind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
    )
    person_name = models.CharField("姓名", max_length=64)
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        PolicyRuleVersion,
        verbose_name="计算依据（规则版本）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )
    payee = models.CharField("收款方", max_length=16, choices=Payee.choices, blank=True)
    payee_name = models.CharField("收款方名称", max_length=128, blank=True)
    occupation = models.ForeignKey(
        "catalogue.Occupation",
        verbose_name="职业（工种）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField("等级", max_length=20, choices=SkillLevel.choices, blank=True)
    enrolment = models.ForeignKey(
        "training.Enrolment",
        verbose_name="花名册",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
    )
    certificate = models.ForeignKey(
        "evaluation.Certificate",
        verbose_name="证书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
    )
    units = models.DecimalField("数量", max_digits=10, decimal_places=2, default=Decimal("0"))
    unit = models.CharField("单位", max_length=16, choices=AmountUnit.choices, blank=True)
    rate = models.DecimalField("标准（元）", max_digits=12, decimal_places=2, null=True)
    cap = models.DecimalField("上限（元）", max_digits=12, decimal_places=2, null=True)
    amount = models.DecimalField(
        "金额（元）", max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    status = models.CharField(
        "状态", max_length=16, choices=LineStatus.choices, default=LineStatus.DUE
    )
    hold = models.CharField("暂缓原因", max_length=16, choices=Hold.choices, blank=True)
    reason = models.CharField("说明", max_length=500, blank=True)
    # The limit that refused or holds the line, and the payment line that blocks it.
    limit = models.ForeignKey(
        PolicyRuleVersion,
        verbose_name="限制规则",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="limited_lines",
    )
    blocked_by = models.ForeignKey(
        "self",
        verbose_name="已享受的补贴",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The counts the line was computed from (sessions, attended, days, rate, basis …).
    evidence = models.JSONField("计算依据", default=dict, blank=True)
    claimed_on = models.DateField("申领日期")
    computed_at = models.DateTimeField("计算时间", default=timezone.now)
    # The public notice (公示) the line was listed in; payable once its period has ended.
    publication = models.ForeignKey(
        "Publication",
        verbose_name="公示",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )

    class Meta:
        ordering = ["claim", "id"]
        verbose_name = "补贴申领明细"
        verbose_name_plural = "补贴申领明细"
        indexes = [
            models.Index(fields=["person", "kind", "status"]),
            models.Index(fields=["county", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="claim_line_amount_not_negative", condition=Q(amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_kind_display()} {self.amount}元"

    def within(self, scope: Scope) -> bool:
        return self.claim.within(scope)

    @property
    def live(self) -> bool:
        return self.status in LIVE


# ---------------------------------------------------------------------------------------
# Publication (公示) and objections (异议).


class Publication(models.Model):
    """One public notice of a county's approved lines, for a number of statutory working
    days (the limit rule `limit-publication-days`); during it anyone may object to a line."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=128)
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示截止日期")
    working_days = models.PositiveSmallIntegerField("公示工作日数")
    rule = models.ForeignKey(
        PolicyRuleVersion,
        verbose_name="依据（规则版本）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("发布时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "补贴公示"
        verbose_name_plural = "补贴公示"

    def __str__(self) -> str:
        return self.title

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.county_id)

    def ended(self, day: dt.date) -> bool:
        """Whether the period is over on `day` (the day after the last day of it)."""
        return day > self.ends_on


class ObjectionState(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立（不予补贴）"
    DISMISSED = "dismissed", "异议不成立（照常发放）"


class Objection(models.Model):
    """An objection raised against one published line: it holds the line until a reviewer
    resolves it with a reason."""

    line = models.ForeignKey(ClaimLine, on_delete=models.PROTECT, related_name="objections")
    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="objections"
    )
    text = models.TextField("异议内容")
    contact_name = models.CharField("反映人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    raised_at = models.DateTimeField("提出时间", default=timezone.now)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    state = models.CharField(
        "处理结果", max_length=16, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    resolution = models.CharField("处理说明", max_length=500, blank=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return f"对{self.line.person_name}的异议"

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.line.county_id)


# ---------------------------------------------------------------------------------------
# Payment (发放) and budgets (资金): payment_models.py.

from .payment_models import (  # noqa: E402, F401
    BatchState,
    Budget,
    Fund,
    PayeeAccount,
    PayeeKind,
    Payment,
    PaymentBatch,
    PaymentStatus,
    Reversal,
)
