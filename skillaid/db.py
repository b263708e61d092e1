"""Database helpers below the ORM: the bulk path for large inserts, and SQLite's writer lock.

Django's bulk_create costs about 28 µs a row and SQLite batches are cut to 999
parameters; imports of hundreds of thousands of rows use the driver instead:
COPY on PostgreSQL, executemany in the open transaction on SQLite.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


def adapt(value: object) -> object:
    """A value as the bulk path wants it: SQLite takes dates and datetimes in Django's text form."""
    return adapter()(value)


def adapter() -> Callable[[object], object]:
    """`adapt` for the current connection, looked up once for a whole batch of rows."""
    if connection.vendor == "postgresql":
        return _same
    to_text = connection.ops.adapt_datetimefield_value

    def sqlite(value: object) -> object:
        kind = type(value)
        if kind is dt.date:
            return value.isoformat()
        if kind is dt.datetime:
            return to_text(value)
        return value

    return sqlite


def _same(value: object) -> object:
    return value


def select_in(
    sql: str, params: Sequence[object], keys: Sequence[object], size: int = 900
) -> Iterator[tuple]:
    """Run `sql`, whose last condition is `IN ({})`, for `keys` in batches; yields rows.

    Raw SQL because the ORM's IN lookup costs several microseconds a key, which
    adds up to seconds on a 200,000-row import. On PostgreSQL the keys go as one
    array parameter (`= ANY(%s)`): one statement for any number of keys, which the
    server prepares once, instead of one per batch length.
    """
    if "IN ({})" not in sql:
        raise ValueError("select_in needs a query whose last condition is IN ({})")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if keys:
                cursor.execute(sql.replace("IN ({})", "= ANY(%s)"), [*params, list(keys)])
                yield from cursor.fetchall()
            return
        for start in range(0, len(keys), size):
            batch = keys[start : start + size]
            cursor.execute(sql.format(", ".join(["%s"] * len(batch))), [*params, *batch])
            yield from cursor.fetchall()


def select_pairs_in(
    columns: Sequence[str], table: str, first: str, second: str, pairs: Sequence[tuple[str, str]]
) -> Iterator[tuple]:
    """Rows of `table` whose (`first`, `second`) is one of `pairs` (text columns); yields `columns`.

    On PostgreSQL one statement joins the table to the pairs sent as two arrays;
    on SQLite the pairs are looked up by their first value, IN lists of the second.
    """
    if not pairs:
        return
    quote = connection.ops.quote_name
    select = f"SELECT {', '.join('t.' + quote(c) for c in columns)} FROM {quote(table)} t"
    if connection.vendor == "postgresql":
        sql = (
            f"{select} JOIN unnest(%s::text[], %s::text[]) AS w(a, b) "
            f"ON t.{quote(first)} = w.a AND t.{quote(second)} = w.b"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [[a for a, _ in pairs], [b for _, b in pairs]])
            yield from cursor.fetchall()
        return
    grouped: dict[str, list[str]] = {}
    for a, b in pairs:
        grouped.setdefault(a, []).append(b)
    sql = f"{select} WHERE t.{quote(first)} = %s AND t.{quote(second)} IN ({{}})"
    for a, bs in grouped.items():
        yield from select_in(sql, [a], bs)


def reserve_ids(table: str, count: int) -> list[int]:
    """`count` new primary keys of `table` (an auto-increment `id`), for rows about to be inserted.

    Rows inserted with their keys need no second query to learn them. On SQLite the
    open transaction holds the write lock, so the keys after the table's sequence
    are free; inserting them moves the sequence on. On PostgreSQL they are drawn
    from the column's sequence, which other sessions share.
    """
    if count <= 0:
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [quote(table), count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids needs an open transaction on SQLite")
        # The greater of the sequence and the largest key: the table may have been written
        # before AUTOINCREMENT kept a sequence for it.
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max(id) FROM {quote(table)}), 0))",
            [table],
        )
        (last,) = cursor.fetchone()
    return list(range(last + 1, last + 1 + count))


def bulk_insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Insert rows whose dates and datetimes went through `adapt`."""
    if not rows:
        return
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})", rows)


_lock_files = threading.local()


@contextmanager
def sqlite_writer() -> Iterator[None]:
    """On SQLite, take the write lock in the kernel before starting a short write transaction.

    SQLite lets one writer in at a time; the others poll with sleeps of 1 to 100 ms,
    which under many small concurrent writes (attendance terminals) costs more than
    the writes. Waiting on a file lock instead wakes the next writer at once. Each
    thread opens its own descriptor so that threads of one process also queue.
    On PostgreSQL this does nothing.
    """
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or name == ":memory:" or "mode=memory" in name:
        yield
        return
    path = name + ".writelock"
    fds = getattr(_lock_files, "fds", None)
    if fds is None:
        fds = _lock_files.fds = {}
    fd = fds.get(path)
    if fd is None:
        fd = fds[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def get_with_parent(model: type[models.Model], relation: str, pk: object) -> models.Model | None:
    """`model` by primary key with the object its foreign key `relation` points to, or None.

    One statement written once per connection instead of a queryset compiled on every
    call: attendance terminals look up their session many times a second. Values go
    through the same converters the ORM applies, so the objects are the ORM's own.
    """
    # Planned once per connection (one per thread): the converters are bound to its operations.
    wrapper = connections[DEFAULT_DB_ALIAS]
    sql, fields, (child_names, parent_model, parent_names) = _parent_plan(model, relation, wrapper)
    with wrapper.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, converters) in zip(row, fields, strict=True):
        for convert in converters:
            value = convert(value, column, wrapper)
        values.append(value)
    split = len(child_names)
    child = model.from_db(wrapper.alias, child_names, values[:split])
    parent = parent_model.from_db(wrapper.alias, parent_names, values[split:])
    setattr(child, relation, parent)
    return child


@functools.lru_cache(maxsize=64)
def _parent_plan(model: type[models.Model], relation: str, wrapper):  # noqa: ANN001, ANN202
    quote = wrapper.ops.quote_name
    link = model._meta.get_field(relation)
    parent = link.related_model
    fields = []
    columns = []
    for alias, m in (("a", model), ("b", parent)):
        for f in m._meta.concrete_fields:
            column = f.get_col(alias)
            converters = wrapper.ops.get_db_converters(column) + f.get_db_converters(wrapper)
            fields.append((column, converters))
            columns.append(f"{alias}.{quote(f.column)}")
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} a "
        f"JOIN {quote(parent._meta.db_table)} b ON b.{quote(parent._meta.pk.column)} = "
        f"a.{quote(link.column)} WHERE a.{quote(model._meta.pk.column)} = %s"
    )
    names = [f.attname for f in model._meta.concrete_fields]
    return sql, fields, (names, parent, [f.attname for f in parent._meta.concrete_fields])


class Prefix(models.Lookup):
    """`field` starts with `text` (letters and digits: pinyin initials, region codes),
    case-sensitive, written so that each database reads it through an ordinary index on
    the field: as the range [text, text with its last character raised).

    Django's startswith is LIKE, which neither database reads from an ordinary index:
    SQLite's LIKE ignores case, so it uses only NOCASE indexes; PostgreSQL's needs the
    pattern operator class or the C collation. On SQLite, which compares text by code
    point, the range is the whole condition. On PostgreSQL the LIKE stays beside the
    range: under a language's collation letters and digits still sort in their order,
    so the range holds every match and the index reads it, and the LIKE keeps out what a
    collation might put in between. Registered on CharField: `field__prefix=text`.
    """

    lookup_name = "prefix"

    def as_sql(self, compiler, connection):  # noqa: ANN001, ANN201
        from django.db.models.lookups import StartsWith

        like, like_params = StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)
        bounds, bound_params = self._range(compiler, in_order=True)
        return f"({bounds} AND {like})", [*bound_params, *like_params]

    def as_sqlite(self, compiler, connection):  # noqa: ANN001, ANN201
        return self._range(compiler, in_order=False)

    def _range(self, compiler, *, in_order: bool):  # noqa: ANN001, ANN202
        # Used as an expression, the lookup holds its text in a Value.
        text = str(getattr(self.rhs, "value", self.rhs))
        lhs, lhs_params = compiler.compile(self.lhs)
        upper = _after_prefix(text, in_order=in_order)
        if upper is None:
            return f"{lhs} >= %s", [*lhs_params, text]
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, text, *lhs_params, upper]


def _after_prefix(text: str, *, in_order: bool) -> str | None:
    """The least string after every string that starts with `text` (None: there is none).

    By code point the last character raised will do ('az' → 'a{'). Under a language's
    collation ('{' may weigh nothing there) only letters and digits are trusted to keep
    their order, so a last 'z' or '9' carries instead ('az' → 'b', '4509' → '451')."""
    while text:
        last = text[-1]
        if (in_order and last in "zZ9") or ord(last) == 0x10FFFF:
            text = text[:-1]
        else:
            return text[:-1] + chr(ord(last) + 1)
    return None


models.CharField.register_lookup(Prefix)
