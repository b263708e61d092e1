"""The import history page: every import within the user's scope, with its counts, first
problems and report, so that a clerk who closed the tab finds the report again."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

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
    kinds = imports_visible_to(request.user).values_list("kind", "label").distinct()
    return render(
        request,
        "accounts/import_history.html",
        {"page": page, "kind": kind, "kinds": sorted(set(kinds))},
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(imports_visible_to(request.user), pk=pk)
    return render(request, "accounts/import_detail.html", {"record": record})


@login_required
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    record = get_object_or_404(imports_visible_to(request.user), pk=pk)
    if not record.report or not record.report.storage.exists(record.report.name):
        raise Http404("没有问题行报告，或报告已超过保存期限被删除")
    stem = Path(record.filename).stem or record.label
    return FileResponse(
        record.report.open("rb"), as_attachment=True, filename=f"{stem}-问题行.xlsx"
    )
