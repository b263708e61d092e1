"""Targets with their progress, and figures, over HTTP: the same selectors as the pages
(reports.targets.target_list, reports.figures.where_for), within the caller's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from skillaid.accounts.capabilities import require
from skillaid.institutions.models import Institution

from . import periods
from .figures import figure, where_for
from .tally import INDICATORS, indicator, refreshed_at
from .targets import progress_for, target_list

router = Router(tags=["targets"])


class TargetFilters(Schema):
    plan: str = ""
    region: str = ""  # a division code and below; 全国 for the national targets


class TargetOut(Schema):
    id: int
    plan: str
    source: str
    title: str
    indicator: str
    region_code: str | None  # None: national (全国)
    parent_id: int | None
    period: str
    period_label: str
    value: Decimal
    unit: str
    kind: str
    # Progress: of the whole target when it lies in the caller's scope (`whole`); of a
    # wider one, the caller's own figure only, without percentage, pace or forecast.
    whole: bool
    actual: Decimal | None
    percent: Decimal | None
    expected: Decimal
    pace_needed: Decimal | None
    forecast: Decimal | None
    behind: bool
    months_left: int
    counties: list[int] | None  # per-county targets: [counties reached, counties covered]


class FigureOut(Schema):
    indicator: str
    name: str
    unit: str
    counts: str
    region: str
    institution: int | None
    period: str
    period_label: str
    value: Decimal | None
    refreshed_at: dt.datetime | None


@router.get("/targets", response=list[TargetOut], summary="目标任务及完成进度")
def list_targets(request: HttpRequest, filters: Query[TargetFilters]):  # noqa: ANN201
    require(request.user, "figures.read")
    today = timezone.localdate()
    out = []
    for t in target_list(request.user, plan=filters.plan, region=filters.region):
        p, whole = progress_for(request.user, t, today=today)
        out.append(
            TargetOut(
                id=t.pk,
                plan=t.plan,
                source=t.source,
                title=t.title,
                indicator=t.indicator,
                region_code=t.region_id,
                parent_id=t.parent_id,
                period=p.period.code,
                period_label=p.period.label,
                value=t.value,
                unit=t.unit,
                kind=t.kind,
                whole=whole,
                actual=p.actual,
                percent=p.percent if whole else None,
                expected=p.expected,
                pace_needed=p.pace_needed if whole else None,
                forecast=p.forecast if whole else None,
                behind=p.behind and whole,
                months_left=p.months_left,
                counties=list(p.counties) if p.counties else None,
            )
        )
    return out


class FigureQuery(Schema):
    indicator: str
    period: str
    region: str = ""
    institution: int | None = None


@router.get("/figures", response=FigureOut, summary="统计指标数值（辖区内）")
def read_figure(request: HttpRequest, q: Query[FigureQuery]):  # noqa: ANN201
    require(request.user, "figures.read")
    if q.indicator not in INDICATORS:
        raise HttpError(422, f"没有统计指标“{q.indicator[:40]}”（可用：{'、'.join(INDICATORS)}）")
    try:
        period = periods.parse(q.period)
    except ValueError as e:
        raise HttpError(422, str(e)) from None
    if q.institution is not None and (
        not 0 < q.institution < 2**63 or not Institution.objects.filter(pk=q.institution).exists()
    ):
        raise HttpError(404, "没有找到该院校")
    where = where_for(request.user, region=q.region, institution_id=q.institution)
    ind = indicator(q.indicator)
    return FigureOut(
        indicator=ind.code,
        name=ind.name,
        unit=ind.unit,
        counts=ind.counts,
        region=q.region or where.prefix,
        institution=where.institution_id,
        period=period.code,
        period_label=period.label,
        value=figure(ind.code, where, period),
        refreshed_at=refreshed_at(),
    )
