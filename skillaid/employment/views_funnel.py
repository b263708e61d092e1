"""Pages of the funnel: the four figures by grouping, the people behind a figure (with its
workbook), and the employment rates three months after completion per class and per
institution."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import download
from skillaid.training.models import Enrolment

from .funnel import (
    FIGURES,
    GROUPING_LABELS,
    GROUPINGS,
    MEASURED,
    FunnelFilters,
    employment_rates,
    funnel,
    funnel_people,
    funnel_total,
    without_jit,
)

FIGURE_LABELS = {**FIGURES, MEASURED: "已满三个月"}


def _links(filters: FunnelFilters, key: str) -> dict[str, str]:
    """Per figure, the query of its drill-down (the same filters, the group's key)."""
    return {figure: urlencode(filters.query(key=key, figure=figure)) for figure in FIGURE_LABELS}


@login_required
def funnel_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "funnel.read")
    filters = FunnelFilters.parse(request.GET)
    rows = funnel(request.user, filters=filters)
    total = funnel_total(rows)
    for row in rows:
        row.links = _links(filters, row.key)
    total.links = _links(filters, "")
    return render(
        request,
        "employment/funnel/funnel.html",
        {
            "filters": filters,
            "rows": rows,
            "total": total,
            "groupings": GROUPING_LABELS.items(),
            "group_label": {
                "county": "县（区）",
                "school": "院校/机构",
                "class": "培训班",
                "occupation": "职业（工种）",
            }[filters.by],
            "rates_query": urlencode(filters.query()),
        },
    )


PEOPLE_HEADERS = [
    "姓名",
    "身份证号",
    "县（区）",
    "院校/机构",
    "培训班",
    "职业（工种）",
    "结业日期",
    "已推荐岗位",
    "已就业",
    "三个月后仍在岗",
]


def _yes(value: bool) -> str:
    return "是" if value else "否"


def people_row(e: Enrolment) -> list[object]:
    c = e.training_class
    return [
        e.person.name,
        e.person.id_masked,
        e.person.county.name,
        c.institution.name,
        c.name,
        c.occupation.name,
        c.end_on,
        _yes(e.referred),
        _yes(e.hired),
        _yes(e.still) if e.measured else "未满三个月",
    ]


def _group_name(filters: FunnelFilters, rows) -> str:  # noqa: ANN001
    if not filters.key:
        return "全部"
    first = rows.first()
    if first is None:
        return filters.key
    _, label = GROUPINGS[filters.by]
    value = first
    for part in label.split("__"):
        value = getattr(value, part)
    return str(value)


@login_required
def funnel_people_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "funnel.read")
    filters = FunnelFilters.parse(request.GET)
    rows = funnel_people(request.user, filters=filters)
    with without_jit():
        group = _group_name(filters, rows)
    figure = FIGURE_LABELS[filters.figure]
    if request.GET.get("format") == "xlsx":
        with without_jit():
            return download(
                request,
                PEOPLE_HEADERS,
                (people_row(e) for e in rows.iterator(chunk_size=2000)),
                subject="培训就业情况名单",
                object_type=Enrolment,
                filters={
                    "分组": GROUPING_LABELS[filters.by],
                    "组": group,
                    "人数类别": figure,
                    "结业日期": f"{filters.start:%Y-%m-%d}至{filters.until:%Y-%m-%d}",
                },
            )
    with without_jit():
        page = Paginator(rows, settings.SKILLAID_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
    return render(
        request,
        "employment/funnel/people.html",
        {
            "filters": filters,
            "page": page,
            "group": group,
            "figure": figure,
            "query": urlencode(filters.query(key=filters.key, figure=filters.figure)),
            "back": urlencode(filters.query()),
        },
    )


@login_required
def rates_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "funnel.read")
    filters = FunnelFilters.parse(request.GET)
    rates = employment_rates(request.user, filters=filters)
    for row in rates.classes:
        row.query = urlencode(filters.query(key=row.key, figure="still") | {"by": "class"})
    for row in rates.institutions:
        row.query = urlencode(filters.query(key=row.key, figure="still") | {"by": "school"})
    return render(
        request,
        "employment/funnel/rates.html",
        {
            "filters": filters,
            "rates": rates,
            "today": timezone.localdate(),
            "back": urlencode(filters.query()),
        },
    )
