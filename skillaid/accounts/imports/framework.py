"""The import framework: what every import of a spreadsheet does, once.

An importer declares its columns (skillaid.lib.columns), a row handler that returns a
row's values or raises FieldError, and a writer that stores them and says whether the
row created, updated or left something unchanged. The framework reads the file, finds
the header row (below a title row too), warns of columns nobody declared, runs the rows
(inside a transaction it rolls back for a dry run), names the person of each problem
row, keeps the import's record (who, when, file, SHA-256, counts, report) and reports
progress. An importer that must check whole columns at once (the ledger's 200,000
rows) overrides `import_rows` and keeps the rest.

Importers register from their app's ready() (`register_importer`), which also makes
them a kind of job; this module never imports the apps above accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.lib.columns import (
    Columns,
    FieldError,
    Header,
    data_rows,
    find_header,
    person_label,
    unrecognised_note,
)
from skillaid.lib.idnumber import redact
from skillaid.lib.sheets import (
    ImportResult,
    Limits,
    Progress,
    Table,
    cell_text,
    file_sha256,
    open_table,
)

from ..jobs import Job, Outcome, register, retention, scope_of, upload_limits
from ..models import Channel, User
from .records import ImportRecord

PREVIEW = 20  # problems kept on the record and shown on pages; the report holds them all
PROGRESS_EVERY = 500  # rows between two progress reports of the row-by-row loop


class Row:
    """One data row as a row handler sees it: its number in the file and its cells by column."""

    __slots__ = ("number", "cells", "header")

    def __init__(self, number: int, cells: Sequence[object], header: Header) -> None:
        self.number = number
        self.cells = cells
        self.header = header

    def get(self, name: str) -> object:
        return self.header.cell(self.cells, name)

    def text(self, name: str) -> str:
        return cell_text(self.get(name)).strip()

    def has(self, name: str) -> bool:
        return name in self.header.positions


class Importer:
    """Subclass with `kind`, `label`, `columns`, and `handle` and `write` (or `import_rows`)."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""  # 台账导入
    columns: ClassVar[Columns]
    hint: ClassVar[str] = ""  # added to the refusal of a file whose header is not found
    start_url: ClassVar[str] = ""  # URL name of the page that starts one
    # The columns that name the person of a row (name, ID number), for the problem list.
    person_columns: ClassVar[tuple[str, str] | None] = ("name", "id_number")

    def __init__(
        self,
        *,
        actor: User,
        dry_run: bool = False,
        progress: Progress | None = None,
        job: Job | None = None,
        channel: str = Channel.IMPORT,
        keep_record: bool = True,
    ) -> None:
        self.actor = actor
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.job = job
        self.channel = str(channel)
        # Off only for reference data loaded on every start (`skillaid setup`), which no
        # user imported and which would otherwise fill the history with the same file.
        self.keep_record = keep_record
        self.record: ImportRecord | None = None

    # ----- how an importer is started from a job or a command -----

    @classmethod
    def options_from_job(cls, params: dict[str, Any]) -> dict[str, Any]:
        """The importer's own keyword arguments from a job's params."""
        return {}

    @classmethod
    def add_arguments(cls, parser: Any) -> None:  # an argparse parser
        """Options of its own on the command line (--county ...)."""

    @classmethod
    def options_from_command(cls, options: dict[str, Any]) -> dict[str, Any]:
        """The importer's own keyword arguments from the command's options; raise
        FieldError to refuse them (the command exits 2 with the message)."""
        return {}

    # ----- the run -----

    def run(self, path: Path, *, name: str | None = None, limits: Limits | None = None):  # noqa: ANN201
        """Read the file, check and write its rows, keep the record; returns the ImportResult."""
        name = name or path.name
        self.before_reading()
        table = open_table(path, name=name, limits=limits)
        header = find_header(table.rows(), self.columns, hint=self.hint)
        result = ImportResult(filename=name, dry_run=self.dry_run)
        result.headers, result.header_row = header.cells, header.row
        result.sha256 = file_sha256(path)
        note = unrecognised_note(header)
        if note:
            result.warn(header.row, "表头", note)
        self.header = header
        self.record = record_start(self, result) if self.keep_record else None
        total = max(table.total - header.row, 0)
        try:
            if self.dry_run:
                with transaction.atomic():
                    self.import_rows(table, header, result)
                    transaction.set_rollback(True)
            else:
                self.import_rows(table, header, result)
        except BaseException as exc:
            if self.record is not None:
                record_failed(self.record, exc)
            raise
        result.rejected.sort(key=lambda r: r.row)
        result.warnings.sort(key=lambda n: n.row)
        self.name_people(table, header, result)
        if self.record is not None:
            record_finish(self.record, result)
        self.progress(total, total)
        return result

    def before_reading(self) -> None:
        """A check that refuses the import before the file is read (raise PermissionError)."""

    def import_rows(self, table: Table, header: Header, result: ImportResult) -> None:
        """Row by row: handle, then write; a FieldError or ValidationError refuses the row."""
        total = max(table.total - header.row, 0)
        self.prepare(header)
        for number, cells in data_rows(table.rows(), header.row):
            if (number - header.row) % PROGRESS_EVERY == 0:
                self.progress(number - header.row, total)
            result.rows += 1
            row = Row(number, cells, header)
            try:
                values = self.handle(row)
                outcome = self.write(row, values)
            except FieldError as exc:
                where = header.where(exc.column)
                result.reject(number, where, str(exc), cells, self.person(cells, header))
            except ValidationError as exc:
                column, messages = (
                    next(iter(exc.message_dict.items()))
                    if hasattr(exc, "error_dict")
                    else ("", exc.messages)
                )
                where = header.where(column) if column in header.labels else column
                result.reject(number, where, "；".join(messages), cells, self.person(cells, header))
            else:
                result.count(outcome)

    def prepare(self, header: Header) -> None:
        """Called once the header is known, before the first row."""

    def handle(self, row: Row) -> dict[str, Any]:
        """The row's values, or FieldError(message, column) for what refuses it."""
        raise NotImplementedError

    def write(self, row: Row, values: dict[str, Any]) -> str:
        """Store the values; returns 'created', 'updated' or 'unchanged'."""
        raise NotImplementedError

    # ----- naming people in the problem list -----

    def person(self, cells: Sequence[object], header: Header) -> str:
        if self.person_columns is None:
            return ""
        name, number = self.person_columns
        return person_label(header.cell(cells, name), header.cell(cells, number))

    def name_people(self, table: Table, header: Header, result: ImportResult) -> None:
        """Fill in the person of each problem row not named yet, and the original cells of a
        rejection made from a column (the whole-column checks keep no rows): one more walk
        of the sheet, only when some row drew a problem."""
        wanted = {p.row for p in result.warnings if not p.person}
        wanted |= {r.row for r in result.rejected if not r.person or not r.cells}
        wanted.discard(header.row)
        wanted.discard(0)
        if not wanted:
            return
        found: dict[int, Sequence[object]] = {}
        for number, cells in _rows_numbered(table.rows(), header.row, max(wanted)):
            if number in wanted:
                found[number] = cells
        for r in result.rejected:
            cells = found.get(r.row)
            if cells is None:
                continue
            if not r.cells:
                r.cells = list(cells)
            if not r.person:
                r.person = self.person(cells, header)
        for n in result.warnings:
            if not n.person and n.row in found:
                n.person = self.person(found[n.row], header)


def _rows_numbered(rows: Iterator[Sequence[object]], header_row: int, last: int) -> Iterator:
    for number, cells in enumerate(rows, start=1):
        if number > last:
            return
        if number > header_row:
            yield number, cells


# ----- the record of each import -----


def record_start(importer: Importer, result: ImportResult) -> ImportRecord:
    actor = importer.actor
    return ImportRecord.objects.create(
        kind=importer.kind,
        label=importer.label,
        owner=actor,
        owner_name=actor.display_name,
        job=importer.job,
        channel=importer.channel,
        filename=result.filename[:255],
        sha256=result.sha256,
        dry_run=importer.dry_run,
        expires_at=timezone.now() + retention(),
        **scope_of(actor),
    )


def problems_of(result: ImportResult, limit: int = PREVIEW) -> list[dict[str, object]]:
    """The first problems as pages list them: kept for good, so any ID number quoted in a
    message is masked."""
    problems = [
        {
            "row": r.row,
            "column": r.column,
            "person": r.person,
            "message": redact(r.reason),
            "rejected": True,
        }
        for r in result.rejected[:limit]
    ]
    problems += [
        {
            "row": n.row,
            "column": n.column,
            "person": n.person,
            "message": redact(n.message),
            "rejected": False,
        }
        for n in result.warnings[: limit - len(problems)]
    ]
    return problems


def record_finish(record: ImportRecord, result: ImportResult) -> None:
    record.counts = result.summary()
    record.problems = problems_of(result)
    record.finished_at = timezone.now()
    record.expires_at = record.finished_at + retention()
    if result.rejected or result.warnings:
        name = f"reports/import-{record.pk}-problems.xlsx"
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        result.write_report(path)
        record.report = name
    record.save(update_fields=["counts", "problems", "finished_at", "expires_at", "report"])


def record_failed(record: ImportRecord, exc: BaseException) -> None:
    record.error = redact(str(exc))[:2000] or type(exc).__name__
    record.finished_at = timezone.now()
    record.save(update_fields=["error", "finished_at"])


# ----- importers as jobs -----

IMPORTERS: dict[str, type[Importer]] = {}


def register_importer(importer: type[Importer]) -> None:
    """Called from an app's ready(): the importer becomes a job kind of the same name."""
    IMPORTERS[importer.kind] = importer
    register(
        importer.kind,
        label=importer.label,
        run=_job_runner(importer),
        start_url=importer.start_url,
    )


def _job_runner(importer: type[Importer]) -> Callable[[Job, Progress], Outcome]:
    def run(job: Job, progress: Progress) -> Outcome:
        it = importer(
            actor=job.owner,
            dry_run=bool(job.params.get("dry_run")),
            progress=progress,
            job=job,
            **importer.options_from_job(job.params),
        )
        result = it.run(Path(job.file.path), name=job.filename, limits=upload_limits())
        record = it.record
        return Outcome(
            counts=result.summary(),
            problems=record.problems if record else problems_of(result),
            report=record.report.name if record and record.report else "",
        )

    return run
