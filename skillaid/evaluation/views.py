"""Pages for certificates: the list within scope, the import, and the public verification page."""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import require
from skillaid.accounts.clientip import client_ip
from skillaid.accounts.exports import download
from skillaid.accounts.imports.uploads import start_upload_job, upload_form, upload_note
from skillaid.accounts.jobs import jobs_of
from skillaid.accounts.models import Channel
from skillaid.db import sqlite_writer
from skillaid.lib import dates
from skillaid.people.models import Person
from skillaid.people.own_account import person_of
from skillaid.people.selectors import person_for, sees_ledger
from skillaid.regions.selectors import counties_visible_to
from skillaid.training.class_views import class_act

from . import selectors, services
from .models import Certificate, CertificateKind, VerifyCount
from .record import lifelong_record, record_export
from .selectors import CertificateFilters, certificates_visible_to
from .services import can_import, can_revoke, certificate_verify
from .tasks import KIND as CERTIFICATE_IMPORT

VERIFY_PER_MINUTE = 30


class ImportForm(forms.Form):
    file = forms.FileField(label="证书文件（.xlsx / .xls / .csv）")
    county = forms.ChoiceField(label="未登记人员的户籍县（区）", required=False)

    def __init__(self, *args, counties, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", "按身份证号前六位判断")] + [
            (c.code, c.name) for c in counties
        ]


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    filters = CertificateFilters.parse(request.GET)
    rows = selectors.certificate_list(request.user, filters=filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for c in page:
        c.revocable = not c.revoked_on and can_revoke(request.user, c)
    return render(
        request,
        "evaluation/certificate_list.html",
        {
            "page": page,
            "q": filters.q,
            "kind": filters.kind,
            "kinds": CertificateKind.choices,
            "query": request.GET.urlencode(),
            "can_import": can_import(request.user),
            "person_links": sees_ledger(request.user),
        },
    )


CERTIFICATE_HEADERS = [
    "证书编号",
    "证书类型",
    "持证人",
    "职业（工种）",
    "等级",
    "发证机构",
    "发证日期",
    "来源",
    "注销日期",
    "注销原因",
]


def certificate_row(c: Certificate) -> list[object]:
    return [
        c.number,
        c.get_kind_display(),
        c.holder_name,
        c.occupation_name,
        c.get_level_display(),
        c.issuer,
        c.issued_on,
        c.get_source_display(),
        c.revoked_on,
        c.revoked_reason,
    ]


@login_required
def certificate_export(request: HttpRequest) -> HttpResponse:
    """The filtered certificate list as a workbook, logged like every export."""
    filters = CertificateFilters.parse(request.GET)
    rows = selectors.certificate_list(request.user, filters=filters)
    return download(
        request,
        CERTIFICATE_HEADERS,
        (certificate_row(c) for c in rows),
        subject="证书",
        object_type=Certificate,
        filters={
            "查询": filters.q,
            "类型": CertificateKind(filters.kind).label
            if filters.kind in CertificateKind.values
            else "",
            "培训班": filters.class_id,
            "人员": filters.person_id,
        },
    )


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(
        label="注销日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        validators=[MinValueValidator(dates.EARLIEST, dates.TOO_EARLY)],
    )
    revoked_reason = forms.CharField(
        label="注销原因",
        max_length=255,
        widget=forms.TextInput(attrs={"size": 60}),
        error_messages={"required": "请填写注销原因"},
    )


@login_required
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a certificate in scope: a date (today if left empty) and a reason."""
    cert = get_object_or_404(
        certificates_visible_to(request.user).select_related("enrolment__training_class"), pk=pk
    )
    require(request.user, "certificate.revoke", cert)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user,
                certificate=cert,
                reason=form.cleaned_data["revoked_reason"],
                on=form.cleaned_data["revoked_on"],
                channel=Channel.PAGE,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"证书 {cert.number} 已注销，查验时将显示为已注销")
            return redirect(f"{reverse('certificates')}?q={cert.number}")
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": f"注销证书 {cert.number}",
            "intro": f"{cert.holder_name} · {cert.get_kind_display()} · {cert.occupation_name}"
            f"（{cert.get_level_display()}）· {cert.issuer} {cert.issued_on:%Y-%m-%d} 发证。"
            "注销后公开查验将显示该证书已注销及注销日期；注销不能撤回。",
        },
    )


@login_required
def certificate_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "certificate.import")
    form = upload_form(request, ImportForm, counties=counties_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(
            request,
            form,
            kind=CERTIFICATE_IMPORT,
            params={"county": form.cleaned_data.get("county") or ""},
        )
        if job is not None:
            return redirect("job", pk=job.pk)
    jobs = jobs_of(request.user, CERTIFICATE_IMPORT)
    return render(
        request,
        "evaluation/import.html",
        {"form": form, "jobs": jobs, "upload_note": upload_note()},
    )


def throttled(
    request: HttpRequest, *, per_minute: int = VERIFY_PER_MINUTE, bucket: str = ""
) -> bool:
    """At most `per_minute` look-ups a minute from one address, so numbers cannot be
    trawled. Counted in the database by one atomic update, so that all web workers and
    the page and the API share the limit. Another public page keeps its own count under
    a short `bucket` name put before the address (the subsidy publication: "pub:")."""
    address = f"{bucket}{client_ip(request)}"[:45]
    minute = int(time.time() // 60)
    with sqlite_writer(), transaction.atomic():
        counted = VerifyCount.objects.filter(address=address, minute=minute)
        if not counted.update(count=F("count") + 1):
            # The first look-up of this minute: forget the minutes gone by, start counting.
            VerifyCount.objects.filter(minute__lt=minute - 1).delete()
            try:
                with transaction.atomic():
                    VerifyCount.objects.create(address=address, minute=minute, count=1)
            except IntegrityError:  # another worker started the count first
                counted.update(count=F("count") + 1)
        count = counted.values_list("count", flat=True).first() or 0
    return count > per_minute


def verify(request: HttpRequest) -> HttpResponse:
    """Public: is this certificate genuine? Shows nothing of the holder but a masked name."""
    number = request.GET.get("number", "").strip()
    name = request.GET.get("name", "").strip()
    verdict = None
    status = 200
    if number:
        if throttled(request):
            status = 429
        else:
            verdict = certificate_verify(number, name).public()
    return render(
        request,
        "evaluation/verify.html",
        {"number": number, "name": name, "verdict": verdict, "throttled": status == 429},
        status=status,
    )


@login_required
@require_POST
def class_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """为合格学员发证: the class page's button, for the class's officer."""

    def issue(c) -> str:  # noqa: ANN001
        issued = services.certificates_issue(
            actor=request.user, training_class=c, channel=Channel.PAGE
        )
        return f"已颁发{len(issued)}张证书"

    return class_act(request, pk, issue)


def lifelong_record_section(request: HttpRequest, person: Person) -> str:
    """The person page's 终身职业技能培训电子档案: classes and certificates."""
    return render_to_string(
        "evaluation/_lifelong_record.html",
        {
            "person": person,
            "record": lifelong_record(person),
            "export_url": reverse("person_record", args=[person.pk]),
            "pdf_url": reverse("person_record_pdf", args=[person.pk]),
        },
        request=request,
    )


def own_record_section(request: HttpRequest, person: Person) -> str:
    """The same record on the person's own page (本人), exported from their own address."""
    return render_to_string(
        "evaluation/_lifelong_record.html",
        {
            "person": person,
            "record": lifelong_record(person),
            "export_url": reverse("me_record"),
            "pdf_url": reverse("me_record_pdf"),
        },
        request=request,
    )


@login_required
def me_record_export(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own record as .xlsx; logged like every export."""
    person = person_of(request.user)
    if person is None:
        raise Http404("没有与本账户关联的人员")
    return record_export(person, actor=request.user, channel=Channel.PAGE)


@login_required
def person_record_export(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for(request.user, pk)
    return record_export(person, actor=request.user, channel=Channel.PAGE)
