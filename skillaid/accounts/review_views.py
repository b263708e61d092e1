"""待我审核: what waits for the user's review, from every reviewed kind of object."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .review import QUEUE_LIMIT, review_queue, reviews


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    groups = []
    # ?kind=<model label> keeps one kind (the desk's to-do links to its claims).
    kind = request.GET.get("kind", "")
    for waiting in review_queue(request.user):
        wf = waiting.workflow
        if kind and wf.label != kind:
            continue
        rows = []
        for obj in waiting.objects:
            since = obj.review_since
            maker = getattr(obj, wf.maker_field) if wf.maker_field else None
            rows.append(
                {
                    "text": wf.describe(obj),
                    "url": wf.url(obj),
                    "state": wf.state_label(getattr(obj, wf.state_field)),
                    "since": since,
                    "days": (now - since).days if since else None,
                    "maker": maker.display_name if maker else "",
                }
            )
        groups.append({"title": wf.title, "total": waiting.total, "rows": rows})
    return render(
        request,
        "accounts/review_list.html",
        {
            "groups": groups,
            "reviewer": reviews(request.user),
            "limit": QUEUE_LIMIT,
            "kind": kind,
        },
    )
