"""The one export function: every file a user takes out of SkillAid is written and logged here.

An export writes a title row (what, whose, which filters, when), Chinese headers, and
the rows with each value by its type: user text always as text, never as a formula
(a cell typed `=HYPERLINK(...)` comes back as those characters), numbers as numbers,
dates as dates. It writes its own EXPORT audit entry. Whole ID numbers a user typed
into a filter are masked in the title and in the log.

A paper printed as PDF (a roster, a certificate: accounts.papers renders them) leaves
through `export_pdf_response`, with the same audit entry as a workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

import xlsxwriter
from django.db import models
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone

from skillaid.lib.idnumber import redact
from skillaid.lib.report_sheet import Table, write_tables
from skillaid.lib.sheets import TEXT_OPTIONS, CellWriter

from .history import object_label, object_type_of
from .models import Action, Channel, User, audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True)
class Column:
    """A column of an export: its Chinese header and its width in characters."""

    header: str
    width: int = 16


def export_title(
    subject: str, *, scope: str = "", filters: Iterable[str] = (), on: dt.date | None = None
) -> str:
    """'马山县 帮扶劳动力台账（脱贫户；查询“韦”；导出于 2026-03-01）'."""
    parts = [p for p in filters if p]
    parts.append(f"导出于 {(on or timezone.localdate()):%Y-%m-%d}")
    head = f"{scope} {subject}" if scope else subject
    return f"{head}（{'；'.join(parts)}）"


def user_scope(user: User | None) -> str:
    """Whose data an export holds, for its title: the user's region or institution."""
    if user is None or not user.pk:
        return "全部地区"
    if getattr(user, "institution_id", None):
        return user.institution.name
    return user.region.full_name if user.region_id else "全部地区"


def _redact_filters(filters: Mapping[str, object]) -> dict[str, object]:
    return {
        k: redact(v) if isinstance(v, str) else v for k, v in filters.items() if v not in ("", None)
    }


def export(
    columns: Sequence[str | Column],
    rows: Iterable[Sequence[object]],
    *,
    title: str,
    actor: User,
    channel: str,
    object_type: str | type[models.Model],
    target: Path | IO[bytes],
    filters: Mapping[str, object] | None = None,
    sheet_name: str = "",
    object_id: object = "",
    person_id: int | None = None,
) -> int:
    """Write `rows` under `columns` into `target` and log the export; returns the row count.

    `title` is the first row; `filters` (what the user asked for) go into the audit entry.
    Both are passed through `redact`, so a whole ID number typed into a search is kept
    only masked.
    """
    kind = object_type_of(object_type)  # a mistake is found before the file is written
    title = redact(title)
    columns = [c if isinstance(c, Column) else Column(c) for c in columns]
    count = 0
    options = {**TEXT_OPTIONS, "in_memory": False}
    book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, options)
    try:
        cells = CellWriter(book)
        head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
        title_format = book.add_format({"bold": True, "font_size": 14})
        sheet = book.add_worksheet((sheet_name or object_label(kind))[:31])
        for i, column in enumerate(columns):
            sheet.set_column(i, i, column.width)
        sheet.freeze_panes(2, 0)
        sheet.write_string(0, 0, title, title_format)
        cells.write_row(sheet, 1, [c.header for c in columns], head)
        for count, row in enumerate(rows, start=1):
            cells.write_row(sheet, count + 1, row)
    finally:
        book.close()
    log_export(
        actor=actor,
        channel=channel,
        object_type=kind,
        object_id=object_id,
        person_id=person_id,
        filters=filters,
        rows=count,
        note=f"导出 {count} 行：{title}",
    )
    return count


def log_export(
    *,
    actor: User,
    channel: str,
    object_type: str | type[models.Model],
    rows: int,
    note: str,
    object_id: object = "",
    person_id: int | None = None,
    filters: Mapping[str, object] | None = None,
) -> None:
    """The EXPORT audit entry of a file taken out of SkillAid: what, by whom, how many rows."""
    audit(
        actor=actor,
        channel=channel,
        action=Action.EXPORT,
        object_type=object_type_of(object_type),
        object_id=object_id,
        person_id=person_id,
        changes={"filters": [None, _redact_filters(filters or {})], "rows": [None, rows]},
        note=redact(note)[:255],
    )


def kept_file_response(
    request: HttpRequest,
    file: IO[bytes],
    *,
    filename: str,
    object_type: str,
    object_id: object,
    rows: int,
    subject: str,
) -> FileResponse:
    """A file SkillAid already keeps (an import's problem-row report), sent to the user and
    logged as an export like any other."""
    log_export(
        actor=request.user,
        channel=Channel.PAGE,
        object_type=object_type,
        object_id=object_id,
        rows=rows,
        note=f"下载 {rows} 行：{subject}",
    )
    return _attachment(file, filename, XLSX)


def _attachment(file: IO[bytes], filename: str, content_type: str) -> FileResponse:
    """`file` sent as a download named `filename` (Chinese names kept, RFC 5987)."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_response(
    columns: Sequence[str | Column],
    rows: Iterable[Sequence[object]],
    *,
    filename: str,
    **kwargs: object,
) -> FileResponse:
    """`export` into a temporary file streamed to the browser and gone once sent.

    Nothing is kept on disk: the file is unlinked as soon as it is made and lives only
    as the open handle the response reads and closes.
    """
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    try:
        export(columns, rows, target=handle, **kwargs)  # type: ignore[arg-type]
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return _attachment(handle, f"{filename}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


def export_pdf_response(
    content: bytes,
    *,
    filename: str,
    title: str,
    actor: User,
    channel: str,
    object_type: str | type[models.Model],
    rows: int,
    object_id: object = "",
    person_id: int | None = None,
    filters: Mapping[str, object] | None = None,
) -> FileResponse:
    """A PDF made for the user (accounts.papers), sent and logged as an export: the same
    EXPORT entry as a workbook, `rows` being the lines of people or records it holds."""
    kind = object_type_of(object_type)
    log_export(
        actor=actor,
        channel=channel,
        object_type=kind,
        object_id=object_id,
        person_id=person_id,
        filters=filters,
        rows=rows,
        note=f"导出PDF {rows} 行：{title}",
    )
    name = f"{filename}-{timezone.localdate():%Y%m%d}.pdf"
    return _attachment(io.BytesIO(content), name, PDF)


def download(
    request: HttpRequest,
    headers: list[str],
    rows,  # noqa: ANN001
    *,
    subject: str,
    object_type: str | type[models.Model],
    filters: dict[str, str] | None = None,
) -> HttpResponse:
    """An export of a list page: titled with the user's scope and the filters it was given."""
    filters = filters if filters is not None else {}
    shown = [f"{k}：{v}" for k, v in filters.items() if v]
    return export_response(
        headers,
        rows,
        filename=subject,
        title=export_title(subject, scope=user_scope(request.user), filters=shown),
        actor=request.user,
        channel=Channel.PAGE,
        object_type=object_type,
        sheet_name=subject,
        filters=filters,
    )


def export_report(
    tables: Sequence[Table],
    *,
    target: Path | IO[bytes],
    created: dt.datetime,
    title: str,
    actor: User,
    channel: str,
    object_type: str | type[models.Model],
    object_id: object = "",
    filters: Mapping[str, object] | None = None,
) -> int:
    """A report of several sheets with multi-row merged headers (lib.report_sheet), written
    byte-reproducibly (its date is `created`, the data's as-of time) and logged like any
    export; returns the data rows written."""
    kind = object_type_of(object_type)
    title = redact(title)
    rows = write_tables(target, tables, created=created, title=title, author="SkillAid")
    log_export(
        actor=actor,
        channel=channel,
        object_type=kind,
        object_id=object_id,
        filters=filters,
        rows=rows,
        note=f"生成报表 {rows} 行：{title}",
    )
    return rows
