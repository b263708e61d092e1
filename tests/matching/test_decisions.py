"""Deciding a run's results: accepted ones become facts, rejected ones none; the run's
starter never decides; a county clerk decides only for their county's people."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.matching.decisions import (
    consistent_accept,
    item_accept,
    item_reject,
    items_visible_to,
)
from skillaid.matching.models import ReviewItem
from skillaid.people.models import FactKind, FactVerdict, PersonFact
from skillaid.people.signals import facts_recorded

from .helpers import AS_OF, SINCE, compare, load, make_people, registry_rows, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(system, qin, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        people = make_people(system)
        snapshot = load(qin, write_csv(tmp_path / "registry.csv", registry_rows()))
        yield people, compare(qin, snapshot)


def item(run, name: str) -> ReviewItem:
    return ReviewItem.objects.get(run=run, person__name=name)


def test_accepting_a_near_name_records_a_verified_fact(run, wei):
    people, the_run = run
    heard = []

    def receiver(**kw):  # noqa: ANN003
        heard.append(kw["person_ids"])

    facts_recorded.connect(receiver)
    try:
        item_accept(actor=wei, item=item(the_run, "韦三"))
    finally:
        facts_recorded.disconnect(receiver)
    fact = PersonFact.objects.get(person=people["韦三"])
    assert (fact.kind, fact.verdict) == (FactKind.ASSISTED, FactVerdict.VERIFIED)
    assert fact.as_of == AS_OF and fact.valid_from == SINCE
    assert fact.source == "广西防返贫监测信息平台（2026-11-01）"
    assert (fact.origin_model, fact.origin_id) == ("matching.comparisonrun", the_run.pk)
    assert fact.recorded_by == wei
    assert [people["韦三"].pk] in heard
    decided = item(the_run, "韦三")
    assert (decided.state, decided.reviewer) == ("accepted", wei)


def test_a_rejection_needs_a_reason_and_records_no_fact(run, wei):
    people, the_run = run
    with pytest.raises(ValidationError) as exc:
        item_reject(actor=wei, item=item(the_run, "韦三"), reason="")
    assert "原因" in str(exc.value)
    item_reject(actor=wei, item=item(the_run, "韦三"), reason="对方姓名为另一人")
    assert not PersonFact.objects.filter(person=people["韦三"]).exists()
    assert item(the_run, "韦三").reason == "对方姓名为另一人"


def test_the_runs_starter_never_decides(run, qin):
    _, the_run = run
    with pytest.raises(PermissionDenied) as exc:
        item_accept(actor=qin, item=item(the_run, "韦三"))
    assert "发起比对" in str(exc.value)
    with pytest.raises(PermissionDenied):
        consistent_accept(actor=qin, run=the_run)


def test_a_county_clerk_decides_only_for_their_county(run, wei, huang):
    _, the_run = run
    assert item(the_run, "陆四") not in items_visible_to(wei)
    assert set(items_visible_to(huang).values_list("person__name", flat=True)) == {"陆四"}
    with pytest.raises(PermissionDenied):
        item_accept(actor=huang, item=item(the_run, "韦三"))
    item_accept(actor=huang, item=item(the_run, "陆四"))


def test_a_difference_accepted_takes_the_registrys_category(run, liang):
    people, the_run = run
    item_accept(actor=liang, item=item(the_run, "韦二"))
    fact = PersonFact.objects.get(person=people["韦二"])
    assert fact.verdict == FactVerdict.VERIFIED and "监测户" in fact.detail


def test_consistent_results_are_accepted_in_bulk_within_scope(run, wei, liang):
    people, the_run = run
    assert consistent_accept(actor=wei, run=the_run) == 2  # 韦一 verified, 覃七 contradicted
    assert PersonFact.objects.get(person=people["韦一"]).verdict == FactVerdict.VERIFIED
    absent = PersonFact.objects.get(person=people["覃七"])
    assert absent.verdict == FactVerdict.CONTRADICTED and absent.detail == "名单中无此人"
    assert not PersonFact.objects.filter(person=people["黄五"]).exists()  # huang's county
    assert not PersonFact.objects.filter(person=people["韦二"]).exists()  # awaits review
    # Again, and from above: each person once a run.
    assert consistent_accept(actor=wei, run=the_run) == 0
    assert consistent_accept(actor=liang, run=the_run) == 1  # 黄五
