"""Benchmark: the officials' desks, a drill-down and a province report pack over a
province-sized database (2,000,000 people), on SQLite or PostgreSQL.

    python bench/dashboard.py --database postgres                  # DATABASE_URL, or its own cluster
    DATABASE_URL=postgres://…/scratch python bench/dashboard.py --database postgres
    python bench/dashboard.py --database sqlite --people 200000
    python bench/dashboard.py --database postgres --scales 200000,2000000

The data is written through the driver's bulk path (bench/claims.py's Writer: COPY on
PostgreSQL, executemany in one transaction on SQLite), never the ORM row by row. For N
people (default 2,000,000) it writes, over Guangxi's counties (the divisions `skillaid
setup` loads), weighted so that some counties are large and some small:
households (about 40 % of people of 脱贫户 or 监测户), N people (registered since 2021,
with their wishes), 600 training institutions across the counties with occupations of
the catalogue, N/10 classes of 15 (held in the county of their trainees, since 2021,
mostly closed, most subsidised), 4 sessions each, 1.5 N roster entries (each person on
one or two), 10 N sign-ins and sign-outs (3 or 4 sessions a trainee), certificates for
about a third of those who passed, and N/2 paid payments, each of a claim line of a
class's claim (one per claim-ready class), in a county's payment batch of a budget. Sealed
ID numbers and bank accounts are one fixed string of the right shape: nothing decrypts
them here. During the fill the secondary indexes of the big tables are dropped and built
again afterwards, and on PostgreSQL the foreign-key triggers are off for the filling
session (`session_replication_role = replica`; the data is consistent by construction);
then VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite), as autovacuum would after an import.

`--scales 200000,2000000` fills the smaller size, measures, grows the data to the larger
size and measures again: the desk's time must not grow with the number of people.

What is timed, through the real pages with Django's test client (the real middleware,
views and templates), one warm-up then the median of 3, round by round over the cases:
- the province desk: GET / (URL name `home`) as a province reviewer;
- a county desk: GET / as the clerk of the largest county;
- a drill-down: the first page of `figure_people` (the records behind the trainings of
  that county in the current year), if the page exists; `drill_down_records_ms` is
  `indicator_records(...)` of the same figure, its count and first 50 rows, without
  the page;
- a province report pack: `reports.packs.pack_build("progress", region_code="450000",
  year, period, actor)` (3 runs, no warm-up), if that module is there.
Beside them: the figures' refresh (`reports.tally.tally_refresh()` over every indicator:
how far behind the records a desk may be), and floors, the plainest SQL reading the same
numbers: the trainings of the year by county counted from the roster itself
(`floor_roster_count_ms`), the people by county (`floor_people_count_ms`, what the
former ledger home counts) and the bare sum of the Tally rows of the trainings of the
year by county (`floor_tally_sum_ms`). `*_cpu_ms` is this process's CPU time for the same
request (on SQLite that includes the database's work; on PostgreSQL the server's is not).
The machine's load average is printed with the figures. Prints progress on stderr, then
one JSON object as the last line: `province_desk_ms`, `county_desk_ms`, `drill_down_ms`,
`report_pack_seconds`, `people`, `database` (of the largest scale) and the rest.

`--var DIR` keeps the SQLite file in DIR so that a second run reuses (and grows) its data.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims import Cluster, Writer, next_id, setup_environment  # noqa: E402

RUNS = 3
MARK = "测算培训机构"  # the bench's institutions are named so
INSTITUTIONS = 600
CLASS_SIZE = 15
SESSIONS = 4
BLOCK = 250_000  # people written per round, so that memory stays bounded
SEALED = base64.b64encode(bytes(46)).decode()  # the shape of a sealed value: nonce + text + tag
FIRST_DAY = dt.date(2021, 1, 1)

# Occupations of the catalogue (national occupation codes), as classes in Guangxi train them.
OCCUPATIONS = [
    ("4-10-01-01", "育婴员"),
    ("4-10-01-02", "保育师"),
    ("4-10-01-05", "养老护理员"),
    ("4-07-05-03", "家政服务员"),
    ("4-03-02-01", "中式烹调师"),
    ("4-03-02-02", "中式面点师"),
    ("4-04-05-05", "电子商务师"),
    ("6-29-01-03", "焊工"),
    ("6-31-01-03", "电工"),
    ("6-29-01-01", "砌筑工"),
    ("6-29-01-04", "钢筋工"),
    ("5-01-01-01", "农作物种植工"),
    ("5-03-01-01", "家畜饲养员"),
    ("4-12-01-01", "汽车维修工"),
    ("4-10-03-01", "美容师"),
    ("4-10-03-02", "美发师"),
    ("4-07-02-03", "保安员"),
    ("6-30-05-05", "叉车司机"),
    ("4-14-02-01", "茶艺师"),
    ("4-01-02-01", "营销员"),
    ("5-05-01-01", "农业经理人"),
    ("4-13-01-02", "网络与信息安全管理员"),
    ("4-10-04-01", "保健按摩师"),
    ("6-05-02-01", "服装制版师"),
]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- writing -----------------------------------------------------------------------------------


def write(model, columns: list[str], rows) -> int:  # noqa: ANN001
    """Rows through the bulk path; on SQLite in one transaction (the Writer commits it)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        raw = connection.connection
        if not raw.in_transaction:
            raw.execute("BEGIN")
    return Writer(model).write(columns, rows)


def drop_indexes(models: list) -> list[str]:  # noqa: ANN001
    """Drop the secondary indexes (and unique constraints) of the tables; the statements
    that build them again. The primary keys stay."""
    from django.db import connection

    again: list[str] = []
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid), con.conname, "
                    "pg_get_constraintdef(con.oid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid "
                    "LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid "
                    "AND con.conrelid = x.indrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
                    [table],
                )
                for name, definition, constraint, condef in cursor.fetchall():
                    if constraint:
                        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
                        again.append(
                            f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {condef}'
                        )
                    else:
                        cursor.execute(f'DROP INDEX "{name}"')
                        again.append(definition)
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL",
                    [table],
                )
                for name, sql in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{name}"')
                    again.append(sql)
    return again


def build_indexes(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- the data ----------------------------------------------------------------------------------


class Fill:
    """The bench's data, grown block by block to a number of people."""

    def __init__(self, seed: int, step: int) -> None:
        from django.utils import timezone

        from skillaid.regions.models import Region

        self.rng = random.Random(seed * 1_000_003 + step)  # each growth step its own draw
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counties = list(
            Region.objects.filter(code__startswith="45", level="county", is_current=True)
            .order_by("code")
            .values_list("code", flat=True)
        )
        # Some counties are large, some small; the same weights at every scale.
        weights_rng = random.Random(seed)
        self.weights = [weights_rng.uniform(0.3, 3.0) for _ in self.counties]
        self.days = (self.today - FIRST_DAY).days

    def people(self) -> int:
        from skillaid.people.models import Person

        return Person.objects.count()

    def reference(self) -> None:
        """Institutions, occupations, catalogue lines and budgets: once."""
        from skillaid.catalogue.models import DemandEntry, Occupation
        from skillaid.institutions.models import Institution
        from skillaid.subsidies.payment_models import Budget

        self.occupations = []
        for code, name in OCCUPATIONS:
            occupation = Occupation.objects.filter(code=code, name=name).first()
            if occupation is None:
                occupation = Occupation.objects.create(code=code, name=name)
            self.occupations.append(occupation)
        self.entries: dict[tuple[int, str, str], tuple[int, Decimal]] = {}
        for occupation in self.occupations:
            for kind in ("employment", "upgrading"):
                for level in ("5", "4", "3"):
                    entry, _ = DemandEntry.objects.get_or_create(
                        occupation=occupation,
                        training_kind=kind,
                        level=level,
                        region_id="450000",
                        defaults={
                            "standard_hours": 120,
                            "subsidy": Decimal(
                                self.rng.choice(["800", "1000", "1200", "1500", "1800"])
                            ),
                            "valid_from": dt.date(2019, 1, 1),
                        },
                    )
                    self.entries[(occupation.pk, kind, level)] = (entry.pk, entry.subsidy)
        if not Institution.objects.filter(name__startswith=MARK).exists():
            kinds = ["private_provider"] * 5 + ["public_provider"] * 2 + ["technical_school"]
            inst0 = next_id(Institution)
            write(
                Institution,
                ["id", "name", "kind", "region_id", "status", "created_at"],
                [
                    (
                        inst0 + i,
                        f"{MARK}{i:04d}",
                        kinds[i % len(kinds)],
                        self.counties[i % len(self.counties)],
                        "listed",
                        self.now,
                    )
                    for i in range(INSTITUTIONS)
                ],
            )
        self.institutions: dict[str, list[int]] = {}
        self.institution_names: dict[int, str] = {}
        for pk, region, name in Institution.objects.filter(name__startswith=MARK).values_list(
            "pk", "region_id", "name"
        ):
            self.institution_names[pk] = name
            self.institutions.setdefault(region, []).append(pk)
            self.institutions.setdefault(region[:4], []).append(pk)
        self.budgets: dict[tuple[str, int], int] = {}
        existing = {
            (b.region_id, b.year): b.pk
            for b in Budget.objects.filter(fund="employment", kind="training")
        }
        missing = [
            Budget(
                region_id=c,
                year=y,
                fund="employment",
                kind="training",
                amount=Decimal("100000000.00"),
            )
            for c in self.counties
            for y in range(FIRST_DAY.year, self.today.year + 1)
            if (c, y) not in existing
        ]
        Budget.objects.bulk_create(missing)
        self.budgets = {
            (b.region_id, b.year): b.pk
            for b in Budget.objects.filter(fund="employment", kind="training")
        }

    def day(self, skew: bool = True) -> dt.date:
        """A day since 2021, more of them recent (the programme grows)."""
        share = self.rng.random() ** 0.7 if skew else self.rng.random()
        return FIRST_DAY + dt.timedelta(days=int(share * (self.days - 1)))

    def block(self, count: int) -> dict[str, int]:
        """`count` more people and everything that follows from them."""
        from skillaid.evaluation.models import Certificate
        from skillaid.people.models import Household, Person
        from skillaid.subsidies.models import Claim, ClaimLine
        from skillaid.subsidies.payment_models import Payment, PaymentBatch
        from skillaid.training.models import Attendance, ClassSession, Enrolment, TrainingClass

        rng, now, today = self.rng, self.now, self.today
        tz8 = dt.timezone(dt.timedelta(hours=8))

        # Households and their people.
        person0, household0 = next_id(Person), next_id(Household)
        households, people = [], []
        by_county: dict[str, list[tuple[int, bool, str]]] = {}
        made = 0
        while made < count:
            county = rng.choices(self.counties, self.weights)[0]
            hid = household0 + len(households)
            draw = rng.random()
            category = "lifted" if draw < 0.3 else "monitored" if draw < 0.4 else "ordinary"
            households.append((hid, county, f"B{hid:010d}", category, now))
            for _ in range(min(rng.randint(1, 5), count - made)):
                pid = person0 + made
                made += 1
                created = dt.datetime.combine(self.day(), dt.time(2, 0), tzinfo=dt.UTC)
                people.append(
                    (
                        pid,
                        f"测算{pid}",
                        "cs",
                        SEALED,
                        f"{pid:032x}",
                        f"{county}********{pid % 10000:04d}",
                        rng.choice("12"),
                        dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40)),
                        county,
                        hid,
                        rng.random() < 0.3,
                        rng.random() < 0.05,
                        rng.random() < 0.4,
                        created,
                        created,
                    )
                )
                by_county.setdefault(county, []).append((pid, category != "ordinary", county))
        write(Household, ["id", "county_id", "number", "category", "created_at"], households)
        write(
            Person,
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
                "wants_training",
                "wants_school",
                "wants_job",
                "created_at",
                "updated_at",
            ],
            people,
        )
        names = {p[0]: p[1] for p in people}
        masked = {p[0]: p[5] for p in people}
        del people, households

        # Classes in each county, of its people: 15 each, everyone on one or two.
        class0, session0, enrol0 = (
            next_id(TrainingClass),
            next_id(ClassSession),
            next_id(Enrolment),
        )
        classes, sessions, enrolments = [], [], []
        class_info: dict[int, tuple] = {}
        for county, members in by_county.items():
            rng.shuffle(members)
            n_classes = max(1, round(len(members) / 10))
            places = (
                self.institutions.get(county)
                or self.institutions.get(county[:4])
                or [pk for pks in self.institutions.values() for pk in pks]
            )
            for k in range(n_classes):
                cid = class0 + len(classes)
                occupation = rng.choice(self.occupations)
                draw = rng.random()
                kind = (
                    "employment"
                    if draw < 0.8
                    else "upgrading"
                    if draw < 0.95
                    else "entrepreneurship"
                )
                level = rng.choice("5554443")
                entry = self.entries.get((occupation.pk, kind, level))
                start = min(self.day(), today - dt.timedelta(days=SESSIONS + 1))
                end = start + dt.timedelta(days=14)
                closed = end < today
                subsidised = rng.random() < 0.95
                institution = rng.choice(places)
                classes.append(
                    (
                        cid,
                        institution,
                        f"{county}{occupation.name}培训班（测算{cid}）",
                        occupation.pk,
                        level,
                        kind,
                        subsidised,
                        entry[0] if entry else None,
                        county,
                        start,
                        end,
                        CLASS_SIZE,
                        "closed" if closed else "approved",
                        dt.datetime.combine(end, dt.time(4, 0), tzinfo=dt.UTC) if closed else None,
                        now,
                    )
                )
                ids = []
                for d in range(SESSIONS):
                    sid = session0 + len(sessions)
                    begins = dt.datetime.combine(start + dt.timedelta(days=d), dt.time(9), tz8)
                    sessions.append(
                        (sid, cid, begins, begins + dt.timedelta(hours=8), "教室", "教师")
                    )
                    ids.append((sid, begins))
                class_info[cid] = (
                    county,
                    institution,
                    occupation,
                    level,
                    kind,
                    end,
                    closed,
                    subsidised,
                    entry,
                    ids,
                )
                for j in range(min(CLASS_SIZE, len(members))):
                    pid, assisted, _ = members[(k * CLASS_SIZE + j) % len(members)]
                    completed = closed and rng.random() < 0.93
                    passed = completed and rng.random() < 0.9
                    enrolments.append(
                        (
                            enrol0 + len(enrolments),
                            cid,
                            pid,
                            "assisted" if assisted else rng.choice(["migrant", "unemployed", ""]),
                            "completed" if completed else "not_completed" if closed else "pending",
                            passed if closed else None,
                            completed if closed else None,
                            dt.datetime.combine(end, dt.time(8), tzinfo=dt.UTC) if closed else None,
                            dt.datetime.combine(start, dt.time(1), tzinfo=dt.UTC),
                        )
                    )
        write(
            TrainingClass,
            [
                "id",
                "institution_id",
                "name",
                "occupation_id",
                "level",
                "training_kind",
                "subsidised",
                "entry_id",
                "county_id",
                "start_on",
                "end_on",
                "planned_size",
                "status",
                "closed_at",
                "created_at",
            ],
            classes,
        )
        write(
            ClassSession,
            ["id", "training_class_id", "starts_at", "ends_at", "place", "teacher"],
            sessions,
        )
        write(
            Enrolment,
            [
                "id",
                "training_class_id",
                "person_id",
                "basis",
                "completion",
                "passed",
                "subsidy_eligible",
                "completed_at",
                "added_at",
            ],
            enrolments,
        )
        n_classes, n_sessions = len(classes), len(sessions)
        del classes, sessions

        # Sign-ins and sign-outs: 10 a person, 3 or 4 sessions a trainee (exactly, over all).
        attendance0 = next_id(Attendance)
        per = (10 * count / 2) / len(enrolments)

        def attendance():  # noqa: ANN202
            n = 0
            for j, (eid, cid, pid, *_rest) in enumerate(enrolments):
                attended = int((j + 1) * per) - int(j * per)
                for sid, begins in class_info[cid][9][:attended]:
                    yield (attendance0 + n, sid, eid, pid, "in", "code", begins)
                    yield (
                        attendance0 + n + 1,
                        sid,
                        eid,
                        pid,
                        "out",
                        "code",
                        begins + dt.timedelta(hours=8),
                    )
                    n += 2

        n_attendance = write(
            Attendance,
            ["id", "session_id", "enrolment_id", "person_id", "direction", "method", "at"],
            attendance(),
        )

        # Certificates for about a third of those who passed.
        cert0 = next_id(Certificate)
        certificates = []
        for eid, cid, pid, _, _, passed, *_ in enrolments:
            if not passed or rng.random() > 0.33:
                continue
            _, _, occupation, level, _, end, *_ = class_info[cid]
            issued = end + dt.timedelta(days=20)
            if issued > today:
                continue
            pk = cert0 + len(certificates)
            certificates.append(
                (
                    pk,
                    f"Y{pk:012d}",
                    "skill_level",
                    pid,
                    names[pid],
                    occupation.pk,
                    occupation.name,
                    level,
                    "广西壮族自治区职业技能鉴定指导中心",
                    issued,
                    eid,
                    "imported",
                    now,
                )
            )
        write(
            Certificate,
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
                "enrolment_id",
                "source",
                "created_at",
            ],
            certificates,
        )
        n_certificates = len(certificates)
        del certificates

        # Claims of the claim-ready classes, and N/2 paid lines among their completions.
        claim0, line0, batch0, pay0 = (
            next_id(Claim),
            next_id(ClaimLine),
            next_id(PaymentBatch),
            next_id(Payment),
        )
        ready = {
            cid
            for cid, info in class_info.items()
            if info[6] and info[7] and info[5] + dt.timedelta(days=45) <= today
        }
        claims = {}
        for cid in sorted(ready):
            county, institution, _, _, _, end, *_ = class_info[cid]
            claims[cid] = claim0 + len(claims)
        write(
            Claim,
            [
                "id",
                "kind",
                "county_id",
                "training_class_id",
                "institution_id",
                "claimed_on",
                "status",
                "created_at",
            ],
            [
                (
                    pk,
                    "class",
                    class_info[cid][0],
                    cid,
                    class_info[cid][1],
                    class_info[cid][5] + dt.timedelta(days=10),
                    "approved",
                    now,
                )
                for cid, pk in claims.items()
            ],
        )
        eligible = [e for e in enrolments if e[1] in ready and e[4] == "completed"]
        paid = sorted(rng.sample(eligible, min(count // 2, len(eligible))))
        del eligible
        lines, payments = [], []
        batches: dict[tuple[str, dt.date], list] = {}
        for eid, cid, pid, *_ in paid:
            county, institution, occupation, level, kind, end, *_, entry, _ = class_info[cid]
            amount = entry[1] if entry else Decimal("1000.00")
            claimed = end + dt.timedelta(days=10)
            settled = min(end + dt.timedelta(days=40), today - dt.timedelta(days=1))
            lid = line0 + len(lines)
            lines.append(
                (
                    lid,
                    claims[cid],
                    "training",
                    pid,
                    names[pid],
                    masked[pid],
                    county,
                    "institution",
                    self.institution_names[institution],
                    occupation.pk,
                    level,
                    eid,
                    Decimal("1"),
                    "catalogue",
                    amount,
                    amount,
                    "paid",
                    claimed,
                    now,
                )
            )
            key = (county, settled.replace(day=1))
            batch = batches.get(key)
            if batch is None:
                batch = batches[key] = [batch0 + len(batches), county, settled, Decimal(0), 0]
            batch[3] += amount
            batch[4] += 1
            payments.append(
                (
                    pay0 + len(payments),
                    lid,
                    batch[0],
                    batch[4],
                    amount,
                    self.institution_names[institution],
                    "中国农业银行",
                    SEALED,
                    "6228********1234",
                    "paid",
                    dt.datetime.combine(settled, dt.time(10), tz8),
                )
            )
        write(
            ClaimLine,
            [
                "id",
                "claim_id",
                "kind",
                "person_id",
                "person_name",
                "id_masked",
                "county_id",
                "payee",
                "payee_name",
                "occupation_id",
                "level",
                "enrolment_id",
                "units",
                "unit",
                "rate",
                "amount",
                "status",
                "claimed_on",
                "computed_at",
            ],
            lines,
        )
        write(
            PaymentBatch,
            [
                "id",
                "county_id",
                "budget_id",
                "state",
                "total",
                "line_count",
                "row_count",
                "created_at",
                "locked_at",
                "exported_at",
                "reconciled_at",
            ],
            [
                (
                    pk,
                    county,
                    self.budgets[(county, month.year)],
                    "reconciled",
                    total,
                    n,
                    n,
                    dt.datetime.combine(month, dt.time(2), tzinfo=dt.UTC),
                    dt.datetime.combine(month, dt.time(3), tzinfo=dt.UTC),
                    dt.datetime.combine(month, dt.time(4), tzinfo=dt.UTC),
                    dt.datetime.combine(settled, dt.time(4), tzinfo=dt.UTC),
                )
                for (county, month), (pk, _, settled, total, n) in batches.items()
            ],
        )
        write(
            Payment,
            [
                "id",
                "line_id",
                "batch_id",
                "row",
                "amount",
                "payee_name",
                "bank_name",
                "account_sealed",
                "account_masked",
                "status",
                "settled_at",
            ],
            payments,
        )
        return {
            "people": count,
            "classes": n_classes,
            "sessions": n_sessions,
            "roster": len(enrolments),
            "attendance": n_attendance,
            "certificates": n_certificates,
            "claims": len(claims),
            "payments": len(payments),
            "batches": len(batches),
        }


def grow(people: int, seed: int) -> dict:
    """Bring the bench's data up to `people` people; what was written and how long it took."""
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    from skillaid.evaluation.models import Certificate
    from skillaid.people.models import Household, Person
    from skillaid.subsidies.models import Claim, ClaimLine
    from skillaid.subsidies.payment_models import Payment, PaymentBatch
    from skillaid.training.models import Attendance, ClassSession, Enrolment, TrainingClass

    call_command("setup", verbosity=0)
    fill = Fill(seed, people)
    have = fill.people()
    if have >= people:
        return {"loaded": False, "people": have}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A scratch file: no waiting for the disk, and a page cache for the indexes.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1048576")
        else:
            # No foreign-key triggers row by row for the filling session: the rows are
            # consistent by construction (and the constraints stay declared).
            cursor.execute("SET session_replication_role = replica")
    fill.reference()
    big = [
        Person,
        Household,
        TrainingClass,
        ClassSession,
        Enrolment,
        Attendance,
        Certificate,
        Claim,
        ClaimLine,
        Payment,
    ]
    rebuild = drop_indexes(big)
    log(f"dropped {len(rebuild)} secondary indexes of the big tables for the fill")
    totals: dict[str, int] = {}
    try:
        while have < people:
            count = min(BLOCK, people - have)
            began = time.perf_counter()
            done = fill.block(count)
            for k, v in done.items():
                totals[k] = totals.get(k, 0) + v
            have += count
            log(f"  +{count} people → {have} ({time.perf_counter() - began:.0f} s): {done}")
    finally:
        began = time.perf_counter()
        build_indexes(rebuild)
        index_seconds = time.perf_counter() - began
        log(f"indexes built again in {index_seconds:.0f} s")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
            for sql in connection.ops.sequence_reset_sql(no_style(), [*big, PaymentBatch]):
                cursor.execute(sql)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        # What autovacuum does after a large import, before anyone reads it.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    analyze_seconds = time.perf_counter() - began
    return {
        "loaded": True,
        "written": totals,
        "fill_seconds": round(time.perf_counter() - started, 1),
        "index_seconds": round(index_seconds, 1),
        "analyze_seconds": round(analyze_seconds, 1),
    }


def counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "people": "people_person",
        "classes": "training_trainingclass",
        "roster": "training_enrolment",
        "attendance": "training_attendance",
        "certificates": "evaluation_certificate",
        "payments": "subsidies_payment",
    }
    out = {}
    with connection.cursor() as cursor:
        for key, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[key] = cursor.fetchone()[0]
    return out


# --- what is measured --------------------------------------------------------------------------


def timed(calls: dict, runs: int = RUNS, warm: bool = True) -> dict[str, dict[str, float]]:
    """Each call's median wall and CPU time in ms, round by round over the calls (so that a
    change in the machine's load falls on every case alike)."""
    if warm:
        for call in calls.values():
            call()
    wall: dict[str, list[float]] = {k: [] for k in calls}
    cpu: dict[str, list[float]] = {k: [] for k in calls}
    for _ in range(runs):
        for label, call in calls.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            wall[label].append(time.perf_counter() - started)
            cpu[label].append(time.process_time() - started_cpu)
    return {
        k: {
            "ms": round(statistics.median(wall[k]) * 1000, 2),
            "cpu_ms": round(statistics.median(cpu[k]) * 1000, 2),
            "runs_ms": [round(w * 1000, 1) for w in wall[k]],
        }
        for k in calls
    }


def plain(sql: str, params: list | None = None):  # noqa: ANN201
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            cursor.fetchall()

    return run


def measure() -> dict:
    from django.db import connection
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone
    from ledger_pages import logged_in

    from skillaid.accounts.models import Role
    from skillaid.reports import tally
    from skillaid.reports.models import TallyState
    from skillaid.training.models import TrainingClass

    year = timezone.localdate().year
    out: dict[str, object] = {}

    # The figures' refresh: every month of every indicator rebuilt from the records (what
    # the worker does every SKILLAID_TALLY_FULL_MINUTES; once, it is long), then this month
    # and last only (every SKILLAID_TALLY_MINUTES: how far behind the records a desk is).
    started = time.perf_counter()
    rows = tally.tally_refresh()
    out["refresh_seconds"] = round(time.perf_counter() - started, 2)
    out["refresh_by_indicator"] = {
        s.indicator: s.seconds for s in TallyState.objects.filter(indicator__in=list(rows))
    }
    out["tally_rows"] = sum(rows.values())
    log(f"figures refreshed in {out['refresh_seconds']} s ({out['refresh_by_indicator']})")
    since = tally.recent_since(timezone.localdate())
    recent = []
    for _ in range(RUNS):
        started = time.perf_counter()
        tally.tally_refresh(since=since)
        recent.append(time.perf_counter() - started)
    out["recent_refresh_seconds"] = round(statistics.median(recent), 2)
    out["recent_refresh_runs"] = [round(s, 2) for s in recent]
    log(f"recent months ({since:%Y-%m} on) refreshed in {out['recent_refresh_seconds']} s")

    # Who looks: a province reviewer, and the clerk of the county with most classes.
    province, province_client = logged_in("bench-dash-province", Role.PROVINCE_REVIEWER, "450000")
    county = (
        TrainingClass.objects.values_list("county_id", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    clerk, clerk_client = logged_in(f"bench-dash-{county}", Role.COUNTY_CLERK, county)
    out["county"] = county

    def page(client, url: str):  # noqa: ANN001, ANN202
        def get() -> None:
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)

        return get

    calls = {
        "province_desk": page(province_client, reverse("home")),
        "county_desk": page(clerk_client, reverse("home")),
    }
    try:
        drill = (
            reverse("figure_people")
            + "?"
            + urlencode({"indicator": "trainings", "region": county, "period": str(year)})
        )
        calls["drill_down"] = page(province_client, drill)
    except NoReverseMatch:
        log("drill-down page (figure_people): not available in this build")

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def records() -> None:
        rows = tally.indicator_records(
            tally.indicator("trainings"), region=county, start=start, end=end
        )
        rows.count()
        list(rows.select_related("person").order_by("pk")[:50])

    calls["drill_down_records"] = records
    classes, enrolment = "training_trainingclass", "training_enrolment"
    calls["floor_roster_count"] = plain(
        f"SELECT c.county_id, count(*) FROM {enrolment} e JOIN {classes} c "
        "ON c.id = e.training_class_id WHERE c.subsidised AND e.completion = 'completed' "
        "AND c.end_on BETWEEN %s AND %s GROUP BY c.county_id",
        [start, end],
    )
    calls["floor_people_count"] = plain(
        "SELECT county_id, count(*) FROM people_person GROUP BY county_id"
    )
    month = (lambda d: d) if connection.vendor == "postgresql" else (lambda d: d.isoformat())
    calls["floor_tally_sum"] = plain(
        "SELECT county_id, sum(value) FROM reports_tally WHERE indicator = 'trainings' "
        "AND month BETWEEN %s AND %s GROUP BY county_id",
        [month(start), month(end)],
    )
    for label, figures in timed(calls).items():
        out[f"{label}_ms"] = figures["ms"]
        out[f"{label}_cpu_ms"] = figures["cpu_ms"]
        log(f"{label}: {figures}")

    # The report pack (3 runs, no warm-up: each is a job of its own).
    try:
        packs = importlib.import_module("skillaid.reports.packs")
    except ImportError:
        packs = None
    if packs is None or not hasattr(packs, "pack_build"):
        log("report pack (reports.packs.pack_build): not available in this build")
        out["report_pack_seconds"] = None
    else:
        seconds = []
        for _ in range(RUNS):
            started = time.perf_counter()
            made = packs.pack_build(
                "progress", region_code="450000", year=year, period="year", actor=province
            )
            seconds.append(time.perf_counter() - started)
        out["report_pack_seconds"] = round(statistics.median(seconds), 2)
        out["report_pack_runs"] = [round(s, 2) for s in seconds]
        out["report_pack_sha256"] = made.get("sha256") if isinstance(made, dict) else None
        log(f"report pack: {out['report_pack_runs']} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["sqlite", "postgres", "postgresql"], default="sqlite"
    )
    parser.add_argument("--database-url", help="a scratch database to use (the bench adds to it)")
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument(
        "--scales", help="sizes to measure in turn, growing the data: e.g. 200000,2000000"
    )
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--var", type=Path, help="keep the scratch SQLite database here")
    args = parser.parse_args()
    scales = sorted(int(s) for s in args.scales.split(",")) if args.scales else [args.people]

    cluster = None
    url = None
    if args.database != "sqlite":
        url = args.database_url or os.environ.get("DATABASE_URL")
        if not url:
            cluster = Cluster()
            url = cluster.start()
            log(f"PostgreSQL 15 started in {cluster.dir}")
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        setup_environment(url, args.var)
        os.environ["ALLOWED_HOSTS"] = "testserver"
        os.environ.setdefault("SKILLAID_HTTPS", "0")
        import django

        django.setup()
        from django.db import connection

        results = []
        for people in scales:
            loaded = grow(people, args.seed)
            log(f"data at {people}: {loaded}")
            connection.close()
            figures = {
                "people": people,
                **counts(),
                **measure(),
                "load_average": [round(x, 1) for x in os.getloadavg()],
                **{k: v for k, v in loaded.items() if k != "written"},
            }
            log(f"at {people} people: {json.dumps(figures, ensure_ascii=False)}")
            results.append(figures)
        last = results[-1]
        summary = {
            "province_desk_ms": last["province_desk_ms"],
            "county_desk_ms": last["county_desk_ms"],
            "drill_down_ms": last.get("drill_down_ms"),
            "report_pack_seconds": last["report_pack_seconds"],
            "people": last["people"],
            "database": connection.vendor,
            **{k: v for k, v in last.items() if k not in ("people",)},
        }
        if len(results) > 1:
            summary["scales"] = [
                {
                    k: r.get(k)
                    for k in (
                        "people",
                        "province_desk_ms",
                        "county_desk_ms",
                        "drill_down_ms",
                        "drill_down_records_ms",
                        "refresh_seconds",
                        "recent_refresh_seconds",
                        "floor_roster_count_ms",
                        "floor_tally_sum_ms",
                        "fill_seconds",
                        "load_average",
                    )
                }
                for r in results
            ]
            # Largest over smallest: near 1 when the desks do not grow with the people.
            first = results[0]
            for key in ("province_desk", "county_desk"):
                summary[f"{key}_growth"] = round(last[f"{key}_ms"] / first[f"{key}_ms"], 2)
        for r in results:
            log(
                f"{r['people']:>9} people: province desk {r['province_desk_ms']} ms, county desk "
                f"{r['county_desk_ms']} ms, drill-down {r.get('drill_down_ms')} ms (records "
                f"{r['drill_down_records_ms']} ms), pack {r['report_pack_seconds']} s, refresh "
                f"{r['refresh_seconds']} s; floors: roster count {r['floor_roster_count_ms']} ms, "
                f"tally sum {r['floor_tally_sum_ms']} ms; load {r['load_average']}"
            )
        print(json.dumps(summary, ensure_ascii=False, default=str))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
