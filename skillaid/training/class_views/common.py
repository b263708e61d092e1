"""What every class page needs: whether the viewer runs the class, acting on a class and coming back to it, and how refused sign-ins are shown."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from skillaid.people.selectors import people_visible_to

from .. import classes
from ..models import RefusedAttendance
from ..selectors import class_for


def is_officer_of_class(user, c) -> bool:  # noqa: ANN001
    return classes.is_officer_of(user, c.institution_id)


def class_act(request: HttpRequest, pk: int, action) -> HttpResponse:  # noqa: ANN001
    c = class_for(request.user, pk)
    try:
        message = action(c)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, message)
    return redirect("class_detail", pk=c.pk)


def refusals_shown(user, refusals, roster: set[int]) -> list[RefusedAttendance]:  # noqa: ANN001
    """Refusals as the class's pages show them: a trainee on the roster by name and masked
    number (whatever the refusal, an early sign-out as much as a stale code); anyone else
    by the masked number that was typed, unless the viewer may read that person's ledger
    record anyway (the county bureau in its region). A school officer never learns a name,
    or whether the number is in the ledger, from a refusal."""
    shown = list(refusals)
    others = {r.person_id for r in shown if r.person_id and r.person_id not in roster}
    readable = (
        set(people_visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
        if others
        else set()
    )
    for r in shown:
        named = r.person_id in roster or r.person_id in readable
        # A name with the masked number: two trainees of one class may share a name.
        r.who = str(r.person) if named and r.person else r.id_masked or "—"
    return shown
