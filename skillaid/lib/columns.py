"""The columns an import declares, and finding them in a sheet: the Django-free half of the
import framework (skillaid.accounts.imports holds the other half).

An importer names each column it reads once, with its Chinese label and the other
spellings counties use for it. The header row is the first of the sheet's top rows
that holds every column the importer cannot do without, so a title row above the
headers ("马山县培训意愿台账") is passed over; headers nobody declared are listed back to
the clerk as a warning, because a column read by nobody is often a misspelt one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .sheets import UnreadableFile, cell_text, column_letter, header_key

HEADER_SCAN_ROWS = 10  # the header is looked for among this many rows at the top


class FieldError(ValueError):
    """A value that cannot be used; the message is Chinese, for the clerk.

    `column` names the declared column at fault when the raiser knows it better than
    the caller (a row handler checking several columns).
    """

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Column:
    """One column an importer reads: its name in code, its Chinese label, other spellings."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the file is refused without it


@dataclass(frozen=True)
class Columns:
    """The declared columns of one importer, in the order its template lists them."""

    columns: tuple[Column, ...]
    # Without these the header row is not recognised at all (the first pair a clerk
    # would look for); the other required columns are then named as missing.
    anchors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        aliases: dict[str, str] = {}
        for column in self.columns:
            for spelling in (column.label, *column.aliases):
                aliases.setdefault(header_key(spelling), column.name)
        object.__setattr__(self, "aliases", aliases)
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    def label(self, name: str) -> str:
        return self.by_name[name].label  # type: ignore[attr-defined]

    def column_of(self, cell: object) -> str | None:
        return self.aliases.get(header_key(cell))  # type: ignore[attr-defined]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


@dataclass
class Header:
    """Where each declared column was found, and what else the header row held."""

    positions: dict[str, int]  # column name -> index in the row
    cells: list[str]  # the header row as text, for the report
    row: int  # its row number in the file, from 1
    unrecognised: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # column name -> Chinese label

    def where(self, name: str | None) -> str:
        """'C列“联系电话”': the column as a clerk finds it in the file."""
        if not name:
            return ""
        label = self.labels.get(name, name)
        i = self.positions.get(name)
        return f"{column_letter(i)}列“{label}”" if i is not None else label

    def cell(self, cells: Sequence[object], name: str) -> object:
        i = self.positions.get(name)
        if i is None or i >= len(cells):
            return None
        return cells[i]


def find_header(
    rows: Iterable[Sequence[object]],
    columns: Columns,
    *,
    within: int = HEADER_SCAN_ROWS,
    hint: str = "",
) -> Header:
    """The header row among the first `within` rows: the first holding every anchor column.

    A file without one is refused naming the headers it does have, and one whose header
    lacks a required column is refused naming what is missing.
    """
    anchors = columns.anchors or columns.required
    seen: list[list[str]] = []
    for number, cells in enumerate(rows, start=1):
        found: dict[str, int] = {}
        unrecognised: list[str] = []
        for i, cell in enumerate(cells):
            name = columns.column_of(cell)
            if name is not None:
                found.setdefault(name, i)
            elif header_key(cell):
                unrecognised.append(cell_text(cell).strip())
        if all(a in found for a in anchors) and found:
            missing = [columns.label(n) for n in columns.required if n not in found]
            if missing:
                raise UnreadableFile(f"缺少列：{'、'.join(missing)}")
            return Header(
                positions=found,
                cells=[cell_text(c) for c in cells],
                row=number,
                unrecognised=unrecognised,
                labels={c.name: c.label for c in columns.columns},
            )
        texts = [cell_text(c).strip() for c in cells if c not in (None, "")]
        if texts:
            seen.append(texts)
        if number >= within:
            break
    wanted = "和".join(f"“{columns.label(a)}”" for a in anchors)
    shown = "；".join("、".join(h) for h in seen[:3]) or "（文件是空的）"
    raise UnreadableFile(f"找不到{wanted}列{hint}。文件前几行的表头是：{shown}")


def unrecognised_note(header: Header) -> str:
    """The warning about headers no declared column took: '未识别的列：性别、备注'."""
    if not header.unrecognised:
        return ""
    return f"未识别的列：{'、'.join(header.unrecognised)}（这些列未导入）"


def data_rows(rows: Iterator[Sequence[object]], header_row: int) -> Iterator[tuple[int, list]]:
    """(row number in the file, cells) of each non-blank row below the header."""
    for _ in range(header_row):
        next(rows, None)
    for number, cells in enumerate(rows, start=header_row + 1):
        for c in cells:
            if c is not None and c != "":
                yield number, cells  # type: ignore[misc]
                break


def person_label(name: object, id_number: object) -> str:
    """'韦一（450124********1234）': the person a row names, for the problem list.

    The number is masked whatever state it is in: a wrong one is still someone's.
    """
    from .idnumber import mask, normalise, raw_to_text

    text = cell_text(name).strip()
    number = normalise(raw_to_text(id_number)[0])[0] if id_number not in (None, "") else ""
    masked = mask(number) if number else ""
    if text and masked:
        return f"{text}（{masked}）"
    return text or masked
