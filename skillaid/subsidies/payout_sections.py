"""The bank account on a person's and an institution's page (masked), with the link to
record it for the county clerk who may."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from skillaid.accounts.capabilities import can

from .models import PayeeAccount
from .payouts import may_record


def _section(request: HttpRequest, account, editable: bool, url: str) -> str:  # noqa: ANN001
    if not (can(request.user, "payment.read") or editable):
        return ""
    return render_to_string(
        "subsidies/_payee_account.html",
        {"account": account, "editable": editable, "url": url},
        request=request,
    )


def person_account_section(request: HttpRequest, person) -> str:  # noqa: ANN001
    from django.urls import reverse

    account = PayeeAccount.objects.filter(person=person).first()
    editable = may_record(request.user, person=person)
    return _section(request, account, editable, reverse("person_account", args=[person.pk]))


def institution_account_section(request: HttpRequest, institution) -> str:  # noqa: ANN001
    from django.urls import reverse

    account = PayeeAccount.objects.filter(institution=institution).first()
    return _section(
        request,
        account,
        may_record(request.user, institution=institution),
        reverse("institution_account", args=[institution.pk]),
    )
