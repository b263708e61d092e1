"""Report tables as officials file them: a title row, the scope, the period and the "数据截至"
line, a header of several rows with merged cells (培训情况 over 人次 | 其中帮扶家庭 |
其中农民工), the rows with numbers as numbers, a total row and notes.

The same tables give the same workbook, byte for byte: the workbook is built in memory
(XlsxWriter then stamps every zip entry 1980-01-01 and takes no file modes from disk),
its creation date is the data's own as-of time, never the clock, and nothing else in it
varies between runs. Callers give rows in a stable order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from .sheets import TEXT_OPTIONS, CellWriter


@dataclass(frozen=True)
class Head:
    """One header cell: a leaf is a column; a head with children spans its leaves' columns."""

    label: str
    children: tuple[Head, ...] = ()
    width: int = 10
    number: str = "0"  # Excel's number format for a leaf's numbers ("#,##0.00" for money)

    @property
    def leaves(self) -> list[Head]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves]

    @property
    def depth(self) -> int:
        return 1 + max((c.depth for c in self.children), default=0)


def head(label: str, *children: Head, width: int = 10, number: str = "0") -> Head:
    return Head(label, tuple(children), width, number)


def leaves(heads: Sequence[Head]) -> list[Head]:
    return [leaf for h in heads for leaf in h.leaves]


def depth(heads: Sequence[Head]) -> int:
    return max((h.depth for h in heads), default=1)


@dataclass(frozen=True)
class HeaderCell:
    """A header cell placed in the grid: rows and columns counted from the header's top left."""

    label: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @property
    def merged(self) -> bool:
        return self.first_row != self.last_row or self.first_col != self.last_col


def header_cells(heads: Sequence[Head]) -> list[HeaderCell]:
    """Where each header cell goes: a head with children spans its leaves on its own row; a
    leaf reaches down to the header's last row. In order, row by row, left to right."""
    rows = depth(heads)
    cells: list[HeaderCell] = []

    def place(h: Head, row: int, col: int) -> int:
        width = len(h.leaves)
        last_row = row if h.children else rows - 1
        cells.append(HeaderCell(h.label, row, col, last_row, col + width - 1))
        c = col
        for child in h.children:
            c = place(child, row + 1, c)
        return col + width

    col = 0
    for h in heads:
        col = place(h, 0, col)
    return sorted(cells, key=lambda c: (c.first_row, c.first_col))


@dataclass
class Table:
    """One sheet of a report: what it is, whose, when, its header and its rows."""

    name: str  # the sheet's tab (at most 31 characters)
    title: str  # 技能脱贫千校行动进展情况表
    lines: list[str]  # 填报单位：…　统计期间：…　数据截至：…
    heads: list[Head]
    rows: list[Sequence[object]]
    total: Sequence[object] | None = None  # the 合计 row, if any
    notes: list[str] = field(default_factory=list)  # 说明 under the table

    @property
    def columns(self) -> list[Head]:
        return leaves(self.heads)


def write_tables(
    target: Path | IO[bytes],
    tables: Sequence[Table],
    *,
    created: dt.datetime,
    title: str = "",
    author: str = "",
) -> int:
    """Write `tables` as the sheets of one workbook; returns the number of data rows.

    `created` (the data's as-of time) is the workbook's creation and modification date.
    """
    options = {**TEXT_OPTIONS, "in_memory": True, "constant_memory": False}
    book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, options)
    if created.tzinfo is not None:
        created = created.astimezone(dt.UTC).replace(tzinfo=None)
    book.set_properties(
        {
            "title": title,
            "author": author,
            "company": author,
            "created": created.replace(microsecond=0),
        }
    )
    count = 0
    try:
        formats = _Formats(book)
        for table in tables:
            count += _write_table(book, formats, table)
    finally:
        book.close()
    return count


class _Formats:
    def __init__(self, book: Any) -> None:
        self.cells = CellWriter(book)
        self.title = book.add_format(
            {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        )
        self.line = book.add_format({"font_size": 10})
        self.head = book.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#DCE6F1",
            }
        )
        self.text = book.add_format({"border": 1, "valign": "vcenter"})
        self.total_text = book.add_format({"border": 1, "bold": True, "align": "center"})
        self.note = book.add_format({"font_size": 9, "text_wrap": True, "valign": "top"})
        self._book = book
        self._numbers: dict[tuple[str, bool], Any] = {}

    def number(self, fmt: str, bold: bool = False) -> Any:
        key = (fmt, bold)
        if key not in self._numbers:
            self._numbers[key] = self._book.add_format(
                {"border": 1, "num_format": fmt, "bold": bold}
            )
        return self._numbers[key]


def _write_table(book: Any, f: _Formats, table: Table) -> int:
    sheet = book.add_worksheet(table.name[:31])
    columns = table.columns
    last_col = max(len(columns) - 1, 0)
    for i, column in enumerate(columns):
        sheet.set_column(i, i, column.width)
    row = 0
    sheet.set_row(row, 30)
    if last_col:
        sheet.merge_range(row, 0, row, last_col, table.title, f.title)
    else:
        sheet.write_string(row, 0, table.title, f.title)
    row += 1
    for line in table.lines:
        if last_col:
            sheet.merge_range(row, 0, row, last_col, line, f.line)
        else:
            sheet.write_string(row, 0, line, f.line)
        row += 1
    top = row
    for cell in header_cells(table.heads):
        r0, r1 = top + cell.first_row, top + cell.last_row
        if cell.merged:
            sheet.merge_range(r0, cell.first_col, r1, cell.last_col, cell.label, f.head)
        else:
            sheet.write_string(r0, cell.first_col, cell.label, f.head)
    row = top + depth(table.heads)
    sheet.freeze_panes(row, 0)
    sheet.repeat_rows(top, row - 1)
    for values in table.rows:
        _write_values(sheet, f, row, columns, values, bold=False)
        row += 1
    if table.total is not None:
        _write_values(sheet, f, row, columns, table.total, bold=True)
        row += 1
    for note in table.notes:
        row += 1
        if last_col:
            sheet.merge_range(row, 0, row, last_col, note, f.note)
        else:
            sheet.write_string(row, 0, note, f.note)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    return len(table.rows)


def _write_values(
    sheet: Any, f: _Formats, row: int, columns: list[Head], values: Sequence[object], *, bold: bool
) -> None:
    for col, column in enumerate(columns):
        value = values[col] if col < len(values) else None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            fmt = f.total_text if bold else f.text
            if value is None or value == "":
                sheet.write_blank(row, col, None, fmt)
            else:
                f.cells.write(sheet, row, col, value, fmt)
        else:
            f.cells.write(sheet, row, col, value, f.number(column.number, bold))
