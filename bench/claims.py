"""Benchmark: the claim lines of 100,000 trainees of closed classes, computed and checked
against the limits over a history of 1,000,000 past payments, on SQLite or PostgreSQL.

    python bench/claims.py --database sqlite
    python bench/claims.py --database postgresql            # its own throwaway cluster
    python bench/claims.py --database-url postgres://…/scratch

The data is written through the database driver's bulk path (executemany on SQLite,
COPY on PostgreSQL), not the ORM row by row: institutions, occupations with their
demand-catalogue lines, people in households (脱贫户, 监测户, 一般户), 5,000 closed classes
of 20 (employment classes at the catalogue's standard with the living allowance,
workshop classes of a non-standard occupation on the project rule, upgrading classes),
their sessions and sign-ins in and out (some trainees below the 80 % threshold), and
1,000,000 past claim lines (in 50,000 claims) of the same people, occupations and levels,
spread over the years since 2020 (mostly paid, some due, batched or reversed), and the
registry comparisons' facts about the trainees' declared bases (most verified, some
contradicted, the rest unverified: their lines are held).

What is timed is the real code path: `skillaid.subsidies.claims.compute_for_classes` over
every class — the history of all their people read once (`limits.History`), each
trainee's lines decided by `line_for` with the limits of `limits.check` (once per
occupation and level, three a year, higher level blocks lower, attendance threshold,
per-year caps) — as `class_claim` computes one class; nothing is written. Each of the 3
runs is a process of its own (so that its peak memory, from getrusage, is its own);
the figure is their median. The floor is one SELECT of the past payments (the history's
columns, every row of the claim-line table) read to the end through the driver, median of
3. Prints progress, then one JSON object as the last line: `seconds`, `floor_seconds`,
`times_floor`, `peak_mb`, `database`, and the counts of what was computed.

`--var DIR` keeps the SQLite file in DIR so that a second run reuses its data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

RUNS = 3
PREFIX = "测算班"  # the bench's classes are named so
PGBIN = Path("/usr/lib/postgresql/15/bin")


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def setup_environment(url: str | None, var: Path | None) -> None:
    if "SKILLAID_VAR" in os.environ and var is None:  # a measuring child: the parent's
        scratch = Path(os.environ["SKILLAID_VAR"])
    else:
        scratch = var or Path(tempfile.mkdtemp(prefix="skillaid-bench-claims-"))
        os.environ["SKILLAID_VAR"] = str(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    if url:
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillaid.settings")
    os.environ["DEBUG"] = "false"


# --- a throwaway PostgreSQL cluster ---------------------------------------------------------


class Cluster:
    """PostgreSQL 15 in a temporary directory on a free port, as .ci/run starts one (run as
    the `postgres` user when this runs as root, which initdb refuses)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="skillaid-bench-pg-"))
        self.data = self.dir / "data"
        self.port = 20000 + secrets.randbelow(20000)
        self.as_postgres = os.geteuid() == 0

    def run(self, *command: str) -> None:
        if self.as_postgres:
            command = ("su", "postgres", "-s", "/bin/sh", "-c", " ".join(command))
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> str:
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self.run(
            str(PGBIN / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(PGBIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "-o",
            f"'{options}'" if self.as_postgres else options,
            "start",
        )
        self.run(str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "bench")
        return f"postgres://postgres@127.0.0.1:{self.port}/bench"

    def stop(self) -> None:
        try:
            self.run(str(PGBIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# --- writing rows through the driver -------------------------------------------------------


class Writer:
    """Rows of one model's table, written in batches by the driver: executemany on
    SQLite, COPY on PostgreSQL. Columns not given take their field's default."""

    def __init__(self, model) -> None:  # noqa: ANN001
        from django.db import connection

        self.connection = connection
        self.model = model
        self.table = model._meta.db_table

    def write(self, columns: list[str], rows) -> int:  # noqa: ANN001
        import json as _json

        from django.db import models

        ops = self.connection.ops
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        prep = []
        for name in columns:
            f = fields[name]
            if isinstance(f, models.DateTimeField):
                prep.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                prep.append(ops.adapt_datefield_value)
            elif isinstance(f, models.JSONField):
                prep.append(lambda v: None if v is None else _json.dumps(v, ensure_ascii=False))
            else:
                prep.append(None)
        extra_names, extra_values = [], []
        for f in self.model._meta.concrete_fields:
            if f.attname in columns or f.primary_key:
                continue
            value = f.get_default()
            if isinstance(f, models.JSONField):
                value = _json.dumps(value)
            elif value is not None:
                value = f.get_db_prep_save(value, self.connection)
            extra_names.append(f.column)
            extra_values.append(value)
        names = [fields[c].column for c in columns] + extra_names
        extra = tuple(extra_values)

        def prepared():  # noqa: ANN202
            for row in rows:
                yield (
                    tuple(
                        v if p is None or v is None else p(v)
                        for p, v in zip(prep, row, strict=True)
                    )
                    + extra
                )

        count = 0
        raw = self.connection.connection
        if self.connection.vendor == "postgresql":
            with raw.cursor() as cursor:
                sql = f"COPY {self.table} ({', '.join(names)}) FROM STDIN"
                with cursor.copy(sql) as copy:
                    for row in prepared():
                        copy.write_row(row)
                        count += 1
        else:
            sql = (
                f"INSERT INTO {self.table} ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)})"
            )
            cursor = raw.cursor()
            batch = []
            for row in prepared():
                batch.append(row)
                if len(batch) == 20000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
        raw.commit()
        return count


def next_id(model) -> int:  # noqa: ANN001
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- the data --------------------------------------------------------------------------------


def load(trainees: int, past: int, class_size: int, sessions: int, seed: int) -> dict:
    """Write the bench's data unless it is there; returns what was written."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from skillaid.catalogue.models import DemandEntry, Occupation
    from skillaid.institutions.models import Institution
    from skillaid.people.models import Household, Person, PersonFact
    from skillaid.regions.models import Region
    from skillaid.subsidies.models import Claim, ClaimLine, PolicyRule
    from skillaid.training.models import (
        Attendance,
        ClassSession,
        ClassStatus,
        Enrolment,
        TrainingClass,
    )

    call_command("setup", verbosity=0)
    if TrainingClass.objects.filter(name__startswith=PREFIX).exists():
        return {"loaded": False}
    if connection.vendor == "sqlite":
        # A scratch file: no waiting for the disk, and a page cache that holds the indexes
        # of a million lines (random inserts into them are what loading spends its time on).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-524288")
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    counties = list(
        Region.objects.filter(code__startswith="45", level="county")
        .order_by("code")
        .values_list("code", flat=True)[:60]
    ) or list(Region.objects.filter(code__startswith="45").values_list("code", flat=True)[:60])

    # Institutions, occupations and their catalogue lines: few, through the ORM.
    institutions = [
        Institution.objects.get_or_create(
            name=f"测算培训学校{i:03d}",
            defaults={"kind": "private_provider", "region_id": counties[i % len(counties)]},
        )[0].pk
        for i in range(100)
    ]
    # Assistance workshops' training centres (enterprises): the project rule pays them.
    workshops = [
        Institution.objects.get_or_create(
            name=f"测算就业帮扶车间{i:02d}",
            defaults={"kind": "enterprise_provider", "region_id": counties[i % len(counties)]},
        )[0].pk
        for i in range(20)
    ]
    standard = [
        Occupation.objects.get_or_create(name=f"测算职业{i:02d}", code=f"9-99-{i:02d}-00")[0]
        for i in range(40)
    ]
    workshop = [
        Occupation.objects.get_or_create(name=f"测算车间工种{i:02d}", code="")[0] for i in range(10)
    ]
    entries = {}
    for occupation in standard:
        for kind in ("employment", "upgrading"):
            for level in ("5", "4", "3"):
                entry, _ = DemandEntry.objects.get_or_create(
                    occupation=occupation,
                    training_kind=kind,
                    level=level,
                    region_id="450000",
                    defaults={
                        "standard_hours": 80,
                        "subsidy": Decimal(rng.choice(["800", "1000", "1200", "1500", "1800"])),
                        "valid_from": dt.date(2019, 1, 1),
                    },
                )
                entries[(occupation.pk, kind, level)] = entry.pk
    print(f"catalogue: {len(standard)} occupations, {len(entries)} lines", file=sys.stderr)

    # People in households.
    person0, household0 = next_id(Person), next_id(Household)
    categories = ["lifted"] * 5 + ["monitored"] * 2 + ["ordinary"] * 3
    households = []
    people = []
    for i in range(trainees):
        county = counties[i % len(counties)]
        hid, pid = household0 + i, person0 + i
        category = rng.choice(categories)
        households.append((hid, county, f"B{hid:09d}", category))
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
        people.append(
            (
                pid,
                f"测算{pid}",
                "cs",
                f"sealed-{pid}",
                f"{pid:032x}",
                f"{county}********{pid % 10000:04d}",
                rng.choice("12"),
                birth,
                county,
                hid,
                now,
                now,
            )
        )
    Writer(Household).write(["id", "county_id", "number", "category"], households)
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
        people,
    )
    print(f"people: {trainees}", file=sys.stderr)

    # Closed classes, their sessions, enrolments and sign-ins.
    class0, session0, enrol0 = next_id(TrainingClass), next_id(ClassSession), next_id(Enrolment)
    attendance0 = next_id(Attendance)
    classes, class_sessions, enrolments = [], [], []
    attendance: list[tuple] = []
    n_classes = trainees // class_size
    person_occupation: dict[int, tuple[int, str]] = {}
    for k in range(n_classes):
        cid = class0 + k
        county = counties[k % len(counties)]
        roll = rng.random()
        runner = institutions[k % len(institutions)]
        if roll < 0.7:
            kind, occupation, level = "employment", rng.choice(standard), rng.choice("543")
        elif roll < 0.9:
            kind, occupation, level = "employment", rng.choice(workshop), "specialised"
            runner = workshops[k % len(workshops)]
        else:
            kind, occupation, level = "upgrading", rng.choice(standard), rng.choice("543")
        end = today - dt.timedelta(days=rng.randrange(2, 90))
        start = end - dt.timedelta(days=sessions - 1)
        closed = dt.datetime.combine(end, dt.time(12, 0), tzinfo=dt.UTC)
        classes.append(
            (
                cid,
                runner,
                f"{PREFIX}{cid}",
                occupation.pk,
                level,
                kind,
                entries.get((occupation.pk, kind, level)),
                county,
                start,
                end,
                class_size,
                ClassStatus.CLOSED,
                closed,
            )
        )
        ids = []
        for d in range(sessions):
            sid = session0 + k * sessions + d
            day = start + dt.timedelta(days=d)
            begins = dt.datetime.combine(day, dt.time(1, 0), tzinfo=dt.UTC)  # 09:00 in Nanning
            class_sessions.append(
                (sid, cid, begins, begins + dt.timedelta(hours=8), "教室", "教师")
            )
            ids.append((sid, begins))
        for j in range(class_size):
            eid = enrol0 + k * class_size + j
            pid = person0 + k * class_size + j
            person_occupation[pid] = (occupation.pk, level)
            completed = rng.random() < 0.95
            enrolments.append(
                (
                    eid,
                    cid,
                    pid,
                    rng.choice(["assisted", "migrant", "unemployed", ""]),
                    "completed" if completed else "not_completed",
                    rng.random() < 0.95,
                )
            )
            attended = sessions if rng.random() < 0.85 else rng.randrange(0, sessions)
            for sid, begins in ids[:attended]:
                for direction, at in (("in", begins), ("out", begins + dt.timedelta(hours=8))):
                    attendance.append(
                        (attendance0 + len(attendance), sid, eid, pid, direction, "code", at)
                    )
    Writer(TrainingClass).write(
        [
            "id",
            "institution_id",
            "name",
            "occupation_id",
            "level",
            "training_kind",
            "entry_id",
            "county_id",
            "start_on",
            "end_on",
            "planned_size",
            "status",
            "closed_at",
        ],
        classes,
    )
    Writer(ClassSession).write(
        ["id", "training_class_id", "starts_at", "ends_at", "place", "teacher"], class_sessions
    )
    Writer(Enrolment).write(
        ["id", "training_class_id", "person_id", "basis", "completion", "passed"], enrolments
    )
    # Facts from the registry comparisons: most declared bases verified, a few
    # contradicted, the rest unverified (their lines held); some assisted categories
    # confirmed by the assisted-household registry.
    facts = []
    facts_rng = random.Random(len(enrolments))  # its own: the rest of the data stays the same
    for _, _, pid, basis, _, _ in enrolments:
        draw = facts_rng.random()
        if basis and draw < 0.9:
            verdict = "verified" if draw < 0.8 else "contradicted"
            facts.append((pid, basis, verdict, dt.date(2024, 11, 1), "registry", "比对名单", now))
        elif not basis and draw < 0.5:
            facts.append(
                (pid, "assisted", "verified", dt.date(2024, 11, 1), "registry", "防返贫平台", now)
            )
    Writer(PersonFact).write(
        ["person_id", "kind", "verdict", "as_of", "source_kind", "source", "recorded_at"], facts
    )
    Writer(Attendance).write(
        ["id", "session_id", "enrolment_id", "person_id", "direction", "method", "at"],
        attendance,
    )
    print(
        f"classes: {n_classes}, sessions: {len(class_sessions)}, "
        f"enrolments: {len(enrolments)}, sign-ins: {len(attendance)}",
        file=sys.stderr,
    )

    # The history: past claims and their lines, of the same people.
    versions = {}
    for rule in PolicyRule.objects.prefetch_related("versions"):
        versions[rule.kind] = versions.get(rule.kind) or rule.current_version.pk
    claim0, line0 = next_id(Claim), next_id(ClaimLine)
    per_claim = 20
    n_claims = past // per_claim
    claims = []
    for k in range(n_claims):
        claimed = dt.date(2020, 1, 1) + dt.timedelta(
            days=rng.randrange(0, (today - dt.date(2020, 1, 1)).days - 100)
        )
        claims.append(
            (
                claim0 + k,
                "class",
                counties[k % len(counties)],
                institutions[k % len(institutions)],
                claimed,
                "approved",
            )
        )
    Writer(Claim).write(
        ["id", "kind", "county_id", "institution_id", "claimed_on", "status"], claims
    )
    statuses = (
        ["paid"] * 85
        + ["due"] * 5
        + ["batched"] * 3
        + ["failed"] * 2
        + ["reversed"] * 3
        + ["refused"] * 2
    )
    kinds = ["training"] * 5 + ["living"] * 3 + ["project"] * 1 + ["upgrading"] * 1
    amounts = {
        "training": "1200.00",
        "living": "250.00",
        "project": "1000.00",
        "upgrading": "1500.00",
    }

    def lines():  # noqa: ANN202
        for n in range(past):
            claim = claims[n // per_claim] if n // per_claim < len(claims) else claims[-1]
            pid = person0 + rng.randrange(trainees)
            kind = rng.choice(kinds)
            if rng.random() < 0.1:
                occupation, level = person_occupation[pid]  # the same they train in now
            else:
                occupation, level = rng.choice(standard).pk, rng.choice("543")
            yield (
                line0 + n,
                claim[0],
                kind,
                pid,
                f"测算{pid}",
                claim[2],
                versions.get(kind),
                "trainee",
                occupation,
                level,
                Decimal("1"),
                Decimal(amounts[kind]),
                rng.choice(statuses),
                claim[4],
                now,
            )

    written = Writer(ClaimLine).write(
        [
            "id",
            "claim_id",
            "kind",
            "person_id",
            "person_name",
            "county_id",
            "rule_id",
            "payee",
            "occupation_id",
            "level",
            "units",
            "amount",
            "status",
            "claimed_on",
            "computed_at",
        ],
        lines(),
    )
    print(f"past claims: {n_claims}, past lines: {written}", file=sys.stderr)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(
                no_style(),
                [
                    Household,
                    Person,
                    TrainingClass,
                    ClassSession,
                    Enrolment,
                    Attendance,
                    Claim,
                    ClaimLine,
                ],
            ):
                cursor.execute(sql)
        cursor.execute("ANALYZE")
    return {"loaded": True, "load_seconds": round(time.perf_counter() - started, 1)}


# --- what is measured ------------------------------------------------------------------------


def compute() -> dict:
    """One run of the real path over every bench class (a process of its own)."""
    from skillaid.subsidies.claims import compute_for_classes
    from skillaid.subsidies.models import LIVE
    from skillaid.training.models import TrainingClass

    ids = list(TrainingClass.objects.filter(name__startswith=PREFIX).values_list("id", flat=True))
    counts = {"classes": 0, "lines": 0, "due": 0, "held": 0, "refused": 0, "by_limit": 0}
    total = Decimal("0.00")
    started = time.perf_counter()
    for _, lines in compute_for_classes(ids):
        counts["classes"] += 1
        for line in lines:
            counts["lines"] += 1
            if line.status in LIVE:
                counts["held" if line.status == "held" else "due"] += 1
                total += line.amount
            else:
                counts["refused"] += 1
                counts["by_limit"] += line.limit_id is not None
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "peak_mb": peak_mb(), "amount": str(total), **counts}


def floor() -> float:
    """One SELECT of the past payments, every row read to the end through the driver."""
    from django.db import connection

    from skillaid.subsidies.models import ClaimLine

    table = ClaimLine._meta.db_table
    columns = (
        "id, person_id, kind, occupation_id, level, certificate_id, enrolment_id, "
        "claimed_on, rule_id, amount, claim_id"
    )
    connection.ensure_connection()
    started = time.perf_counter()
    cursor = connection.connection.cursor()
    cursor.execute(f"SELECT {columns} FROM {table}")
    rows = 0
    while batch := cursor.fetchmany(10000):
        rows += len(batch)
    cursor.close()
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
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--past", type=int, default=1_000_000)
    parser.add_argument("--class-size", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--var", type=Path, help="keep the scratch SQLite database here")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        setup_environment(None, None)
        import django

        django.setup()
        result = compute()
        result["floor_seconds"] = floor()
        print(json.dumps(result))
        return

    cluster = None
    url = args.database_url
    if args.database == "postgresql" and not url:
        cluster = Cluster()
        url = cluster.start()
        print(f"PostgreSQL 15 started in {cluster.dir}", file=sys.stderr)
    try:
        setup_environment(url, args.var)
        import django

        django.setup()
        from django.db import connection

        loaded = load(args.trainees, args.past, args.class_size, args.sessions, args.seed)
        print(f"data: {loaded}", file=sys.stderr)
        connection.close()
        runs = []
        for n in range(RUNS):
            run = child("--measure")
            print(f"run {n + 1}: {run}", file=sys.stderr)
            runs.append(run)
        seconds = statistics.median(r["seconds"] for r in runs)
        floor_seconds = round(statistics.median(r["floor_seconds"] for r in runs), 3)
        last = runs[-1]
        figures = {
            "database": connection.vendor,
            "seconds": seconds,
            "floor_seconds": floor_seconds,
            "times_floor": round(seconds / floor_seconds, 1) if floor_seconds else None,
            "peak_mb": max(r["peak_mb"] for r in runs),
            "runs": [r["seconds"] for r in runs],
            "trainees": args.trainees,
            "past_lines": args.past,
            **{
                k: last[k]
                for k in ("classes", "lines", "due", "held", "refused", "by_limit", "amount")
            },
            **loaded,
        }
        print(
            f"{connection.vendor}: {seconds} s for {last['lines']} lines of {args.trainees} "
            f"trainees against {args.past} past lines; floor {floor_seconds} s "
            f"(×{figures['times_floor']}); peak {figures['peak_mb']} MB",
            file=sys.stderr,
        )
        print(json.dumps(figures))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
