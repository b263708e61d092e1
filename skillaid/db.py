"""Database helpers below the ORM: the bulk path for large inserts, and SQLite's writer lock.

Django's bulk_create costs about 28 µs a row and SQLite batches are cut to 999
parameters; imports of hundreds of thousands of rows use the driver instead:
COPY on PostgreSQL, executemany in the open transaction on SQLite.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection


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
    adds up to seconds on a 200,000-row import.
    """
    with connection.cursor() as cursor:
        for start in range(0, len(keys), size):
            batch = keys[start : start + size]
            cursor.execute(sql.format(", ".join(["%s"] * len(batch))), [*params, *batch])
            yield from cursor.fetchall()


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
