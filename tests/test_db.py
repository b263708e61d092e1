"""The look-ups below the ORM that imports use, on whichever database the suite runs."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from skillaid.db import adapt, bulk_insert, reserve_ids, select_in, select_pairs_in
from skillaid.people.models import Household
from tests.conftest import LONGAN, MASHAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(regions):
    rows = [Household(county_id=MASHAN, number=f"MS{i:04d}") for i in range(1200)]
    rows += [
        Household(county_id=LONGAN, number="MS0001"),
        Household(county_id=LONGAN, number="LA1"),
    ]
    return Household.objects.bulk_create(rows)


def test_select_in_takes_any_number_of_keys(households):
    table = Household._meta.db_table
    numbers = [f"MS{i:04d}" for i in range(0, 1200, 1)] + ["nobody"]
    sql = f"SELECT number FROM {table} WHERE county_id = %s AND number IN ({{}})"
    found = [n for (n,) in select_in(sql, [MASHAN], numbers)]
    assert sorted(found) == numbers[:-1]
    assert list(select_in(sql, [MASHAN], [])) == []


def test_select_in_refuses_a_query_without_its_in_list():
    with pytest.raises(ValueError, match="IN"):
        list(select_in("SELECT 1", [], ["a"]))


def test_select_pairs_in_matches_both_columns(households):
    pairs = [(MASHAN, "MS0001"), (LONGAN, "MS0001"), (LONGAN, "LA1"), (LONGAN, "MS0002")]
    rows = select_pairs_in(
        ("county_id", "number"), Household._meta.db_table, "county_id", "number", pairs
    )
    assert sorted(rows) == sorted(pairs[:3])
    assert list(select_pairs_in(("id",), Household._meta.db_table, "county_id", "number", [])) == []


def test_reserved_ids_are_new_and_the_next_row_comes_after_them(households):
    table = Household._meta.db_table
    before = max(h.pk for h in households)
    now = adapt(timezone.now())
    with transaction.atomic():
        ids = reserve_ids(table, 3)
        assert len(set(ids)) == 3
        assert min(ids) > before
        bulk_insert(
            table,
            ("id", "county_id", "number", "category", "monitoring_kind", "created_at"),
            [[pk, MASHAN, f"R{pk}", "ordinary", "", now] for pk in ids],
        )
    stored = Household.objects.filter(number__startswith="R").values_list("id", flat=True)
    assert set(stored) == set(ids)
    after = Household.objects.create(county_id=LONGAN, number="after")
    assert after.pk > max(ids)
    assert reserve_ids(table, 0) == []
