"""Benchmark: a page of suggested postings for a seeker, and a county's list of who is short
of the three-referral rule, with 100,000 seekers and 50,000 open postings, on SQLite or
PostgreSQL.

    python bench/referrals.py                                  # SQLite, a scratch file
    python bench/referrals.py --database postgresql            # its own throwaway cluster
    DATABASE_URL=postgres://…/scratch python bench/referrals.py   # a scratch PG database

The data is written through the driver's bulk path (bench/claims.py's Writer: executemany
on SQLite, COPY on PostgreSQL): 300 occupations with a skewed share of the postings (a few
trades, 电工, 家政, 建筑, hold many), 2,000 employers and agencies, 50,000 open postings over
Guangxi's counties, Guangdong and elsewhere, plus 25,000 expired and 2,500 closed ones;
100,000 people in households (most of them assisted), each a seeker with wanted
occupations (most), places and a wage, a status (most without work); certificates for a
third of them and completed training classes for 40 %; and the referrals already made
(0 to 4 each; the seekers' count follows them). Half the seekers live in one county
(马山县), whose clerk's list is timed.

What is timed is the real code path: `suggest.suggestions(seeker, on=today, limit=20)` for
200 sampled seekers (the seeker read as the page reads it, then its page), p50 and p95 in
ms; and `referrals.short_of_referrals(clerk, on=today)` as the page reads it (its count and
its first page of 50), in seconds, and the whole list read to the end
(`short_list_all_seconds`, what the export reads). Each of the 3 runs is a process of its
own; the figures are their medians. Floors: the same 20 postings of each page read by
primary key in one plain SELECT (`floor_suggest_ms_p50`), and the list's rows by one plain
SELECT through the driver (`floor_short_list_seconds`). `suggest_cpu_ms_*` are the same
pages in this process's CPU time (the wall-clock figures grow when other work shares the
two cores). The last line is one JSON object.

`--var DIR` keeps the SQLite file in DIR so that a second run reuses its data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims import Cluster, Writer, next_id, setup_environment  # noqa: E402

RUNS = 3
SAMPLE = 200
PAGE = 50
MARK = "测算岗位"  # the bench's postings are titled so
BIG_COUNTY = "450124"  # 马山县: half of the seekers


def load(seekers: int, postings: int, seed: int) -> dict:
    """Write the bench's data unless it is there; returns what was written."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from skillaid.catalogue.models import Occupation
    from skillaid.employment.models import Employer, Posting, Referral, Seeker
    from skillaid.evaluation.models import Certificate
    from skillaid.institutions.models import Institution
    from skillaid.people.models import Household, Person
    from skillaid.regions.models import Region
    from skillaid.training.models import Enrolment, TrainingClass

    call_command("setup", verbosity=0)
    if Posting.objects.filter(title__startswith=MARK).exists():
        return {"loaded": False}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-524288")
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    gx = list(
        Region.objects.filter(code__startswith="45", level="county", is_current=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    gd = list(
        Region.objects.filter(code__startswith="44", level="county", is_current=True)
        .order_by("code")
        .values_list("code", flat=True)[:60]
    )
    elsewhere = list(
        Region.objects.filter(level="county", is_current=True)
        .exclude(code__startswith="45")
        .exclude(code__startswith="44")
        .order_by("code")
        .values_list("code", flat=True)[:200]
    )
    others = [c for c in gx if c != BIG_COUNTY]

    # Occupations: a few trades hold most postings (weights fall off as 1/rank).
    occ0 = next_id(Occupation)
    n_occ = 300
    Writer(Occupation).write(
        ["id", "code", "name"],
        [
            (occ0 + i, f"9-{i // 100:02d}-{i % 100:02d}-01", f"测算工种{i:03d}")
            for i in range(n_occ)
        ],
    )
    occupations = list(range(occ0, occ0 + n_occ))
    weights = [1 / (rank + 1) for rank in range(n_occ)]

    def pick_occupation() -> int:
        return rng.choices(occupations, weights)[0]

    # Employers and agencies.
    emp0 = next_id(Employer)
    employers = []
    for i in range(2000):
        region = rng.choice(gx if i % 3 else gd + gx)
        kind = "agency" if i % 10 == 0 else "employer"
        employers.append((emp0 + i, kind, f"测算单位{i:04d}", f"BENCH{emp0 + i:013d}", region, now))
    Writer(Employer).write(["id", "kind", "name", "uscc", "region_id", "created_at"], employers)
    agencies = [e[0] for e in employers if e[1] == "agency"]

    # Postings: open, expired and closed.
    post0 = next_id(Posting)
    rows = []
    n_expired, n_closed = postings // 2, postings // 20
    for i in range(postings + n_expired + n_closed):
        draw = rng.random()
        region = (
            rng.choice(gx)
            if draw < 0.7
            else rng.choice(gd)
            if draw < 0.9
            else rng.choice(elsewhere)
        )
        if i < postings:  # open today
            start = today - dt.timedelta(days=rng.randrange(0, 90))
            until = today + dt.timedelta(days=rng.randrange(0, 120))
            closed = None
        elif i < postings + n_expired:
            until = today - dt.timedelta(days=rng.randrange(1, 365))
            start = until - dt.timedelta(days=rng.randrange(10, 120))
            closed = None
        else:
            start = today - dt.timedelta(days=rng.randrange(10, 90))
            until = today + dt.timedelta(days=rng.randrange(0, 90))
            closed = today - dt.timedelta(days=rng.randrange(0, 9))
        low = rng.randrange(2000, 8000, 100)
        employer = employers[rng.randrange(len(employers))][0]
        rows.append(
            (
                post0 + i,
                employer,
                rng.choice(agencies) if rng.random() < 0.2 else None,
                f"{MARK}{i}",
                pick_occupation(),
                region,
                Decimal(low),
                Decimal(low + rng.randrange(0, 3000, 100)),
                rng.randrange(1, 30),
                start,
                until,
                closed,
                now,
            )
        )
    Writer(Posting).write(
        [
            "id",
            "employer_id",
            "agency_id",
            "title",
            "occupation_id",
            "region_id",
            "wage_min",
            "wage_max",
            "places",
            "valid_from",
            "valid_until",
            "closed_on",
            "created_at",
        ],
        rows,
    )
    open_ids = [r[0] for r in rows[:postings]]
    print(f"postings: {postings} open, {n_expired} expired, {n_closed} closed", file=sys.stderr)

    # People in households, each a seeker.
    person0, household0, seeker0 = next_id(Person), next_id(Household), next_id(Seeker)
    households, people, seeker_rows, wants = [], [], [], []
    categories = ["lifted"] * 6 + ["monitored"] * 2 + ["ordinary"] * 2
    statuses = ["unemployed"] * 5 + ["unknown"] * 2 + ["local", "province", "outside"]
    place_sets = ["local", "local|province", "local|province|guangdong", "guangdong", "", "outside"]
    for i in range(seekers):
        county = BIG_COUNTY if i % 2 == 0 else rng.choice(others)
        hid, pid = household0 + i, person0 + i
        category = rng.choice(categories)
        households.append((hid, county, f"R{hid:09d}", category))
        birth = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
        people.append(
            (
                pid,
                f"测算{pid}",
                "cs",
                f"sealed-{pid}",
                f"r{pid:031x}",
                f"{county}********{pid % 10000:04d}",
                rng.choice("12"),
                birth,
                county,
                hid,
                now,
                now,
            )
        )
        assisted = category != "ordinary"
        graduated = today - dt.timedelta(days=rng.randrange(0, 200)) if rng.random() < 0.1 else None
        seeker_rows.append(
            [
                seeker0 + i,
                pid,
                county,
                today - dt.timedelta(days=rng.randrange(0, 400)),
                "clerk",
                rng.choice(place_sets),
                Decimal(rng.randrange(2000, 7000, 500)) if rng.random() < 0.7 else None,
                assisted,
                assisted and graduated is not None,
                rng.choice(statuses),
                None,  # trained_on, below
                graduated,
                0,
                now,
                now,
            ]
        )
        if rng.random() < 0.85:
            for occ in {pick_occupation() for _ in range(rng.randrange(1, 4))}:
                wants.append((seeker0 + i, occ))
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

    # Certificates for a third, completed training for 40 %.
    cert0 = next_id(Certificate)
    certificates = []
    for i in range(seekers):
        if rng.random() < 1 / 3:
            occ = pick_occupation()
            pid = person0 + i
            certificates.append(
                (
                    cert0 + len(certificates),
                    f"BENCH{cert0 + len(certificates):010d}",
                    "skill_level",
                    pid,
                    f"测算{pid}",
                    occ,
                    f"测算工种{occ - occ0:03d}",
                    rng.choice("543"),
                    "测算鉴定中心",
                    today - dt.timedelta(days=rng.randrange(30, 900)),
                    "imported",
                    now,
                )
            )
    Writer(Certificate).write(
        [
            "id",
            "number",
            "kind",
            "person_id",
            "holder_name",
            "occupation_id",
            "occupation_name",
            "level",
            "issuer",
            "issued_on",
            "source",
            "created_at",
        ],
        certificates,
    )
    school, _ = Institution.objects.get_or_create(
        name="测算职业技能培训学校", defaults={"kind": "private_provider", "region_id": "450100"}
    )
    class0, enrol0 = next_id(TrainingClass), next_id(Enrolment)
    trainees = [i for i in range(seekers) if rng.random() < 0.4]
    classes, enrolments = [], []
    size = 20
    for k in range(0, len(trainees), size):
        cid = class0 + k // size
        end = today - dt.timedelta(days=rng.randrange(5, 300))
        members = trainees[k : k + size]
        classes.append(
            (
                cid,
                school.pk,
                f"测算班{cid}",
                pick_occupation(),
                "5",
                "employment",
                seeker_rows[members[0]][2],
                end - dt.timedelta(days=10),
                end,
                size,
                "closed",
                now,
            )
        )
        for i in members:
            enrolments.append((enrol0 + len(enrolments), cid, person0 + i, "completed", True, now))
            seeker_rows[i][10] = end
    Writer(TrainingClass).write(
        [
            "id",
            "institution_id",
            "name",
            "occupation_id",
            "level",
            "training_kind",
            "county_id",
            "start_on",
            "end_on",
            "planned_size",
            "status",
            "created_at",
        ],
        classes,
    )
    Writer(Enrolment).write(
        ["id", "training_class_id", "person_id", "completion", "passed", "added_at"], enrolments
    )

    # Referrals already made: 0 to 4 a seeker, to open postings; the count follows them.
    referral0 = next_id(Referral)
    referrals = []
    employer_of = {r[0]: r[1] for r in rows[:postings]}
    for row in seeker_rows:
        for posting in set(rng.sample(open_ids, rng.choice([0, 0, 1, 2, 3, 4]))):
            referrals.append(
                (
                    referral0 + len(referrals),
                    row[0],
                    posting,
                    row[2],
                    employer_of[posting],
                    today - dt.timedelta(days=rng.randrange(0, 60)),
                    "pending",
                    now,
                )
            )
            row[12] += 1
    Writer(Seeker).write(
        [
            "id",
            "person_id",
            "county_id",
            "registered_on",
            "source",
            "places",
            "wage_min",
            "assisted",
            "priority",
            "status",
            "trained_on",
            "graduated_on",
            "referrals",
            "created_at",
            "updated_at",
        ],
        seeker_rows,
    )
    Writer(Seeker.occupations.through).write(["seeker_id", "occupation_id"], wants)
    Writer(Referral).write(
        [
            "id",
            "seeker_id",
            "posting_id",
            "county_id",
            "employer_id",
            "referred_on",
            "outcome",
            "created_at",
        ],
        referrals,
    )
    print(
        f"seekers: {seekers}, wanted occupations: {len(wants)}, certificates: "
        f"{len(certificates)}, trainees: {len(enrolments)}, referrals: {len(referrals)}",
        file=sys.stderr,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(
                no_style(),
                [
                    Occupation,
                    Employer,
                    Posting,
                    Household,
                    Person,
                    Seeker,
                    Certificate,
                    TrainingClass,
                    Enrolment,
                    Referral,
                ],
            ):
                cursor.execute(sql)
        cursor.execute("ANALYZE")
    return {"loaded": True, "load_seconds": round(time.perf_counter() - started, 1)}


# --- what is measured ------------------------------------------------------------------------


def clerk():  # noqa: ANN201
    from skillaid.accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench-referrals-clerk",
        defaults={"role": "county_clerk", "region_id": BIG_COUNTY, "full_name": "测算经办"},
    )
    return user


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(seed: int) -> dict:
    """One run (a process of its own): the suggestions' pages and the short list."""
    from django.db import connection
    from django.utils import timezone

    from skillaid.employment.models import Posting, Seeker
    from skillaid.employment.referrals import seeker_for, short_of_referrals
    from skillaid.employment.suggest import suggestions

    today = timezone.localdate()
    user = clerk()
    ids = list(
        Seeker.objects.filter(county_id=BIG_COUNTY).order_by("id").values_list("id", flat=True)
    )
    sample = random.Random(seed).sample(ids, min(SAMPLE, len(ids)))
    for pk in sample[:5]:  # warm-up
        suggestions(seeker_for(user, pk), on=today)
    times, cpu, floors, found = [], [], [], 0
    table = Posting._meta.db_table
    raw = connection.connection
    for pk in sample:
        started, started_cpu = time.perf_counter(), time.process_time()
        page = suggestions(seeker_for(user, pk), on=today)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        found += len(page)
        wanted = [s.posting.pk for s in page] or [0]
        started = time.perf_counter()
        cursor = raw.cursor()
        marks = ", ".join(["%s" if connection.vendor == "postgresql" else "?"] * len(wanted))
        cursor.execute(f"SELECT * FROM {table} WHERE id IN ({marks})", wanted)
        cursor.fetchall()
        cursor.close()
        floors.append((time.perf_counter() - started) * 1000)

    short_list = short_of_referrals(user, on=today)
    started = time.perf_counter()
    rows = short_of_referrals(user, on=today)
    count = rows.count()
    first = list(rows[:PAGE])
    short_seconds = time.perf_counter() - started
    started = time.perf_counter()
    every = sum(1 for _ in short_list.iterator(chunk_size=2000))
    all_seconds = time.perf_counter() - started
    started = time.perf_counter()
    cursor = raw.cursor()
    mark = "%s" if connection.vendor == "postgresql" else "?"
    cursor.execute(
        f"SELECT * FROM {Seeker._meta.db_table} WHERE county_id = {mark} AND status IN "
        f"('unknown', 'unemployed') AND referrals < 3 AND assisted "
        "AND (trained_on IS NOT NULL OR graduated_on IS NOT NULL)",
        [BIG_COUNTY],
    )
    cursor.fetchall()
    cursor.close()
    floor_short = time.perf_counter() - started
    return {
        "suggest_ms_p50": round(statistics.median(times), 2),
        "suggest_ms_p95": round(percentile(times, 0.95), 2),
        "suggest_ms_max": round(max(times), 2),
        # This process's own CPU time: what a page costs when the machine is shared.
        "suggest_cpu_ms_p50": round(statistics.median(cpu), 2),
        "suggest_cpu_ms_p95": round(percentile(cpu, 0.95), 2),
        "floor_suggest_ms_p50": round(statistics.median(floors), 3),
        "suggestions_per_page": round(found / len(sample), 1),
        "short_list_seconds": round(short_seconds, 4),
        "short_list_all_seconds": round(all_seconds, 3),
        "floor_short_list_seconds": round(floor_short, 4),
        "short_count": count,
        "short_first_page": len(first),
        "short_read": every,
    }


def child(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", help="a scratch database to use (the bench adds to it)")
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--var", type=Path, help="keep the scratch SQLite database here")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        setup_environment(None, None)
        import django

        django.setup()
        print(json.dumps(measure(args.seed)))
        return

    cluster = None
    url = args.database_url or os.environ.get("DATABASE_URL")
    if args.database == "postgresql" and not url:
        cluster = Cluster()
        url = cluster.start()
        print(f"PostgreSQL 15 started in {cluster.dir}", file=sys.stderr)
    try:
        setup_environment(url, args.var)
        import django

        django.setup()
        from django.db import connection

        loaded = load(args.seekers, args.postings, args.seed)
        print(f"data: {loaded}", file=sys.stderr)
        connection.close()
        runs = []
        for n in range(RUNS):
            run = child("--measure", "--seed", str(args.seed))
            print(f"run {n + 1}: {run}", file=sys.stderr)
            runs.append(run)
        figures = {
            key: statistics.median(r[key] for r in runs)
            for key in runs[0]
            if isinstance(runs[0][key], float)
        }
        last = runs[-1]
        result = {
            "database": connection.vendor,
            "suggest_ms_p50": figures["suggest_ms_p50"],
            "suggest_ms_p95": figures["suggest_ms_p95"],
            "short_list_seconds": figures["short_list_seconds"],
            **{k: v for k, v in figures.items() if k not in ("suggest_ms_p50", "suggest_ms_p95")},
            "short_count": last["short_count"],
            "seekers": args.seekers,
            "open_postings": args.postings,
            "sampled_seekers": SAMPLE,
            # How busy the machine was (other work on its two cores stretches wall time).
            "load_average": [round(x, 1) for x in os.getloadavg()],
            **loaded,
        }
        print(
            f"{connection.vendor}: suggestions p50 {result['suggest_ms_p50']} ms, p95 "
            f"{result['suggest_ms_p95']} ms (floor {result['floor_suggest_ms_p50']} ms); short "
            f"list {result['short_list_seconds']} s for {result['short_count']} seekers "
            f"(whole list {result['short_list_all_seconds']} s, floor "
            f"{result['floor_short_list_seconds']} s)",
            file=sys.stderr,
        )
        print(json.dumps(result, ensure_ascii=False))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
