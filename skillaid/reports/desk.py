"""The desk (工作台): each role's home page. What waits for the user (the to-do lists of
every app, accounts.desk), the figures of their scope against their targets, the county
ledger summary, the latest notices, and what higher apps add to the home page (a school's
classes).

Every figure is read from `Tally` (reports.figures): the desk never reads people, classes
or payments themselves, so its time does not grow with the number of people. The figures
are as of `tally.refreshed_at()`, shown as 数据截至 HH:MM.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.desk import Todo, todos
from skillaid.accounts.notices import notices_of
from skillaid.accounts.sections import sections
from skillaid.regions.models import Region

from . import periods
from .figures import Where, figure, figures_by, where_for
from .models import Target
from .periods import Period
from .progress import Progress, progress_of
from .tally import INDICATORS, refreshed_at

# The figures every desk shows for the year, whether or not a target is set for them.
HEADLINE = ("trainings", "certificates", "paid")
TARGETS_SHOWN = 12
NOTICES_SHOWN = 5
LEDGER = (
    ("people", "ledger_people"),
    ("assisted", "ledger_assisted"),
    ("training", "ledger_wants_training"),
    ("school", "ledger_wants_school"),
    ("job", "ledger_wants_job"),
)
# The ledger counts everyone registered up to now: from before any record to this year's end.
LEDGER_FIRST_YEAR = 2000


def desk_targets(user: object, today: dt.date) -> QuerySet[Target]:
    """The targets of the user's own region (a school officer: their school's) whose period
    holds `today`, counted here by an indicator. An administrator's are the nationwide ones."""
    rows = Target.objects.filter(period_start__lte=today, period_end__gte=today).exclude(
        indicator=""
    )
    institution_id = getattr(user, "institution_id", None)
    if getattr(user, "role", "") == "school_officer":
        if institution_id is None:
            return Target.objects.none()
        rows = rows.filter(institution_id=institution_id)
    elif getattr(user, "region_id", None):
        rows = rows.filter(region_id=user.region_id, institution__isnull=True)
    elif getattr(user, "role", "") == "admin":
        rows = rows.filter(region__isnull=True, institution__isnull=True)
    else:
        return Target.objects.none()
    return rows.select_related("region").order_by("period_end", "plan", "id")


@dataclass(frozen=True)
class Figure:
    """One number on the desk, with the records behind it and its dashboard."""

    code: str
    name: str
    unit: str
    value: Decimal | None
    period: Period
    people_url: str
    dashboard_url: str
    progress: Progress | None = None


def _links(code: str, period: Period, region: str, institution_id: int | None) -> tuple[str, str]:
    query = {"indicator": code, "period": period.code}
    if region:
        query["region"] = region
    if institution_id is not None:
        query["institution"] = institution_id
    q = urlencode(query)
    return f"{reverse('figure_people')}?{q}", f"{reverse('dashboard')}?{q}"


def _region_param(user: object, where: Where) -> str:
    """The region a figure's links name: the user's own (a school's figures name none)."""
    if where.institution_id is not None:
        return ""
    return getattr(user, "region_id", None) or ""


def desk_figures(user: object, where: Where, today: dt.date) -> list[Figure]:
    """The targets of the user's region with their progress, then this year's headline
    figures that no target already shows."""
    region = _region_param(user, where)
    out: list[Figure] = []
    shown: set[tuple[str, str]] = set()
    for target in desk_targets(user, today)[:TARGETS_SHOWN]:
        if target.indicator not in INDICATORS:
            continue
        progress = progress_of(target, today=today, where=where)
        people, dashboard = _links(target.indicator, progress.period, region, where.institution_id)
        out.append(
            Figure(
                code=target.indicator,
                name=target.title,
                unit=target.unit,
                value=progress.actual,
                period=progress.period,
                people_url=people,
                dashboard_url=dashboard,
                progress=progress,
            )
        )
        shown.add((target.indicator, progress.period.code))
    year = periods.year(today.year)
    for code in HEADLINE:
        ind = INDICATORS.get(code)
        if ind is None or (code, year.code) in shown:
            continue
        people, dashboard = _links(code, year, region, where.institution_id)
        out.append(
            Figure(
                code=code,
                name=ind.name,
                unit=ind.unit,
                value=figure(code, where, year),
                period=year,
                people_url=people,
                dashboard_url=dashboard,
            )
        )
    return out


def ledger_rows(where: Where, today: dt.date) -> tuple[list[dict], list[dict], dict]:
    """The county ledger summary from Tally: a row per county (people, of assisted
    households, wanting training, school, a job), the cities with their subtotals when the
    scope spans several, and the totals."""
    if not all(code in INDICATORS for _, code in LEDGER):
        return [], [], {}
    span = periods.plan(LEDGER_FIRST_YEAR, max(today.year, LEDGER_FIRST_YEAR))
    by_key = {key: figures_by(code, "county", where, span) for key, code in LEDGER}
    codes = sorted({c for values in by_key.values() for c, v in values.items() if v})
    names = {
        r.code: r
        for r in Region.objects.filter(code__in=codes)
        .select_related("parent")
        .only("code", "name", "parent__code", "parent__name")
    }
    rows = []
    for code in codes:
        place = names.get(code)
        parent = place.parent if place else None
        rows.append(
            {
                "county_id": code,
                "county__name": place.name if place else code,
                "county__parent_id": parent.code if parent else "",
                "county__parent__name": parent.name if parent else "",
                **{key: int(by_key[key].get(code, 0) or 0) for key, _ in LEDGER},
            }
        )
    rows.sort(key=lambda r: (r["county__parent_id"], r["county_id"]))
    totals = _sum_counts(rows)
    cities = []
    if len({r["county__parent_id"] for r in rows}) > 1:
        for code, group in groupby(rows, key=lambda r: r["county__parent_id"]):
            group = list(group)
            name = group[0]["county__parent__name"] or "（无上级区划）"
            cities.append({"code": code, "name": name, "rows": group, **_sum_counts(group)})
    return rows, cities, totals


def _sum_counts(rows: list[dict]) -> dict[str, int]:
    return {key: sum(r[key] for r in rows) for key, _ in LEDGER}


def _grouped(items: list[Todo]) -> list[tuple[str, list[Todo]]]:
    groups: dict[str, list[Todo]] = {}
    for item in items:
        groups.setdefault(item.group or "其他", []).append(item)
    return list(groups.items())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's desk (see the module's text)."""
    user = request.user
    today = timezone.localdate()
    try:
        where = where_for(user) if can(user, "figures.read") else None
    except Http404:
        where = None  # a bureau account with no region: nothing to count
    items = todos(request, user)
    ledger = can(user, "ledger.read") and where is not None
    rows, cities, totals = ledger_rows(where, today) if ledger else ([], [], {})
    unread = notices_of(user).filter(read_at__isnull=True)
    return render(
        request,
        "reports/desk.html",
        {
            "todos": _grouped(items),
            "todo_count": len(items),
            "figures": desk_figures(user, where, today) if where is not None else [],
            "ledger": ledger,
            "rows": rows,
            "cities": cities,
            "totals": totals,
            "notices": list(unread[:NOTICES_SHOWN]),
            "refreshed_at": refreshed_at(),
            "today": today,
            # What higher apps show first on a user's home page (a school's classes).
            "home_sections": sections("home", request, user),
        },
    )
