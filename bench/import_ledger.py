"""Benchmark: write an N-row ledger workbook and import it, twice, into the configured database.

    python bench/import_ledger.py --rows 200000

Uses DATABASE_URL like the application (SQLite in var/ by default; run it
against a scratch database, it adds N people). Prints progress lines, then
one JSON object as the last line: rows, seconds, rows_per_second, peak_mb for
the first import, and the same for the second import of the same file.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the generated workbook here")
    parser.add_argument("--write-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillaid.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from skillaid.people.demo import generate_rows, write_workbook
    from skillaid.people.imports import LedgerImport
    from skillaid.regions.models import KeyCounty

    call_command("setup", verbosity=0)
    path = args.keep or Path(tempfile.mkdtemp()) / "bench-ledger.xlsx"
    if args.write_only is None:
        # The workbook is written by a child process, so that this one's peak memory
        # is the import's own.
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--rows",
                str(args.rows),
                "--seed",
                str(args.seed),
                "--write-only",
                str(path),
            ],
            check=True,
        )
        print(
            f"wrote {args.rows} rows to {path} in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    else:
        counties = [
            (k.region.code, k.region.name) for k in KeyCounty.objects.select_related("region")
        ]
        # A seed of its own per run keeps the people new, so the first import creates them all.
        seed = args.seed * 1_000_003 + int(time.time())
        write_workbook(
            args.write_only,
            generate_rows(args.rows, seed=seed, counties=counties, today=dt.date.today()),
        )
        return

    figures = {"database": connection.vendor, "rows": args.rows}
    for label in ("first", "second"):
        started = time.perf_counter()
        result = LedgerImport(actor=None).run(path)
        seconds = time.perf_counter() - started
        summary = result.summary()
        print(f"{label} import: {seconds:.2f} s, {summary}", file=sys.stderr)
        if label == "first":
            figures.update(
                seconds=round(seconds, 2),
                rows_per_second=round(args.rows / seconds),
                peak_mb=round(peak_mb()),
                created=summary["created"],
                rejected=summary["rejected"],
            )
        else:
            figures.update(
                second_seconds=round(seconds, 2),
                second_unchanged=summary["unchanged"],
                second_peak_mb=round(peak_mb()),
            )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
