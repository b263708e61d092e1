"""The division look-up page: search by name or code, retired codes included."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Level
from .selectors import SEARCH_LIMIT, search_regions


@login_required
def region_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    current_only = request.GET.get("current") == "1"
    regions = search_regions(q, level=level, current_only=current_only)
    context = {
        "regions": regions,
        "filters": {"q": q, "level": level, "current": current_only},
        "levels": Level.choices,
        "limited": len(regions) == SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
    }
    return render(request, "regions/region_search.html", context)
