"""A certificate printed as PDF with the QR code of its public check, and the lifelong record as PDF."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from skillaid.accounts import papers as paper
from skillaid.people.selectors import person_for
from skillaid.training.models import Attendance, Enrolment

from .models import Certificate
from .record import lifelong_record
from .selectors import certificates_visible_to


def verify_url(request: HttpRequest, number: str) -> str:
    """The public check of certificate `number` on /verify/, at the address citizens reach
    (SKILLAID_PUBLIC_URL), else at the one this request came by."""
    path = f"{reverse('verify')}?{urlencode({'number': number})}"
    if settings.SKILLAID_PUBLIC_URL:
        return settings.SKILLAID_PUBLIC_URL + path
    return request.build_absolute_uri(path)


def verify_qr(url: str) -> str:
    """The QR code of `url` as an SVG data URI for the paper (segno; error level M survives
    a fold or a smudge)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A certificate in the viewer's scope as a PDF, its QR code opening its public check."""
    cert = (
        certificates_visible_to(request.user)
        .select_related("person__county", "enrolment__training_class")
        .filter(pk=pk)
        .first()
    )
    if cert is None:
        raise Http404("未找到该证书")
    url = verify_url(request, cert.number)
    return paper.pdf_response(
        request,
        "evaluation/papers/certificate.html",
        {"cert": cert, "verify_url": url, "qr": verify_qr(url)},
        as_of=paper.latest(cert.created_at, cert.issued_on, cert.revoked_on),
        filename=f"证书-{cert.number}",
        title=f"{cert.get_kind_display()} {cert.number}",
        object_type=Certificate,
        object_id=cert.pk,
        person_id=cert.person_id,
        rows=1,
    )


@login_required
def person_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The lifelong record (终身职业技能培训电子档案) of a person in scope, as a PDF."""
    person = person_for(request.user, pk)
    refusal = paper.unavailable()
    if refusal:
        return paper.unavailable_page(request, refusal)
    events = lifelong_record(person)
    attended = Attendance.objects.filter(person=person).aggregate(
        at=Max("at"), settled=Max("flag_settled_at")
    )
    enrolled = Enrolment.objects.filter(person=person).aggregate(
        added=Max("added_at"), completed=Max("completed_at")
    )
    certified = person.certificates.aggregate(at=Max("created_at"))
    as_of = paper.latest(
        person.updated_at,
        attended["at"],
        attended["settled"],
        enrolled["added"],
        enrolled["completed"],
        certified["at"],
        *(ev.on for ev in events),
    )
    return paper.pdf_response(
        request,
        "evaluation/papers/record.html",
        {"person": person, "record": events},
        as_of=as_of,
        filename=f"终身职业技能培训电子档案-{person.name}",
        title=f"终身职业技能培训电子档案 {person.name}",
        object_type="lifelong_record",
        object_id=person.pk,
        person_id=person.pk,
        rows=len(events),
    )
