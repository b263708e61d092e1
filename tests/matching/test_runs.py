"""Comparison runs through the real engine: every outcome, repeatable, changes since last."""

from __future__ import annotations

import pytest
import time_machine

from skillaid.matching.models import ReviewItem

from .helpers import AS_OF, IDS, compare, load, make_people, registry_rows, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(system, qin, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        people = make_people(system)
        snapshot = load(qin, write_csv(tmp_path / "registry.csv", registry_rows()))
        yield people, snapshot


def test_each_outcome_comes_out_of_a_run(world, qin, liang):
    people, snapshot = world
    run = compare(qin, snapshot)
    assert run.finished
    assert run.counts == {
        "consistent": 2,
        "different": 1,
        "only_ours": 1,
        "only_theirs": 1,
        "near_name": 1,
        "near_id": 1,
    }
    assert run.ours == len(IDS)
    items = {i.person.name: i for i in ReviewItem.objects.filter(run=run)}
    assert set(items) == {"韦二", "韦三", "陆四"}
    assert items["韦二"].outcome == "different" and "category" in items["韦二"].differences
    assert items["韦二"].their["category"] == "监测户"
    assert items["韦三"].outcome == "near_name" and items["韦三"].their_name == "韦叁"
    assert items["陆四"].outcome == "near_id"
    assert all(i.state == "pending" and i.maker == qin for i in items.values())


def test_the_same_snapshot_and_data_give_the_same_counts(world, qin):
    _, snapshot = world
    first = compare(qin, snapshot)
    second = compare(qin, snapshot)
    assert second.counts == first.counts
    assert second.previous == first
    assert not any(k.split("→")[0] != k.split("→")[-1] for k in second.changes if second.changes[k])


def test_a_new_version_is_compared_with_the_previous_run(world, qin, tmp_path):
    _, snapshot = world
    first = compare(qin, snapshot)
    fixed = load(qin, write_csv(tmp_path / "registry-12.csv", registry_rows(wei_er="脱贫户")))
    assert (fixed.source, fixed.kind, fixed.version) == (snapshot.source, snapshot.kind, 2)
    second = compare(qin, fixed)
    assert second.previous == first
    assert second.counts["different"] == 0 and second.counts["consistent"] == 3
    assert second.changes.get("different→consistent") == 1
    assert snapshot.as_of == AS_OF


def test_an_xlsx_registry_below_a_title_row_compares_the_same(world, qin, tmp_path):
    import xlsxwriter

    from .helpers import HEADER, load

    _, snapshot = world
    path = tmp_path / "名单.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "2026年11月防止返贫监测对象名单")
    for r, row in enumerate([HEADER, *registry_rows()], start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    from_xlsx = load(qin, path)
    assert from_xlsx.rows_loaded == 6 and from_xlsx.version == 2
    assert compare(qin, from_xlsx).counts == compare(qin, snapshot).counts
