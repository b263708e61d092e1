"""Import pages: an uploaded file becomes a background job; the page shows its progress at once.

The request only checks and keeps the file; reading and writing the rows happens in the
task worker (skillaid.accounts.jobs), so a 300,000-row file never holds a web worker.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import HttpRequest

from skillaid.lib.sheets import NOT_A_WORKBOOK, SUFFIXES, ZIP_SUFFIXES, UnreadableFile, naming

from ..jobs import Job, job_start

# The body of a multipart request carries more than the file: boundaries and other fields.
_FORM_OVERHEAD = 64 * 1024


def oversized(request: HttpRequest) -> str:
    """The refusal of a request whose body is larger than the upload cap, read from its
    Content-Length before Django reads the body; '' when it is within the cap."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return ""
    cap = settings.SKILLAID_UPLOAD_MAX_MB * 1024 * 1024
    if length > cap + _FORM_OVERHEAD:
        return f"文件大小 {length / 1024 / 1024:.1f} MB，超过上传上限 {settings.SKILLAID_UPLOAD_MAX_MB} MB"
    return ""


def upload_form(request: HttpRequest, form_class: type[forms.Form], **kwargs: object) -> forms.Form:
    """The import form, bound to the request unless the request is too large to read;
    then an unbound form carrying the refusal."""
    if request.method == "POST":
        refusal = oversized(request)
        if refusal:
            form = form_class(data={}, **kwargs)
            form.is_valid()
            form.errors.clear()
            form.add_error("file", refusal)
            return form
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(**kwargs)


def start_upload_job(
    request: HttpRequest, form: forms.Form, *, kind: str, params: dict | None = None
) -> Job | None:
    """Keep the form's file and queue a job of `kind` on it; a refused file is a form error."""
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SUFFIXES:
        form.add_error(
            "file", f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx、.xls 或 .csv 文件"
        )
        return None
    if suffix in ZIP_SUFFIXES and not _is_zip(upload):
        # Only the zip's directory is read here; the job inflates and checks the rest.
        form.add_error("file", naming(NOT_A_WORKBOOK, Path(upload.name).name))
        return None
    try:
        return job_start(kind=kind, owner=request.user, upload=upload, params=params)
    except UnreadableFile as exc:
        form.add_error("file", str(exc))
        return None


def _is_zip(upload: object) -> bool:
    try:
        return zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)


def upload_note() -> str:
    """What an import page tells the user about the limits and how long files are kept."""
    return (
        f"文件不超过 {settings.SKILLAID_UPLOAD_MAX_MB} MB、{settings.SKILLAID_UPLOAD_MAX_ROWS:,} 行；"
        "导入在后台进行，可离开本页，稍后在“导入记录”中查看结果和问题行报告。"
        f"上传的文件和问题行报告保存 {settings.SKILLAID_FILE_RETENTION_DAYS} 天后自动删除。"
    )
