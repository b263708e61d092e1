"""The demand catalogue (需求指导目录): occupations, skill levels and training kinds, and the
catalogue's entries of standard hours and subsidy by region and period. Reference data that
institutions, classes, certificates and subsidies all read."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from skillaid.accounts.scope import Scope

# Occupational Classification Dictionary (职业分类大典) codes: 4-10-01-01, and 工种 under
# an occupation with two more digits (4-10-01-01-02).
OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$")


def validate_occupation_code(value: str) -> None:
    if value and not OCCUPATION_CODE.match(value):
        raise ValidationError(f"职业编码“{value}”格式不对，应如 4-10-01-01（《职业分类大典》编码）")


class TrainingKind(models.TextChoices):
    EMPLOYMENT = "employment", "就业技能培训"
    UPGRADING = "upgrading", "岗位技能提升培训"
    ENTREPRENEURSHIP = "entrepreneurship", "创业培训"
    LABOUR_PREP = "labour_prep", "劳动预备制培训"
    APPRENTICESHIP = "apprenticeship", "新型学徒制培训"
    ORDER_BASED = "order_based", "订单、定岗、定向式培训"


class SkillLevel(models.TextChoices):
    LEVEL_5 = "5", "五级/初级工"
    LEVEL_4 = "4", "四级/中级工"
    LEVEL_3 = "3", "三级/高级工"
    LEVEL_2 = "2", "二级/技师"
    LEVEL_1 = "1", "一级/高级技师"
    SPECIALIST = "special_technician", "特级技师"
    CHIEF = "chief_technician", "首席技师"
    SPECIALISED_ABILITY = "specialised", "专项职业能力"
    NONE = "none", "无等级（培训合格）"


class Occupation(models.Model):
    code = models.CharField(
        "职业编码", max_length=16, blank=True, validators=[validate_occupation_code]
    )
    name = models.CharField("职业（工种）名称", max_length=64)
    digital = models.BooleanField("数字职业（S）", default=False)
    green = models.BooleanField("绿色职业（L）", default=False)
    urgent = models.BooleanField("急需紧缺", default=False)

    class Meta:
        ordering = ["code", "name"]
        db_table = "training_occupation"
        verbose_name = "职业（工种）"
        verbose_name_plural = "职业（工种）"
        constraints = [
            models.UniqueConstraint(fields=["code", "name"], name="occupation_code_name_unique")
        ]

    def __str__(self) -> str:
        marks = "".join(m for m, on in (("S", self.digital), ("L", self.green)) if on)
        return f"{self.code} {self.name}{f'（{marks}）' if marks else ''}".strip()


class DemandEntryQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> DemandEntryQuerySet:
        return self.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class DemandEntry(models.Model):
    """One line of the catalogue: training of an occupation at a level, its hours and subsidy in a region and period."""

    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="entries")
    training_kind = models.CharField("培训类型", max_length=20, choices=TrainingKind.choices)
    level = models.CharField("等级", max_length=20, choices=SkillLevel.choices)
    standard_hours = models.PositiveIntegerField("标准课时")
    subsidy = models.DecimalField(
        "补贴标准（元/人）",
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="适用地区", on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期", null=True, blank=True)
    source = models.CharField("依据", max_length=128, blank=True)

    objects = DemandEntryQuerySet.as_manager()

    class Meta:
        ordering = ["occupation__code", "occupation__name", "level", "-valid_from"]
        db_table = "training_demandentry"
        verbose_name = "需求指导目录条目"
        verbose_name_plural = "需求指导目录"
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "training_kind", "level", "region", "valid_from"],
                name="demand_entry_unique",
            ),
            models.CheckConstraint(
                name="demand_entry_period",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            ),
            models.CheckConstraint(name="demand_entry_subsidy", condition=Q(subsidy__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} {self.get_level_display()} {self.subsidy}元"

    def within(self, scope: Scope) -> bool:
        """Kept by the reviewers of its region (accounts.capabilities asks)."""
        return scope.contains_region(self.region_id)
