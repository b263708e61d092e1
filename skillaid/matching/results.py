"""Reading a run's results file (parquet, written by the engine), cut to a viewer's scope.

A run covers the scope of the user who started it; a viewer whose scope holds all of it
sees every row, a narrower one (a county clerk reading a city's run) only the rows of
their people, and of the registry's rows only those whose county lies in their region.
The rows are read with DuckDB, the engine's own reader, page by page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope

from . import engine
from .models import OUTCOMES, ComparisonRun
from .ours import people_in_scope

__all__ = [
    "OUTCOMES",
    "read",
    "their_fields",
    "visible_change_counts",
    "visible_changes",
    "visible_counts",
    "visible_batches",
    "visible_rows",
]


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    return con


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def read(
    path: Path, *, outcomes: list[str] | None = None, person_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """All rows of `outcomes` (or all), optionally of some people only, in file order."""
    where, params = ["true"], [str(path)]
    if outcomes:
        where.append("outcome IN (SELECT UNNEST(?::VARCHAR[]))")
        params.append(outcomes)
    if person_ids is not None:
        where.append("person_id IN (SELECT UNNEST(?::BIGINT[]))")
        params.append(person_ids)
    with _connect() as con:
        return _rows(con, f"SELECT * FROM read_parquet(?) WHERE {' AND '.join(where)}", params)


def their_fields(row: dict[str, Any]) -> dict[str, str]:
    """The registry's fields of a result row (their_category …) as text, without the prefix."""
    out = {}
    for k, v in row.items():
        if k.startswith("their_") and k not in ("their_name", "their_id_masked"):
            out[k.removeprefix("their_")] = (
                v.isoformat() if isinstance(v, dt.date) else ("" if v is None else str(v))
            )
    return out


def _scope_where(run: ComparisonRun, user: User, *, county: bool = True) -> tuple[str, list[Any]]:
    """The condition of the rows of `run` that `user` sees, and its parameters.

    Our people: all of the run's when the run lies within the user's scope, else those of
    the user's region. The registry's rows found in no one of ours (only theirs): all of
    them when the registry's region lies within the user's scope, else those whose county
    (where the registry has one) lies in the user's region, else none; so a county clerk
    comparing a province's registry never lists another county's people.
    """
    scope = Scope.of(user)
    if scope.region_prefix is None:
        return "false", []
    if scope.everything:
        return "true", []
    params: list[Any] = []
    if run.scope_region.startswith(scope.region_prefix):
        ours = "true"
    else:
        ours = "person_id IN (SELECT UNNEST(?::BIGINT[]))"
        params.append(list(people_in_scope(user).values_list("pk", flat=True)))
    kind = engine.KINDS.get(run.snapshot.kind)
    if scope.contains_region(run.snapshot.region_id):
        theirs = "true"
    elif county and kind is not None and any(f.name == "county" for f in kind.fields):
        theirs = "starts_with(CAST(their_county AS VARCHAR), ?)"
        params.append(scope.region_prefix)
    else:
        theirs = "false"
    if ours == "true" and theirs == "true":
        return "true", []
    return f"((person_id IS NOT NULL AND {ours}) OR (person_id IS NULL AND {theirs}))", params


def visible_counts(run: ComparisonRun, user: User) -> dict[str, int]:
    """Counts per outcome of the rows `user` sees."""
    if not run.results:
        return {}
    where, params = _scope_where(run, user)
    with _connect() as con:
        got = con.execute(
            f"SELECT outcome, count(*) FROM read_parquet(?) WHERE {where} GROUP BY outcome",
            [run.results.path, *params],
        ).fetchall()
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update({o: int(n) for o, n in got})
    return counts


def visible_rows(
    run: ComparisonRun,
    user: User,
    *,
    outcome: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
) -> list[dict[str, Any]]:
    """A page of the rows `user` sees (all of them with limit None), in the file's order."""
    if not run.results:
        return []
    where, params = _scope_where(run, user)
    sql = f"SELECT * FROM read_parquet(?) WHERE {where}"
    args: list[Any] = [run.results.path, *params]
    if outcome:
        sql += " AND outcome = ?"
        args.append(outcome)
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    with _connect() as con:
        return _rows(con, sql, args)


def visible_changes(run: ComparisonRun, user: User, *, limit: int = 200) -> list[dict[str, Any]]:
    """The first moves since the previous run (person_id, row, before, after) `user` sees."""
    if not run.changes_file:
        return []
    where, params = _scope_where(run, user, county=False)
    with _connect() as con:
        return _rows(
            con,
            f"SELECT * FROM read_parquet(?) WHERE {where} LIMIT {int(limit)}",
            [run.changes_file.path, *params],
        )


def visible_change_counts(run: ComparisonRun, user: User) -> dict[str, int]:
    """The moves since the previous run that `user` sees, counted by "before→after"."""
    if not run.changes_file:
        return {}
    where, params = _scope_where(run, user, county=False)
    with _connect() as con:
        got = con.execute(
            f"SELECT before, after, count(*) FROM read_parquet(?) WHERE {where} "
            "GROUP BY ALL ORDER BY ALL",
            [run.changes_file.path, *params],
        ).fetchall()
    return {f"{b}→{a}": int(n) for b, a, n in got}


def visible_batches(
    run: ComparisonRun,
    user: User,
    *,
    outcomes: list[str],
    size: int = 10_000,
    ours_only: bool = True,
    limit: int | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """The rows of `outcomes` that `user` sees (with `ours_only`, those that name one of our
    people), in batches, in the file's order."""
    if not run.results:
        return
    where, params = _scope_where(run, user)
    sql = (
        f"SELECT * FROM read_parquet(?) WHERE {where}"
        + (" AND person_id IS NOT NULL" if ours_only else "")
        + " AND outcome IN (SELECT UNNEST(?::VARCHAR[]))"
        + (f" LIMIT {int(limit)}" if limit is not None else "")
    )
    with _connect() as con:
        cur = con.execute(sql, [run.results.path, *params, [str(o) for o in outcomes]])
        names = [d[0] for d in cur.description]
        while batch := cur.fetchmany(size):
            yield [dict(zip(names, r, strict=True)) for r in batch]
