"""The ledger's queries are read through its indexes, on the database in use: the plan
the database itself reports (EXPLAIN) names the index."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection

from skillaid.accounts.lists import Seek
from skillaid.people.selectors import PersonFilters, person_list
from tests.conftest import LONGAN, MASHAN
from tests.people.test_ledger_paging import add_people

# 马山县 holds one person in fifty, as one of the forty-four key counties does.
COUNTIES = [LONGAN, "450225", "450126", "450127", "450481", "451024", "451026"]
LETTERS = "abcdfghjklmnpqrstwxyz"


@pytest.fixture
def ledger(regions):
    """4,000 people over eight counties with varied initials, and fresh statistics, so
    that each database plans as it would for a real ledger rather than an empty table."""
    rnd = random.Random(15)
    add_people(
        [
            (
                MASHAN if rnd.random() < 0.02 else rnd.choice(COUNTIES),
                "".join(rnd.choice(LETTERS) for _ in range(rnd.randint(2, 3))),
                dt.date(1970, 1, 1) + dt.timedelta(days=rnd.randrange(12000)),
                None,
            )
            for _ in range(4000)
        ]
        + [(MASHAN, "zsl", dt.date(1990, 1, 1), None)] * 3
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plan(rows) -> str:  # noqa: ANN001
    """The database's own plan for the first rows of `rows`, as a page reads them."""
    return rows.all()[:51].explain()


def deep(rows):  # noqa: ANN001, ANN201
    """The rows a page deep in the list reads: those after a row halfway along."""
    seek = Seek.of(rows)
    middle = rows[len(rows) // 2]
    return seek.after(rows, seek.key, seek.position(middle), seek.descending)


def test_the_initials_search_reads_its_index(ledger, qin, wei):
    for user in (qin, wei):
        searched = person_list(user, filters=PersonFilters(q="ZS"))
        assert searched.exists()
        assert all(p.name_initials.startswith("zs") for p in searched)
        assert "person_initials" in plan(searched), plan(searched)


def test_a_countys_ledger_reads_its_index_on_every_page(ledger, wei):
    listed = person_list(wei)
    assert "person_county_id" in plan(listed), plan(listed)
    assert "person_county_id" in plan(deep(listed)), plan(deep(listed))


def test_the_ledger_by_name_reads_the_initials_index_on_every_page(ledger, qin):
    listed = person_list(qin, filters=PersonFilters(sort="-name"))
    assert "person_initials" in plan(listed), plan(listed)
    assert "person_initials" in plan(deep(listed)), plan(deep(listed))


def test_a_citys_ledger_reads_the_county_index_as_a_range(ledger, liang):
    """A city's counties share the leading digits of their codes: a prefix, read as a range."""
    listed = person_list(liang, filters=PersonFilters(region="450100", sort="county"))
    assert "person_county_id" in plan(listed), plan(listed)
    assert "person_county_id" in plan(deep(listed)), plan(deep(listed))
