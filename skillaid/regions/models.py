"""Administrative divisions (GB/T 2260), key-assistance counties and resettlement sites."""

from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class RegionQuerySet(models.QuerySet):
    def current(self) -> RegionQuerySet:
        return self.filter(is_current=True)

    def within(self, code: str) -> RegionQuerySet:
        """The region with this code and every region below it."""
        return self.filter(code__startswith=code_prefix(code))

    def search(self, text: str) -> RegionQuerySet:
        text = text.strip()
        if text.isdigit():
            return self.filter(code__startswith=text)
        return self.filter(name__contains=text)


def code_prefix(code: str) -> str:
    """The leading digits that every code inside a region shares: 45, 4501, 450124."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class Region(models.Model):
    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64, db_index=True)
    level = models.CharField("级别", max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_current = models.BooleanField("现行", default=True)
    valid_from = models.PositiveSmallIntegerField("启用年份", null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField("停用年份", null=True, blank=True)
    history = models.CharField("名称沿革", max_length=255, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return code_prefix(self.code)

    @property
    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)


class KeyCountyCategory(models.TextChoices):
    NATIONAL = "national", "国家乡村振兴重点帮扶县"
    REGIONAL = "regional", "自治区乡村振兴重点帮扶县"
    REFERENCE = "reference", "参照重点帮扶县"


class KeyCounty(models.Model):
    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="key_county")
    category = models.CharField("类别", max_length=16, choices=KeyCountyCategory.choices)
    source = models.CharField("依据", max_length=64, blank=True)

    class Meta:
        ordering = ["region__code"]
        verbose_name = "重点帮扶县"
        verbose_name_plural = "重点帮扶县"

    def __str__(self) -> str:
        return f"{self.region.name}（{self.get_category_display()}）"


class ResettlementSite(models.Model):
    name = models.CharField("安置区", max_length=64, unique=True)
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="resettlement_sites")
    scale = models.CharField("规模", max_length=32, blank=True)
    source = models.CharField("依据", max_length=64, blank=True)

    class Meta:
        ordering = ["county__code", "name"]
        verbose_name = "易地扶贫搬迁安置区"
        verbose_name_plural = "易地扶贫搬迁安置区"

    def __str__(self) -> str:
        return self.name
