"""Technical schools and training institutions, their pairings with key counties and
resettlement sites, and the capacity the plans count (bases, studios, brands, norms,
competitions, key schools and majors)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.scope import Scope


class InstitutionKind(models.TextChoices):
    TECHNICIAN_COLLEGE = "technician_college", "技师学院"
    SENIOR_TECHNICAL_SCHOOL = "senior_technical_school", "高级技工学校"
    TECHNICAL_SCHOOL = "technical_school", "技工学校"
    PUBLIC_PROVIDER = "public_provider", "公办职业培训机构"
    PRIVATE_PROVIDER = "private_provider", "民办职业培训机构"
    ENTERPRISE_PROVIDER = "enterprise_provider", "企业培训中心"
    ONLINE_PLATFORM = "online_platform", "线上培训平台"
    # Kept for institutions registered before the provider kinds were told apart.
    TRAINING_INSTITUTION = "training_institution", "职业培训机构"


SCHOOL_KINDS = (
    InstitutionKind.TECHNICIAN_COLLEGE,
    InstitutionKind.SENIOR_TECHNICAL_SCHOOL,
    InstitutionKind.TECHNICAL_SCHOOL,
)


class CatalogueStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    LISTED = "listed", "已列入目录"
    SUSPENDED = "suspended", "暂停"
    REMOVED = "removed", "已移出目录"


class Institution(models.Model):
    name = models.CharField("名称", max_length=128, unique=True)
    kind = models.CharField("类型", max_length=32, choices=InstitutionKind.choices)
    # Schools loaded from the pairing tables have no code yet; a code, once given, is unique.
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在地区", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=255, blank=True)
    contact = models.CharField("联系人", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField(
        "目录状态", max_length=16, choices=CatalogueStatus.choices, default=CatalogueStatus.PENDING
    )
    status_since = models.DateField("状态起始日期", null=True, blank=True)
    occupations = models.ManyToManyField(
        "catalogue.Occupation",
        through="InstitutionOccupation",
        verbose_name="可培训职业",
        related_name="institutions",
        blank=True,
    )
    source = models.CharField("来源", max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = "院校与培训机构"
        verbose_name_plural = "院校与培训机构"
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~Q(uscc=""), name="institution_uscc_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def within(self, scope: Scope) -> bool:
        """Written by the bureaus of its own region and by its own officer; seeing it through
        a pairing is not writing it (accounts.capabilities asks)."""
        return scope.has_institution(self.pk) or scope.contains_region(self.region_id)

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    @property
    def is_listed(self) -> bool:
        return self.status == CatalogueStatus.LISTED


class InstitutionStatus(models.Model):
    """Each change of an institution's place in the catalogue, with its date and reason."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="history")
    status = models.CharField("目录状态", max_length=16, choices=CatalogueStatus.choices)
    on = models.DateField("日期")
    reason = models.CharField("原因", max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = "目录状态变更"
        verbose_name_plural = "目录状态变更"

    def __str__(self) -> str:
        return f"{self.on} {self.get_status_display()}"


class InstitutionOccupation(models.Model):
    """An occupation and level an institution may train."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE)
    occupation = models.ForeignKey("catalogue.Occupation", on_delete=models.PROTECT)
    level = models.CharField("等级", max_length=20)

    class Meta:
        verbose_name = "可培训职业"
        verbose_name_plural = "可培训职业"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "occupation", "level"], name="institution_occupation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation} {self.level}"


class CapacityKind(models.TextChoices):
    HIGH_SKILL_BASE = "high_skill_base", "高技能人才培训基地"
    MASTER_STUDIO = "master_studio", "技能大师工作室"
    PUBLIC_BASE = "public_base", "公共实训基地"
    LABOUR_BRAND = "labour_brand", "劳务品牌"
    ASSESSMENT_NORM = "assessment_norm", "专项职业能力考核规范"
    COMPETITION = "competition", "职业技能竞赛"
    KEY_SCHOOL = "key_school", "重点技工院校"
    KEY_MAJOR = "key_major", "重点专业"


class CapacityLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省（区）级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Capacity(models.Model):
    """One item of the capacity the plans count, by region and year."""

    kind = models.CharField("类别", max_length=20, choices=CapacityKind.choices)
    name = models.CharField("名称", max_length=128)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在地区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    level = models.CharField("级别", max_length=16, choices=CapacityLevel.choices, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name="依托院校/机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity",
    )
    occupations = models.CharField("涉及职业（工种）", max_length=255, blank=True)
    master = models.CharField("技能大师", max_length=64, blank=True)
    apprentices = models.PositiveIntegerField("带徒人数", null=True, blank=True)
    held_on = models.DateField("举办日期", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    results = models.TextField("成果", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-year", "name"]
        verbose_name = "能力建设"
        verbose_name_plural = "能力建设"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "region", "year"], name="capacity_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "year"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}（{self.year}）"

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.region_id)

    @property
    def published_late(self) -> bool:
        """Key schools and majors are published by the end of April of their year."""
        return bool(self.published_on) and self.published_on > dt.date(self.year, 4, 30)


class CompetitionResult(models.Model):
    competition = models.ForeignKey(Capacity, on_delete=models.CASCADE, related_name="placings")
    person = models.ForeignKey(
        "people.Person", verbose_name="参赛人员", on_delete=models.PROTECT, related_name="+"
    )
    placing = models.CharField("名次/奖项", max_length=32)

    class Meta:
        verbose_name = "竞赛成绩"
        verbose_name_plural = "竞赛成绩"
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "person"], name="competition_person_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.placing}"
