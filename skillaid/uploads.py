"""Import pages that run a row-by-row import on an uploaded file and keep its rejected-rows report."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest

from skillaid.lib.sheets import SheetResult, UnreadableFile


def run_upload(
    request: HttpRequest,
    form: forms.Form,
    run: Callable[[Path, str], SheetResult],
    *,
    report: str,
) -> SheetResult | None:
    """Run `run(path, original name)` on the form's `file`; an unreadable file is a form error.

    The rejected rows are written to a workbook kept for this user under `report`.
    """
    upload = form.cleaned_data["file"]
    result = None
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            result = run(Path(tmp.name), upload.name)
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
    if result is not None and result.rejected:
        folder = Path(settings.MEDIA_ROOT) / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{report}-{request.user.pk}.xlsx"
        result.write_report(path)
        request.session[f"{report}_report"] = str(path)
    return result


def report_download(request: HttpRequest, report: str, filename: str) -> FileResponse:
    path = request.session.get(f"{report}_report")
    if not path or not Path(path).is_file():
        raise Http404("没有被拒绝的行")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename)
