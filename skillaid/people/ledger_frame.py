"""The ledger sheet as columns: one walk over calamine's rows digests each row and looks the
digests up a few thousand at a time; a row identical to the one an import last wrote for
someone is set aside as unchanged (only its row number, digest, the person's blind index
and its name are kept), and the others make a polars frame of the declared columns (as
text). The checks then run a column at a time over the rows that changed, and a value
that repeats down the column (民族, 是/否, a date) is parsed once."""

from __future__ import annotations

import datetime as dt
import hashlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from skillaid.lib.columns import FieldError, Header
from skillaid.lib.sheets import Table

FLUSH_ROWS = 5_000  # rows gathered as Python strings before they go into polars
KEY_BYTES = 16  # a blind index (32 hex digits) kept as bytes

# Digest (hex) -> blind index of the person in scope whose last imported row had it.
StoredDigests = Callable[[list[str]], dict[str, str]]


@dataclass
class Kept:
    """The rows found unchanged by their digest: nothing more is done with them unless the
    same person appears again in the file."""

    numbers: array = field(default_factory=lambda: array("L"))  # row number in the file
    digests: bytearray = field(default_factory=bytearray)  # 8 bytes a row
    keys: bytearray = field(default_factory=bytearray)  # the person's blind index, 16 bytes a row
    names: list[str] = field(default_factory=list)  # the name cell as read

    def __len__(self) -> int:
        return len(self.numbers)

    def digest(self, u: int) -> str:
        return self.digests[8 * u : 8 * u + 8].hex()

    def key(self, u: int) -> bytes:
        return bytes(self.keys[KEY_BYTES * u : KEY_BYTES * u + KEY_BYTES])


@dataclass
class LedgerFrame:
    """The data rows of a sheet to check: their numbers in the file, digests and declared
    columns; and the rows set aside as unchanged."""

    # Row numbers and digests are kept packed, not as 200,000 small Python objects: made
    # during the walk, those would pin the memory of every row read beside them.
    numbers: array  # row number in the file of each data row
    digests: bytes  # 8 bytes a row: of the whole row as read, with the import's columns
    df: pl.DataFrame  # one text column per declared column found (null for an empty cell)
    kept: Kept = field(default_factory=Kept)

    def __len__(self) -> int:
        return len(self.numbers)

    def digest(self, i: int) -> str:
        return self.digests[8 * i : 8 * i + 8].hex()

    def column(self, name: str) -> pl.Series | None:
        return self.df.get_column(name) if name in self.df.columns else None


def as_text(cell: object) -> str | None:
    """A cell that is not text, as text: numbers as typed, a number that lost digits in
    scientific notation (so an ID number in such a cell is refused), dates as ISO dates."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, int):
        return str(cell) if abs(cell) < 10**15 else repr(float(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def read_frame(
    table: Table, header: Header, seed: bytes, stored: StoredDigests | None = None
) -> LedgerFrame:
    """Walk the sheet once below the header: skip blank rows, digest each row, set aside
    the rows `stored` knows, and gather the declared columns of the others as text."""
    hasher = hashlib.blake2b(seed, digest_size=8)
    positions = sorted(header.positions.items(), key=lambda item: item[1])
    gathered: list[list[str | None]] = [[] for _ in positions]
    slots = [(i, gathered[k]) for k, (_, i) in enumerate(positions)]
    name_at = header.positions["name"]
    numbers = array("L")
    digests = bytearray()
    kept = Kept()
    blank = "\x1f"
    chunks: list[pl.DataFrame] = []
    # Rows read but not yet looked up: (row number, cells, digest, all cells text).
    waiting: list[tuple[int, list, bytes, bool]] = []

    def flush() -> None:
        # Cells held as Python strings cost about 70 bytes each; in polars a few. Holding
        # a few thousand rows' worth at a time keeps a 200,000-row import's peak down.
        chunks.append(
            pl.DataFrame(
                {
                    name: pl.Series(name, gathered[k], dtype=pl.String)
                    for k, (name, _) in enumerate(positions)
                }
            )
        )
        for values in gathered:
            values.clear()

    def settle() -> None:
        found = stored([d.hex() for _, _, d, _ in waiting]) if stored else {}
        for number, cells, digest, texts in waiting:
            width = len(cells)
            key = found.get(digest.hex()) if found else None
            if key is not None:
                kept.numbers.append(number)
                kept.digests.extend(digest)
                kept.keys.extend(bytes.fromhex(key)[:KEY_BYTES])
                name = cells[name_at] if name_at < width else None
                kept.names.append(name if type(name) is str else as_text(name) or "")
                continue
            if texts:
                for i, values in slots:
                    cell = cells[i] if i < width else None
                    values.append(cell or None)
            else:
                for i, values in slots:
                    cell = cells[i] if i < width else None
                    values.append(cell if type(cell) is str and cell else as_text(cell))
            numbers.append(number)
            digests.extend(digest)
        waiting.clear()
        if len(gathered[0]) >= FLUSH_ROWS:
            flush()

    for number, cells in enumerate(table.rows(), start=1):
        if number <= header.row:
            continue
        h = hasher.copy()
        try:
            # A row of text cells (CSV, most workbooks); a unit separator cannot be typed.
            joined = blank + blank.join(cells)  # type: ignore[arg-type]
        except TypeError:  # numbers or dates among the cells; repr never starts with \x1f
            if all(c is None or c == "" for c in cells):
                continue
            h.update(repr(cells).encode())
            waiting.append((number, cells, h.digest(), False))
        else:
            if not joined.strip(blank):
                continue  # every cell empty
            h.update(joined.encode())
            waiting.append((number, cells, h.digest(), True))
        if len(waiting) >= FLUSH_ROWS:
            settle()
    settle()
    flush()
    return LedgerFrame(
        numbers=numbers,
        digests=bytes(digests),
        df=pl.concat(chunks, rechunk=False),
        kept=kept,
    )


Parsed = tuple[pl.Series, dict[str, str]]  # the values, and each refused cell's reason


def parse_column(
    column: pl.Series, parse: Callable[[str], object], *, dtype: pl.DataType | None = None
) -> tuple[list[object], dict[str, str]]:
    """`parse` applied once to each distinct cell of the column; returns each row's value
    (None for an empty or refused cell) and the reason of each refused distinct cell."""
    distinct = column.drop_nulls().unique().to_list()
    values: dict[str, object] = {}
    refused: dict[str, str] = {}
    for raw in distinct:
        try:
            values[raw] = parse(raw)
        except FieldError as exc:
            refused[raw] = str(exc)
    if not values:
        return [None] * len(column), refused
    # The look-up by value is done by polars, not a Python loop over the rows.
    keys = pl.Series("k", list(values), dtype=pl.String)
    index = pl.Series("v", range(len(keys)), dtype=pl.UInt32)
    positions = column.replace_strict(keys, index, default=None, return_dtype=pl.UInt32)
    table = list(values.values())
    return [None if p is None else table[p] for p in positions.to_list()], refused


def refused_rows(column: pl.Series, refused: dict[str, str]) -> list[tuple[int, str]]:
    """(row index, reason) of each row whose cell was refused."""
    if not refused:
        return []
    hits = column.is_in(list(refused)).fill_null(False).arg_true().to_list()
    cells = column.gather(hits).to_list() if hits else []
    return [(i, refused[c]) for i, c in zip(hits, cells, strict=True)]
