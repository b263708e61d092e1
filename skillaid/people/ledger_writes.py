"""Writing checked ledger rows, a chunk at a time, through the bulk path.

People are matched by the blind index of their ID number; households by (county,
number); a household whose category changes gets a new status from the survey date, by
the same rule as the edit page (`fields.category_start`). A person created by an import
has no audit entry of their own: the import's entry (one per chunk) says how many it
created, and the person keeps the import and the row that made them (import_record,
import_row). A change to someone already registered is logged field by field, naming
the file's row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from skillaid.accounts.models import Action, AuditEntry, User, audit_bulk_insert, audit_value
from skillaid.db import adapter, bulk_insert, reserve_ids, select_in, select_pairs_in
from skillaid.lib import idnumber
from skillaid.lib.chain import canonical_json
from skillaid.lib.names import initials
from skillaid.lib.sheets import ImportResult

from . import fields
from .models import Category, Household, HouseholdStatus, Person, sealer

_ORDINARY = str(Category.ORDINARY)  # plain text for the bulk path, as fields.category gives
INTENTS = ("wants_training", "training_occupations", "wants_school", "wants_job", "surveyed_on")
FLAGS = ("wants_training", "wants_school", "wants_job")

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
    "import_record_id",
    "import_row",
)


@dataclass(slots=True)
class Record:
    """One checked row, ready to write."""

    row: int
    number: str
    name: str
    county: str
    values: dict[str, object]
    key: str = ""  # blind index of the ID number
    digest: str = ""  # of the source row; empty when the row drew a warning
    category: tuple[str, str] | None = None
    household_key: str | None = None
    person: str = ""  # 韦一（450124********1234）, for a problem found while writing


@dataclass
class LedgerWriter:
    """Writes the chunks of one import for one actor."""

    actor: User
    channel: str
    today: dt.date
    scope: str
    filename: str
    record_id: int | None
    result: ImportResult
    where_id: str  # the ID column as the clerk finds it: B列“身份证号”
    where_category: str
    _initials: dict[str, str] = field(default_factory=dict)  # names repeat down a ledger

    def write(self, records: list[Record]) -> None:
        """Write one chunk of checked rows."""
        result = self.result
        box = sealer()
        self._adapt = adapter()
        # The audit chain hashes the time itself, the bulk path takes it adapted.
        self._now = timezone.now()
        now = self._adapt(self._now)
        actor_id = self.actor.pk
        index = {r.key: r for r in records}
        existing = self._existing(list(index))
        # Someone registered in a county outside the actor's scope is not touched.
        for key, row in list(existing.items()):
            if not row["county_id"].startswith(self.scope):
                r = index.pop(key)
                existing.pop(key)
                result.reject(
                    r.row,
                    self.where_id,
                    "该身份证号已由其他县登记，不在您的管辖范围内，请联系上级部门核对",
                    [],
                    r.person,
                )
        households, household_changed = self._households(index, existing, now)
        audit_rows: list[list[object]] = []
        new: list[tuple[str, Record, dict]] = []
        updates: dict[tuple[str, ...], list[list[object]]] = defaultdict(list)
        digests: list[list[object]] = []  # [digest, id] for people whose values already match
        for key, r in index.items():
            values = dict(r.values)
            household_id = households.get((r.county, r.household_key)) if r.household_key else None
            if household_id is None and key not in existing:
                household_id = households.get((r.county, own_key(key)))
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
            if any(f in changed for f in INTENTS):
                changed["surveyed_by_id"] = actor_id
            diff = {f: [audit_value(old.get(f)), audit_value(v)] for f, v in changed.items()}
            diff.pop("surveyed_by_id", None)
            changed.update(
                updated_at=now,
                import_digest=r.digest,
                import_record_id=self.record_id,
                import_row=r.row,
            )
            cols = tuple(sorted(changed))
            updates[cols].append([self._adapt(changed[c]) for c in cols] + [old["id"]])
            audit_rows.append(
                self._audit_row(Action.UPDATE, "people.person", old["id"], old["id"], diff, r.row)
            )
        if new:
            self._create(new, now, actor_id, box)
            result.created += len(new)
            # One entry for the people this chunk created; each keeps its import and row.
            audit_rows.append(
                self._audit_row(
                    Action.CREATE,
                    "accounts.importrecord",
                    self.record_id or "",
                    None,
                    {"created": len(new)},
                )
            )
        table = connection.ops.quote_name(Person._meta.db_table)
        with connection.cursor() as cursor:
            for cols, rows in updates.items():
                sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in cols)
                cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)
            if digests:
                cursor.executemany(f"UPDATE {table} SET import_digest = %s WHERE id = %s", digests)
        audit_bulk_insert(audit_rows, at=self._now)

    def _create(self, new: list[tuple[str, Record, dict]], now: object, actor_id, box) -> None:  # noqa: ANN001
        ids = reserve_ids(Person._meta.db_table, len(new))
        sealed = box.seal_many([r.number for _, r, _ in new])
        adapt = self._adapt
        names = self._initials
        rows = []
        for pk, seal, (key, r, v) in zip(ids, sealed, new, strict=True):
            number = r.number
            rows.append(
                [
                    pk,
                    r.name,
                    names.get(r.name) or names.setdefault(r.name, initials(r.name)),
                    seal,
                    key,
                    number[:6] + "********" + number[-4:],
                    "M" if int(number[16]) % 2 else "F",
                    f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
                    if connection.vendor == "sqlite"
                    else idnumber.birth_date(number),
                    v.get("ethnicity", ""),
                    v.get("phone", ""),
                    v.get("education", ""),
                    r.county,
                    v.get("township", ""),
                    v.get("village", ""),
                    v.get("resettlement_site_id"),
                    v.get("household_id"),
                    v.get("relation", ""),
                    v.get("wants_training", False),
                    v.get("training_occupations", ""),
                    v.get("wants_school", False),
                    v.get("wants_job", False),
                    adapt(v.get("surveyed_on")),
                    actor_id,
                    now,
                    now,
                    r.digest,
                    self.record_id,
                    r.row,
                ]
            )
        bulk_insert(Person._meta.db_table, PERSON_INSERT_COLUMNS, rows)

    def _existing(self, keys: list[str]) -> dict[str, dict]:
        """The stored people among `keys` (blind-index values), with the fields an import sets."""
        table = connection.ops.quote_name(Person._meta.db_table)
        names = ("id", "id_index", "import_digest", *PERSON_FIELDS)
        columns = ", ".join(connection.ops.quote_name(c) for c in names)
        sql = f"SELECT {columns} FROM {table} WHERE id_index IN ({{}})"
        existing = {}
        for values in select_in(sql, [], keys):
            row = dict(zip(names, values, strict=True))
            for flag in FLAGS:
                row[flag] = None if row[flag] is None else bool(row[flag])
            if isinstance(row["surveyed_on"], str):  # SQLite keeps dates as text
                row["surveyed_on"] = dt.date.fromisoformat(row["surveyed_on"])
            existing[row["id_index"]] = row
        return existing

    def _households(self, index, existing, now):  # noqa: ANN001, ANN202
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
                wanted[(r.county, own_key(key))] = (key, r)
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
        status_rows, audit_rows, changed = self._change_categories(changes, existing)
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
        return {hk: row["id"] for hk, row in found.items()}, changed

    def _change_categories(self, changes, existing):  # noqa: ANN001, ANN202
        """Close each household's open status and open the new one; returns rows to insert.

        The change takes effect on the survey date (today without one), by the edit
        page's rule: never before the status it ends. A row that would rewrite history so
        leaves the category as it is, with a warning.
        """
        open_starts = dict(
            HouseholdStatus.objects.filter(
                household_id__in=[row["id"] for row, _, _ in changes], end__isnull=True
            ).values_list("household_id", "start")
        )
        status_rows: list[list[object]] = []
        audit_rows: list[list[object]] = []
        closes: list[list[object]] = []
        households: list[list[object]] = []
        changed: set[str] = set()
        for row, key, r in changes:
            category, kind = r.category
            try:
                start = fields.category_start(
                    r.values.get("surveyed_on") or self.today, open_starts.get(row["id"])
                )
            except fields.FieldError as exc:
                self.result.warn(r.row, self.where_category, f"{exc}，家庭类别未变更", r.person)
                r.digest = ""
                continue
            changed.add(key)
            households.append([category, kind, self._adapt(start), row["id"]])
            closes.append([self._adapt(start), row["id"]])
            status_rows.append([row["id"], category, kind, self._adapt(start), None, "导入更新"])
            diff = {
                "category": [row["category"], category],
                "monitoring_kind": [row["monitoring_kind"], kind],
                "on": [None, start.isoformat()],
            }
            person = existing.get(key)
            audit_rows.append(
                self._audit_row(
                    Action.UPDATE,
                    "people.household",
                    row["id"],
                    person["id"] if person else None,
                    diff,
                    r.row,
                )
            )
        if households:
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
                    [[h[-1]] for h in households],
                )
        return status_rows, audit_rows, changed

    def _audit_row(self, action, object_type, object_id, person_id, changes, row=None):  # noqa: ANN001
        """One row of the audit log's CHAINED_FIELDS, written through the chained bulk path."""
        note = self.filename[:150] + (f" 第{row}行" if row else "")
        return [
            self._adapt(self._now),
            self.actor.pk,
            self.actor.display_name,
            self.channel,
            str(action),
            object_type,
            str(object_id),
            person_id,
            canonical_json(changes) if changes else "{}",
            note,
        ]


def own_key(index_key: str) -> str:
    """The household number given to someone listed without one: their own household."""
    return "自动-" + index_key[:12]


def refresh_statistics(written: int, *, after: int = 10_000) -> None:
    """After a large import, let PostgreSQL's planner see the new rows at once.

    Its statistics otherwise wait for autovacuum; meanwhile look-ups by digest or
    blind index on a table that was small can be planned as full scans.
    """
    if connection.vendor != "postgresql" or written < after:
        return
    tables = (Person, Household, HouseholdStatus, AuditEntry)
    names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")
