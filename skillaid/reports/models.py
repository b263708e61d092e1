"""Tables of the reports app: figures kept up to date (Tally), targets, the deadlines'
rules and the reports submitted against them, and the random inspections.

Figures on desks, dashboards and report packs are read from `Tally`, never from scans of
people on each request: one row per indicator × county × institution × month, rebuilt by
`reports.tally.tally_refresh` (a job the worker runs every few minutes, and a command).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Tally(models.Model):
    """One indicator's figure for one county, institution (or none) and month."""

    indicator = models.CharField("指标", max_length=40)
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.CASCADE, related_name="+"
    )
    # The school or training institution the figure is of (a class's), where it has one.
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="院校/机构",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField("月份")  # the first day of the month
    value = models.DecimalField("数值", max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = "指标汇总"
        verbose_name_plural = "指标汇总"
        indexes = [
            models.Index(fields=["indicator", "month", "county"], name="tally_ind_month_county"),
            models.Index(fields=["indicator", "institution", "month"], name="tally_ind_inst_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.county_id} {self.month:%Y-%m} {self.value}"


class TallyState(models.Model):
    """When an indicator's rows were last rebuilt, and how long it took."""

    indicator = models.CharField("指标", max_length=40, primary_key=True)
    refreshed_at = models.DateTimeField("汇总时间", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", default=0)
    rows = models.PositiveIntegerField("行数", default=0)
    # The latest rebuild of the recent months only (tally_refresh(since=…)).
    recent_at = models.DateTimeField("近期汇总时间", null=True, blank=True)
    recent_seconds = models.FloatField("近期汇总用时（秒）", default=0)

    class Meta:
        verbose_name = "指标汇总状态"
        verbose_name_plural = "指标汇总状态"

    def __str__(self) -> str:
        return f"{self.indicator} {self.refreshed_at}"


class TargetKind(models.TextChoices):
    AT_LEAST = "at_least", "不少于"
    ABOUT = "about", "约"
    AT_LEAST_PER_COUNTY = "at_least_per_county", "每县不少于"
    AT_LEAST_PER_PERSON = "at_least_per_person", "每人不少于"
    AT_LEAST_PER_YEAR = "at_least_per_year", "每年不少于"


class Target(models.Model):
    """A plan's target for a region (none: the whole country) and period, in the plan's
    own words, tied to the indicator that counts it here (blank when nothing here counts
    it: 制定国家职业标准). A split (分解) is a target whose `parent` is the one it divides."""

    plan = models.CharField("规划/文件", max_length=128)
    source = models.CharField("依据", max_length=64)
    title = models.CharField("指标名称", max_length=128)
    indicator = models.CharField("统计口径", max_length=40, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="院校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    value = models.DecimalField("目标值", max_digits=18, decimal_places=2)
    unit = models.CharField("单位", max_length=16)
    kind = models.CharField("口径", max_length=24, choices=TargetKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级目标",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
    )
    note = models.CharField("说明", max_length=255, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField("设定时间", default=timezone.now)

    class Meta:
        ordering = ["plan", "period_start", "id"]
        verbose_name = "目标任务"
        verbose_name_plural = "目标任务"
        indexes = [models.Index(fields=["indicator", "region"], name="target_ind_region")]
        constraints = [
            models.CheckConstraint(
                name="target_period_order", condition=Q(period_end__gte=models.F("period_start"))
            ),
            models.CheckConstraint(name="target_value_positive", condition=Q(value__gte=0)),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region_id else "全国"
        return f"{where} {self.title}"

    def within(self, scope) -> bool:  # noqa: ANN001
        return self.region_id is not None and scope.contains_region(self.region_id)


class DeadlineRule(models.Model):
    """A report due every year on a day, by a policy text (001 (十七): the thousand-schools
    progress table by 15 December; 003 (十五): pairing summaries by 30 June and 30 December),
    for a region (none: everywhere) and a validity."""

    code = models.CharField("编码", max_length=64, unique=True)
    name = models.CharField("事项", max_length=128)
    report = models.CharField("报表", max_length=32)  # a report pack's kind, or a record's
    month = models.PositiveSmallIntegerField("月")
    day = models.PositiveSmallIntegerField("日")
    source = models.CharField("依据", max_length=128)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="适用地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Which level reports it: each county, each city, the province, each pairing, each school.
    reporter = models.CharField("报送单位", max_length=16)
    # The period the report covers, as Submission.period keeps it: year, H1 (半年) …
    period = models.CharField("报送期间", max_length=16, default="year")
    valid_from = models.DateField("起始日期")
    valid_until = models.DateField("截止日期", null=True, blank=True)

    class Meta:
        ordering = ["month", "day", "code"]
        verbose_name = "报送时限"
        verbose_name_plural = "报送时限"

    def __str__(self) -> str:
        return f"{self.name}（每年{self.month}月{self.day}日前）"


class Submission(models.Model):
    """A report a region (or school) submitted for a period: the pack's file, by whom."""

    report = models.CharField("报表", max_length=32)
    region = models.ForeignKey(
        "regions.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="院校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveIntegerField("年度")
    period = models.CharField("期间", max_length=16)  # year, half, Q1 …
    job = models.ForeignKey(
        "accounts.Job",
        verbose_name="报表文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sha256 = models.CharField("文件SHA-256", max_length=64, blank=True)
    submitted_at = models.DateTimeField("报送时间", default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "报表报送"
        verbose_name_plural = "报表报送"
        indexes = [models.Index(fields=["report", "year", "region"], name="submission_report")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.report} {self.year}{self.period}"

    def within(self, scope) -> bool:  # noqa: ANN001
        return scope.contains_region(self.region_id)


class Population(models.TextChoices):
    CLASSES = "classes", "培训班"
    INSTITUTIONS = "institutions", "院校/培训机构"


class InspectionDraw(models.Model):
    """One random draw (双随机): objects from a region's population and inspectors from a
    pool, by a recorded seed, so that anyone can redo it and get the same result. The
    population and the pool are recorded by digest of their ordered ids."""

    title = models.CharField("抽查名称", max_length=128)
    region = models.ForeignKey(
        "regions.Region", verbose_name="抽查地区", on_delete=models.PROTECT, related_name="+"
    )
    population = models.CharField("抽查对象", max_length=16, choices=Population.choices)
    period_start = models.DateField("对象期间起")
    period_end = models.DateField("对象期间止")
    sample_size = models.PositiveIntegerField("抽取数量")
    inspectors_per_item = models.PositiveSmallIntegerField("每个对象检查人员数", default=2)
    # The rule of skillaid.lib.randomdraw the draw was made (and is redone) by.
    rule = models.CharField("抽取规则", max_length=16, default="sha256-key")
    seed = models.CharField("随机种子", max_length=64)
    # When the server made the seed (secrets), just before the draw; empty for a seed not
    # made so (draws recorded before seeds were made by the server only, demo data).
    seed_made_at = models.DateTimeField("随机种子生成时间", null=True, blank=True)
    population_count = models.PositiveIntegerField("对象总数", default=0)
    population_digest = models.CharField("对象名单摘要", max_length=64)
    pool_count = models.PositiveIntegerField("检查人员总数", default=0)
    pool_digest = models.CharField("检查人员名单摘要", max_length=64)
    # What the draw was made from, so that it can be redone from the record alone
    # (reports.inspections.inspection_redo): the ids in ascending order, comma-separated,
    # and the ties (回避) then in force as "inspector:institution" pairs.
    population_ids = models.TextField("对象编号", blank=True)
    pool_ids = models.TextField("检查人员编号", blank=True)
    exclusions = models.TextField("回避关系", blank=True)
    exclusions_digest = models.CharField("回避关系摘要", max_length=64, blank=True)
    # Each object with its institution, "object:institution" pairs ascending, which the
    # ties are applied through.
    population_pairs = models.TextField("对象所属院校/机构", blank=True)
    population_pairs_digest = models.CharField("对象所属院校/机构摘要", max_length=64, blank=True)
    drawn_at = models.DateTimeField("抽取时间", default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="组织人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"

    def __str__(self) -> str:
        return self.title

    def within(self, scope) -> bool:  # noqa: ANN001
        return scope.contains_region(self.region_id)


class InspectionItem(models.Model):
    """One object drawn: a class (with its institution) or an institution."""

    draw = models.ForeignKey(InspectionDraw, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("抽取序号")
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name="培训班",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="院校/机构",
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="检查人员", related_name="inspection_items"
    )

    class Meta:
        ordering = ["draw", "position"]
        verbose_name = "抽查对象"
        verbose_name_plural = "抽查对象"
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="inspection_item_position")
        ]

    def __str__(self) -> str:
        return str(self.training_class or self.institution)


class FindingResult(models.TextChoices):
    PASS = "pass", "未发现问题"
    RECTIFY = "rectify", "责令整改"
    FAIL = "fail", "发现违规"


class Finding(models.Model):
    item = models.ForeignKey(InspectionItem, on_delete=models.CASCADE, related_name="findings")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="检查人员",
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField("检查结果", max_length=16, choices=FindingResult.choices)
    text = models.TextField("检查情况")
    inspected_on = models.DateField("检查日期")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        ordering = ["item", "recorded_at"]
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        constraints = [
            models.UniqueConstraint(fields=["item", "inspector"], name="finding_once_per_inspector")
        ]

    def __str__(self) -> str:
        return f"{self.item}：{self.get_result_display()}"


class InspectorLink(models.Model):
    """An inspector's tie to an institution (worked there, related by kin or money): the
    inspector is never drawn for it."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inspector_links"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="关联院校/机构",
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField("关联关系", max_length=128)

    class Meta:
        verbose_name = "检查人员回避关系"
        verbose_name_plural = "检查人员回避关系"
        constraints = [
            models.UniqueConstraint(fields=["inspector", "institution"], name="inspector_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspector} — {self.institution}：{self.reason}"
