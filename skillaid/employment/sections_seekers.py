"""What the seekers part adds to the person page: the seeker record's status with a link,
or, for a clerk who may register the person, a button to do so."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from skillaid.accounts.capabilities import can

from .selectors_seekers import seekers_visible_to


def person_seeker_section(request: HttpRequest, person) -> str:  # noqa: ANN001
    seeker = seekers_visible_to(request.user).filter(person=person).select_related("county").first()
    may_register = seeker is None and can(request.user, "seeker.edit", person)
    if seeker is None and not may_register:
        return ""
    return render_to_string(
        "employment/seekers/_person_seeker.html",
        {"seeker": seeker, "person": person, "may_register": may_register},
        request=request,
    )
