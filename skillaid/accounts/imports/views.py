"""The import history page: every import within the user's scope, with its counts, first
problems and report, so that a clerk who closed the tab finds the report again."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ..exports import kept_file_response
from ..jobs import within_scope
from .records import ImportRecord


def imports_visible_to(user) -> object:  # noqa: ANN001
    """The import records `user` may see: their own and those started within their scope."""
    return within_scope(user, ImportRecord.objects.all())


@login_required
def import_history(request: HttpRequest) -> HttpResponse:
    records = imports_visible_to(request.user).select_related("job")
    kind = request.GET.get("kind", "").strip()
    if kind:
        records = records.filter(kind=kind)
    page = Paginator(records, settings.SKILLAID_PAGE_SIZE).get_page(request.GET.get("page"))
    for record in page:
        record.report_open = record.report_open_to(request.user)
    kinds = imports_visible_to(request.user).values_list("kind", "label").distinct()
    return render(
        request,
        "accounts/import_history.html",
        {"page": page, "kind": kind, "kinds": sorted(set(kinds))},
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(imports_visible_to(request.user), pk=pk)
    return render(
        request,
        "accounts/import_detail.html",
        {"record": record, "report_open": record.report_open_to(request.user)},
    )


@login_required
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    """The problem-row report, to its owner and to roles that see whole ID numbers (a 404
    to anyone else, as for a record outside their scope); each download is logged."""
    record = get_object_or_404(imports_visible_to(request.user), pk=pk)
    if not record.report_open_to(request.user):
        raise Http404("没有可下载的问题行报告")
    if not record.report.storage.exists(record.report.name):
        raise Http404("没有问题行报告，或报告已超过保存期限被删除")
    return report_response(request, record, label=record.label, filename=record.filename)


def report_response(request: HttpRequest, owner, *, label: str, filename: str) -> FileResponse:  # noqa: ANN001
    """The problem-row report of an import record or a job (`owner`), logged as an export."""
    stem = Path(filename).stem or label
    return kept_file_response(
        request,
        owner.report.open("rb"),
        filename=f"{stem}-问题行.xlsx",
        object_type=owner._meta.label_lower,
        object_id=owner.pk,
        rows=owner.problem_count,
        subject=f"{label}“{filename}”的问题行报告",
    )
