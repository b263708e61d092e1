"""What the postings part adds to other pages: the open postings of an employer or agency
on its account's home page (section "employer_home", obj the Employer)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from skillaid.accounts.capabilities import can

from .postings import postings_open, postings_visible_to

SHOWN = 20


def employer_home_postings(request: HttpRequest, employer) -> str:  # noqa: ANN001
    """The unit's open postings (its own and those it posted for others), with links."""
    if employer is None or not can(request.user, "posting.read"):
        return ""
    today = timezone.localdate()
    rows = (
        (postings_visible_to(request.user) & postings_open(today))
        .filter(Q(employer=employer) | Q(agency=employer))
        .select_related("employer", "occupation", "region")
        .order_by("valid_until", "id")
    )
    postings = list(rows[: SHOWN + 1])
    return render_to_string(
        "employment/postings/_employer_home.html",
        {
            "postings": postings[:SHOWN],
            "more": len(postings) > SHOWN,
            "employer": employer,
            "today": today,
            "can_edit": can(request.user, "posting.edit"),
        },
        request=request,
    )
