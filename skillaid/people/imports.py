"""Import of the county needs ledger (台账) from Excel or CSV.

Two passes over rows held once in memory. The first digests every row and looks
the digests up among the people: a row identical to the one an import last wrote
for someone, who has not changed since, is unchanged without further work. The
other rows are normalised and checked, and duplicates within the file are settled
(a later row can conflict with an earlier one, so nothing is written before the
whole file is seen). The second pass parses and writes the rows left to write, in
chunks, through the bulk path, matching people by the blind index of their ID
number."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from skillaid.accounts.keys import rotation_in_progress
from skillaid.accounts.models import (
    Action,
    AuditEntry,
    Channel,
    User,
    audit_bulk_insert,
    audit_value,
)
from skillaid.db import adapter, bulk_insert, reserve_ids, select_in, select_pairs_in
from skillaid.lib import idnumber
from skillaid.lib.chain import canonical_json
from skillaid.lib.names import initials, normalise
from skillaid.lib.sheets import (
    Limits,
    Rejection,
    Table,
    UnreadableFile,
    cell_text,
    column_letter,
    header_key,
    open_table,
    write_rejections,
)
from skillaid.regions.models import Level, Region, ResettlementSite

from . import fields
from .models import Category, Household, HouseholdStatus, Person, sealer

CHUNK = 5000
# Rows written per transaction: each commit writes out every index page the rows
# since the last one touched, and ID blind indexes land all over the index.
COMMIT_ROWS = 50_000
ANALYZE_AFTER = 10_000  # rows written by one import before PostgreSQL's statistics are refreshed
DIGEST_VERSION = 2  # part of every row digest: raise it when the meaning of a row changes
HEADER_SCAN_ROWS = 10
_ORDINARY = str(Category.ORDINARY)  # plain text for the bulk path, as fields.category gives

# Field -> accepted header spellings (compared after header_key folding).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "证件号码", "身份证"),
    "name": ("姓名", "劳动力姓名", "人员姓名"),
    "phone": ("联系电话", "手机号码", "手机号", "联系方式", "电话"),
    "category": ("家庭类别", "户类型", "人员类别", "户类别", "家庭类型"),
    "monitoring_kind": ("监测类型", "监测对象类别", "监测对象类型"),
    "wants_training": ("培训意愿", "是否有培训意愿", "有无培训意愿"),
    "training_occupations": ("意向工种", "培训意愿工种", "意向培训工种", "培训工种"),
    "wants_school": ("就读技工院校意愿", "技工院校就读意愿", "就读意愿"),
    "wants_job": ("就业意愿", "是否有就业意愿"),
    "household_number": ("户编号", "家庭编号", "户码", "户号"),
    "head_number": ("户主身份证号", "户主身份证号码"),
    "relation": ("与户主关系",),
    "ethnicity": ("民族",),
    "education": ("文化程度", "学历"),
    "county": ("所属县", "县", "县区", "所属县区", "县市区"),
    "township": ("乡镇", "所在乡镇", "乡镇街道"),
    "village": ("村", "行政村", "所在村", "村社区"),
    "resettlement_site": ("安置区", "安置点", "易地扶贫搬迁安置区"),
    "surveyed_on": ("调查日期", "摸底日期", "登记日期"),
}
LABELS = {
    "id_number": "身份证号",
    "name": "姓名",
    "phone": "联系电话",
    "category": "家庭类别",
    "monitoring_kind": "监测类型",
    "wants_training": "培训意愿",
    "training_occupations": "意向工种",
    "wants_school": "就读技工院校意愿",
    "wants_job": "就业意愿",
    "household_number": "户编号",
    "head_number": "户主身份证号",
    "relation": "与户主关系",
    "ethnicity": "民族",
    "education": "文化程度",
    "county": "所属县",
    "township": "乡镇",
    "village": "村",
    "resettlement_site": "安置区",
    "surveyed_on": "调查日期",
}
_ALIASES = {header_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}

# Person columns an import may set; compared with the stored value to decide "unchanged".
PERSON_FIELDS = (
    "name",
    "ethnicity",
    "phone",
    "education",
    "county_id",
    "township",
    "village",
    "resettlement_site_id",
    "household_id",
    "relation",
    "wants_training",
    "training_occupations",
    "wants_school",
    "wants_job",
    "surveyed_on",
)
TEXT_FIELDS = ("ethnicity", "education", "township", "village", "relation", "training_occupations")


@dataclass(slots=True)
class Record:
    row: int
    number: str
    name: str
    county: str
    values: dict[str, object]
    key: str = ""  # blind index of the ID number
    digest: str = ""  # of the source row; empty when the row drew a warning
    category: tuple[str, str] | None = None
    household_key: str | None = None
    cells: list[object] = field(default_factory=list)  # for the report if the row is refused


@dataclass
class _Plan:
    """What the first pass decided: the rows to write and the rows refused as conflicting."""

    # row -> (county, digest of the row or "" when it drew a warning, blind index, name)
    rows: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)
    conflicts: dict[int, str] = field(default_factory=dict)  # row -> reason


@dataclass(slots=True)
class Notice:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
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

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "warnings": len(self.warnings),
            "duplicates": self.duplicates,
        }

    def write_report(self, path: Path) -> None:
        """The rejected rows with their original cells, row numbers and reasons; warnings on a second sheet."""
        write_rejections(path, self.headers, self.rejected, self.warnings)


ProgressFn = Callable[[int, int], None]


class LedgerImport:
    """Reads, checks and commits one ledger file for one actor."""

    def __init__(
        self,
        *,
        actor: User | None,
        county: Region | None = None,
        dry_run: bool = False,
        progress: ProgressFn | None = None,
        today: dt.date | None = None,
        channel: str = Channel.IMPORT,
    ) -> None:
        self.actor = actor
        self.county = county
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.today = today or timezone.localdate()
        self.channel = str(channel)  # plain text, as the bulk path binds it
        self.scope = actor.region_prefix if actor else ""
        if county is not None and not county.code.startswith(self.scope):
            raise PermissionError(f"{county.name}不在您的管辖范围内")
        self._provinces = set(
            Region.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)
        )
        self._provinces = {c[:2] for c in self._provinces}
        self._counties = dict(
            Region.objects.filter(level=Level.COUNTY).values_list("code", "is_current")
        )
        self._sites = dict(ResettlementSite.objects.values_list("name", "id"))
        self._county_names: dict[str, list[str]] | None = None
        self._county_of_cell = _memo(self._county_cell)
        self._category = _memo(fields.category)
        self._kind = _memo(fields.monitoring_kind)
        self._text = _memo(fields.text)
        self._initials: dict[str, str] = {}  # names repeat down a county's ledger

    # ----- reading -----

    def run(
        self, path: Path, *, name: str | None = None, limits: Limits | None = None
    ) -> ImportResult:
        """Read the file, check every row, and write what may be written.

        The sheet is held once in memory and walked twice. The first walk sets
        aside the unchanged rows, checks what can refuse the others (ID number,
        name, county) and finds duplicates, which needs the whole file; the second
        parses the other fields and writes in chunks, so no more than one chunk of
        parsed rows is held at a time.
        """
        if rotation_in_progress():
            # Matching rows to people by blind index needs one key: wait for the rotation.
            raise PermissionError(
                "正在轮换身份证号密钥，轮换完成前不能导入台账；"
                "请待 skillaid rotate-id-key 运行完毕后再导入"
            )
        name = name or path.name
        table = open_table(path, name=name, limits=limits)
        result = ImportResult(filename=name, dry_run=self.dry_run)
        self._find_headers(table, result)
        total = max(table.total - result.header_row, 0)
        with _rare_cycle_collection():
            plan, result.unchanged = self._first_pass(table, result, total)
            if self.dry_run:
                with transaction.atomic():
                    self._second_pass(table, result, plan, total)
                    transaction.set_rollback(True)
            else:
                self._second_pass(table, result, plan, total)
                self._refresh_statistics(result)
        result.rejected.sort(key=lambda r: r.row)
        result.warnings.sort(key=lambda n: n.row)
        self.progress(total, total)
        return result

    def _refresh_statistics(self, result: ImportResult) -> None:
        """After a large import, let PostgreSQL's planner see the new rows at once.

        Its statistics otherwise wait for autovacuum; meanwhile look-ups by digest or
        blind index on a table that was small can be planned as full scans.
        """
        if connection.vendor != "postgresql" or result.created + result.updated < ANALYZE_AFTER:
            return
        tables = (Person, Household, HouseholdStatus, AuditEntry)
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {names}")

    def _find_headers(self, table: Table, result: ImportResult) -> None:
        seen_headers: list[list[str]] = []
        for row_no, cells in enumerate(table.rows(), start=1):
            keys = [header_key(c) for c in cells]
            found = {_ALIASES[k]: i for i, k in enumerate(keys) if k in _ALIASES}
            if "id_number" in found and "name" in found:
                self._columns = found
                result.headers = [cell_text(c) for c in cells]
                result.header_row = row_no
                self._parsers = [
                    (column, found[column], parse)
                    for column, parse in self._field_parsers()
                    if column in found
                ]
                return
            if any(keys):
                seen_headers.append([str(c) for c in cells if c not in (None, "")])
            if row_no >= HEADER_SCAN_ROWS:
                break
        seen = "；".join("、".join(h) for h in seen_headers[:3]) or "（文件是空的）"
        raise UnreadableFile(
            f"找不到“身份证号”和“姓名”列（身份证号列可叫：身份证号、身份证号码、公民身份号码、证件号码）。"
            f"文件前几行的表头是：{seen}"
        )

    def _field_parsers(self) -> list[tuple[str, Callable[[object], object]]]:
        def short_text(value: object) -> str | None:
            return fields.text(value)[:64] or None

        return [
            ("phone", fields.phone),
            *((f, _memo(short_text)) for f in TEXT_FIELDS if f != "training_occupations"),
            ("training_occupations", _memo(lambda v: fields.text(v)[:255] or None)),
            ("wants_training", _memo(fields.yes_no)),
            ("wants_school", _memo(fields.yes_no)),
            ("wants_job", _memo(fields.yes_no)),
            ("surveyed_on", _memo(lambda v: fields.date(v, today=self.today))),
        ]

    def _data_rows(self, table: Table) -> Iterator[tuple[int, list[object]]]:
        """(row number in the file, cells) of each non-blank row below the headers."""
        rows = table.rows()
        for _ in range(self._header_row):
            next(rows, None)
        for row_no, cells in enumerate(rows, start=self._header_row + 1):
            for c in cells:
                if c is not None and c != "":
                    yield row_no, cells
                    break

    def _first_pass(self, table: Table, result: ImportResult, total: int) -> tuple[_Plan, int]:
        """Check every row and settle the duplicates within the file.

        A row identical to the one this import wrote last time for the same person
        (same digest, stored on the person) is unchanged without further checks;
        the others have their ID number, name and county checked.
        """
        self._header_row = result.header_row
        plan = _Plan()
        # blind index -> the row of its first occurrence, a list of rows once repeated
        occurrences: dict[str, int | list[int]] = {}
        # rows found unchanged by their digest: row -> (name cell, digest)
        unchanged: dict[int, tuple[object, str]] = {}
        warned: set[int] = set()  # rows whose digest is not kept: they drew a warning
        id_col = self._col("id_number")
        seed = repr(
            (DIGEST_VERSION, sorted(self._columns.items()), self.county.code if self.county else "")
        ).encode()
        self._hasher = hashlib.blake2b(seed, digest_size=8)
        box = sealer()
        name_at = self._columns["name"]
        buffer: list[tuple[int, list[object], str]] = []

        def settle() -> None:
            stored = self._stored_digests([digest for _, _, digest in buffer])
            for row_no, cells, digest in buffer:
                key = stored.get(digest)
                if key is not None:
                    # The cell as read; folded only if the ID number repeats.
                    unchanged[row_no] = (cells[name_at] if name_at < len(cells) else "", digest)
                else:
                    warnings = len(result.warnings)
                    accepted = self._check_row(row_no, cells, result, id_col)
                    if accepted is None:
                        continue
                    number, name, county = accepted
                    key = box.index(number)
                    plan.rows[row_no] = (county, digest, key, name)
                    if len(result.warnings) != warnings:
                        warned.add(row_no)
                seen = occurrences.get(key)
                if seen is None:
                    occurrences[key] = row_no
                elif isinstance(seen, list):
                    seen.append(row_no)
                else:
                    occurrences[key] = [seen, row_no]
            buffer.clear()

        for row_no, cells in self._data_rows(table):
            result.rows += 1
            buffer.append((row_no, cells, self._digest(cells)))
            if len(buffer) == CHUNK:
                settle()
                self.progress(result.rows // 2, total)
        settle()

        def name_and_digest(row_no: int) -> tuple[str, str]:
            if row_no in plan.rows:
                return plan.rows[row_no][3], plan.rows[row_no][1]
            cell, digest = unchanged[row_no]
            return _name(cell), digest

        for rows in occurrences.values():
            if not isinstance(rows, list):
                continue
            group = [(row_no, *name_and_digest(row_no)) for row_no in rows]
            if len({name for _, name, _ in group}) > 1:
                for row_no, _, _ in group:
                    others = "、".join(f"第{o[0]}行（{o[1]}）" for o in group if o[0] != row_no)
                    plan.conflicts[row_no] = f"同一身份证号在文件中出现多次且姓名不同：{others}"
                    plan.rows.pop(row_no, None)
                    unchanged.pop(row_no, None)
                continue
            # The same person more than once: the last row counts.
            last_row, _, last_digest = group[-1]
            for row_no, _, digest in group[:-1]:
                plan.rows.pop(row_no, None)
                unchanged.pop(row_no, None)
                result.duplicates += 1
                if digest != last_digest:
                    result.warnings.append(
                        Notice(
                            row_no,
                            id_col,
                            f"与第{last_row}行身份证号相同、内容不同，以第{last_row}行为准",
                        )
                    )
        for row_no in warned:
            if row_no in plan.rows:
                county, _, key, name = plan.rows[row_no]
                plan.rows[row_no] = (county, "", key, name)
        return plan, len(unchanged)

    def _stored_digests(self, digests: list[str]) -> dict[str, str]:
        """Digest -> blind index of the people in scope whose last imported row had that digest."""
        table = connection.ops.quote_name(Person._meta.db_table)
        sql = (
            f"SELECT import_digest, id_index, county_id FROM {table} "
            "WHERE NOT (import_digest = '') AND import_digest IN ({})"  # the partial index's own words
        )
        return {
            digest: key
            for digest, key, county in select_in(sql, [], digests)
            if county.startswith(self.scope)
        }

    def _digest(self, cells: list[object]) -> str:
        """Stable digest of a source row read with this import's columns and county."""
        h = self._hasher.copy()
        try:
            # A row of text cells (CSV, most workbooks); a unit separator cannot be typed.
            h.update(("\x1f" + "\x1f".join(cells)).encode())  # type: ignore[arg-type]
        except TypeError:  # numbers or dates among the cells; repr never starts with \x1f
            h.update(repr(cells).encode())
        return h.hexdigest()

    # ----- writing -----

    def _second_pass(self, table: Table, result: ImportResult, plan: _Plan, total: int) -> None:
        if not plan.rows and not plan.conflicts:
            return
        pending: list[tuple[int, list[object], tuple[str, str, str, str]]] = []
        done = committed = 0
        with ExitStack() as open_transaction:
            open_transaction.enter_context(transaction.atomic())
            for row_no, cells in self._data_rows(table):
                if row_no in plan.conflicts:
                    reason = plan.conflicts[row_no]
                    self._reject(result, row_no, self._col("id_number"), reason, cells)
                    continue
                accepted = plan.rows.get(row_no)
                if accepted is None:
                    continue
                pending.append((row_no, cells, accepted))
                if len(pending) == CHUNK:
                    self._write(pending, result)
                    done += len(pending)
                    pending = []
                    if done - committed >= COMMIT_ROWS:
                        open_transaction.close()
                        open_transaction.enter_context(transaction.atomic())
                        committed = done
                    self.progress(
                        total // 2 + done * (total - total // 2) // max(len(plan.rows), 1), total
                    )
            if pending:
                self._write(pending, result)

    def _write(
        self,
        pending: list[tuple[int, list[object], tuple[str, str, str, str]]],
        result: ImportResult,
    ) -> None:
        records = [
            self._record(row_no, cells, accepted, result) for row_no, cells, accepted in pending
        ]
        self._commit_chunk(records, result)

    def _cell(self, cells: list[object], name: str) -> object:
        i = self._columns.get(name)
        if i is None or i >= len(cells):
            return None
        return cells[i]

    def _reject(
        self, result: ImportResult, row: int, column: str, reason: str, cells: list[object]
    ) -> None:
        result.rejected.append(Rejection(row, column, reason, list(cells)))

    def _col(self, name: str) -> str:
        i = self._columns.get(name)
        letter = f"{column_letter(i)}列" if i is not None else ""
        return f"{letter}“{LABELS[name]}”"

    def _check_row(
        self, row_no: int, cells: list[object], result: ImportResult, id_col: str
    ) -> tuple[str, str, str] | None:
        """What can refuse a row: its ID number, name and county. Returns them when accepted."""
        checked = idnumber.check(
            self._cell(cells, "id_number"),
            provinces=self._provinces,
            county_known=self._county_is_current,
            today=self.today,
        )
        if not checked.ok:
            self._reject(result, row_no, id_col, checked.error or "", cells)
            return None
        number = checked.number or ""
        name = _name(self._cell(cells, "name"))
        if not name:
            self._reject(result, row_no, self._col("name"), "姓名为空", cells)
            return None
        if len(name) > 64:
            self._reject(result, row_no, self._col("name"), "姓名超过64个字", cells)
            return None
        county, why = self._county_for(number, cells)
        if county is None:
            column = self._col("county") if "county" in self._columns else "所属县"
            self._reject(result, row_no, column, why, cells)
            return None
        for note in checked.notes:
            result.warnings.append(Notice(row_no, id_col, f"{note}（已自动更正）"))
        for warning in checked.warnings:
            result.warnings.append(Notice(row_no, id_col, warning))
        return number, name, sys.intern(county)  # one string per county, not per row

    def _county_is_current(self, code: str) -> bool:
        return self._counties.get(code, False)

    def _record(
        self,
        row_no: int,
        cells: list[object],
        accepted: tuple[str, str, str, str],
        result: ImportResult,
    ) -> Record:
        county, digest, key, name = accepted
        # The first pass checked the number; only its safe repairs are done again.
        number = idnumber.normalise(idnumber.raw_to_text(self._cell(cells, "id_number"))[0])[0]
        record = Record(
            row=row_no,
            number=number,
            name=name,
            county=county,
            values={"name": name, "county_id": county},
            key=key,
            digest=digest,
            cells=cells,
        )
        warned = len(result.warnings)
        self._optional(record, cells, result)
        if len(result.warnings) != warned:
            record.digest = ""
        return record

    def _optional(self, record: Record, cells: list[object], result: ImportResult) -> None:
        """A bad optional field is left out with a warning; the row is kept."""
        width = len(cells)
        for column, i, parse in self._parsers:
            try:
                value = parse(cells[i] if i < width else None)
            except fields.FieldError as exc:
                result.warnings.append(
                    Notice(record.row, self._col(column), f"{exc}，该项未导入，其他信息已导入")
                )
                continue
            if value is not None:
                record.values[column] = value
        if "category" in self._columns:
            try:
                record.category = self._category(self._cell(cells, "category"))
            except fields.FieldError as exc:
                result.warnings.append(
                    Notice(record.row, self._col("category"), f"{exc}，该项未导入")
                )
        if record.category and "monitoring_kind" in self._columns:
            try:
                kind = self._kind(self._cell(cells, "monitoring_kind"))
            except fields.FieldError as exc:
                result.warnings.append(
                    Notice(record.row, self._col("monitoring_kind"), f"{exc}，该项未导入")
                )
                kind = None
            if kind and record.category[0] == Category.MONITORED:
                record.category = (record.category[0], kind)
        site = self._text(self._cell(cells, "resettlement_site"))
        if site:
            if site in self._sites:
                record.values["resettlement_site_id"] = self._sites[site]
            else:
                result.warnings.append(
                    Notice(
                        record.row,
                        self._col("resettlement_site"),
                        f"安置区“{site}”不在安置区名录中，该项未导入",
                    )
                )
        household = fields.text(self._cell(cells, "household_number"))
        if household:
            record.household_key = household[:64]
        else:
            head = idnumber.check(self._cell(cells, "head_number"), provinces=self._provinces)
            if head.ok:
                record.household_key = (
                    "户主"
                    + idnumber.mask(head.number or "")
                    + "-"
                    + sealer().index(head.number or "")[:8]
                )
            elif "head_number" in self._columns and self._cell(cells, "head_number") not in (
                None,
                "",
            ):
                result.warnings.append(
                    Notice(
                        record.row,
                        self._col("head_number"),
                        f"户主身份证号有误：{head.error}，未据此归户",
                    )
                )

    def _county_for(self, number: str, cells: list[object]) -> tuple[str | None, str]:
        if self.county is not None:
            return self.county.code, ""
        if "county" in self._columns:
            return self._county_of_cell(self._cell(cells, "county"))
        code = number[:6]
        if not self._counties.get(code):
            return (
                None,
                "无法确定所属县：身份证号前6位不是现行县级区划，请在导入时指定县（--county）或在表中加“所属县”列",
            )
        if not code.startswith(self.scope):
            return None, f"所属县 {code} 不在您的管辖范围内"
        return code, ""

    def _county_cell(self, cell: object) -> tuple[str | None, str]:
        raw = fields.text(cell).replace(" ", "")
        code = self._county_code(raw)
        if code is None:
            return None, f"所属县“{raw}”无法识别" if raw else "所属县为空"
        if not code.startswith(self.scope):
            return None, f"所属县 {code} 不在您的管辖范围内"
        return code, ""

    def _county_code(self, raw: str) -> str | None:
        if raw.isdigit() and len(raw) == 6:
            return raw if raw in self._counties else None
        if self._county_names is None:
            names: dict[str, list[str]] = defaultdict(list)
            for code, name in (
                Region.objects.current().filter(level=Level.COUNTY).values_list("code", "name")
            ):
                names[name].append(code)
            self._county_names = names
        codes = [c for c in self._county_names.get(raw, []) if c.startswith(self.scope)]
        return codes[0] if len(codes) == 1 else None

    def _commit_chunk(self, records: list[Record], result: ImportResult) -> None:
        """Write one chunk of parsed rows."""
        box = sealer()
        self._adapt = adapter()
        # The audit chain hashes the time itself, the bulk path takes it adapted.
        self._now = timezone.now()
        now = self._adapt(self._now)
        actor_id = self.actor.pk if self.actor else None
        index = {r.key: r for r in records}
        existing = self._existing(list(index))
        # Someone registered in a county outside the actor's scope is not touched.
        for key, row in list(existing.items()):
            if not row["county_id"].startswith(self.scope):
                r = index.pop(key)
                existing.pop(key)
                result.rejected.append(
                    Rejection(
                        r.row,
                        self._col("id_number"),
                        "该身份证号已由其他县登记，不在您的管辖范围内，请联系上级部门核对",
                        r.cells,
                    )
                )
        households, household_changed = self._households(index, existing, result, now)
        audit_rows: list[list[object]] = []
        new: list[tuple[str, Record, dict]] = []
        updates: dict[tuple[str, ...], list[list[object]]] = defaultdict(list)
        digests: list[list[object]] = []  # [digest, id] for people whose values already match
        for key, r in index.items():
            values = dict(r.values)
            household_id = households.get((r.county, r.household_key)) if r.household_key else None
            if household_id is None and key not in existing:
                household_id = households.get((r.county, _own_key(key)))
            if household_id is not None:
                values["household_id"] = household_id
            old = existing.get(key)
            if old is None:
                new.append((key, r, values))
                continue
            changed = {f: v for f, v in values.items() if old[f] != v}
            if not changed:
                if key in household_changed:
                    result.updated += 1
                else:
                    result.unchanged += 1
                if old["import_digest"] != r.digest:
                    digests.append([r.digest, old["id"]])
                continue
            result.updated += 1
            if any(
                f in changed
                for f in (
                    "wants_training",
                    "training_occupations",
                    "wants_school",
                    "wants_job",
                    "surveyed_on",
                )
            ):
                changed["surveyed_by_id"] = actor_id
            changed["updated_at"] = now
            cols = tuple(sorted(changed))
            changed["import_digest"] = r.digest
            cols = (*cols, "import_digest")
            updates[cols].append([changed[c] for c in cols] + [old["id"]])
            diff = {
                f: [audit_value(old.get(f)), audit_value(v)]
                for f, v in changed.items()
                if f not in ("updated_at", "surveyed_by_id", "import_digest")
            }
            audit_rows.append(
                self._audit_row(
                    now, Action.UPDATE, "people.person", old["id"], old["id"], diff, result
                )
            )
        if new:
            ids = reserve_ids(Person._meta.db_table, len(new))
            sealed = box.seal_many([r.number for _, r, _ in new])
            bulk_insert(
                Person._meta.db_table,
                PERSON_INSERT_COLUMNS,
                [
                    self._new_person_row(pk, r, key, values, seal, now, actor_id)
                    for pk, seal, (key, r, values) in zip(ids, sealed, new, strict=True)
                ],
            )
            result.created += len(new)
            # A creation is logged with its source row; the values are the person's own
            # until a later change, which is logged field by field.
            name = result.filename[:150]
            head = self._audit_head(now, Action.CREATE, "people.person")
            audit_rows.extend(
                [*head, str(pk), pk, "{}", f"{name} 第{r.row}行"]
                for pk, (_, r, _) in zip(ids, new, strict=True)
            )
        table = connection.ops.quote_name(Person._meta.db_table)
        with connection.cursor() as cursor:
            for cols, rows in updates.items():
                sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in cols)
                cursor.executemany(
                    f"UPDATE {table} SET {sets} WHERE id = %s",
                    [[self._adapt(v) for v in row] for row in rows],
                )
            if digests:
                cursor.executemany(f"UPDATE {table} SET import_digest = %s WHERE id = %s", digests)
        audit_bulk_insert(audit_rows, at=self._now)

    def _existing(self, keys: list[str]) -> dict[str, dict]:
        """The stored people among `keys` (blind-index values), with the fields an import sets."""
        table = connection.ops.quote_name(Person._meta.db_table)
        names = ("id", "id_index", "import_digest", *PERSON_FIELDS)
        columns = ", ".join(connection.ops.quote_name(c) for c in names)
        sql = f"SELECT {columns} FROM {table} WHERE id_index IN ({{}})"
        existing = {}
        for values in select_in(sql, [], keys):
            row = dict(zip(names, values, strict=True))
            for flag in ("wants_training", "wants_school", "wants_job"):
                row[flag] = bool(row[flag])
            if isinstance(row["surveyed_on"], str):  # SQLite keeps dates as text
                row["surveyed_on"] = dt.date.fromisoformat(row["surveyed_on"])
            existing[row["id_index"]] = row
        return existing

    def _households(self, index, existing, result, now):  # noqa: ANN001, ANN202
        """Find or create every household the chunk names and apply category changes.

        Returns the household id for each (county, number) and the index keys of
        people whose household category changed.
        """
        # (county, household number) -> the index key and record that name it.
        wanted: dict[tuple[str, str], tuple[str, Record]] = {}
        by_id: dict[int, tuple[str, Record]] = {}
        for key, r in index.items():
            if r.household_key:
                wanted[(r.county, r.household_key)] = (key, r)
            elif key in existing and existing[key]["household_id"] is not None:
                if r.category:
                    by_id[existing[key]["household_id"]] = (key, r)
            else:
                wanted[(r.county, _own_key(key))] = (key, r)
        found: dict[tuple[str, str], dict] = {}
        columns = ("id", "county_id", "number", "category", "monitoring_kind")
        table = connection.ops.quote_name(Household._meta.db_table)
        select = f"SELECT {', '.join(columns)} FROM {table} WHERE "
        for values in select_pairs_in(
            columns, Household._meta.db_table, "county_id", "number", list(wanted)
        ):
            row = dict(zip(columns, values, strict=True))
            found[(row["county_id"], row["number"])] = row
        for values in select_in(select + "id IN ({})", [], list(by_id)):
            row = dict(zip(columns, values, strict=True))
            found[(row["county_id"], row["number"])] = row
            wanted[(row["county_id"], row["number"])] = by_id[row["id"]]
        missing = [hk for hk in wanted if hk not in found]
        changes: list[tuple[dict, str, Record]] = []
        for hk, (key, r) in wanted.items():
            if hk in found and r.category:
                if (found[hk]["category"], found[hk]["monitoring_kind"]) != r.category:
                    changes.append((found[hk], key, r))
        status_rows, audit_rows = self._change_categories(changes, existing, result, now)
        new = []
        for pk, hk in zip(
            reserve_ids(Household._meta.db_table, len(missing)), missing, strict=True
        ):
            r = wanted[hk][1]
            category, kind = r.category or (_ORDINARY, "")
            since = self._adapt(r.values.get("surveyed_on") or self.today)
            new.append([pk, hk[0], hk[1], category, kind, since, now])
            found[hk] = {"id": pk}
            # The first status of each new household repeats its category and date.
            status_rows.append([pk, category, kind, since, None, "导入新增"])
        bulk_insert(
            Household._meta.db_table,
            (
                "id",
                "county_id",
                "number",
                "category",
                "monitoring_kind",
                "category_since",
                "created_at",
            ),
            new,
        )
        bulk_insert(
            HouseholdStatus._meta.db_table,
            ("household_id", "category", "monitoring_kind", "start", "end", "note"),
            status_rows,
        )
        audit_bulk_insert(audit_rows, at=self._now)
        return {hk: row["id"] for hk, row in found.items()}, {key for _, key, _ in changes}

    def _change_categories(self, changes, existing, result, now):  # noqa: ANN001, ANN202
        """Close each household's open status and open the new one; returns rows to insert."""
        open_starts = dict(
            HouseholdStatus.objects.filter(
                household_id__in=[row["id"] for row, _, _ in changes], end__isnull=True
            ).values_list("household_id", "start")
        )
        status_rows: list[list[object]] = []
        audit_rows: list[list[object]] = []
        closes: list[list[object]] = []
        households: list[list[object]] = []
        for row, key, r in changes:
            category, kind = r.category
            start = r.values.get("surveyed_on") or self.today
            # A change cannot predate the status it ends: history is never rewritten.
            current_start = open_starts.get(row["id"])
            if current_start and start < current_start:
                start = current_start
            households.append([category, kind, self._adapt(start), row["id"]])
            closes.append([self._adapt(start), row["id"]])
            status_rows.append([row["id"], category, kind, self._adapt(start), None, "导入更新"])
            diff = {
                "category": [row["category"], category],
                "monitoring_kind": [row["monitoring_kind"], kind],
            }
            person = existing.get(key)
            audit_rows.append(
                self._audit_row(
                    now,
                    Action.UPDATE,
                    "people.household",
                    row["id"],
                    person["id"] if person else None,
                    diff,
                    result,
                )
            )
        if changes:
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {quote(Household._meta.db_table)} SET category = %s, "
                    "monitoring_kind = %s, category_since = %s WHERE id = %s",
                    households,
                )
                cursor.executemany(
                    f"UPDATE {quote(HouseholdStatus._meta.db_table)} SET {quote('end')} = %s "
                    f"WHERE household_id = %s AND {quote('end')} IS NULL",
                    closes,
                )
                # Members' rows written before no longer describe them; the chunk's own
                # rows get their digests back when the chunk is written.
                cursor.executemany(
                    f"UPDATE {quote(Person._meta.db_table)} SET import_digest = '' "
                    "WHERE household_id = %s",
                    [[row["id"]] for row, _, _ in changes],
                )
        return status_rows, audit_rows

    def _audit_row(
        self, now, action, object_type, object_id, person_id, changes, result, note=None
    ) -> list[object]:  # noqa: ANN001
        """One row of the audit log's CHAINED_FIELDS, written through the chained bulk path."""
        return [
            *self._audit_head(now, action, object_type),
            str(object_id),
            person_id,
            canonical_json(changes) if changes else "{}",
            note if note is not None else result.filename[:200],
        ]

    def _audit_head(self, now: object, action: str, object_type: str) -> list[object]:
        """The CHAINED_FIELDS up to object_type: the same for every entry of one kind in a chunk."""
        return [
            now,
            self.actor.pk if self.actor else None,
            self.actor.display_name if self.actor else "命令行导入",
            self.channel,
            str(action),
            object_type,
        ]

    def _new_person_row(
        self, pk: int, r: Record, key: str, values: dict, sealed: str, now, actor_id
    ) -> list[object]:
        v = values
        return [
            pk,
            r.name,
            self._initials.get(r.name) or self._initials.setdefault(r.name, initials(r.name)),
            sealed,
            key,
            idnumber.mask(r.number),
            idnumber.sex(r.number),
            self._adapt(idnumber.birth_date(r.number)),
            v.get("ethnicity", ""),
            v.get("phone", ""),
            v.get("education", ""),
            r.county,
            v.get("township", ""),
            v.get("village", ""),
            v.get("resettlement_site_id"),
            v.get("household_id"),
            v.get("relation", ""),
            bool(v.get("wants_training", False)),
            v.get("training_occupations", ""),
            bool(v.get("wants_school", False)),
            bool(v.get("wants_job", False)),
            self._adapt(v.get("surveyed_on")),
            actor_id,
            now,
            now,
            r.digest,
        ]


PERSON_INSERT_COLUMNS = (
    "id",
    "name",
    "name_initials",
    "id_sealed",
    "id_index",
    "id_masked",
    "sex",
    "birth_date",
    "ethnicity",
    "phone",
    "education",
    "county_id",
    "township",
    "village",
    "resettlement_site_id",
    "household_id",
    "relation",
    "wants_training",
    "training_occupations",
    "wants_school",
    "wants_job",
    "surveyed_on",
    "surveyed_by_id",
    "created_at",
    "updated_at",
    "import_digest",
)


@contextmanager
def _rare_cycle_collection() -> Iterator[None]:
    """Collect reference cycles rarely while an import runs.

    The collector's full passes walk every live container, and an import holds
    hundreds of thousands (the rows of the sheet) until it ends: at the default
    thresholds those passes cost about 2 s of a 200,000-row import. Young objects
    are still collected, only less often.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _memo(parse: Callable[[object], object], limit: int = 4096) -> Callable[[object], object]:
    """`parse` remembering its answers (and refusals) for the first `limit` distinct cells.

    Ledger columns repeat a few values down 100,000 rows (民族, 文化程度, 是/否, dates).
    """
    cache: dict[object, object] = {}

    def cached(raw: object) -> object:
        try:
            answer = cache[raw]
        except KeyError:
            try:
                answer = parse(raw)
            except fields.FieldError as exc:
                answer = exc
            if len(cache) < limit:
                cache[raw] = answer
        if isinstance(answer, fields.FieldError):
            raise fields.FieldError(str(answer))
        return answer

    return cached


def _name(value: object) -> str:
    return normalise(value)


def _own_key(index_key: str) -> str:
    """The household number given to someone listed without one: their own household."""
    return "自动-" + index_key[:12]
