"""The trainee's sign-in page: no login, the ID number, name and current code."""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from skillaid.accounts.clientip import client_ip
from skillaid.people.own_account import code_send_at_sign_in

from ..attendance import AttendanceRefused, attendance_sign
from ..forms import SignForm
from ..models import Attendance, ClassSession, ClassStatus, Direction, Method

DEVICE_COOKIE = "skillaid_device"


def sign(request: HttpRequest, pk: int) -> HttpResponse:
    session = (
        ClassSession.objects.select_related("training_class__institution")
        .filter(pk=pk, training_class__status=ClassStatus.APPROVED)
        .first()
    )
    if session is None:
        # Nothing of a class that is not running (draft, under review, returned, rejected,
        # closed) is shown to someone without a login, and no sign-in is taken; the page is
        # the same as for a session that does not exist.
        return render(request, "training/sign_closed.html", status=404)
    device = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_hex(16)
    form = SignForm(
        request.POST or None,
        initial={"code": request.GET.get("c", ""), "direction": "in"},
    )
    result = None
    account_note = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            record = attendance_sign(
                session=session,
                direction=form.cleaned_data["direction"],
                method=Method.CODE,
                id_number=form.cleaned_data["id_number"],
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                device=device,
                ip=client_ip(request),
            )
        except AttendanceRefused as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            result = record
            account_note = _first_sign_in_note(record)
    response = render(
        request,
        "training/sign.html",
        {
            "session": session,
            "c": session.training_class,
            "form": form,
            "result": result,
            "account_note": account_note,
            "open_url": request.build_absolute_uri(reverse("me_open")),
        },
        status=status,
    )
    if account_note:
        # A page about this person's account: no browser or proxy keeps a copy of it.
        add_never_cache_headers(response)
    response.set_cookie(
        DEVICE_COOKIE, device, max_age=3 * 365 * 24 * 3600, httponly=True, samesite="Lax"
    )
    return response


def _first_sign_in_note(record: Attendance) -> str:
    """For a trainee who has just signed in to a class for the first time ever and has no
    account yet: how to open one (the code goes by SMS to the phone in the ledger, never onto
    this page), or "".

    Not on a flagged sign-in, nor on a phone someone else has signed in from."""
    if record.direction != Direction.IN or record.flag:
        return ""
    signed = Attendance.objects.filter(person=record.person, direction=Direction.IN)
    if signed.exclude(pk=record.pk).exists():
        return ""
    if (
        record.device
        and Attendance.objects.filter(device=record.device).exclude(person=record.person).exists()
    ):
        return ""
    return code_send_at_sign_in(person=record.person)
