"""The follow-ups section of the seeker page (H1's page renders the "seeker_detail"
sections): the seeker's open and done follow-ups, with a link to record an open one."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from skillaid.accounts.capabilities import can

from .followups import followups_of


def seeker_followups_section(request: HttpRequest, seeker) -> str:  # noqa: ANN001
    if not can(request.user, "seeker.read", seeker):
        return ""
    rows = list(followups_of(seeker)[:100])
    today = timezone.localdate()
    return render_to_string(
        "employment/followups/_seeker_section.html",
        {
            "open": [f for f in rows if f.done_on is None],
            "done": [f for f in rows if f.done_on is not None],
            "today": today,
            "can_record": can(request.user, "seeker.edit", seeker),
        },
        request=request,
    )
