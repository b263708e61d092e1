"""Read the first sheet of an .xlsx/.xls/.xlsb/.ods workbook or a .csv file, row by row.

Workbooks are read with python-calamine. CSV files from county offices come in
UTF-8, UTF-8 with a byte-order mark, or GB18030 (what Excel on a Chinese
Windows writes), so the encoding is detected before reading.
"""

from __future__ import annotations

import csv
import ctypes
import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    XmlError,
    ZipError,
)

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
SUFFIXES = WORKBOOK_SUFFIXES | {".csv"}


Progress = Callable[[int, int], None]  # (rows done, rows in all)


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True)
class Limits:
    """What an uploaded file may hold before it is read: one request or job must not be
    able to take the server's memory or time. None means no limit (the benchmarks)."""

    max_bytes: int | None = None  # the file as uploaded
    max_rows: int | None = None  # rows of the first sheet, header included
    max_expanded: int | None = None  # a workbook's zip entries, all together, uncompressed
    max_ratio: float | None = None  # uncompressed / compressed size of a workbook


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
NOT_A_WORKBOOK = (
    "无法读取该工作簿：文件已损坏，不是有效的 Excel 工作簿（.xlsx 文件应是 zip 压缩包）；"
    "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"
)
DAMAGED = (
    "无法读取该工作簿：文件可能已损坏或不是 Excel 文件；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"
)
# What calamine raises, in English ("invalid Zip archive: Could not find EOCD"), for a
# damaged or disguised file: never shown; the user is told in Chinese, naming the file.
CALAMINE_ERRORS = (CalamineError, XmlError, ZipError, PasswordError, ValueError, OSError)


def naming(message: str, name: str | None) -> str:
    """A refusal of the file as a whole, with the file's name, so that a user who uploaded
    several knows which one."""
    return f"{message}（文件：{name}）" if name else message


# Below this, a high ratio is harmless (a small workbook of repeated cells compresses well).
RATIO_FLOOR = 16 * 1024 * 1024


def check_workbook(path: Path, limits: Limits, name: str | None = None) -> None:
    """Refuse a zip-based workbook that is damaged or expands beyond the limits, before
    calamine opens it.

    The entries are inflated as a stream and counted, not trusted by the sizes their
    headers declare: an entry that claims less than it holds fails its CRC check here.
    """
    compressed = path.stat().st_size
    expanded = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                with archive.open(info) as entry:
                    while chunk := entry.read(1 << 20):
                        expanded += len(chunk)
                        if limits.max_expanded is not None and expanded > limits.max_expanded:
                            raise UnreadableFile(
                                f"工作簿解压后超过 {_mb(limits.max_expanded)} 的上限"
                                f"（文件本身 {_mb(compressed)}），不予读取；请拆分后分批导入"
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError):
        raise UnreadableFile(naming(NOT_A_WORKBOOK, name or path.name)) from None
    ratio = expanded / max(compressed, 1)
    if limits.max_ratio is not None and expanded > RATIO_FLOOR and ratio > limits.max_ratio:
        raise UnreadableFile(
            f"工作簿解压后是文件大小的 {ratio:.0f} 倍，超过 {limits.max_ratio:.0f} 倍的上限"
            "（可能是压缩炸弹），不予读取"
        )


def check_size(size: int, limits: Limits) -> None:
    if limits.max_bytes is not None and size > limits.max_bytes:
        raise UnreadableFile(f"文件大小 {_mb(size)}，超过上传上限 {_mb(limits.max_bytes)}")


def check_rows(rows: int, limits: Limits) -> None:
    if limits.max_rows is not None and rows > limits.max_rows:
        raise UnreadableFile(
            f"文件有 {rows:,} 行，超过每次导入 {limits.max_rows:,} 行的上限；请拆分后分批导入"
        )


@dataclass
class Table:
    """A sheet held once in memory; `rows()` walks it from the top, as often as needed."""

    rows: Callable[[], Iterator[list[object]]]
    total: int  # number of rows, for progress
    sheet: str
    reopen: Callable[[], Table] | None = None

    def release(self) -> None:
        """Let go of the sheet held in memory (a 200,000-row sheet holds 200 MB); a later
        `rows()` reads the file again."""
        reopen = self.reopen
        if reopen is None:
            return

        def rows() -> Iterator[list[object]]:
            return reopen().rows()

        self.rows = rows
        _return_freed_memory()


def _return_freed_memory() -> None:
    """Hand the C heap's free pages back to the system.

    calamine holds a sheet's cells in many small C allocations; freed, they stay in the
    C heap, where neither Python's own allocator nor polars' reuses them, so an import's
    peak would count the sheet twice. glibc only; elsewhere nothing is done.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def file_sha256(path: Path) -> str:
    """The file's SHA-256, kept with each import: the same file imported twice is seen as such."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("CSV 文件编码无法识别（支持 UTF-8 和 GB18030/GBK）")


def open_table(path: Path, *, name: str | None = None, limits: Limits | None = None) -> Table:
    """The first sheet of the file; with `limits`, a file beyond them is refused first."""
    name = name or path.name
    limits = limits or Limits()
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx、.xls 或 .csv 文件"
        )
    check_size(path.stat().st_size, limits)
    if suffix == ".csv":
        try:
            text = _decode_csv(path.read_bytes())
        except UnreadableFile as exc:
            raise UnreadableFile(naming(str(exc), name)) from None
        rows = list(csv.reader(io.StringIO(text)))
        check_rows(len(rows), limits)
        return Table(
            rows=lambda: iter(rows),
            total=len(rows),
            sheet="",
            reopen=lambda: open_table(path, name=name),
        )
    if suffix in ZIP_SUFFIXES and (limits.max_expanded is not None or limits.max_ratio is not None):
        check_workbook(path, limits, name)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # calamine raises several kinds, in English, for damaged files
        raise UnreadableFile(naming(DAMAGED, name)) from None
    total = sheet.height
    check_rows(total, limits)

    def rows() -> Iterator[list[object]]:
        # A sheet whose cells are damaged past its header fails while it is read.
        try:
            yield from sheet.iter_rows()
        except CALAMINE_ERRORS:
            raise UnreadableFile(naming(DAMAGED, name)) from None

    return Table(
        rows=rows,
        total=total,
        sheet=sheet.name,
        reopen=lambda: open_table(path, name=name),
    )


_DECOR = re.compile(r"[\s*＊:：]|[（(][^）)]*[）)]")


def header_key(text: object) -> str:
    """Fold a header cell for matching: '身份证号码（必填）*' -> '身份证号码'."""
    folded = unicodedata.normalize("NFKC", str(text or ""))
    return _DECOR.sub("", folded)


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(cell: object) -> str:
    """A cell as the clerk typed it: 450124 not 450124.0, dates as 2024-03-01."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell)


TEXT_OPTIONS = {
    # User text is data, never a formula, a number or a link, whatever it begins with
    # (=HYPERLINK(...), +1, -2+3, @SUM(A1)): every string goes through write_string.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "constant_memory": True,
}


class CellWriter:
    """Writes one value into a cell by its type: text always as text, numbers as numbers,
    dates as dates. The one place every workbook SkillAid writes puts its values."""

    def __init__(self, book: Any) -> None:  # an xlsxwriter.Workbook
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    def write(self, sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            sheet.write_string(row, col, "是" if value else "否", fmt)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, col, value.replace(tzinfo=None), fmt or self.datetime)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, value, fmt or self.date)
        else:
            sheet.write_string(row, col, str(value), fmt)

    def write_row(self, sheet: Any, row: int, values: Iterable[object], fmt: Any = None) -> None:
        for col, value in enumerate(values):
            self.write(sheet, row, col, value, fmt)


def write_rejections(
    path: Path,
    headers: Sequence[str],
    rejected: Iterable[Any],
    warnings: Iterable[Any] = (),
) -> None:
    """The rejected-rows workbook: each row's original cells, its row number and the reason.

    `rejected` items have .row, .column, .reason and .cells; `warnings` items have
    .row, .column and .message and go on a second sheet.
    """
    import xlsxwriter

    with xlsxwriter.Workbook(str(path), TEXT_OPTIONS) as book:
        bold = book.add_format({"bold": True, "bg_color": "#FDE9D9"})
        text = book.add_format({"num_format": "@"})
        sheet = book.add_worksheet("被拒绝的行")
        cells = CellWriter(book)
        cells.write_row(sheet, 0, ["源文件行号", "出错列", "原因", *headers], bold)
        sheet.set_column(0, 1, 12)
        sheet.set_column(2, 2, 60)
        sheet.set_column(3, 3 + len(headers), 18, text)
        for i, r in enumerate(rejected, start=1):
            sheet.write_number(i, 0, r.row)
            sheet.write_string(i, 1, r.column)
            sheet.write_string(i, 2, r.reason)
            for j, cell in enumerate(r.cells):
                if cell is None or cell == "":
                    continue
                # Written as text so that long numbers keep their digits on the way back.
                sheet.write_string(i, 3 + j, cell if isinstance(cell, str) else cell_text(cell))
        notes = book.add_worksheet("警告")
        cells.write_row(notes, 0, ["源文件行号", "列", "说明", "人员"], bold)
        notes.set_column(1, 1, 16)
        notes.set_column(2, 2, 70)
        notes.set_column(3, 3, 30)
        for i, n in enumerate(warnings, start=1):
            notes.write_number(i, 0, n.row)
            notes.write_string(i, 1, n.column)
            notes.write_string(i, 2, n.message)
            if getattr(n, "person", ""):
                notes.write_string(i, 3, n.person)


@dataclass(slots=True)
class Rejection:
    """A row refused by an import: its row number in the source, the column at fault and why."""

    row: int
    column: str
    reason: str
    cells: list[object]
    person: str = ""  # the person the row names: 韦一（450124********1234）


@dataclass(slots=True)
class Notice:
    """A warning about a row that was imported all the same, or about the file (row 0)."""

    row: int
    column: str
    message: str
    person: str = ""


@dataclass
class ImportResult:
    """What an import did: counts, each rejected row and each warning, and the header it read."""

    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    dry_run: bool = False
    sha256: str = ""
    # Counts of an importer's own, after the usual ones ("schools_created": 2).
    extra: dict[str, int] = field(default_factory=dict)
    # Rejected rows counted but not listed (a reader that lists only the first thousand).
    rejected_unlisted: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected) + self.rejected_unlisted,
            "warnings": len(self.warnings),
            "duplicates": self.duplicates,
            **self.extra,
        }

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def reject(
        self, row: int, column: str, reason: str, cells: Sequence[object], person: str = ""
    ) -> None:
        self.rejected.append(Rejection(row, column, reason, list(cells), person))

    def warn(self, row: int, column: str, message: str, person: str = "") -> None:
        self.warnings.append(Notice(row, column, message, person))

    def write_report(self, path: Path) -> None:
        """The rejected rows with their original cells, row numbers and reasons; warnings on
        a second sheet."""
        write_rejections(path, self.headers, self.rejected, self.warnings)
