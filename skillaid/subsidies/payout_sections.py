"""The bank account on a person's and an institution's page (masked), with the link to
record it for the county clerk who may."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from skillaid.accounts.capabilities import can
from skillaid.accounts.scope import Scope

from .models import PayeeAccount


def _section(request: HttpRequest, account, county: str, url: str) -> str:  # noqa: ANN001
    user = request.user
    if not can(user, "payment.read"):
        return ""
    editable = can(user, "payee_account.edit") and Scope.of(user).contains_region(county)
    return render_to_string(
        "subsidies/_payee_account.html",
        {"account": account, "editable": editable, "url": url},
        request=request,
    )


def person_account_section(request: HttpRequest, person) -> str:  # noqa: ANN001
    from django.urls import reverse

    account = PayeeAccount.objects.filter(person=person).first()
    return _section(request, account, person.county_id, reverse("person_account", args=[person.pk]))


def institution_account_section(request: HttpRequest, institution) -> str:  # noqa: ANN001
    from django.urls import reverse

    account = PayeeAccount.objects.filter(institution=institution).first()
    return _section(
        request,
        account,
        institution.region_id,
        reverse("institution_account", args=[institution.pk]),
    )
