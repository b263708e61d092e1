"""Pages for certificates: the list within scope, the import, and the public verification page."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from skillaid.regions.selectors import counties_visible_to
from skillaid.uploads import report_download, run_upload

from .imports import import_certificates
from .models import CertificateKind
from .selectors import certificates_visible_to
from .services import can_import, certificate_verify

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
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    rows = certificates_visible_to(request.user).select_related("person")
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(holder_name__contains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if request.GET.get("class", "").isdigit():
        rows = rows.filter(enrolment__training_class_id=int(request.GET["class"]))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/certificate_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": CertificateKind.choices,
            "can_import": can_import(request.user),
        },
    )


@login_required
def certificate_import(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied("您的角色不能导入证书")
    form = ImportForm(
        request.POST or None, request.FILES or None, counties=counties_visible_to(request.user)
    )
    result = None
    if request.method == "POST" and form.is_valid():
        result = run_upload(
            request,
            form,
            lambda path, name: import_certificates(
                path, actor=request.user, county=form.cleaned_data.get("county") or "", name=name
            ),
            report="certificates",
        )
    return render(request, "evaluation/import.html", {"form": form, "result": result})


@login_required
def certificate_report(request: HttpRequest) -> HttpResponse:
    return report_download(request, "certificates", "证书导入-问题行.xlsx")


def throttled(request: HttpRequest) -> bool:
    """At most VERIFY_PER_MINUTE look-ups a minute from one address, so numbers cannot be trawled."""
    key = f"verify:{request.META.get('REMOTE_ADDR', '')}"
    count = cache.get_or_set(key, 0, 60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 60)
        count = 1
    return count > VERIFY_PER_MINUTE


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
