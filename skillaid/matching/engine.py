"""The matching engine (精准比对): registry snapshots compared with our people by ID number.

No Django here: the matching app hands the engine files and rows, and gets files back.
DuckDB does the work: a registry of 10,000,000 rows is read, checked (length, characters,
province, birth date, check character, as `skillaid.lib.idnumber.check` does one cell) and
joined with our 2,000,000 people in vectorised SQL on both cores, spilling to disk instead of
holding everything in memory. A Python set of 10M numbers takes 2.4 GB and 6 s just to build;
polars joins as fast but holds both sides in memory and has no HMAC (see README, 精准比对).

Cells that are not plain ASCII (full-width digits, an ideographic space, a name outside the
common CJK block) are few; they are checked by `idnumber.check` and `names.normalise` in
Python, so the SQL never has to imitate NFKC, and both agree by construction.

Files with plain ID numbers (the snapshot, our people, DuckDB's spill files) live only in the
run's private directory (`run_dir`), which `cleanup` deletes when the run ends.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from skillaid.lib import idnumber, names
from skillaid.lib.columns import Column, Columns, find_header
from skillaid.lib.sheets import UnreadableFile, cell_text, open_table

Progress = Callable[[int, int], None]

# The province codes of GB/T 2260 that begin a resident ID number (11 北京 … 82 澳门).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82".split()
)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
MAX_REJECTIONS = 1000
MEMORY_LIMIT = os.environ.get("SKILLAID_MATCHING_MEMORY", "1GB")
# What a registry kind lists, by our category labels: of ours, only people we hold as
# one of these can be missing from it (people.Category's labels).
LISTED = {"assisted": ("脱贫户", "监测户")}
OUTCOMES = ("consistent", "different", "near_name", "near_id", "only_ours", "only_theirs")


class SnapshotError(Exception):
    """The file as a whole cannot be used; the message (Chinese) says why, for the page."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str  # 'text' | 'date' | 'int'
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Kind:
    label: str
    fields: list[Field]
    # their field -> our column it is compared with (when both sides have a value)
    compared: dict[str, str] = field(default_factory=dict)


ID = Field(
    "id", "身份证号", "text", ("公民身份号码", "身份证号码", "证件号码", "身份证", "证件号"), True
)
ID_HASH = Field(
    "id_hash", "身份证号密文", "text", ("加密身份证号", "身份证号哈希", "身份证号码密文"), True
)
NAME = Field("name", "姓名", "text", ("名字", "人员姓名", "成员姓名"), True)

KINDS: dict[str, Kind] = {
    "assisted": Kind(
        "帮扶对象名单（防止返贫监测）",
        [
            Field("category", "户类型", "text", ("人员类型", "监测对象类别", "户类别", "类别")),
            Field("since", "识别日期", "date", ("纳入日期", "识别时间", "纳入时间", "认定日期")),
            Field(
                "until",
                "退出日期",
                "date",
                ("消除风险日期", "风险消除日期", "退出时间", "消除风险时间"),
            ),
            Field("county", "县区", "text", ("县", "区", "县区代码", "所属县区", "县（区）")),
        ],
        compared={"category": "category", "since": "category_since", "county": "county"},
    ),
    "school": Kind(
        "技工院校学籍电子注册",
        [
            Field("school", "学校名称", "text", ("学校", "院校名称", "就读学校")),
            Field("major", "专业", "text", ("专业名称", "就读专业")),
            Field("entered_on", "入学日期", "date", ("入学时间", "注册日期")),
            Field("status", "学籍状态", "text", ("状态", "在校状态")),
        ],
    ),
    "unemployment": Kind(
        "登记失业人员名单",
        [
            Field("registered_on", "失业登记日期", "date", ("登记日期", "登记失业日期")),
            Field("ended_on", "注销日期", "date", ("注销登记日期", "失业注销日期")),
        ],
    ),
    "insurance": Kind(
        "参保名单",
        [
            Field("employer", "参保单位", "text", ("单位名称", "用人单位")),
            Field("months", "缴费月数", "int", ("累计缴费月数", "缴费月份数")),
            Field("since", "参保起始", "date", ("参保日期", "参保起始日期", "起始日期")),
            Field("until", "参保终止", "date", ("参保终止日期", "终止日期", "停保日期")),
        ],
    ),
}

# Our people's columns, in the order of the tuples `ours_write` is given.
OURS_COLUMNS = ("person_id", "id", "name", "birth_date", "county", "category", "category_since")


@dataclass(frozen=True)
class Rejection:
    row: int
    column: str
    reason: str


@dataclass
class LoadResult:
    rows_read: int = 0
    rows_loaded: int = 0
    duplicate_ids: int = 0
    rejected_count: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    normalised_count: int = 0


@dataclass
class Comparison:
    counts: dict[str, int]
    results: Path
    seconds: float


# --- the run's private directory -------------------------------------------------------------


def run_dir(base: Path | None = None) -> Path:
    """A directory only this process's user can read, for the files with plain ID numbers."""
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="skillaid-match-", dir=base))


def cleanup(*paths: Path) -> None:
    """Delete what a run wrote with plain ID numbers (files or directories)."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _connect(scratch: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    spill = scratch / ".spill"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{_q(str(spill))}'")
    con.execute("SET preserve_insertion_order = true")
    return con


def _q(text: str) -> str:
    return text.replace("'", "''")


def _lit(text: str) -> str:
    return "'" + _q(text) + "'"


# --- ID numbers and keyed hashes in SQL ------------------------------------------------------

# Python's \s over ASCII: space, \t \n \v \f \r and the separators \x1c-\x1f.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r \x1c-\x1f]"


_CLEAN = "'[0-9]{17}[0-9X]'"  # a cell that needs no repair (nearly all of them)


def id_normalised_sql(raw: str, clean: str | None = None) -> str:
    """`idnumber.normalise` as SQL over an ASCII cell: spaces out, a last x made X. `clean`
    names a column that already says the cell matches _CLEAN."""
    stripped = f"regexp_replace(coalesce({raw}, ''), '{_ASCII_SPACE}+', '', 'g')"
    clean = clean or f"regexp_full_match({raw}, {_CLEAN})"
    return f"""(CASE WHEN {clean} THEN {raw}
        WHEN suffix({stripped}, 'x') THEN substr({stripped}, 1, length({stripped}) - 1) || 'X'
        ELSE {stripped} END)"""


def id_halves_sql(n: str) -> tuple[str, str]:
    """The first 9 and the next 8 digits of `n` as integers (NULL if not digits)."""
    return f"try_cast(substr({n}, 1, 9) AS BIGINT)", f"try_cast(substr({n}, 10, 8) AS BIGINT)"


def check_character_sql(a: str, b: str) -> str:
    """The check character of a number whose first 17 digits are the integers `a` (9 digits)
    and `b` (8), columns of id_halves_sql (GB 11643: the digits weighted 7 9 10 5 8 4 2 1 6 3
    7 9 10 5 8 4 2, the sum mod 11 picks from 10X98765432). Digits by integer division are
    cheaper in DuckDB than 17 one-character substrings."""
    terms = [f"(({a} // {10 ** (8 - i)}) % 10) * {_WEIGHTS[i]}" for i in range(9)]
    terms += [f"(({b} // {10 ** (16 - i)}) % 10) * {_WEIGHTS[i]}" for i in range(9, 17)]
    return f"substr('{_CHECK}', (({' + '.join(terms)}) % 11)::INT + 1, 1)"


def id_sql(
    raw: str, n: str, a: str, b: str, today: dt.date, clean: str | None = None
) -> tuple[str, str]:
    """(reason refused or NULL, repaired) as SQL over an ASCII cell `raw` whose normalised
    form is the column `n` (and `a`, `b` its halves: id_halves_sql), in the order and words
    of `idnumber.check`.

    A number that passes every check is told apart first by one conjunction, cheap for the
    millions of good rows; only a refused one goes through the checks in order for its reason.
    """
    expected = check_character_sql(a, b)
    year = f"substr({n}, 7, 4)::INT"
    birth = f"try(make_date({year}, substr({n}, 11, 2)::INT, substr({n}, 13, 2)::INT))"
    provinces = ", ".join(f"'{p}'" for p in sorted(PROVINCES))
    shape = (
        f"({clean} OR regexp_full_match({n}, {_CLEAN}))"
        if clean
        else f"regexp_full_match({n}, {_CLEAN})"
    )
    good = f"""{shape}
        AND substr({n}, 1, 2) IN ({provinces})
        AND try_strptime(substr({n}, 7, 8), '%Y%m%d')
            BETWEEN TIMESTAMP '1900-01-01' AND TIMESTAMP '{today.isoformat()}'
        AND {expected} = substr({n}, 18, 1)"""
    reason = f"""CASE WHEN {good} THEN NULL
        WHEN regexp_full_match({raw}, '{_ASCII_SPACE}*[0-9.]+[eE]\\+?[0-9]+{_ASCII_SPACE}*')
            THEN '身份证号被 Excel 存成了数字（科学计数法），后几位已丢失，请把该列设为文本后重新录入'
        WHEN {n} = '' THEN '身份证号为空'
        WHEN length({n}) <> 18 THEN '身份证号应为18位，实为' || length({n}) || '位'
        WHEN NOT regexp_full_match({n}, {_CLEAN})
            THEN '身份证号含有数字和末位 X 以外的字符'
        WHEN substr({n}, 1, 2) NOT IN ({provinces})
            THEN '省份代码 ' || substr({n}, 1, 2) || ' 不存在'
        WHEN {year} < 1 OR {birth} IS NULL THEN '出生日期 ' || substr({n}, 7, 8) || ' 不存在'
        WHEN {birth} > DATE '{today.isoformat()}'
            THEN '出生日期 ' || strftime({birth}, '%Y-%m-%d') || ' 晚于今天'
        WHEN {year} < 1900 THEN '出生日期 ' || strftime({birth}, '%Y-%m-%d') || ' 早于1900年'
        WHEN {expected} <> substr({n}, 18, 1)
            THEN '校验码错误：末位应为 ' || {expected} || '，实为 ' || substr({n}, 18, 1)
        END"""
    trimmed = f"regexp_replace(coalesce({raw}, ''), '^{_ASCII_SPACE}+|{_ASCII_SPACE}+$', '', 'g')"
    return reason, f"({n} IS DISTINCT FROM {raw} AND {n} <> {trimmed})"


def _hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sql(value: str, key: bytes) -> str:
    """HMAC-SHA256(key, value) as lower-case hex, in SQL: sha256 of the outer pad and the
    inner digest, the inner digest being sha256 of the inner pad and the value (RFC 2104).
    DuckDB hashes on both cores, where Python's hmac runs on one (see keyed_hash)."""
    inner, outer = _hmac_pads(key)
    i, o = "'\\x" + "\\x".join(f"{b:02X}" for b in inner) + "'", None
    o = "'\\x" + "\\x".join(f"{b:02X}" for b in outer) + "'"
    return f"sha256({o}::BLOB || unhex(sha256({i}::BLOB || encode({value}))))"


def keyed_hash(values: list[str], key: bytes) -> list[str]:
    """HMAC-SHA256 hex of each value, normalised as an ID number first."""
    if not key:
        raise ValueError("the exchange key must not be empty")
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT {hmac_sql('v', key)} FROM (SELECT unnest($1) AS v, generate_subscripts($1, 1) AS i) ORDER BY i",
            [[idnumber.normalise(v)[0] for v in values]],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def exchange_write(dest: Path, rows: Iterable[tuple], *, key: bytes, header: list[str]) -> int:
    """A CSV for a partner (UTF-8 with BOM): each row's first value, an ID number, replaced
    by its keyed hash under the exchange key; the header's first column is 身份证号密文."""
    count = 0
    with dest.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["身份证号密文", *header[1:]])
        batch: list[tuple] = []

        def flush() -> None:
            hashes = keyed_hash([str(r[0]) for r in batch], key)
            writer.writerows((h, *r[1:]) for h, r in zip(hashes, batch, strict=True))
            batch.clear()

        for row in rows:
            batch.append(row)
            count += 1
            if len(batch) >= 100_000:
                flush()
        if batch:
            flush()
    return count


# --- loading a snapshot ----------------------------------------------------------------------


def _columns(kind: Kind, hashed: bool) -> Columns:
    fields = [ID_HASH if hashed else ID, NAME, *kind.fields]
    return Columns(
        tuple(Column(f.name, f.label, f.aliases) for f in fields),
        anchors=("name",),
    )


def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(1 << 20)
    cut = head.rfind(b"\n")
    if len(head) == 1 << 20 and cut > 0:
        head = head[:cut]
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _has_blank_lines(path: Path) -> bool:
    """Whether an empty line stands between rows: DuckDB skips those, which would shift the
    row numbers after them."""
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            data = tail + chunk
            body = data.rstrip(b"\r\n") if len(chunk) < 1 << 24 else data
            if b"\n\n" in body or b"\n\r\n" in body:
                return True
            tail = data[-2:]
    return False


def _rewrite_utf8(path: Path, encoding: str, out: Path) -> None:
    """The file in UTF-8 with each empty line kept as a row of no cells."""
    decoder = codecs.getincrementaldecoder("utf-8-sig" if encoding == "utf-8" else encoding)()
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        pending = ""
        while True:
            chunk = src.read(1 << 22)
            text = pending + decoder.decode(chunk, final=not chunk)
            lines = text.split("\n")
            pending = lines.pop() if chunk else ""
            dst.write("\n".join(x if x.strip("\r") else "," for x in lines))
            if lines:
                dst.write("\n")
            if not chunk:
                if pending:
                    dst.write(pending)
                break


def _csv_header(path: Path, columns: Columns) -> tuple[object, int]:
    lines = []
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        for _ in range(10):
            line = f.readline()
            if not line:
                break
            lines.append(line)
    return find_header(csv.reader(lines), columns, hint="（请检查表头行）"), len(lines)


def _xlsx_to_csv(path: Path, columns: Columns, out: Path) -> object:
    """The workbook's first sheet as a UTF-8 CSV of text cells, header row first, dates in
    ISO form and numbers that lost digits in scientific form (refused as such later)."""
    try:
        table = open_table(path)
        header = find_header(table.rows(), columns, hint="（请检查表头行）")
    except UnreadableFile as exc:
        raise SnapshotError(str(exc)) from None
    id_at = header.positions.get("id")
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for number, cells in enumerate(table.rows(), start=1):
            if number < header.row:
                writer.writerow([""])
                continue
            texts = []
            for i, cell in enumerate(cells):
                if i == id_at and number > header.row:
                    text, lost = idnumber.raw_to_text(cell)
                    texts.append(repr(float(cell)) if lost and isinstance(cell, int) else text)
                elif isinstance(cell, dt.datetime):
                    texts.append(cell.date().isoformat() if cell.time() == dt.time() else str(cell))
                elif isinstance(cell, dt.date):
                    texts.append(cell.isoformat())
                else:
                    texts.append(cell_text(cell))
            writer.writerow(texts if any(t.strip() for t in texts) else [","])
    table.release()
    return header


_DATE_FORMATS = (
    "['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '%Y.%m.%d', '%Y年%m月%d日', '%Y-%m-%d %H:%M:%S']"
)


def snapshot_load(
    src: Path,
    dest: Path,
    *,
    kind: str,
    hashed: bool,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> LoadResult:
    """Read a registry file (.csv UTF-8/GBK, .xlsx/.xls) into `dest` (parquet), checked."""
    spec = KINDS[kind]
    today = today or dt.date.today()
    columns = _columns(spec, hashed)
    scratch = Path(tempfile.mkdtemp(prefix=".load-", dir=dest.parent))
    step = progress or (lambda done, total: None)
    try:
        step(0, 4)
        suffix = src.suffix.lower()
        if suffix == ".csv":
            encoding = _sniff_encoding(src)
            source = src
            if encoding != "utf-8" or _has_blank_lines(src):
                source = scratch / "source.csv"
                _rewrite_utf8(src, encoding, source)
            try:
                header, _ = _csv_header(source, columns)
            except UnreadableFile as exc:
                raise SnapshotError(str(exc)) from None
        elif suffix in (".xlsx", ".xls", ".xlsm", ".xlsb", ".ods"):
            source = scratch / "source.csv"
            header = _xlsx_to_csv(src, columns, source)
        else:
            raise SnapshotError(
                f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .csv、.xlsx 或 .xls 文件"
            )
        fields = [ID_HASH if hashed else ID, NAME, *spec.fields]
        missing = [f for f in fields if f.required and f.name not in header.positions]
        if missing:
            raise SnapshotError(
                "缺少列："
                + "；".join(
                    f"“{f.label}”（可用的表头：{'、'.join((f.label, *f.aliases))}）"
                    for f in missing
                )
            )
        con = _connect(scratch)
        try:
            result = _load(con, source, header, spec, fields, hashed, dest, scratch, today, step)
        except duckdb.InvalidInputException as exc:
            if "unicode" not in str(exc).lower() or source != src:
                raise
            source = scratch / "source.csv"  # not UTF-8 after all, past the sniffed start
            _rewrite_utf8(src, "gb18030", source)
            result = _load(con, source, header, spec, fields, hashed, dest, scratch, today, step)
        finally:
            con.close()
        result.unknown_columns = list(header.unrecognised)
        result.missing_columns = [f.label for f in fields if f.name not in header.positions]
        step(4, 4)
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _load(con, source, header, spec, fields, hashed, dest, scratch, today, step) -> LoadResult:
    """One parallel pass of DuckDB over the file computes every cell's checked value into a
    table whose row ids follow the file's order (CREATE TABLE AS keeps the insertion order),
    so a row's number is its row id past the header. The few cells that are not plain ASCII
    are then checked in Python and written back; the good rows go to `dest` in file order."""
    width = max(len(header.cells), max(header.positions.values()) + 1)
    names_sql = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    reader = f"""read_csv({_lit(str(source))},
        header = false, skip = {header.row}, all_varchar = true, columns = {{{names_sql}}},
        auto_detect = false, delim = ',', quote = '"', escape = '"', null_padding = true,
        strict_mode = false)"""

    def col(name: str) -> str:
        i = header.positions.get(name)
        return f"c{i}" if i is not None else "NULL::VARCHAR"

    def filled(c: str) -> str:  # cheap and sure for nearly every cell that is not blank
        return f"({c} <> '' AND ascii({c}) <> 32)"

    id_raw, name_raw = col(fields[0].name), col("name")
    full_blank = " AND ".join(f"coalesce(trim(c{i}), '') = ''" for i in range(width))
    blank = f"CASE WHEN {filled('r')} OR {filled('rn')} THEN false ELSE {full_blank} END"
    values, checks = [], []
    for fl in spec.fields:
        cell = col(fl.name)
        if fl.type == "date":
            value = f"coalesce(try_cast({cell} AS DATE), try_strptime(trim({cell}), {_DATE_FORMATS})::DATE)"
            message = f"'日期“' || trim(t_{fl.name}) || '”无法识别'"
        elif fl.type == "int":
            value = f"try_cast(replace(trim({cell}), ',', '') AS BIGINT)"
            message = f"'“' || trim(t_{fl.name}) || '”不是整数'"
        else:
            value, message = f"nullif(trim({cell}), '')", None
        values.append(f"{value} AS {fl.name}, {cell} AS t_{fl.name}")
        if message:
            bad = f"{fl.name} IS NULL AND trim(coalesce(t_{fl.name}, '')) <> ''"
            checks.append((fl, bad, message))
    field_column = (
        "CASE " + " ".join(f"WHEN {c} THEN {_lit(fl.name)}" for fl, c, _ in checks) + " END"
        if checks
        else "NULL::VARCHAR"
    )
    field_reason = (
        "CASE " + " ".join(f"WHEN {c} THEN {m}" for fl, c, m in checks) + " END"
        if checks
        else "NULL::VARCHAR"
    )
    kind_names = "".join(f", {fl.name}" for fl in spec.fields)
    # Names of common ideographs alone are kept as they are; other names lose spaces and
    # control characters and take one middle dot, and those outside ASCII and the common
    # ideographs (and ID cells outside ASCII) go to Python.
    cjk = r"regexp_full_match(rn, '[\x{4E00}-\x{9FFF}]+')"
    plain_name = r"regexp_full_match(coalesce(rn, ''), '[\x00-\x7F\x{4E00}-\x{9FFF}]*')"
    name_sql = (
        "CASE WHEN cjk THEN rn ELSE regexp_replace(replace(coalesce(rn, ''), '.', '·'), "
        r"'[\s\x00-\x1F\x7F]+', '', 'g') END"
    )
    odd_id = "false" if hashed else "strlen(coalesce(r, '')) <> length(coalesce(r, ''))"
    if hashed:
        hexes = "'[0-9a-f]{64}'"
        key = f"lower(regexp_replace(coalesce(r, ''), '{_ASCII_SPACE}+', '', 'g'))"
        clean = f"regexp_full_match({id_raw}, {hexes})"
        normalised = f"clean, CASE WHEN clean THEN r ELSE {key} END AS n0"
        halves = "NULL::BIGINT AS a, NULL::BIGINT AS b"
        id_part = f"""NULL::VARCHAR AS id, n0 AS id_hash,
            CASE WHEN clean THEN NULL WHEN n0 = '' THEN '身份证号密文为空'
                 WHEN NOT regexp_full_match(n0, {hexes})
                 THEN '身份证号密文应为64位十六进制字符' END AS id_reason,
            false AS repaired, NULL::BIGINT AS idk"""
    else:
        reason, repaired = id_sql("r", "n0", "a", "b", today, clean="clean")
        clean = f"regexp_full_match({id_raw}, {_CLEAN})"
        normalised = f"clean, {id_normalised_sql('r', 'clean')} AS n0"
        halves = ", ".join(f"{e} AS {x}" for e, x in zip(id_halves_sql("n0"), "ab", strict=True))
        # The 17 digits as one integer: the check character follows from them, so a
        # number counts once in the duplicate count, faster than as text.
        id_part = f"""n0 AS id, NULL::VARCHAR AS id_hash,
            CASE WHEN odd_id THEN NULL ELSE {reason} END AS id_reason,
            CASE WHEN odd_id THEN false ELSE {repaired} END AS repaired,
            CASE WHEN a BETWEEN 0 AND 999999999 AND b BETWEEN 0 AND 99999999
                 THEN a * 100000000 + b END AS idk"""
    con.execute(
        f"""CREATE OR REPLACE TABLE checked AS
        WITH cells AS (
            SELECT {id_raw} AS r, {name_raw} AS rn, {clean} AS clean,
                {", ".join(values) + "," if values else ""}
                {", ".join(f"c{i}" for i in range(width))}
            FROM {reader}
        ),
        one AS (
            SELECT r, rn {kind_names}, {", ".join(f"t_{fl.name}" for fl in spec.fields) + "," if spec.fields else ""}
                {blank} AS blank, {odd_id} AS odd_id, {cjk} AS cjk, {normalised}
            FROM cells
        ),
        two AS (SELECT *, {halves} FROM one),
        three AS (
            SELECT *, CASE WHEN cjk THEN false ELSE NOT {plain_name} END AS odd_name FROM two
        )
        SELECT blank, odd_id OR odd_name AS odd,
            CASE WHEN odd_id OR odd_name THEN r END AS raw_id,
            CASE WHEN odd_name THEN rn END AS raw_name,
            {name_sql} AS name {kind_names},
            {field_column} AS field_column, {field_reason} AS field_reason, {id_part}
        FROM three"""
    )
    step(1, 4)
    odd = con.execute(
        "SELECT rowid, raw_id, raw_name FROM checked WHERE odd AND NOT blank"
    ).fetchall()
    if odd:
        fixes = scratch / "fixes.csv"
        with fixes.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            for rid, raw_id, raw_name in odd:
                if hashed or (raw_id or "").isascii():
                    n, reason, repaired = "", "", "keep"  # the SQL's check stands
                else:
                    checked = idnumber.check(raw_id, provinces=PROVINCES, today=today)
                    n = checked.number or idnumber.normalise(raw_id)[0]
                    reason, repaired = checked.error or "", "1" if checked.notes else "0"
                name = names.normalise(raw_name) if raw_name is not None else ""
                writer.writerow([rid, n, reason, repaired, name, raw_name is not None])
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE fixes AS SELECT * FROM read_csv({_lit(str(fixes))},
            header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
            columns = {{'rid': 'BIGINT', 'n': 'VARCHAR', 'reason': 'VARCHAR',
            'repaired': 'VARCHAR', 'name': 'VARCHAR', 'has_name': 'BOOLEAN'}})"""
        )
        con.execute(
            """UPDATE checked SET
                id = CASE WHEN f.repaired = 'keep' THEN checked.id ELSE coalesce(f.n, '') END,
                id_reason = CASE WHEN f.repaired = 'keep' THEN checked.id_reason ELSE f.reason END,
                repaired = CASE WHEN f.repaired = 'keep' THEN checked.repaired
                                ELSE f.repaired = '1' END,
                name = CASE WHEN f.has_name THEN coalesce(f.name, '') ELSE checked.name END,
                idk = CASE WHEN f.repaired = 'keep' THEN checked.idk
                           ELSE try_cast(substr(f.n, 1, 17) AS BIGINT) END
            FROM fixes f WHERE checked.rowid = f.rid"""
        )
    step(2, 4)
    label = {f.name: f.label for f in fields}
    final_column = f"""CASE WHEN id_reason IS NOT NULL THEN {_lit(fields[0].name)}
        WHEN name = '' THEN 'name' ELSE field_column END"""
    final_reason = """CASE WHEN id_reason IS NOT NULL THEN id_reason
        WHEN name = '' THEN '姓名为空' ELSE field_reason END"""
    key = "id_hash" if hashed else "idk"
    rows_read, rejected_count, normalised_count, duplicates = con.execute(
        f"""SELECT count(*) FILTER (WHERE NOT blank),
                  count(*) FILTER (WHERE NOT blank AND {final_reason} IS NOT NULL),
                  count(*) FILTER (WHERE NOT blank AND {final_reason} IS NULL AND repaired),
                  (SELECT count(*) FROM (SELECT {key} FROM checked
                   WHERE NOT blank AND {final_reason} IS NULL GROUP BY {key} HAVING count(*) > 1))
            FROM checked"""
    ).fetchone()
    first = header.row + 1
    rejected = [
        Rejection(row, label.get(column, column), reason)
        for row, column, reason in con.execute(
            f"""SELECT rowid + {first}, {final_column}, {final_reason} FROM checked
            WHERE NOT blank AND {final_reason} IS NOT NULL ORDER BY rowid LIMIT {MAX_REJECTIONS}"""
        ).fetchall()
    ]
    step(3, 4)
    birth = "NULL::DATE" if hashed else "strptime(substr(id, 7, 8), '%Y%m%d')::DATE"
    # No ORDER BY: the table is read in insertion order (the file's), which DuckDB keeps.
    con.execute(
        f"""COPY (SELECT rowid + {first} AS row, id, id_hash, name, {birth} AS birth_date
                  {kind_names}
              FROM checked WHERE NOT blank AND {final_reason} IS NULL)
        TO {_lit(str(dest))} (FORMAT parquet)"""
    )
    con.execute("DROP TABLE checked")
    return LoadResult(
        rows_read=rows_read,
        rows_loaded=rows_read - rejected_count,
        duplicate_ids=duplicates,
        rejected_count=rejected_count,
        rejected=rejected,
        normalised_count=normalised_count,
    )


# --- our people ------------------------------------------------------------------------------


_OPENER: Callable[[list[str]], list[str]] | None = None  # what a forked opener process calls


def _open_in_child(tokens: list[str]) -> list[str]:
    return _OPENER(tokens)  # type: ignore[misc]


def ours_write(
    dest: Path,
    batches: Iterable[Sequence[tuple]],
    *,
    open_many: Callable[[list[str]], list[str]] | None,
    extra: Sequence[str] = (),
    workers: int = 0,
) -> int:
    """Our people as `dest` parquet (person_id, id, name, birth_date, county, category,
    category_since, *extra): each tuple is (person_id, id_sealed, name, birth_date, county,
    category, category_since, *extra); `open_many` opens the sealed ID numbers (None: they
    are plain already). `dest` holds plain ID numbers: keep it in the run's directory.

    Opening 2,000,000 sealed numbers is 2 µs of AES-GCM each, in Python, on one core: with
    `workers` > 0 that many forked processes open the batches while this one reads the next
    (threads would not help: the work holds the GIL between the calls into OpenSSL). Only
    the sealed tokens and the opened numbers cross the pipe; the key is inherited by fork.
    """
    global _OPENER
    import polars as pl

    schema = {
        "person_id": pl.Int64,
        "id": pl.String,
        "name": pl.String,
        "birth_date": pl.Date,
        "county": pl.String,
        "category": pl.String,
        "category_since": pl.Date,
        **{name: pl.String for name in extra},
    }
    width = len(schema)

    def frame(cols: list, ids: list[str]) -> pl.DataFrame:
        cols[1] = ids
        return pl.DataFrame(
            {name: list(values) for name, values in zip(schema, cols, strict=True)},
            schema=schema,
            strict=False,
        )

    def columns(batch: Sequence[tuple]) -> list:
        cols = list(zip(*batch, strict=True))
        if len(cols) != width:
            raise ValueError(f"ours_write expects {width} values a row, got {len(cols)}")
        cols[1] = [t or "" for t in cols[1]]
        return cols

    frames = []
    if workers > 0 and open_many is not None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _OPENER = open_many
        pending: list = []
        try:
            with ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork")
            ) as pool:
                for batch in batches:
                    if not batch:
                        continue
                    cols = columns(batch)
                    pending.append((cols, pool.submit(_open_in_child, cols[1])))
                    while len(pending) > 2 * workers:
                        cols, future = pending.pop(0)
                        frames.append(frame(cols, future.result()))
                for cols, future in pending:
                    frames.append(frame(cols, future.result()))
        finally:
            _OPENER = None
    else:
        for batch in batches:
            if batch:
                cols = columns(batch)
                frames.append(frame(cols, open_many(cols[1]) if open_many else cols[1]))
    table = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    table = table.with_columns(pl.col("id").str.to_uppercase())
    table.write_parquet(dest)
    return table.height


# --- comparing -------------------------------------------------------------------------------

_NAME_SQL = r"regexp_replace(replace(coalesce({}, ''), '.', '·'), '[\s\x00-\x1F\x7F]+', '', 'g')"


def compare(
    snapshot: Path,
    ours: Path,
    dest_dir: Path,
    *,
    kind: str,
    hashed: bool,
    exchange_key: bytes | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Match a loaded snapshot with our people; writes dest_dir/results.parquet."""
    started = time.perf_counter()
    spec = KINDS[kind]
    step = progress or (lambda done, total: None)
    if hashed and not exchange_key:
        raise ValueError("a keyed-hash comparison needs the exchange key")
    dest_dir.mkdir(parents=True, exist_ok=True)
    results = dest_dir / "results.parquet"
    scratch = Path(tempfile.mkdtemp(prefix=".compare-", dir=dest_dir))
    con = _connect(scratch)
    con.execute("SET preserve_insertion_order = false")  # until the results are put in order
    try:
        step(0, 6)
        ours_cols = {
            r[0]
            for r in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({_lit(str(ours))})"
            ).fetchall()
        }
        key = hmac_sql("id", exchange_key) if hashed else "id"
        con.execute(
            f"""CREATE TEMP TABLE o AS SELECT person_id, {key} AS k, id, name AS raw_name,
                {_NAME_SQL.format("name")} AS name, birth_date,
                * EXCLUDE (person_id, id, name, birth_date)
            FROM read_parquet({_lit(str(ours))})"""
        )
        # Names of ours outside ASCII and the common ideographs: normalised in Python.
        odd = con.execute(
            r"""SELECT person_id, raw_name FROM o
            WHERE NOT regexp_full_match(coalesce(raw_name, ''), '[\x00-\x7F\x{4E00}-\x{9FFF}]*')"""
        ).fetchall()
        if odd:
            con.execute("CREATE TEMP TABLE fixnames (person_id BIGINT, name VARCHAR)")
            con.executemany(
                "INSERT INTO fixnames VALUES (?, ?)", [(p, names.normalise(n)) for p, n in odd]
            )
            con.execute(
                "UPDATE o SET name = f.name FROM fixnames f WHERE o.person_id = f.person_id"
            )
        step(1, 6)
        tkey = "id_hash" if hashed else "id"
        theirs = f"(SELECT *, {tkey} AS k FROM read_parquet({_lit(str(snapshot))}))"
        fields = [f.name for f in spec.fields]
        their_fields = "".join(f", t.{f} AS their_{f}" for f in fields)
        diffs = [
            f"CASE WHEN t.{f} IS NOT NULL AND t.{f}::VARCHAR IS DISTINCT FROM o.{c}::VARCHAR "
            f"THEN '{f}' END"
            for f, c in spec.compared.items()
            if c in ours_cols
        ]
        differences = f"concat_ws(',', {', '.join(diffs)})" if diffs else "''"
        masked = (
            "NULL::VARCHAR" if hashed else "substr(t.id, 1, 6) || '********' || substr(t.id, 15, 4)"
        )
        # The snapshot is read three times: for the matches, for the near ID numbers (ours
        # left alone against theirs of the same name and birth date) and for theirs alone.
        con.execute(
            f"""CREATE TEMP TABLE matched AS
            SELECT CASE WHEN o.name <> t.name THEN 'near_name'
                        WHEN {differences} <> '' THEN 'different' ELSE 'consistent' END
                   AS outcome,
                o.person_id, t.row,
                CASE WHEN o.name <> t.name THEN '' ELSE {differences} END AS differences,
                t.name AS their_name, {masked} AS their_id_masked {their_fields}
            FROM {theirs} t JOIN o ON t.k = o.k"""
        )
        con.execute(
            """CREATE TEMP TABLE lone AS
            SELECT * FROM o ANTI JOIN matched m ON m.person_id = o.person_id"""
        )
        con.execute(
            f"""CREATE TEMP TABLE near AS
            SELECT 'near_id' AS outcome, o.person_id, t.row, '' AS differences,
                t.name AS their_name, {masked} AS their_id_masked {their_fields}
            FROM lone o JOIN {theirs} t ON o.name = t.name AND o.birth_date = t.birth_date
            WHERE hamming(substr(o.id, 1, 17), substr(t.id, 1, 17)) = 1
              AND t.row NOT IN (SELECT row FROM matched)"""
            if not hashed
            else """CREATE TEMP TABLE near AS SELECT * FROM matched WHERE false"""
        )
        step(2, 6)
        # A registry that lists only some people (the assisted households') says nothing
        # of ours it does not list unless we hold them as listed: an ordinary household's
        # member is not "only ours" in the assisted-household registry.
        listed = LISTED.get(kind)
        listed_only = (
            "WHERE o.category IN (" + ", ".join(_lit(v) for v in listed) + ")" if listed else ""
        )
        only_their_fields = "".join(f", NULL::{_type(f)} AS their_{f.name}" for f in spec.fields)
        con.execute(
            f"""CREATE TEMP TABLE ours_results AS
            SELECT * FROM matched
            UNION ALL
            SELECT * FROM near
            UNION ALL
            SELECT 'only_ours', o.person_id, NULL::BIGINT, '', NULL::VARCHAR, NULL::VARCHAR
                {only_their_fields}
            FROM lone o ANTI JOIN near n ON n.person_id = o.person_id
            {listed_only}"""
        )
        step(3, 6)
        con.execute(
            "CREATE TEMP TABLE matched_rows AS SELECT row FROM ours_results WHERE row IS NOT NULL"
        )
        con.execute("DROP TABLE o; DROP TABLE near; DROP TABLE lone; DROP TABLE matched")
        # The order: by outcome (only_theirs sorts last), person, row. The two parts are
        # sorted apart and appended in that order (the table keeps its insertion order, and
        # the file is written in it): one sort of all 10,000,000 rows would not fit in memory.
        con.execute("SET preserve_insertion_order = true")
        con.execute(
            """CREATE TEMP TABLE final AS SELECT * FROM ours_results
            ORDER BY outcome, person_id NULLS LAST, row NULLS LAST"""
        )
        con.execute("DROP TABLE ours_results")
        step(4, 6)
        con.execute(
            f"""INSERT INTO final
            SELECT 'only_theirs', NULL::BIGINT, t.row, '', t.name, {masked} {their_fields}
            FROM {theirs} t ANTI JOIN matched_rows m ON m.row = t.row ORDER BY t.row"""
        )
        step(5, 6)
        con.execute(f"COPY (SELECT * FROM final) TO {_lit(str(results))} (FORMAT parquet)")
        counts = dict.fromkeys(OUTCOMES, 0)
        for outcome, n in con.execute(
            f"SELECT outcome, count(*) FROM read_parquet({_lit(str(results))}) GROUP BY outcome"
        ).fetchall():
            counts[outcome] = n
        step(6, 6)
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return Comparison(counts=counts, results=results, seconds=time.perf_counter() - started)


def _type(f: Field) -> str:
    return {"date": "DATE", "int": "BIGINT"}.get(f.type, "VARCHAR")


def changes(previous: Path, current: Path, dest: Path) -> dict[str, int]:
    """What moved between two results files of one registry kind: per person (or, for a row
    of theirs alone, per masked ID and name), the outcome before and after ('' = absent)."""

    def keyed(path: Path) -> str:
        return f"""(SELECT coalesce('p' || person_id::VARCHAR,
                        't' || coalesce(their_id_masked, '') || '/' || coalesce(their_name, ''))
                        AS key,
                    min(person_id) AS person_id, min(row) AS row,
                    string_agg(DISTINCT outcome, '+' ORDER BY outcome) AS outcome
                FROM read_parquet({_lit(str(path))}) GROUP BY key)"""

    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(
            f"""CREATE TEMP TABLE moved AS
            SELECT coalesce(c.person_id, p.person_id) AS person_id, coalesce(c.row, p.row) AS row,
                   coalesce(p.outcome, '') AS before, coalesce(c.outcome, '') AS after
            FROM {keyed(previous)} p FULL OUTER JOIN {keyed(current)} c ON p.key = c.key
            WHERE p.outcome IS DISTINCT FROM c.outcome"""
        )
        con.execute(
            f"""COPY (SELECT * FROM moved ORDER BY person_id NULLS LAST, row NULLS LAST, before, after)
            TO {_lit(str(dest))} (FORMAT parquet)"""
        )
        return {
            f"{b}→{a}": n
            for b, a, n in con.execute(
                "SELECT before, after, count(*) FROM moved GROUP BY ALL ORDER BY ALL"
            ).fetchall()
        }
    finally:
        con.close()
