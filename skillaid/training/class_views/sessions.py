"""Running a session: the officer's page with the current code and QR, who has signed, and marking by hand."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can
from skillaid.accounts.clientip import client_ip
from skillaid.accounts.models import Channel

from ..attendance import (
    AttendanceRefused,
    attendance_flag_settle,
    attendance_sign,
    current_code,
    window,
)
from ..forms import ManualMarkForm
from ..models import Attendance, ClassSession, ClassStatus, Direction, Method, RefusedAttendance
from ..selectors import session_for
from .common import is_officer_of_class, refusals_shown


def _session_state(request: HttpRequest, session: ClassSession) -> dict:
    c = session.training_class
    records = Attendance.objects.filter(session=session)
    marks: dict[int, dict[str, Attendance]] = {}
    for r in records:
        marks.setdefault(r.enrolment_id, {})[r.direction] = r
    roster = [
        {"e": e, "in": marks.get(e.pk, {}).get("in"), "out": marks.get(e.pk, {}).get("out")}
        for e in c.enrolments.select_related("person")
    ]
    officer = is_officer_of_class(request.user, c)
    state = {
        "session": session,
        "c": c,
        "roster": roster,
        "signed_in": sum(1 for r in roster if r["in"]),
        "signed_out": sum(1 for r in roster if r["out"]),
        "officer": officer,
        **_signing(session),
        "refusals": refusals_shown(
            request.user,
            RefusedAttendance.objects.filter(session=session).select_related("person")[:10],
            {r["e"].person_id for r in roster},
        ),
    }
    if officer and state["open"]:
        state.update(_code(request, session))
    return state


def _signing(session: ClassSession) -> dict:
    """Whether the code is taken now, and from when until when."""
    opens, closes = window(session, Method.CODE)
    now = timezone.now()
    approved = session.training_class.status == ClassStatus.APPROVED
    return {"open": approved and opens <= now <= closes, "opens": opens, "closes": closes}


def _code(request: HttpRequest, session: ClassSession, *, fill: bool = False) -> dict:
    """The current code, the sign-in address that carries it and its QR; a QR to `fill` its
    box has no size of its own, so that the projector page can draw it as large as the screen."""
    code, left = current_code(session)
    page = request.build_absolute_uri(reverse("sign", args=[session.pk]))
    url = f"{page}?c={code}"
    qr = segno.make(url, error="m")
    return {
        "code": code,
        "left": left,
        "sign_page": page,
        "sign_url": url,
        "qr": qr.svg_inline(scale=5, dark="#123", omitsize=fill),
    }


@login_required
def session_run(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk)
    state = _session_state(request, session)
    state["mark_form"] = ManualMarkForm()
    state["mark_hours"] = settings.SKILLAID_MANUAL_MARK_HOURS
    # Flagged sign-ins with their review, and the review's controls for the county bureau.
    state["flagged"] = (
        Attendance.objects.filter(session=session)
        .exclude(flag="")
        .select_related("person", "flag_settled_by")
    )
    state["settles"] = can(request.user, "attendance.settle", session.training_class)
    return render(request, "training/session.html", state)


@login_required
def session_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The code, QR and who has signed in, fetched again every few seconds by the session page."""
    session = session_for(request.user, pk)
    return render(request, "training/_session_live.html", _session_state(request, session))


@login_required
def session_projector(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-in code and its QR filling a projector's screen, for the officer who runs the
    session. It names the class and the session only: no trainee's name is shown on a wall.
    The page fetches itself again every few seconds (htmx) to follow the rotating code."""
    session = session_for(request.user, pk)
    c = session.training_class
    if not is_officer_of_class(request.user, c):
        raise PermissionDenied("只有本机构的管理员可以投屏显示签到码")
    state = {
        "session": session,
        "c": c,
        **_signing(session),
        "trainees": c.enrolments.count(),
        "signed_in": Attendance.objects.filter(session=session, direction=Direction.IN).count(),
    }
    if state["open"]:
        state.update(_code(request, session, fill=True))
    if request.headers.get("HX-Request"):
        return render(request, "training/_projector_live.html", state)
    return render(request, "training/projector.html", state)


@login_required
@require_POST
def session_mark(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk)
    if not is_officer_of_class(request.user, session.training_class):
        raise PermissionDenied("只有本机构的管理员可以补签")
    form = ManualMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "补签须填写原因")
        return redirect("session_run", pk=session.pk)
    e = get_object_or_404(
        session.training_class.enrolments.select_related("person"),
        pk=form.cleaned_data["enrolment"],
    )
    try:
        attendance_sign(
            session=session,
            direction=form.cleaned_data["direction"],
            method=Method.MANUAL,
            person=e.person,
            by=request.user,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except AttendanceRefused as exc:
        messages.error(request, exc.message)
    else:
        label = Direction(form.cleaned_data["direction"]).label
        messages.success(request, f"已为{e.person.name}补{label}")
    return redirect("session_run", pk=session.pk)


@login_required
@require_POST
def session_flag_settle(request: HttpRequest, pk: int, record: int) -> HttpResponse:
    """The county bureau confirms or clears a flagged sign-in of this session, with a reason."""
    session = session_for(request.user, pk)
    r = get_object_or_404(Attendance.objects.select_related("person"), pk=record, session=session)
    outcome = request.POST.get("outcome", "")
    try:
        attendance_flag_settle(
            actor=request.user,
            record=r,
            outcome=outcome,
            reason=request.POST.get("reason", ""),
            channel=Channel.PAGE,
        )
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        r.refresh_from_db()
        messages.success(request, f"已核查{r.person.name}的签到：{r.get_flag_outcome_display()}")
    return redirect(reverse("session_run", args=[session.pk]) + "#flags")
