"""Sections the placements part adds to other parts' pages: the seeker's placements on the
seeker page, and an employer's or agency's own latest placements on its home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from skillaid.accounts.capabilities import can

from .placements import placements_visible_to

SHOWN = 10


def seeker_placements(request: HttpRequest, seeker) -> str:  # noqa: ANN001
    rows = placements_visible_to(request.user).filter(seeker=seeker)[:SHOWN]
    return render_to_string(
        "employment/placements/_section.html",
        {
            "placements": rows,
            "heading": "就业登记",
            "section_id": "seeker-placements",
            "show_person": False,
            "can_record": can(request.user, "placement.record"),
        },
        request=request,
    )


def employer_placements(request: HttpRequest, obj=None) -> str:  # noqa: ANN001
    """The latest placements the employer (or agency) reported or was named in."""
    rows = placements_visible_to(request.user)[:SHOWN]
    return render_to_string(
        "employment/placements/_section.html",
        {
            "placements": rows,
            "heading": "本单位就业登记",
            "section_id": "employer-placements",
            "show_person": True,
            "can_record": can(request.user, "placement.record"),
        },
        request=request,
    )
