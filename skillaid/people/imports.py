"""Import of the county needs ledger (台账) from Excel or CSV, on the import framework.

The framework reads the file, finds the header and keeps the record; this importer
checks whole columns at once. The sheet is walked once into a polars frame of the
declared columns (ledger_frame.py); ID numbers (normalisation, characters, province,
birth date, check character), names, counties, duplicates within the file and the
optional fields are checked a column at a time, and only a refused or repaired row is
looked at alone, to word its message. A row identical to the one an import last wrote
for someone who has not changed since is unchanged without further work. The rest is
written in chunks through the bulk path (ledger_writes.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.imports.framework import Importer
from skillaid.accounts.keys import rotation_in_progress
from skillaid.accounts.models import Channel, User
from skillaid.db import select_in
from skillaid.lib import idnumber
from skillaid.lib.columns import Column, Columns, FieldError, Header, person_label
from skillaid.lib.idcolumn import check_ids, sexes
from skillaid.lib.names import normalise_column
from skillaid.lib.sheets import ImportResult, Table
from skillaid.regions.models import Level, Region, ResettlementSite

from . import fields
from .ledger_frame import KEY_BYTES, Kept, LedgerFrame, parse_column, read_frame, refused_rows
from .ledger_writes import LedgerWriter, Record, refresh_statistics
from .models import Category, Person, sealer

CHUNK = 5000
# Rows written per transaction: each commit writes out every index page the rows
# since the last one touched, and ID blind indexes land all over the index.
COMMIT_ROWS = 50_000
DIGEST_VERSION = 3  # part of every row digest: raise it when the meaning of a row changes

COLUMNS = Columns(
    (
        Column(
            "id_number",
            "身份证号",
            ("身份证号码", "公民身份号码", "公民身份证号码", "证件号码", "身份证"),
            required=True,
        ),
        Column("name", "姓名", ("劳动力姓名", "人员姓名"), required=True),
        Column("phone", "联系电话", ("手机号码", "手机号", "联系方式", "电话")),
        Column("category", "家庭类别", ("户类型", "人员类别", "户类别", "家庭类型")),
        Column("monitoring_kind", "监测类型", ("监测对象类别", "监测对象类型")),
        Column("wants_training", "培训意愿", ("是否有培训意愿", "有无培训意愿")),
        Column("training_occupations", "意向工种", ("培训意愿工种", "意向培训工种", "培训工种")),
        Column("wants_school", "就读技工院校意愿", ("技工院校就读意愿", "就读意愿")),
        Column("wants_job", "就业意愿", ("是否有就业意愿",)),
        Column("household_number", "户编号", ("家庭编号", "户码", "户号")),
        Column("head_number", "户主身份证号", ("户主身份证号码",)),
        Column("relation", "与户主关系"),
        Column("sex", "性别"),
        Column("ethnicity", "民族"),
        Column("education", "文化程度", ("学历",)),
        Column("county", "所属县", ("县", "县区", "所属县区", "县市区")),
        Column("township", "乡镇", ("所在乡镇", "乡镇街道")),
        Column("village", "村", ("行政村", "所在村", "村社区")),
        Column("resettlement_site", "安置区", ("安置点", "易地扶贫搬迁安置区")),
        Column("surveyed_on", "调查日期", ("摸底日期", "登记日期")),
    ),
    anchors=("id_number", "name"),
)
SHORT_TEXT = ("ethnicity", "education", "township", "village", "relation")
FLAGS = ("wants_training", "wants_school", "wants_job")


class LedgerImport(Importer):
    """Reads, checks and commits one ledger file for one actor."""

    kind = "ledger_import"
    label = "台账导入"
    columns = COLUMNS
    start_url = "import_start"
    hint = "（身份证号列可叫：身份证号、身份证号码、公民身份号码、证件号码）"

    def __init__(
        self,
        *,
        actor: User,
        county: Region | None = None,
        dry_run: bool = False,
        progress=None,  # noqa: ANN001
        today: dt.date | None = None,
        channel: str = Channel.IMPORT,
        job=None,  # noqa: ANN001
    ) -> None:
        require(actor, "ledger.import")
        super().__init__(actor=actor, dry_run=dry_run, progress=progress, job=job, channel=channel)
        self.county = county
        self.today = today or timezone.localdate()
        self.scope = actor.region_prefix
        if county is not None and not county.code.startswith(self.scope):
            raise PermissionError(f"{county.name}不在您的管辖范围内")
        self._provinces = {
            c[:2]
            for c in Region.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)
        }
        self._counties = dict(
            Region.objects.filter(level=Level.COUNTY).values_list("code", "is_current")
        )
        self._sites = dict(ResettlementSite.objects.values_list("name", "id"))
        self._county_names: dict[str, list[str]] | None = None

    # ----- how it is started -----

    @classmethod
    def options_from_job(cls, params: dict[str, Any]) -> dict[str, Any]:
        county = Region.objects.get(code=params["county"]) if params.get("county") else None
        return {"county": county}

    @classmethod
    def add_arguments(cls, parser: Any) -> None:
        parser.add_argument("--county", help="six-digit county code all rows belong to")

    @classmethod
    def options_from_command(cls, options: dict[str, Any]) -> dict[str, Any]:
        if not options.get("county"):
            return {}
        county = Region.objects.filter(code=options["county"], level=Level.COUNTY).first()
        if county is None:
            raise FieldError(
                f"--county {options['county']}: not a county code in the division table"
            )
        return {"county": county}

    def before_reading(self) -> None:
        if rotation_in_progress():
            # Matching rows to people by blind index needs one key: wait for the rotation.
            raise PermissionError(
                "正在轮换身份证号密钥，轮换完成前不能导入台账；"
                "请待 skillaid rotate-id-key 运行完毕后再导入"
            )

    # ----- the rows -----

    def import_rows(self, table: Table, header: Header, result: ImportResult) -> None:
        total = max(table.total - header.row, 0)
        seed = repr(
            (
                DIGEST_VERSION,
                sorted(header.positions.items()),
                self.county.code if self.county else "",
            )
        ).encode()
        with _rare_cycle_collection():
            frame = read_frame(table, header, seed, stored=self._stored_keys)
            table.release()  # read again only to quote the cells of a refused row
            result.rows = len(frame) + len(frame.kept)
            result.unchanged += len(frame.kept)
            self.progress(total // 4, total)
            plan = self._check(frame, header, result)
            self.progress(total // 2, total)
            self._write(frame, header, plan, result, total)
        if not self.dry_run:
            refresh_statistics(result.created + result.updated)

    def _check(self, frame: LedgerFrame, header: Header, result: ImportResult) -> _Plan:
        """Every check that can refuse a row or warn of it, a column at a time."""
        df = frame.df
        ids = check_ids(
            frame.column("id_number"),
            provinces=self._provinces,
            current_counties={c for c, current in self._counties.items() if current},
            today=self.today,
        )
        raw_ids = df.get_column("id_number")
        names = normalise_column(df.get_column("name"))
        numbers = ids.get_column("number")
        refused: dict[int, tuple[str, str]] = {}  # row index -> (column, reason)
        where_id = header.where("id_number")
        for i in ids.get_column("bad").arg_true().to_list():
            checked = self._check_id(raw_ids[i])
            refused[i] = (where_id, checked.error or "身份证号有误")
        lengths = names.str.len_chars()
        for i in (lengths == 0).arg_true().to_list():
            refused.setdefault(i, (header.where("name"), "姓名为空"))
        for i in (lengths > 64).arg_true().to_list():
            refused.setdefault(i, (header.where("name"), "姓名超过64个字"))
        counties = self._counties_of(frame, numbers, refused, header)
        plan = _Plan(numbers=numbers.to_list(), names=names.to_list(), counties=counties)
        plan.refused = set(refused)
        # The safe repairs of an ID number and a county code that is no longer current.
        for column, why in (("repaired", "notes"), ("old_county", "warnings")):
            for i in ids.get_column(column).arg_true().to_list():
                if i in refused:
                    continue
                checked = self._check_id(raw_ids[i])
                for note in checked.notes if why == "notes" else checked.warnings:
                    text = f"{note}（已自动更正）" if why == "notes" else note
                    self._warn(result, frame, plan, i, where_id, text)
        for i, (column, reason) in refused.items():
            result.reject(frame.numbers[i], column, reason, [])
        self._duplicates(frame, plan, result, where_id)
        skip = plan.refused | plan.dropped
        plan.todo = [i for i in range(len(frame)) if i not in skip]
        self._optional(frame, header, plan, result, ids)
        return plan

    def _check_id(self, raw: object) -> idnumber.IdCheck:
        return idnumber.check(
            raw,
            provinces=self._provinces,
            county_known=lambda code: self._counties.get(code, False),
            today=self.today,
        )

    def _warn(self, result, frame, plan, i, column, message) -> None:  # noqa: ANN001
        """A warning about a row that will be written; refused and dropped rows draw none."""
        if i in plan.refused or i in plan.dropped:
            return
        result.warn(frame.numbers[i], column, message, plan.person(i))
        plan.warned.add(i)

    def _counties_of(self, frame, numbers, refused, header) -> list[str]:  # noqa: ANN001
        """Each row's county: the one given, the 所属县 column, or the ID number's."""
        n = len(frame)
        if self.county is not None:
            return [sys.intern(self.county.code)] * n
        column = frame.column("county")
        if column is not None:
            where = header.where("county")
            cells = column.fill_null("").to_list()
            memo: dict[str, tuple[str | None, str]] = {}
            out = []
            for i, cell in enumerate(cells):
                answer = memo.get(cell)
                if answer is None:
                    answer = memo[cell] = self._county_cell(cell)
                code, why = answer
                if code is None:
                    refused.setdefault(i, (where, why))
                out.append(code or "")
            return out
        out = []
        memo = {}
        for i, number in enumerate(numbers.to_list()):
            code = number[:6]
            answer = memo.get(code)
            if answer is None:
                answer = memo[code] = self._county_of_id(code)
            if answer[0] is None and number:
                refused.setdefault(i, ("所属县", answer[1]))
            out.append(answer[0] or "")
        return out

    def _county_of_id(self, code: str) -> tuple[str | None, str]:
        if not self._counties.get(code):
            return (
                None,
                "无法确定所属县：身份证号前6位不是现行县级区划，请在导入时指定县（--county）或在表中加“所属县”列",
            )
        if not code.startswith(self.scope):
            return None, f"所属县 {code} 不在您的管辖范围内"
        return sys.intern(code), ""

    def _county_cell(self, cell: object) -> tuple[str | None, str]:
        raw = fields.text(cell).replace(" ", "")
        code = self._county_code(raw)
        if code is None:
            return None, f"所属县“{raw}”无法识别" if raw else "所属县为空"
        if not code.startswith(self.scope):
            return None, f"所属县 {code} 不在您的管辖范围内"
        return sys.intern(code), ""

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

    def _duplicates(
        self, frame: LedgerFrame, plan: _Plan, result: ImportResult, where_id: str
    ) -> None:
        """The same person more than once: the last row counts if the name is the same;
        with different names every such row is refused (nobody can tell which is right).

        A row set aside as unchanged is known by its person's blind index, so when there
        are such rows the other rows are compared by theirs; otherwise by ID number.
        """
        kept = frame.kept
        if not kept:
            numbers = pl.Series(plan.numbers)
            repeated = (numbers != "") & numbers.is_duplicated()
            groups: dict[object, list[int]] = defaultdict(list)
            for i in repeated.arg_true().to_list():
                if i not in plan.refused:
                    groups[plan.numbers[i]].append(i)
        else:
            groups = self._repeated_people(plan, kept)
        for members in groups.values():
            if len(members) > 1:
                self._duplicate_group(frame, plan, result, where_id, members)

    def _repeated_people(self, plan: _Plan, kept: Kept) -> dict[object, list[int]]:
        """Groups of rows naming the same person, by blind index: the kept rows are members
        -1, -2, ...; the rows of the frame 0, 1, .... Compared in polars, 16 bytes a row as
        two integers, so 200,000 kept rows cost no Python objects."""
        box = sealer()
        frame_rows = [i for i, n in enumerate(plan.numbers) if n and i not in plan.refused]
        keys = array("Q")
        keys.frombytes(kept.keys)
        keys.frombytes(
            b"".join(bytes.fromhex(box.index(plan.numbers[i]))[:KEY_BYTES] for i in frame_rows)
        )
        both = pl.Series("k", keys, dtype=pl.UInt64)
        members = pl.concat(
            [
                pl.int_range(-1, -1 - len(kept), -1, dtype=pl.Int64, eager=True),
                pl.Series(frame_rows, dtype=pl.Int64),
            ]
        )
        df = pl.DataFrame(
            {"h": both.gather_every(2), "l": both.gather_every(2, offset=1), "m": members}
        )
        repeated = df.filter(pl.struct("h", "l").is_duplicated())
        groups: dict[object, list[int]] = defaultdict(list)
        for h, low, m in repeated.iter_rows():
            groups[(h, low)].append(m)
        return groups

    def _duplicate_group(self, frame, plan, result, where_id, members) -> None:  # noqa: ANN001
        kept = frame.kept

        def row(m: int) -> int:
            return frame.numbers[m] if m >= 0 else kept.numbers[-1 - m]

        def name(m: int) -> str:
            return plan.names[m] if m >= 0 else _fold_name(kept.names[-1 - m])

        def digest(m: int) -> str:
            return frame.digest(m) if m >= 0 else kept.digest(-1 - m)

        def person(m: int) -> str:
            return plan.person(m) if m >= 0 else ""  # named from the file afterwards

        def set_aside(m: int) -> None:
            if m >= 0:
                plan.dropped.add(m)
            else:
                result.unchanged -= 1

        members = sorted(members, key=row)
        if len({name(m) for m in members}) > 1:
            for m in members:
                others = "、".join(f"第{row(o)}行（{name(o)}）" for o in members if o != m)
                reason = f"同一身份证号在文件中出现多次且姓名不同：{others}"
                result.reject(row(m), where_id, reason, [], person(m))
                if m >= 0:
                    plan.refused.add(m)
                else:
                    result.unchanged -= 1
            return
        last = members[-1]
        for m in members[:-1]:
            set_aside(m)  # not written, and not refused either
            result.duplicates += 1
            if digest(m) != digest(last):
                line = row(last)
                message = f"与第{line}行身份证号相同、内容不同，以第{line}行为准"
                result.warn(row(m), where_id, message, person(m))

    def _parse(self, name: str, parse) -> tuple[list[object] | None, list[tuple[int, str]]]:  # noqa: ANN001
        """`parse` on each distinct cell of a column among the rows to write: each row's value
        (by its index in the frame) and (row index, reason) of each refused cell."""
        column = self._todo_df.get_column(name) if name in self._todo_df.columns else None
        if column is None:
            return None, []
        values, bad = parse_column(column, parse)
        todo = self._todo
        refused = [(todo[k], reason) for k, reason in refused_rows(column, bad)]
        if len(todo) == self._size:
            return values, refused
        full: list[object] = [None] * self._size
        for k, i in enumerate(todo):
            full[i] = values[k]
        return full, refused

    def _optional(self, frame, header, plan, result, ids) -> None:  # noqa: ANN001
        """The optional fields of the rows to write, each distinct cell parsed once: a bad
        value is left out with a warning and the row is kept."""
        self._size = len(frame)
        self._todo = plan.todo
        self._todo_df = frame.df if len(plan.todo) == len(frame) else frame.df[plan.todo]
        today = self.today
        parsers = {
            "phone": fields.phone,
            **{f: lambda v: fields.text(v)[:64] or None for f in SHORT_TEXT},
            "training_occupations": lambda v: fields.text(v)[:255] or None,
            **{f: fields.yes_no for f in FLAGS},
            "surveyed_on": lambda v: fields.date(v, today=today),
        }
        values: dict[str, list[object]] = {}
        for name, parse in parsers.items():
            parsed, bad = self._parse(name, parse)
            if parsed is None:
                continue
            values[name] = parsed
            where = header.where(name)
            for i, reason in bad:
                if name in FLAGS:
                    # Neither yes nor no: the answer is kept unknown, never taken for 否.
                    parsed[i] = _UNKNOWN
                    self._warn(result, frame, plan, i, where, f"{reason}，按“未知”导入")
                else:
                    self._warn(
                        result, frame, plan, i, where, f"{reason}，该项未导入，其他信息已导入"
                    )
        plan.values = values
        self._categories(frame, header, plan, result)
        self._sites_and_households(frame, header, plan, result)
        self._sex(frame, header, plan, result, ids)

    def _categories(self, frame, header, plan, result) -> None:  # noqa: ANN001
        categories, bad = self._parse("category", fields.category)
        if categories is None:
            return
        for i, reason in bad:
            self._warn(result, frame, plan, i, header.where("category"), f"{reason}，该项未导入")
        kinds, bad = self._parse("monitoring_kind", fields.monitoring_kind)
        if kinds is not None:
            for i, reason in bad:
                if categories[i] is not None:
                    where = header.where("monitoring_kind")
                    self._warn(result, frame, plan, i, where, f"{reason}，该项未导入")
            monitored = str(Category.MONITORED)
            for i, kind in enumerate(kinds):
                category = categories[i]
                if kind and category is not None and category[0] == monitored:
                    categories[i] = (category[0], kind)
        plan.categories = categories

    def _sites_and_households(self, frame, header, plan, result) -> None:  # noqa: ANN001
        def site(raw: str) -> int | None:
            name = fields.text(raw)
            if not name:
                return None
            if name not in self._sites:
                raise FieldError(f"安置区“{name}”不在安置区名录中，该项未导入")
            return self._sites[name]

        sites, bad = self._parse("resettlement_site", site)
        if sites is not None:
            plan.values["resettlement_site_id"] = sites
            for i, reason in bad:
                self._warn(result, frame, plan, i, header.where("resettlement_site"), reason)
        households, _ = self._parse("household_number", lambda v: fields.text(v)[:64] or None)
        households = households or [None] * len(frame)
        box = sealer()

        def head(raw: str) -> str:
            checked = idnumber.check(raw, provinces=self._provinces)
            if not checked.ok:
                raise FieldError(f"户主身份证号有误：{checked.error}，未据此归户")
            number = checked.number or ""
            return "户主" + idnumber.mask(number) + "-" + box.index(number)[:8]

        keys, bad = self._parse("head_number", head)
        if keys is not None:
            for i, reason in bad:
                if households[i] is None:
                    self._warn(result, frame, plan, i, header.where("head_number"), reason)
            households = [h or k for h, k in zip(households, keys, strict=True)]
        plan.households = households

    def _sex(self, frame, header, plan, result, ids) -> None:  # noqa: ANN001
        """A 性别 column is not stored (the ID number says it) but compared with it."""
        given, bad = self._parse("sex", fields.sex)
        if given is None:
            return
        where = header.where("sex")
        for i, reason in bad:
            self._warn(result, frame, plan, i, where, reason)
        from_id = sexes(ids.get_column("number")).to_list()
        label = {"M": "男", "F": "女"}
        for i in plan.todo:
            said, known = given[i], from_id[i]
            if said and known and said != known:
                message = f"性别“{label[said]}”与身份证号（{label[known]}）不符，以身份证号为准"
                self._warn(result, frame, plan, i, where, message)

    def _stored_keys(self, digests: list[str]) -> dict[str, str]:
        """Digest -> blind index of the people in scope whose last imported row had it:
        a row identical to that one is unchanged, for someone who has not changed since."""
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

    # ----- writing -----

    def _write(self, frame, header, plan, result, total) -> None:  # noqa: ANN001
        todo = plan.todo
        if not todo:
            return
        writer = LedgerWriter(
            actor=self.actor,
            channel=self.channel,
            today=self.today,
            scope=self.scope,
            filename=result.filename,
            record_id=self.record.pk if self.record else None,
            result=result,
            where_id=header.where("id_number"),
            where_category=header.where("category"),
        )
        box = sealer()
        done = committed = 0
        with ExitStack() as open_transaction:
            open_transaction.enter_context(transaction.atomic())
            for start in range(0, len(todo), CHUNK):
                chunk = todo[start : start + CHUNK]
                keys = [box.index(plan.numbers[i]) for i in chunk]
                writer.write(
                    [self._record(frame, plan, i, key) for i, key in zip(chunk, keys, strict=True)]
                )
                done += len(chunk)
                if done - committed >= COMMIT_ROWS:
                    open_transaction.close()
                    open_transaction.enter_context(transaction.atomic())
                    committed = done
                self.progress(total // 2 + done * (total - total // 2) // len(todo), total)

    def _record(self, frame: LedgerFrame, plan: _Plan, i: int, key: str) -> Record:
        values: dict[str, object] = {"name": plan.names[i], "county_id": plan.counties[i]}
        for name, column in plan.values.items():
            value = column[i]
            if value is _UNKNOWN:
                values[name] = None
            elif value is not None:
                values[name] = value
        return Record(
            row=frame.numbers[i],
            number=plan.numbers[i],
            name=plan.names[i],
            county=plan.counties[i],
            values=values,
            key=key,
            digest="" if i in plan.warned else frame.digest(i),
            category=plan.categories[i] if plan.categories else None,
            household_key=plan.households[i] if plan.households else None,
            person=plan.person(i),
        )


_UNKNOWN = object()  # a yes/no answer that is neither: stored as unknown (NULL)


def _fold_name(cell: str) -> str:
    """A name cell as the whole-column check folds the names of the rows it checks."""
    return unicodedata.normalize("NFKC", cell or "").strip().replace(" ", "")


class _Plan:
    """What the checks decided, by row index in the frame."""

    def __init__(self, *, numbers: list[str], names: list[str], counties: list[str]) -> None:
        self.numbers = numbers
        self.names = names
        self.counties = counties
        self.refused: set[int] = set()
        self.dropped: set[int] = set()  # earlier rows of a person listed again
        self.warned: set[int] = set()  # rows that drew a warning: their digest is not kept
        self.todo: list[int] = []  # rows to write, in file order
        self.values: dict[str, list[object]] = {}
        self.categories: list[tuple[str, str] | None] = []
        self.households: list[str | None] = []

    def person(self, i: int) -> str:
        return person_label(self.names[i], self.numbers[i]) if self.numbers[i] else self.names[i]


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
