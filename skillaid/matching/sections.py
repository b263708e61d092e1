"""What 精准比对 adds to the person page: the person's comparison results awaiting or past
a decision, each linked to its review page (the facts themselves are the person's own)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from .decisions import items_visible_to


def person_review_section(request: HttpRequest, person) -> str:  # noqa: ANN001
    items = list(
        items_visible_to(request.user)
        .filter(person=person)
        .select_related("run__snapshot")
        .order_by("-run__started_at", "-id")[:20]
    )
    if not items:
        return ""
    return render_to_string("matching/_person_items.html", {"items": items}, request=request)
