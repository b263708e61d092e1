"""Pairings (结对帮扶): a school paired with a key county or a large resettlement site, with
its agreement, its yearly work plan and its half-year and annual summaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.scope import Scope
from skillaid.institutions.models import Institution


class Pairing(models.Model):
    """A school paired with a key county or a large resettlement site (结对帮扶)."""

    school = models.ForeignKey(
        Institution, verbose_name="结对院校", on_delete=models.PROTECT, related_name="pairings"
    )
    county = models.ForeignKey(
        "regions.Region",
        verbose_name="帮扶县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    site = models.ForeignKey(
        "regions.ResettlementSite",
        verbose_name="安置区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    signed_on = models.DateField("协议签订日期", null=True, blank=True)
    school_duties = models.TextField("院校责任", blank=True)
    county_duties = models.TextField("县（安置区）责任", blank=True)
    agreement = models.FileField("结对协议文件", upload_to="agreements/%Y/", blank=True)
    source = models.CharField("依据", max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=255, blank=True)

    class Meta:
        db_table = "institutions_pairing"
        ordering = ["county__code", "site__name"]
        verbose_name = "结对帮扶"
        verbose_name_plural = "结对帮扶"
        constraints = [
            models.CheckConstraint(
                name="pairing_one_partner",
                condition=(Q(county__isnull=False) & Q(site__isnull=True))
                | (Q(county__isnull=True) & Q(site__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["school", "county"],
                condition=Q(county__isnull=False),
                name="pairing_county_unique",
            ),
            models.UniqueConstraint(
                fields=["school", "site"],
                condition=Q(site__isnull=False),
                name="pairing_site_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} — {self.partner_name}"

    @property
    def partner_name(self) -> str:
        return self.county.name if self.county_id else self.site.name

    def ended_by(self, day: dt.date) -> bool:
        return self.ended_on is not None and self.ended_on <= day

    def within(self, scope: Scope) -> bool:
        """The school's own officer, and the bureaus above the partner county or site
        (accounts.capabilities asks): the two sides of the pairing."""
        return scope.has_institution(self.school_id) or scope.contains_region(
            self.partner_county_code
        )

    def summary_dues(self, year: int, today: dt.date) -> list[SummaryDue]:
        """The year's summaries, each with its due date and whether it is overdue: the one
        place the rule is written. A summary due after the pairing ended is waived. Reads
        `summaries.all()`, so a list prefetches them."""
        submitted = {s.period: s for s in self.summaries.all() if s.year == year}
        dues = []
        for period in SummaryPeriod.values:
            due = summary_due(year, period)
            summary = submitted.get(period)
            waived = self.ended_by(due)
            dues.append(
                SummaryDue(
                    period=period,
                    label=f"{year}年{SummaryPeriod(period).label}",
                    due=due,
                    summary=summary,
                    waived=waived,
                    overdue=summary is None and not waived and due < today,
                )
            )
        return dues

    def overdue_summaries(self, year: int, today: dt.date) -> list[str]:
        """The names of the year's overdue summaries: 半年总结, 年度总结."""
        return [SummaryPeriod(d.period).label for d in self.summary_dues(year, today) if d.overdue]

    @property
    def partner_county_code(self) -> str:
        return self.county_id if self.county_id else self.site.county_id


class WorkPlan(models.Model):
    """The year's work plan of a pairing, filed with the county bureau."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveIntegerField("年度")
    planned_enrolments = models.PositiveIntegerField("计划招收两后生（人）", default=0)
    note = models.TextField("工作安排", blank=True)
    filed_on = models.DateField("报备日期")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "institutions_workplan"
        ordering = ["-year"]
        verbose_name = "年度工作计划"
        verbose_name_plural = "年度工作计划"
        constraints = [
            models.UniqueConstraint(fields=["pairing", "year"], name="work_plan_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度工作计划"

    @property
    def planned_trainees(self) -> int:
        return sum(i.trainees for i in self.items.all())


class WorkPlanItem(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    occupation = models.CharField("培训职业（工种）", max_length=64)
    month = models.PositiveSmallIntegerField("月份")
    trainees = models.PositiveIntegerField("计划培训（人）")

    class Meta:
        db_table = "institutions_workplanitem"
        ordering = ["month", "id"]
        constraints = [
            models.CheckConstraint(name="plan_item_month", condition=Q(month__gte=1, month__lte=12))
        ]

    def __str__(self) -> str:
        return f"{self.month}月 {self.occupation} {self.trainees}人"


class SummaryPeriod(models.TextChoices):
    HALF_YEAR = "half", "半年总结"
    ANNUAL = "annual", "年度总结"


# 003 (十五): the half-year summary by 30 June, the annual one by 30 December.
SUMMARY_DUE = {SummaryPeriod.HALF_YEAR: (6, 30), SummaryPeriod.ANNUAL: (12, 30)}


def summary_due(year: int, period: str) -> dt.date:
    month, day = SUMMARY_DUE[period]
    return dt.date(year, month, day)


@dataclass(frozen=True)
class SummaryDue:
    """One summary a pairing owes in a year (Pairing.summary_dues)."""

    period: str
    label: str
    due: dt.date
    summary: PairingSummary | None
    waived: bool  # due after the pairing ended
    overdue: bool  # not submitted, not waived, and past its due date


class PairingSummary(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="summaries")
    year = models.PositiveIntegerField("年度")
    period = models.CharField("类型", max_length=8, choices=SummaryPeriod.choices)
    text = models.TextField("总结内容")
    submitted_on = models.DateField("报送日期")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "institutions_pairingsummary"
        ordering = ["-year", "period"]
        verbose_name = "结对工作总结"
        verbose_name_plural = "结对工作总结"
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "year", "period"], name="pairing_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_period_display()}"

    @property
    def due(self) -> dt.date:
        return summary_due(self.year, self.period)

    @property
    def late(self) -> bool:
        return self.submitted_on > self.due
