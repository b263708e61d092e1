"""Figures read from `Tally`: an indicator's value for a region (a code prefix: '' for
everywhere, 45 for the province, 4501 for a city, 450124 for a county), an institution
(a school, or a pairing with its county) and a period, as one number or broken down by
city, county, institution or month. Each read sums at most counties × months rows of one
indicator, so its time does not grow with the number of people.

`Where` is what a viewer reads: their scope narrowed by what they drilled into. Pages
make one with `where_for(user, region=…, institution=…)`, which refuses (404) what lies
outside the user's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.http import Http404

from skillaid.accounts.scope import Scope
from skillaid.regions.models import Level, Region, code_prefix

from .models import Tally
from .periods import Period
from .tally import Indicator, indicator


@dataclass(frozen=True)
class Where:
    region: str = ""  # a county-code prefix; '' is everywhere
    institution_id: int | None = None
    county: str = ""  # a pairing's county, with its school in institution_id

    @property
    def prefix(self) -> str:
        return self.county or self.region


def where_for(user: object, *, region: str = "", institution_id: int | None = None) -> Where:
    """What `user` reads at `region` (a division code) and `institution_id`: their whole
    scope when neither is given. A region or institution outside the scope is a 404, as is
    a user who reads no figures."""
    scope = Scope.of(user)
    if scope.institution_id is not None:  # a school officer: their own school
        if institution_id not in (None, scope.institution_id):
            raise Http404("没有找到该院校")
        place = _region(region) if region else None
        if place is not None and place.level != Level.COUNTY:
            return Where(region=code_prefix(place.code), institution_id=scope.institution_id)
        county = place.code if place is not None else ""
        return Where(institution_id=scope.institution_id, county=county)
    if scope.region_prefix is None:
        raise Http404("没有可查看的统计")
    if region:
        place = _region(region)
        if not scope.contains_region(place.code):
            raise Http404("没有找到该地区")
        prefix = code_prefix(place.code)
        if institution_id is not None:
            # A school within a county (a pairing's), or within a city or the province.
            county = place.code if place.level == Level.COUNTY else ""
            return Where(region=prefix, institution_id=institution_id, county=county)
        return Where(region=prefix)
    return Where(region=scope.region_prefix, institution_id=institution_id)


def _region(code: str) -> Region:
    place = Region.objects.filter(code=(code or "")[:6]).first()
    if place is None:
        raise Http404("没有找到该地区")
    return place


def _rows(code: str, where: Where, period: Period):  # noqa: ANN202
    rows = Tally.objects.filter(
        indicator=code, month__gte=period.start.replace(day=1), month__lte=period.end
    )
    if where.prefix:
        rows = rows.filter(county__code__prefix=where.prefix)
    if where.institution_id is not None:
        rows = rows.filter(institution_id=where.institution_id)
    return rows


def _sum(code: str, where: Where, period: Period) -> Decimal:
    total = _rows(code, where, period).aggregate(v=Sum("value"))["v"]
    return Decimal(total or 0)


def figure(code: str, where: Where, period: Period) -> Decimal | None:
    """The indicator's value; a ratio's is None when its denominator is 0."""
    ind = indicator(code)
    if ind.ratio:
        num, den = (_sum(c, where, period) for c in ind.ratio)
        return (num / den).quantize(Decimal("0.01")) if den else None
    return _sum(code, where, period)


BY = {
    "city": None,  # first four digits of the county code
    "county": "county_id",
    "institution": "institution_id",
    "month": "month",
}


def figures_by(code: str, by: str, where: Where, period: Period) -> dict[object, Decimal | None]:
    """The indicator broken down: by 'city' (keys are 6-digit city codes), 'county'
    (county codes), 'institution' (ids; None for records of no institution) or 'month'
    (first days). Ratios are divided key by key."""
    ind = indicator(code)
    if ind.ratio:
        num = _by(ind.ratio[0], by, where, period)
        den = _by(ind.ratio[1], by, where, period)
        return {
            k: ((num.get(k, Decimal(0)) / d).quantize(Decimal("0.01")) if d else None)
            for k, d in den.items()
        } | {k: None for k in num if k not in den}
    return _by(code, by, where, period)


def _by(code: str, by: str, where: Where, period: Period) -> dict[object, Decimal]:
    if by not in BY:
        raise ValueError(f"不能按“{by}”分组")
    key = BY[by] or "county_id"
    out: dict[object, Decimal] = {}
    for k, v in _rows(code, where, period).values_list(key).annotate(v=Sum("value")).order_by():
        if by == "city":
            k = k[:4] + "00"
        elif by == "month" and isinstance(k, str):
            k = dt.date.fromisoformat(k)
        out[k] = out.get(k, Decimal(0)) + Decimal(v or 0)
    return out


def describe(ind: Indicator) -> dict[str, str]:
    return {"code": ind.code, "name": ind.name, "unit": ind.unit, "counts": ind.counts}
