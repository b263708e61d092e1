"""就业服务: the county bureau's way in to the employment services, with what waits today."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from skillaid.accounts.capabilities import can, may

from .postings import postings_open
from .selectors_seekers import seekers_visible_to
from .todos import work_counts


@login_required
def employment_index(request: HttpRequest) -> HttpResponse:
    """The figures that say what to do next, each a link to the list behind it."""
    user, today = request.user, timezone.localdate()
    if not (can(user, "seeker.read") or can(user, "funnel.read") or can(user, "posting.read")):
        raise PermissionDenied("您的角色不能使用就业服务")
    figures = {}
    if can(user, "seeker.read"):
        figures = {"seekers": seekers_visible_to(user).count(), **work_counts(user, on=today)}
    figures["open_postings"] = postings_open(today).count() if can(user, "posting.read") else None
    context = {
        "figures": figures,
        "today": today,
        **may(user, "seeker.read", "seeker.edit", "posting.read", "employer.read", "funnel.read"),
        **may(user, "placement.record", "referral.record", "fair.edit"),
    }
    return render(request, "employment/index.html", context)
