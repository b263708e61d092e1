"""Recording each trainee's completion and closing the class."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can
from skillaid.accounts.models import Channel

from .. import classes
from ..models import Completion
from ..selectors import class_for
from .common import class_act


@login_required
def class_completion(request: HttpRequest, pk: int) -> HttpResponse:
    c = class_for(request.user, pk)
    if not can(request.user, "completion.record", c):
        raise PermissionDenied("只有本机构的管理员可以登记结业")
    refusal = classes.completion_refusal(c)
    if refusal:
        # Not yet (or no longer): the form takes no input before the last session has ended.
        messages.error(request, refusal)
        return redirect("class_detail", pk=c.pk)
    total, attended = classes.attendance_counts(c)
    enrolments = list(c.enrolments.select_related("person"))
    errors: dict[int, str] = {}
    if request.method == "POST":
        done = 0
        for e in enrolments:
            choice = request.POST.get(f"completed_{e.pk}", "")
            if not choice:
                continue
            try:
                classes.enrolment_complete(
                    actor=request.user,
                    enrolment=e,
                    completed=choice == "yes",
                    score=request.POST.get(f"score_{e.pk}", ""),
                    passed=request.POST.get(f"passed_{e.pk}") == "on",
                    channel=Channel.PAGE,
                )
                done += 1
            except ValidationError as exc:
                errors[e.pk] = "；".join(exc.messages)
        if not errors:
            messages.success(request, f"已登记{done}名学员的结业情况")
            return redirect("class_detail", pk=c.pk)
        enrolments = list(c.enrolments.select_related("person"))
    posted = request.method == "POST"
    # After a refused submit every row shows what was typed, not what is stored.
    rows = [
        {
            "e": e,
            "rate": classes.rate(attended.get(e.pk, 0), total),
            "error": errors.get(e.pk, ""),
            "posted": request.POST.get(f"completed_{e.pk}", ""),
            "score": (
                request.POST.get(f"score_{e.pk}", "")
                if posted
                else ("" if e.score is None else e.score)
            ),
            "passed": request.POST.get(f"passed_{e.pk}") == "on" if posted else bool(e.passed),
        }
        for e in enrolments
    ]
    return render(
        request,
        "training/completion.html",
        {
            "c": c,
            "rows": rows,
            "threshold": settings.SKILLAID_ATTENDANCE_THRESHOLD,
            "Completion": Completion,
        },
    )


@login_required
@require_POST
def class_close(request: HttpRequest, pk: int) -> HttpResponse:
    def close(c) -> str:  # noqa: ANN001
        classes.class_close(actor=request.user, training_class=c, channel=Channel.PAGE)
        return "培训班已结业"

    return class_act(request, pk, close)
