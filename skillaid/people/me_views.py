"""The person's own pages (本人): their record, opening their account; and the staff side of it
on the person's page (a code to hand over or send by SMS, or an account with a one-time
password)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can
from skillaid.accounts.clientip import client_ip
from skillaid.accounts.sections import sections
from skillaid.errors import apply_errors
from skillaid.lib import onetimecode, phones

from . import own_account
from .forms import OpenAccountForm
from .models import Person
from .selectors import person_for


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The person's own page: who they are, and what each domain knows of them (the
    sections registered for "me": the lifelong record by `evaluation`, and later claims,
    enrolment and referrals by their apps)."""
    person = own_account.person_of(request.user)
    if person is None:
        raise Http404("没有与本账户关联的人员")
    return render(
        request,
        "people/me.html",
        {"person": person, "sections": sections("me", request, person)},
    )


def me_open(request: HttpRequest) -> HttpResponse:
    """Public: the person opens their own account with ID number, name and one-time code."""
    # Bound on any POST, an empty one too: it then says each field is missing.
    form = OpenAccountForm(request.POST if request.method == "POST" else None)
    status = 200
    # The client's address as django-axes reads it (behind a proxy, the forwarded one).
    address = client_ip(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            own_account.account_open_with_code(
                id_number=data["id_number"],
                name=data["name"],
                code=data["code"],
                password=data["password"],
                address=address,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 429 if own_account.TOO_MANY in exc.messages else 400
        else:
            messages.success(request, "本人账户已开通。请用身份证号和刚才设置的密码登录。")
            return redirect(f"{reverse('login')}?next={reverse('me')}")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "people/me_open.html",
        {"form": form, "days": settings.SKILLAID_ACCOUNT_CODE_DAYS},
        status=status,
    )


def own_account_section(request: HttpRequest, person: Person) -> str:
    """The person page's 本人账户: opened or not, a live code, and the staff's actions."""
    if not can(request.user, "person_account.open", person):
        return ""
    return render_to_string(
        "people/_own_account.html",
        {
            "person": person,
            "account": own_account.account_of(person),
            "code": own_account.live_code(person),
            "phone": phones.mask(person.phone) if person.phone else "",
        },
        request=request,
    )


def code_page(request: HttpRequest, person: Person, code: str, back: str) -> HttpResponse:
    """A code, shown this once to the one who issued it."""
    return render(
        request,
        "people/account_code.html",
        {
            "person": person,
            "code": onetimecode.display(code),
            "days": settings.SKILLAID_ACCOUNT_CODE_DAYS,
            "open_url": request.build_absolute_uri(reverse("me_open")),
            "back": back,
        },
    )


def opened_page(
    request: HttpRequest, person: Person, password: str, back: str, *, reset: bool = False
) -> HttpResponse:
    """A one-time password, shown this once to the one who opened the account or reset it."""
    return render(
        request,
        "people/account_opened.html",
        {"person": person, "password": password, "back": back, "reset": reset},
    )


@login_required
@require_POST
def person_account(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The person page's actions: issue a code, send one by SMS, open the account, or reset
    a forgotten password."""
    person = person_for(request.user, pk)
    back = reverse("person_detail", args=[person.pk])
    try:
        if action == "code":
            code = own_account.code_issue(actor=request.user, person=person)
            return code_page(request, person, code, back)
        if action == "sms":
            masked = own_account.code_send_sms(actor=request.user, person=person)
            messages.success(request, f"开通码已以短信发送至 {masked}")
            return redirect(back + "#own-account")
        if action == "open":
            _, password = own_account.account_open_by_staff(actor=request.user, person=person)
            return opened_page(request, person, password, back)
        if action == "reset":
            password = own_account.account_reset_by_staff(actor=request.user, person=person)
            return opened_page(request, person, password, back, reset=True)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(back + "#own-account")
    raise Http404("未知操作")
