"""Benchmark: sign-ins through the attendance API from concurrent clients, against the real server.

    python bench/attendance.py --people 10000 --clients 16

Builds a scratch database (a fresh SQLite file unless DATABASE_URL is given; use
a scratch PostgreSQL database, the run adds people and classes), starts the
application under granian on loopback (2 workers; 2 threads each on PostgreSQL),
and has `--clients` concurrent clients
post one sign-in per trainee to POST /api/attendance, as attendance terminals
do, plus a share of repeats that must come back as 409 "twice". Then it counts
the records in the database: every 201 must be one record, and no record may
be doubled. Prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(people: int, classes: int) -> tuple[str, list[tuple[int, str]]]:
    """People on the rosters of running classes; returns a terminal token and (session, ID) pairs."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from skillaid.accounts.models import ApiToken, User
    from skillaid.catalogue.models import Occupation
    from skillaid.institutions.models import Institution
    from skillaid.lib import idnumber
    from skillaid.people.models import Person
    from skillaid.training.models import ClassSession, ClassStatus, Enrolment, TrainingClass

    call_command("setup", verbosity=0)
    run = secrets.token_hex(3)
    school = Institution.objects.create(
        name=f"压测培训学校{run}", kind="public_provider", region_id="450100", status="listed"
    )
    officer = User.objects.create(
        username=f"terminal-{run}", role="school_officer", region_id="450100", institution=school
    )
    _, token = ApiToken.issue(user=officer, name="bench terminal")
    occupation, _ = Occupation.objects.get_or_create(code="4-10-01-01", name="家政服务员")
    now = timezone.now()
    sessions = []
    for i in range(classes):
        c = TrainingClass.objects.create(
            institution=school,
            name=f"压测班{run}-{i}",
            occupation=occupation,
            level="5",
            training_kind="employment",
            county_id="450124",
            start_on=timezone.localdate(),
            end_on=timezone.localdate(),
            status=ClassStatus.APPROVED,
        )
        sessions.append(
            ClassSession.objects.create(
                training_class=c,
                starts_at=now - dt.timedelta(minutes=5),
                ends_at=now + dt.timedelta(hours=3),
                place="实训楼",
                teacher="韦老师",
            )
        )
    started = time.perf_counter()
    base = random.Random(run).randrange(1, 900) * 1000
    numbers = []
    rows = []
    for i in range(people):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=(base + i) % 12000)
        number = idnumber.make_number("450124", birth, (base + i) % 999 + 1)
        p = Person(name="压测学员", county_id="450124", name_initials="YCXY")
        p.set_id_number(number)
        rows.append(p)
        numbers.append(number)
    # Repeated (birth, order) pairs give the same number; keep one of each.
    unique = {}
    for p, number in zip(rows, numbers, strict=True):
        unique.setdefault(number, p)
    existing = set(
        Person.objects.filter(id_index__in=[p.id_index for p in unique.values()]).values_list(
            "id_index", flat=True
        )
    )
    fresh = [p for p in unique.values() if p.id_index not in existing]
    Person.objects.bulk_create(fresh, batch_size=500)
    by_index = dict(
        Person.objects.filter(id_index__in=[p.id_index for p in unique.values()]).values_list(
            "id_index", "pk"
        )
    )
    pairs = []
    enrolments = []
    for n, (number, p) in enumerate(unique.items()):
        session = sessions[n % classes]
        enrolments.append(
            Enrolment(training_class_id=session.training_class_id, person_id=by_index[p.id_index])
        )
        pairs.append((session.pk, number))
    Enrolment.objects.bulk_create(enrolments, batch_size=500, ignore_conflicts=True)
    print(
        f"prepared {len(pairs)} trainees in {classes} classes in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return token, [(s, n) for s, n in pairs]


def client(port: int, token: str, work: list[dict], out: dict, lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies, codes = [], {}
    for body in work:
        started = time.perf_counter()
        for attempt in range(3):
            try:
                conn.request("POST", "/api/attendance", json.dumps(body), headers)
                response = conn.getresponse()
                payload = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if attempt == 2:
                    raise
        latencies.append(time.perf_counter() - started)
        key = str(response.status)
        if response.status == 409:
            key += ":" + json.loads(payload)["reason"]
        codes[key] = codes.get(key, 0) + 1
    with lock:
        out["latencies"].extend(latencies)
        for k, v in codes.items():
            out["codes"][k] = out["codes"].get(k, 0) + v


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        help="blocking threads per worker (default: 2 on PostgreSQL, whose round trips a "
        "second thread overlaps; 1 on SQLite, which takes one writer at a time)",
    )
    parser.add_argument("--repeats", type=float, default=0.02, help="share sent twice")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="skillaid-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    os.environ.setdefault("SKILLAID_VAR", str(scratch))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillaid.settings")
    os.environ["DEBUG"] = "false"
    # Plain http on loopback, as the terminals' TLS would end at a proxy in front.
    os.environ.setdefault("SKILLAID_HTTPS", "0")
    token, pairs = prepare(args.people, args.classes)
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    from skillaid.ops.management.commands.serve import default_threads, server_command

    if args.threads is None:
        args.threads = default_threads(vendor)
    port = free_port()

    server = subprocess.Popen(
        server_command("127.0.0.1", port, args.workers, args.threads, log_level="warning"),
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        rng = random.Random(11)
        bodies = [{"session": s, "id_number": n, "device": "gate-1"} for s, n in pairs]
        repeats = rng.sample(bodies, int(len(bodies) * args.repeats))
        work = bodies + repeats
        rng.shuffle(work)
        # A repeat must come after its first send to be a repeat: put all repeats last.
        work = bodies[:]
        rng.shuffle(work)
        work += repeats
        shares = [work[i :: args.clients] for i in range(args.clients)]
        out: dict = {"latencies": [], "codes": {}}
        lock = threading.Lock()
        threads = [
            threading.Thread(target=client, args=(port, token, share, out, lock))
            for share in shares
        ]
        started = time.perf_counter()
        client_cpu = time.process_time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
    finally:
        server.terminate()
        server.wait(timeout=20)

    import django  # noqa: F401  (already set up by prepare)
    from django.db.models import Count

    from skillaid.training.models import Attendance

    created = out["codes"].get("201", 0)
    mine = Attendance.objects.filter(session_id__in={s for s, _ in pairs})
    stored = mine.count()
    doubled = (
        mine.values("session_id", "person_id", "direction")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    latencies = sorted(out["latencies"])
    figures = {
        "database": vendor,
        "requests": len(work),
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(work) / seconds),
        "sign_ins_per_second": round(created / seconds),
        "client_cpu_share": round(client_cpu / seconds / (os.cpu_count() or 1), 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "codes": out["codes"],
        "stored": stored,
        "lost": created - stored if created > stored else 0,
        "extra": stored - created if stored > created else 0,
        "doubled": doubled,
    }
    print(json.dumps(figures, ensure_ascii=False))
    if (
        figures["lost"]
        or figures["extra"]
        or doubled
        or out["codes"].get("409:twice", 0) != len(repeats)
    ):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
