"""The trainees' own accounts from a class roster: the officer issues opening codes for the
roster (a printable slip per trainee, each code shown this once), sends one by SMS, or
opens an account with a one-time password. The services live with the account, in
`people.own_account`; this page only finds the roster lines in the user's scope."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import require
from skillaid.lib import onetimecode, phones
from skillaid.people import own_account
from skillaid.people.models import AccountCode, PersonAccount

from ..selectors import class_for, enrolment_for


@login_required
def roster_accounts(request: HttpRequest, pk: int) -> HttpResponse:
    c = class_for(request.user, pk)
    require(request.user, "person_account.open", c)
    lines = list(c.enrolments.select_related("person").order_by("id"))
    people = [e.person_id for e in lines]
    opened = set(
        PersonAccount.objects.filter(person_id__in=people).values_list("person_id", flat=True)
    )
    now = timezone.now()
    codes = {
        a.person_id: a
        for a in AccountCode.objects.filter(
            person_id__in=people, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now
        )
    }
    rows = [
        {
            "e": e,
            "opened": e.person_id in opened,
            "code": codes.get(e.person_id),
            # The officer never sees a trainee's phone: only its masked form, on the button.
            "phone": phones.mask(e.person.phone) if e.person.phone else "",
        }
        for e in lines
    ]
    return render(
        request,
        "training/roster_accounts.html",
        {
            "c": c,
            "rows": rows,
            "waiting": sum(1 for r in rows if not r["opened"]),
            "vouches": c.vetted,
        },
    )


@login_required
@require_POST
def roster_slips(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a code for every trainee of the roster without an account and print the slips;
    earlier codes of those trainees are void."""
    c = class_for(request.user, pk)
    require(request.user, "person_account.open", c)
    lines = list(c.enrolments.select_related("person").order_by("id"))
    try:
        issued = own_account.codes_issue_for_roster(actor=request.user, lines=lines)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("roster_accounts", pk=c.pk)
    slips = [(e, onetimecode.display(code)) for e, code in issued if code]
    if not slips:
        messages.info(request, "花名册上的学员都已开通本人账户，无需开通码。")
        return redirect("roster_accounts", pk=c.pk)
    return render(
        request,
        "training/roster_slips.html",
        {
            "c": c,
            "slips": slips,
            "days": settings.SKILLAID_ACCOUNT_CODE_DAYS,
            "expires": timezone.localdate()
            + dt.timedelta(days=settings.SKILLAID_ACCOUNT_CODE_DAYS),
            "open_url": request.build_absolute_uri(reverse("me_open")),
        },
    )


@login_required
@require_POST
def roster_account(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One trainee of the roster: send a code by SMS. Passwords (opening with one, a reset)
    are given only by the bureau of the person's own county, on the person's page."""
    e = enrolment_for(request.user, pk)
    back = reverse("roster_accounts", args=[e.training_class_id])
    try:
        if action == "sms":
            masked = own_account.code_send_sms(actor=request.user, person=e.person, via_obj=e)
            messages.success(request, f"开通码已以短信发送给{e.person.name}（{masked}）")
            return redirect(back)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(back)
    raise Http404("未知操作")
