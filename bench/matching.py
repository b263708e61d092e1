"""Benchmark: a registry snapshot of 10,000,000 rows (帮扶对象名单 as CSV) compared with our
2,000,000 people, plain and keyed-hash, on SQLite or PostgreSQL.

    python bench/matching.py                        # 10M x 2M on SQLite
    python bench/matching.py --database postgresql  # its own throwaway cluster
    python bench/matching.py --rows 100000 --people 20000   # a small run, seconds

The data is made once (not measured) and kept in `--var` (default var/bench/matching-R-P):
the registry CSV (id, name, category, since, until, county; UTF-8), the same registry with
each ID number replaced by its HMAC under an exchange key, and our people in the database
(households and people written through the driver's bulk path, their ID numbers sealed
with the database's key). About 3/4 of our people are in the registry (most consistent;
some with another category or date, some with another name); the rest are ours alone,
and 1 in 100 of those is the registry's person with the same name and birth date and an ID
number one digit apart.

What is timed, each of 3 runs in a process of its own (its peak memory its own), is what
a comparison run does: `snapshot_load` of the file, our people read from the database
through the driver (people with their household's category), opened (`Sealer.open_many`
in forked processes) and written by `ours_write`, and `compare`; `plain` on the ID numbers
and `hashed` on the keyed hashes (our side hashed with the exchange key). The floor, in
the same run: DuckDB reading the same snapshot file and a file of our 2,000,000 plain ID
numbers and joining them on the ID. The last line is one JSON object: `seconds` (plain,
median of 3), `hashed_seconds`, `floor_seconds`, `times_floor`, `peak_mb`, and the split.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from claims import Cluster, Writer, setup_environment  # noqa: E402  (the benches' shared parts)

RUNS = 3
EXCHANGE_KEY = b"bench exchange key 2026-11"
ROOT = Path(__file__).resolve().parent.parent
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾覃韦蒙陆")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤梅琴云莲真")
CATEGORIES = {"lifted": "脱贫户", "monitored": "监测户", "ordinary": "一般户"}


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def counties() -> list[str]:
    from skillaid.regions.models import Region

    return list(
        Region.objects.filter(code__startswith="45", level="county")
        .order_by("code")
        .values_list("code", flat=True)[:60]
    )


def check_sql(body: str) -> str:
    from skillaid.matching.engine import _CHECK, _WEIGHTS

    total = " + ".join(f"(ascii({body}[{i + 1}]) - 48) * {w}" for i, w in enumerate(_WEIGHTS))
    return f"'{_CHECK}'[({total}) % 11 + 1]"


def pick(values: list[str], seed: str) -> str:
    return f"{values!r}[(hash({seed}) % {len(values)})::BIGINT + 1]"


# --- the data (not measured) -----------------------------------------------------------------


def make_data(var: Path, rows: int, people: int, *, setup: bool = True) -> dict:
    """The registry files and our people, unless a previous run left them in `var`."""
    import duckdb
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from skillaid.matching.engine import hmac_sql
    from skillaid.people.models import Household, Person, sealer

    if setup:
        call_command("setup", verbosity=0)
    done = var / "made.json"
    if done.exists() and Person.objects.exists():
        return json.loads(done.read_text())
    started = time.perf_counter()
    codes = counties()
    overlap = people * 3 // 4
    if overlap * 6 + 2 >= rows:
        raise SystemExit("--rows must be more than 8 times --people")
    if rows + people > 13_000_000:
        raise SystemExit("at most 13,000,000 rows and people together (birth dates before 2026)")
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'")
    con.execute(f"SET temp_directory = '{var / 'spill'}'")
    # i -> a birth day (i // 500), an even order number and a county: every number unique,
    # and none with an odd order, which the near ones of ours have.
    person = """county, birth, name,
        county || strftime(birth, '%Y%m%d') || lpad(((i % 500) * 2)::VARCHAR, 3, '0') AS body"""
    con.execute(
        f"""CREATE TABLE r AS SELECT i, {person} FROM (
            SELECT i, {pick(codes, "i")} AS county,
                DATE '1950-01-01' + (i // 500)::INT AS birth,
                {pick(SURNAMES, "i * 7")} || {pick(GIVEN, "i * 13")} || {pick(GIVEN, "i * 17")}
                    AS name
            FROM range({rows}) t(i))"""
    )
    con.execute(
        f"ALTER TABLE r ADD COLUMN id VARCHAR; UPDATE r SET id = body || {check_sql('body')}"
    )
    con.execute(
        """CREATE TABLE reg AS SELECT i, id, name,
            CASE WHEN hash(i * 3) % 10 < 7 THEN '脱贫户' ELSE '监测户' END AS category,
            DATE '2014-01-01' + (hash(i * 5) % 3000)::BIGINT::INT AS since,
            CASE WHEN hash(i * 11) % 10 = 0 THEN DATE '2024-12-31' END AS until,
            county, birth FROM r"""
    )
    plain, hashed = var / "registry.csv", var / "registry-hashed.csv"
    header = "id AS 身份证号, name AS 姓名, category AS 户类型, since AS 识别日期, until AS 退出日期, county AS 县区"
    con.execute(f"COPY (SELECT {header} FROM reg ORDER BY i) TO '{plain}' (HEADER)")
    # (the registry's columns as the file names them)
    con.execute(
        f"""COPY (SELECT {hmac_sql("id", EXCHANGE_KEY)} AS 身份证号密文, name AS 姓名,
            category AS 户类型, since AS 识别日期, until AS 退出日期, county AS 县区
            FROM reg ORDER BY i) TO '{hashed}' (HEADER)"""
    )
    print(f"registry: {rows} rows ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    # Our people: k < overlap is registry row 6k+1 (1 in 50 another name, 1 in 20 another
    # category, 1 in 40 another date); the rest are ours alone, 1 in 100 the registry's row
    # 6(k-overlap)+2 with the ID number's 17th digit made odd (in no registry row).
    con.execute(
        f"""CREATE TABLE ours AS
        SELECT k, CASE WHEN k % 50 = 0 THEN g.name || '华' ELSE g.name END AS name, g.id,
            g.birth, g.county,
            CASE WHEN k % 20 = 1 THEN (CASE WHEN g.category = '脱贫户' THEN 'monitored' ELSE 'lifted' END)
                 WHEN g.category = '脱贫户' THEN 'lifted' ELSE 'monitored' END AS category,
            CASE WHEN k % 40 = 3 THEN g.since + 30 ELSE g.since END AS since
        FROM range({overlap}) t(k) JOIN reg g ON g.i = 6 * k + 1
        UNION ALL
        SELECT k, g.name, g.body[1:16] || ((g.body[17]::INT + 1) % 10)::VARCHAR AS id, g.birth,
            g.county, 'lifted', NULL
        FROM range({overlap}, {people}) t(k) JOIN r g ON g.i = 6 * (k - {overlap}) + 2
        WHERE k % 100 = 0
        UNION ALL
        SELECT k, name, body AS id, birth, county, 'lifted', NULL FROM (
            SELECT k, {person} FROM (
                SELECT k, k + {rows} AS i, {pick(codes, "k")} AS county,
                    DATE '1950-01-01' + ((k + {rows}) // 500)::INT AS birth,
                    {pick(SURNAMES, "k * 7")} || {pick(GIVEN, "k * 19")} AS name
                FROM range({overlap}, {people}) t(k) WHERE k % 100 <> 0))"""
    )
    con.execute(f"UPDATE ours SET id = id || {check_sql('id')} WHERE length(id) = 17")
    ids = var / "ours-ids.csv"
    con.execute(f"COPY (SELECT id FROM ours ORDER BY k) TO '{ids}' (HEADER)")
    box = sealer()
    now = timezone.now()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    cursor = con.execute("SELECT k, name, id, birth, county, category, since FROM ours ORDER BY k")
    written = 0
    while batch := cursor.fetchmany(100_000):
        sealed = box.seal_many([b[2] for b in batch])
        Writer(Household).write(
            ["id", "county_id", "number", "category", "category_since"],
            [(k + 1, county, f"C{k:09d}", cat, since) for k, _, _, _, county, cat, since in batch],
        )
        Writer(Person).write(
            [
                "id",
                "name",
                "name_initials",
                "id_sealed",
                "id_index",
                "id_masked",
                "sex",
                "birth_date",
                "county_id",
                "household_id",
                "created_at",
                "updated_at",
            ],
            [
                (
                    k + 1,
                    name,
                    "",
                    token,
                    f"{k:032x}",
                    id_[:6] + "********" + id_[14:],
                    "1",
                    birth,
                    county,
                    k + 1,
                    now,
                    now,
                )
                for (k, name, id_, birth, county, _, _), token in zip(batch, sealed, strict=True)
            ],
        )
        written += len(batch)
    con.close()
    shutil.rmtree(var / "spill", ignore_errors=True)
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(no_style(), [Household, Person]):
                c.execute(sql)
        c.execute("ANALYZE")
    made = {"rows": rows, "people": written, "made_seconds": round(time.perf_counter() - started)}
    done.write_text(json.dumps(made))
    print(f"people: {written} ({made['made_seconds']} s)", file=sys.stderr)
    return made


# --- what is measured ------------------------------------------------------------------------


def our_batches(size: int = 50_000):  # noqa: ANN201
    """Our people as the app reads them: each person with the household's category, through
    the driver, in batches."""
    from django.db import connection

    from skillaid.people.models import Household, Person

    when = " ".join(f"WHEN '{code}' THEN '{label}'" for code, label in CATEGORIES.items())
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    cursor.execute(
        f"""SELECT p.id, p.id_sealed, p.name, p.birth_date, p.county_id,
               CASE h.category {when} END, h.category_since
        FROM {Person._meta.db_table} p JOIN {Household._meta.db_table} h ON h.id = p.household_id
        ORDER BY p.id"""
    )
    while batch := cursor.fetchmany(size):
        yield batch
    cursor.close()


def measure(var: Path, hashed: bool) -> dict:
    """One comparison run, timed stage by stage."""
    from skillaid.matching import engine
    from skillaid.people.models import sealer

    run = engine.run_dir(var / "runs")
    box = sealer()
    times = {}
    try:
        started = time.perf_counter()
        src = var / ("registry-hashed.csv" if hashed else "registry.csv")
        loaded = engine.snapshot_load(src, run / "snapshot.parquet", kind="assisted", hashed=hashed)
        times["load"] = time.perf_counter() - started
        mark = time.perf_counter()
        ours = engine.ours_write(
            run / "ours.parquet",
            our_batches(),
            open_many=box.open_many,
            workers=os.cpu_count() or 1,
        )
        times["ours"] = time.perf_counter() - mark
        mark = time.perf_counter()
        comparison = engine.compare(
            run / "snapshot.parquet",
            run / "ours.parquet",
            run / "results",
            kind="assisted",
            hashed=hashed,
            exchange_key=EXCHANGE_KEY if hashed else None,
        )
        times["compare"] = time.perf_counter() - mark
        seconds = time.perf_counter() - started
    finally:
        engine.cleanup(run)
    return {
        "seconds": round(seconds, 2),
        **{k: round(v, 2) for k, v in times.items()},
        "peak_mb": peak_mb(),
        "rows_loaded": loaded.rows_loaded,
        "rejected": loaded.rejected_count,
        "people": ours,
        "counts": comparison.counts,
    }


def floor(var: Path) -> float:
    """DuckDB reading the snapshot file and our plain IDs and joining them on the ID."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET memory_limit = '1GB'")
    con.execute(
        f"""SELECT count(*) FROM read_csv('{var / "registry.csv"}', all_varchar = true) r
        JOIN read_csv('{var / "ours-ids.csv"}', all_varchar = true) o ON o.id = r.身份证号"""
    ).fetchall()
    con.close()
    return time.perf_counter() - started


def child(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", help="a scratch database to use (the bench adds to it)")
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of the registry")
    parser.add_argument("--people", type=int, default=2_000_000, help="our people")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--var", type=Path, help="where the data is kept (default var/bench/…)")
    parser.add_argument("--measure", choices=["plain", "hashed", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    var = (args.var or ROOT / "var" / "bench" / f"matching-{args.rows}-{args.people}").resolve()

    if args.measure:
        setup_environment(None, None)
        import django

        django.setup()
        if args.measure == "floor":
            print(json.dumps({"seconds": round(floor(var), 2), "peak_mb": peak_mb()}))
        else:
            print(json.dumps(measure(var, args.measure == "hashed")))
        return

    cluster = None
    url = args.database_url
    if args.database == "postgresql" and not url:
        cluster = Cluster()
        url = cluster.start()
        var = var.with_name(var.name + "-pg")
        print(f"PostgreSQL 15 started in {cluster.dir}", file=sys.stderr)
    try:
        var.mkdir(parents=True, exist_ok=True)
        setup_environment(url, var)
        import django

        django.setup()
        from django.db import connection

        made = make_data(var, args.rows, args.people)
        connection.close()
        runs: dict[str, list[dict]] = {"floor": [], "plain": [], "hashed": []}
        for n in range(args.runs):
            for what in runs:
                run = child("--measure", what, "--var", str(var))
                print(f"{what} {n + 1}: {json.dumps(run, ensure_ascii=False)}", file=sys.stderr)
                runs[what].append(run)

        def median(what: str, key: str = "seconds") -> float:
            return round(statistics.median(r[key] for r in runs[what]), 2)

        seconds, hashed, floor_seconds = median("plain"), median("hashed"), median("floor")
        figures = {
            "database": connection.vendor,
            "seconds": seconds,
            "hashed_seconds": hashed,
            "floor_seconds": floor_seconds,
            "times_floor": round(seconds / floor_seconds, 1) if floor_seconds else None,
            "hashed_times_floor": round(hashed / floor_seconds, 1) if floor_seconds else None,
            "peak_mb": max(r["peak_mb"] for what in ("plain", "hashed") for r in runs[what]),
            "floor_peak_mb": max(r["peak_mb"] for r in runs["floor"]),
            "plain": {k: median("plain", k) for k in ("load", "ours", "compare")},
            "hashed": {k: median("hashed", k) for k in ("load", "ours", "compare")},
            "runs": {what: [r["seconds"] for r in rs] for what, rs in runs.items()},
            "rows": args.rows,
            "people": made["people"],
            "counts": runs["plain"][-1]["counts"],
            "hashed_counts": runs["hashed"][-1]["counts"],
        }
        print(
            f"{connection.vendor}: {args.rows:,} registry rows x {made['people']:,} people: "
            f"plain {seconds} s, keyed hash {hashed} s; floor {floor_seconds} s "
            f"(x{figures['times_floor']}, x{figures['hashed_times_floor']}); "
            f"peak {figures['peak_mb']} MB",
            file=sys.stderr,
        )
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
