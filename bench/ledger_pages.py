"""Benchmark: the ledger's list page over N people, page 1 against page 2,000, through the real view.

    python bench/ledger_pages.py --people 200000

Uses a scratch database: a fresh SQLite file in a temporary directory unless DATABASE_URL
is given (then a scratch PostgreSQL database: the run adds people to it). `--var DIR`
keeps the SQLite file and its ID key in DIR, so that a second run reuses the people
loaded by the first. People are loaded as `skillaid demo-data` loads them: a generated
ledger workbook (ops.demo_people) imported through the ledger's bulk path.

Each case is a GET of /ledger/ by a province reviewer (the whole of Guangxi in scope)
through Django's test client, so it runs the real view, selector, paging and template;
one warm-up, then the median of 3; `queries_ms` is the selector and paging alone (the
database's part, without the template). Deep pages are reached by the cursor the page before
would have given (made here from the row that ends that page, found by OFFSET outside
the timing). Each case's floor is the plainest SQL that reads the same 50 rows
(`SELECT * FROM people_person WHERE id IN (...)`), so the figures read as ratios. For
comparison, the queries of the former OFFSET paging (a COUNT of the list and an OFFSET
slice) are timed on their own for the same pages. Prints progress, then one JSON object
as the last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

SIZE = 50
RUNS = 3


def setup_environment(var: Path | None) -> None:
    scratch = var or Path(tempfile.mkdtemp(prefix="skillaid-bench-pages-"))
    scratch.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    os.environ.setdefault("SKILLAID_VAR", str(scratch))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillaid.settings")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("SKILLAID_HTTPS", "0")


def load(people: int, seed: int) -> float:
    """Bring the ledger up to `people` people; the seconds it took (0 when already there)."""
    from skillaid.accounts.system import system_user
    from skillaid.ops.demo_people import generate_rows, write_workbook
    from skillaid.people.imports import LedgerImport
    from skillaid.people.models import Person
    from skillaid.regions.models import KeyCounty

    missing = people - Person.objects.count()
    if missing <= 0:
        return 0.0
    counties = [(k.region.code, k.region.name) for k in KeyCounty.objects.select_related("region")]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "ledger.xlsx"
        rows = generate_rows(missing, seed=seed, counties=counties, today=dt.date.today())
        write_workbook(path, rows)
        result = LedgerImport(actor=system_user()).run(path)
    print(f"loaded {result.summary()}", file=sys.stderr)
    return time.perf_counter() - started


def logged_in(username: str, role: str, region: str):  # noqa: ANN201
    """A user, past the second-factor step when their role has one, and a client logged
    in as them."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from skillaid.accounts.models import User

    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "region_id": region, "full_name": username}
    )
    client = Client()
    client.force_login(user)
    if user.needs_second_factor:
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user, client


def median_ms(call, runs: int = RUNS) -> float:  # noqa: ANN001
    call()  # warm-up: connection, caches, the count of a large list on SQLite
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def deep_cursor(user, query: dict, page: int) -> str:  # noqa: ANN001
    """The cursor page `page - 1`'s "下一页" carries: from the row that ends that page."""
    from skillaid.accounts.lists import Seek, make_cursor
    from skillaid.people.selectors import PersonFilters, person_list

    rows = person_list(user, filters=PersonFilters.parse(query))
    seek = Seek.of(rows)
    last = rows[(page - 1) * SIZE - 1]
    return make_cursor(seek, seek.position(last), number=page, backward=False)


def common_initials(prefix_length: int = 2) -> str:
    """The commonest pinyin-initials prefix in the ledger: the search's worst case."""
    from skillaid.people.models import Person

    sample = Person.objects.values_list("name_initials", flat=True).order_by("id")[:20000]
    counts = Counter(i[:prefix_length] for i in sample if len(i) >= prefix_length)
    return counts.most_common(1)[0][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--var", type=Path, help="keep the scratch SQLite database here")
    args = parser.parse_args()
    setup_environment(args.var)

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection

    from skillaid.accounts.lists import keyset_page
    from skillaid.people.selectors import PersonFilters, person_list
    from skillaid.regions.models import KeyCounty

    call_command("setup", verbosity=0)
    load_seconds = load(args.people, args.seed)
    if connection.vendor == "postgresql":
        # What autovacuum does after a large import, before anyone pages through it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from skillaid.accounts.models import Role

    user, client = logged_in("bench-province", Role.PROVINCE_REVIEWER, "450000")
    people = person_list(user).count()
    county = KeyCounty.objects.select_related("region").first().region
    city = county.parent_id
    clerk = logged_in("bench-county", Role.COUNTY_CLERK, county.code)
    county_rows = person_list(clerk[0]).count()
    sorted_query = {"region": city, "category": "lifted", "sort": "-birth"}
    sorted_rows = person_list(user, filters=PersonFilters.parse(sorted_query)).count()
    initials = common_initials()
    deep = min(2000, people // SIZE)

    cases: dict[str, tuple[dict, int | None] | tuple[dict, int | None, tuple]] = {
        "page_1": ({}, None),
        f"page_{deep}": ({}, deep),
        "last_page": ({"jump": "last"}, None),
        "by_name_page_1": ({"sort": "name"}, None),
        f"by_name_page_{deep}": ({"sort": "name"}, deep),
        # No index orders by birth date: every page of the province sorts it whole.
        "by_birth_page_1": ({"sort": "birth"}, None),
        f"by_birth_page_{deep}": ({"sort": "birth"}, deep),
        "city_lifted_by_birth_page_1": (sorted_query, None),
        "city_lifted_by_birth_middle_page": (sorted_query, max(2, sorted_rows // SIZE // 2)),
        f"initials_{initials}_page_1": ({"q": initials}, None),
        "county_clerk_page_1": ({}, None, clerk),
        "county_clerk_middle_page": ({}, max(2, county_rows // SIZE // 2), clerk),
    }
    figures: dict[str, object] = {
        "database": connection.vendor,
        "people": people,
        "load_seconds": round(load_seconds, 1),
        "city_lifted_rows": sorted_rows,
        "county_rows": county_rows,
    }

    # The first view of the unfiltered list, before its count above the bound is known
    # (after a warm-up on an empty search, which loads the templates and the session).
    assert client.get("/ledger/?q=zzzzzz").status_code == 200
    cache.clear()
    started = time.perf_counter()
    assert client.get("/ledger/").status_code == 200
    figures["first_view_ms"] = round((time.perf_counter() - started) * 1000, 2)

    province = (user, client)
    timed: dict[str, dict[str, object]] = {}
    for label, (query, page, *who) in cases.items():
        user, client = who[0] if who else province
        query = dict(query)
        if page is not None:
            query["cursor"] = deep_cursor(user, query, page)
        url = "/ledger/?" + urlencode(query)

        def view(url: str = url, client=client) -> None:  # noqa: ANN001
            answer = client.get(url)
            assert answer.status_code == 200, answer.status_code
            assert "翻页链接无效" not in answer.content.decode()

        def queries(query: dict = query, user=user) -> None:  # noqa: ANN001
            rows = person_list(user, filters=PersonFilters.parse(query))
            cursor, jump = query.get("cursor", ""), query.get("jump", "")
            list(keyset_page(rows, size=SIZE, cursor=cursor, jump=jump))

        shown = keyset_page(
            person_list(user, filters=PersonFilters.parse(query)),
            size=SIZE,
            cursor=query.get("cursor", ""),
            jump=query.get("jump", ""),
            count=False,
        )
        ids = [p.pk for p in shown]
        assert ids and (page is None or shown.number == page), (label, shown.number)

        def floor(ids: list[int] = ids) -> None:
            marks = ", ".join(["%s"] * len(ids))
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM people_person WHERE id IN ({marks})", ids)
                cursor.fetchall()

        timed[label] = {"ms": view, "queries_ms": queries, "floor_ms": floor, "rows": len(ids)}

    # Round by round over all the cases, so that a change in the machine's load (others
    # share it) falls on every case alike rather than on the one timed at that moment.
    spent: dict[tuple[str, str], list[float]] = {}
    for calls in timed.values():
        for kind in ("ms", "queries_ms", "floor_ms"):
            calls[kind]()  # warm-up
    for _ in range(RUNS):
        for label, calls in timed.items():
            for kind in ("ms", "queries_ms", "floor_ms"):
                started = time.perf_counter()
                calls[kind]()
                spent.setdefault((label, kind), []).append(time.perf_counter() - started)
    for label, calls in timed.items():
        result = {
            kind: round(statistics.median(spent[label, kind]) * 1000, 2)
            for kind in ("ms", "queries_ms", "floor_ms")
        }
        result["times_floor"] = round(result["ms"] / result["floor_ms"], 1)
        result["rows"] = calls["rows"]
        figures[label] = result
        print(f"{label}: {result}", file=sys.stderr)

    # The former paging's queries alone (no template): COUNT(*) and an OFFSET slice.
    user, client = province
    for number in (1, deep):

        def offset(number: int = number) -> None:
            rows = person_list(user)
            paginator = Paginator(rows, SIZE)
            list(paginator.page(number).object_list)

        figures[f"offset_paging_queries_page_{number}_ms"] = median_ms(offset)
    figures["page_ratio"] = round(figures[f"page_{deep}"]["ms"] / figures["page_1"]["ms"], 2)
    figures["by_name_page_ratio"] = round(
        figures[f"by_name_page_{deep}"]["ms"] / figures["by_name_page_1"]["ms"], 2
    )
    print(
        f"page {deep} / page 1 = {figures['page_ratio']}; by name "
        f"{figures['by_name_page_ratio']}; former OFFSET paging's queries: page 1 "
        f"{figures['offset_paging_queries_page_1_ms']} ms, page {deep} "
        f"{figures[f'offset_paging_queries_page_{deep}_ms']} ms",
        file=sys.stderr,
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
