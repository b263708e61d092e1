"""Pages for the capacity registry."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.models import Channel
from skillaid.errors import apply_errors
from skillaid.regions.models import KeyCounty
from skillaid.regions.selectors import regions_for_choice

from . import capacity as services
from . import exports, selectors
from .forms import (
    CapacityForm,
)
from .models import (
    Capacity,
    CapacityKind,
)
from .selectors import (
    CapacityFilters,
    capacity_for,
    capacity_visible_to,
    institutions_visible_to,
)


def _capacity_rows(request: HttpRequest):  # noqa: ANN202
    filters = CapacityFilters.parse(request.GET)
    return selectors.capacity_list(request.user, filters=filters), filters


@login_required
def capacity_list(request: HttpRequest) -> HttpResponse:
    rows, filters = _capacity_rows(request)
    visible = capacity_visible_to(request.user)
    counts = defaultdict(dict)
    years: set[int] = set()
    for item in visible.values("kind", "year").annotate(n=Count("id")):
        counts[item["kind"]][item["year"]] = item["n"]
        years.add(item["year"])
    years_sorted = sorted(years)
    table = [
        {
            "label": label,
            "kind": kind,
            "cells": [counts[kind].get(y, 0) for y in years_sorted],
            "total": sum(counts[kind].values()),
        }
        for kind, label in CapacityKind.choices
    ]
    # The plans want at least one specialised-ability assessment norm per key county.
    covered = set(
        visible.filter(kind=CapacityKind.ASSESSMENT_NORM).values_list("region_id", flat=True)
    )
    key_counties = KeyCounty.objects.filter(
        region__code__startswith=request.user.region_prefix
    ).select_related("region")
    uncovered = [k.region for k in key_counties if k.region_id not in covered]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/capacity_list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "kinds": CapacityKind.choices,
            "years": years_sorted,
            "table": table,
            "uncovered": uncovered,
            "key_total": len(key_counties),
            "query": request.GET.urlencode(),
            "can_edit": can(request.user, "capacity.edit"),
        },
    )


@login_required
def capacity_export(request: HttpRequest) -> HttpResponse:
    rows, filters = _capacity_rows(request)
    return download(
        request,
        exports.CAPACITY_HEADERS,
        (exports.capacity_row(c) for c in rows),
        subject="能力建设登记",
        object_type="institutions.capacity",
        filters={
            "类别": CapacityKind(filters.kind).label if filters.kind in CapacityKind.values else "",
            "年度": filters.year or "",
            "查询": filters.q,
        },
    )


def _capacity_form(request: HttpRequest, item: Capacity | None) -> HttpResponse:
    require(request.user, "capacity.edit", item)
    regions = regions_for_choice(request.user)
    institutions = list(institutions_visible_to(request.user))
    initial = {"year": timezone.localdate().year}
    if item is not None:
        initial = {f: getattr(item, f) for f in services.CAPACITY_FIELDS}
        initial["region"], initial["institution"] = item.region_id, item.institution_id
    form = CapacityForm(
        request.POST or None, initial=initial, regions=regions, institutions=institutions
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["institution"] = int(data["institution"]) if data.get("institution") else None
        try:
            if item is None:
                item = services.capacity_create(actor=request.user, channel=Channel.PAGE, data=data)
            else:
                services.capacity_update(
                    actor=request.user, channel=Channel.PAGE, item=item, data=data
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存：{item}")
            return redirect("capacity_list")
    title = "登记能力建设项目" if item is None else f"修改 {item}"
    return render(request, "form.html", {"form": form, "title": title})


@login_required
def capacity_create(request: HttpRequest) -> HttpResponse:
    return _capacity_form(request, None)


@login_required
def capacity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _capacity_form(request, capacity_for(request.user, pk))
