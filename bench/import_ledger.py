"""Benchmark: write an N-row ledger workbook and import it, twice, into the configured database.

    python bench/import_ledger.py --rows 200000

Uses DATABASE_URL like the application (SQLite in var/ by default; run it
against a scratch database, it adds N people). The workbook is written by one
child process and each import runs in a child process of its own, as each
`skillaid import-ledger` does, so that each peak memory figure is that import's
alone. Prints progress lines, then one JSON object as the last line: rows,
seconds, rows_per_second, peak_mb for the first import, the same for the
second import of the same file, and this machine's floor: the seconds
python-calamine takes to read the workbook plus the seconds sqlite3 takes to
insert its rows into a table with a unique ID-number column, and the first
import's time as a multiple of that floor (times_floor).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(*args: str) -> str:
    """Run this script with `args` in a new process; returns its last line of output."""
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def calibrate(path: Path) -> dict[str, float]:
    """The floor of an import on this machine, to read its figure against.

    The seconds python-calamine takes to read the workbook (open, load the sheet, walk
    its rows once), plus the seconds sqlite3 takes to insert the same rows as they are
    (text cells, no checks) into a new table with a unique ID-number column, in one
    transaction. An import cannot do less than read the file and store its rows
    under a unique key; the issue's target is a first import within 5x this floor.
    """
    import sqlite3

    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = list(sheet.iter_rows())
    read = time.perf_counter() - started
    del sheet
    header = [str(c) for c in rows[0]]
    id_column = next(i for i, h in enumerate(header) if "身份证" in h and "户主" not in h)
    rows = [[str(c) for c in row] for row in rows[1:]]
    width = max(len(r) for r in rows)
    with tempfile.TemporaryDirectory() as scratch:
        db = sqlite3.connect(Path(scratch) / "plain.sqlite3")
        columns = ", ".join(
            f"c{i} TEXT" + (" NOT NULL UNIQUE" if i == id_column else "") for i in range(width)
        )
        db.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY, {columns})")
        names = ", ".join(f"c{i}" for i in range(width))
        marks = ", ".join("?" * width)
        started = time.perf_counter()
        db.executemany(f"INSERT INTO t ({names}) VALUES ({marks})", rows)
        db.commit()
        insert = time.perf_counter() - started
        db.close()
    return {
        "calamine_read_seconds": round(read, 2),
        "unique_insert_seconds": round(insert, 2),
        "floor_seconds": round(read + insert, 2),
    }


def time_phases() -> dict[str, float]:
    """Time, inside this process's next import, the workbook's load and the database's work.

    `read_seconds` is python-calamine opening the file and loading the sheet;
    `database_seconds` is every statement (to its last row), bulk insert (COPY on
    PostgreSQL) and commit, waiting on the database. The rest of an import's time is Python: reading
    cells, checking, building rows. Returns the dict the figures accumulate in.
    """
    from django.db import connection

    from skillaid.accounts.imports import framework
    from skillaid.people import imports, ledger_writes

    spent = {"read_seconds": 0.0, "database_seconds": 0.0}
    inside = [False]  # a bulk insert's own statements are not counted twice

    def timed(phase: str, call):  # noqa: ANN001, ANN202
        def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if inside[0]:
                return call(*args, **kwargs)
            inside[0] = True
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - started
                inside[0] = False

        return run

    framework.open_table = timed("read_seconds", framework.open_table)
    ledger_writes.bulk_insert = timed("database_seconds", ledger_writes.bulk_insert)
    # Look-ups yield rows as SQLite finds them: time them to the last row.
    for module, name in (
        (imports, "select_in"),
        (ledger_writes, "select_in"),
        (ledger_writes, "select_pairs_in"),
    ):
        lookup = getattr(module, name)
        setattr(module, name, timed("database_seconds", lambda *a, f=lookup: list(f(*a))))
    statement = timed("database_seconds", lambda execute, *args: execute(*args))
    connection.ensure_connection()
    connection.execute_wrappers.append(statement)
    connection._commit = timed("database_seconds", connection._commit)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the generated workbook here")
    parser.add_argument(
        "--workbook",
        type=Path,
        help="import this workbook (one written with --keep) instead of writing a new one; "
        "the database must not hold its people yet",
    )
    parser.add_argument(
        "--inline-strings",
        action="store_true",
        help="write each text cell inline (as low-memory writers do) instead of in a "
        "shared-strings table, as Excel and WPS do",
    )
    parser.add_argument("--write-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--import-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--calibrate-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.calibrate_only is not None:
        print(json.dumps(calibrate(args.calibrate_only)))
        return

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillaid.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from skillaid.accounts.system import system_user
    from skillaid.ops.demo_people import generate_rows, write_workbook
    from skillaid.people.imports import LedgerImport
    from skillaid.regions.models import KeyCounty

    if args.write_only is not None:
        counties = [
            (k.region.code, k.region.name) for k in KeyCounty.objects.select_related("region")
        ]
        # A seed of its own per run keeps the people new, so the first import creates them all.
        seed = args.seed * 1_000_003 + int(time.time())
        # Saved with a shared-strings table, as Excel and WPS save the ledgers clerks upload.
        write_workbook(
            args.write_only,
            generate_rows(args.rows, seed=seed, counties=counties, today=dt.date.today()),
            shared_strings=not args.inline_strings,
        )
        return
    if args.import_only is not None:
        spent = time_phases()
        started = time.perf_counter()
        result = LedgerImport(actor=system_user()).run(args.import_only)
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), **spent, **result.summary()}))
        return

    call_command("setup", verbosity=0)
    if args.workbook is not None:
        path = args.workbook
    else:
        path = args.keep or Path(tempfile.mkdtemp()) / "bench-ledger.xlsx"
        started = time.perf_counter()
        write = ["--rows", str(args.rows), "--seed", str(args.seed), "--write-only", str(path)]
        child(*write, *(["--inline-strings"] if args.inline_strings else []))
        print(
            f"wrote {args.rows} rows to {path} in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )

    if args.workbook is not None:
        workbook = str(path)
    else:
        workbook = "inline strings" if args.inline_strings else "shared strings"
    figures: dict[str, object] = {"database": connection.vendor, "workbook": workbook}
    calibration = json.loads(child("--calibrate-only", str(path)))
    print(f"this machine: {calibration}", file=sys.stderr)
    for label in ("first", "second"):
        run = json.loads(child("--import-only", str(path)))
        print(f"{label} import: {run['seconds']:.2f} s, {run}", file=sys.stderr)
        if label == "first":
            figures.update(
                rows=run["rows"],
                seconds=round(run["seconds"], 2),
                rows_per_second=round(run["rows"] / run["seconds"]),
                peak_mb=round(run["peak_mb"]),
                read_seconds=round(run["read_seconds"], 2),
                database_seconds=round(run["database_seconds"], 2),
                created=run["created"],
                rejected=run["rejected"],
            )
        else:
            figures.update(
                second_seconds=round(run["seconds"], 2),
                second_unchanged=run["unchanged"],
                second_peak_mb=round(run["peak_mb"]),
                second_read_seconds=round(run["read_seconds"], 2),
                second_database_seconds=round(run["database_seconds"], 2),
            )
    figures.update(calibration)
    figures["times_floor"] = round(figures["seconds"] / calibration["floor_seconds"], 1)
    print(
        f"first import {figures['seconds']} s = {figures['times_floor']}x the floor "
        f"({calibration['floor_seconds']} s: calamine read + sqlite3 insert with a unique ID)",
        file=sys.stderr,
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
