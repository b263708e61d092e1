"""Facts about people: recorded in bulk with one audit entry, what they say of a basis on
a day, and a county clerk's check of the papers on the person page and through the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.models import ApiToken, AuditEntry
from skillaid.people.facts import (
    Facts,
    Standing,
    basis_verdicts,
    person_fact_check,
    person_facts_record,
)
from skillaid.people.models import PersonFact
from skillaid.people.signals import facts_recorded

pytestmark = pytest.mark.django_db

NOV = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def record(person, kind, verdict="verified", *, on=dt.date(2026, 11, 1), **extra):
    [fact] = person_facts_record(
        actor=None,
        channel="command",
        facts=[{"person_id": person.pk, "kind": kind, "verdict": verdict, "as_of": on, **extra}],
        source_kind="registry",
        source=extra.pop("source", "广西防返贫监测信息平台"),
    )
    return fact


def test_verified_contradicted_and_unverified(person_factory):
    a, b, c = (person_factory(name=n) for n in ("甲", "乙", "丙"))
    fa = record(a, "migrant")
    fb = record(b, "migrant", "contradicted")
    got = basis_verdicts([a.pk, b.pk, c.pk], dt.date(2026, 6, 1))
    assert got[(a.pk, "migrant")].status == Standing.VERIFIED
    assert got[(a.pk, "migrant")].fact.pk == fa.pk
    assert got[(b.pk, "migrant")].status == Standing.CONTRADICTED
    assert got[(b.pk, "migrant")].fact.pk == fb.pk
    assert got[(c.pk, "migrant")].status == Standing.UNVERIFIED
    assert got[(c.pk, "migrant")].fact is None
    assert got[(a.pk, "unemployed")].status == Standing.UNVERIFIED
    assert got[(a.pk, "migrant")].text == "已核实：广西防返贫监测信息平台，2026-11-01"
    assert got[(b.pk, "migrant")].text == "比对不符：广西防返贫监测信息平台，2026-11-01"
    assert got[(c.pk, "migrant")].text == "待比对核实"
    # Every kind has a fact kind, the graduates too.
    assert {k for (_, k) in got} >= {"graduate", "insured", "assisted"}


def test_a_fact_verifies_only_the_days_its_period_covers(person_factory):
    p = person_factory()
    record(p, "unemployed", valid_from=dt.date(2026, 3, 1), valid_until=dt.date(2026, 8, 31))
    assert basis_verdicts([p.pk], dt.date(2026, 5, 1))[(p.pk, "unemployed")].verified
    for day in (dt.date(2026, 2, 28), dt.date(2026, 9, 1)):
        assert basis_verdicts([p.pk], day)[(p.pk, "unemployed")].status == Standing.UNVERIFIED


def test_the_latest_covering_fact_wins_by_date_then_order(person_factory):
    p = person_factory()
    record(p, "assisted", "contradicted", on=dt.date(2026, 10, 1))
    later = record(p, "assisted", "verified", on=dt.date(2026, 11, 1))
    # Recorded after, but speaking of an earlier date: does not supersede.
    record(p, "assisted", "contradicted", on=dt.date(2026, 9, 1))
    v = basis_verdicts([p.pk], dt.date(2026, 6, 1))[(p.pk, "assisted")]
    assert v.verified and v.fact.pk == later.pk
    # The same date: the one recorded last.
    last = record(p, "assisted", "contradicted", on=dt.date(2026, 11, 1))
    v = basis_verdicts([p.pk], dt.date(2026, 6, 1))[(p.pk, "assisted")]
    assert v.contradicted and v.fact.pk == last.pk
    # A later fact whose period misses the day leaves the earlier one standing.
    record(p, "assisted", "verified", on=dt.date(2026, 12, 1), valid_from=dt.date(2026, 7, 1))
    assert basis_verdicts([p.pk], dt.date(2026, 6, 1))[(p.pk, "assisted")].fact.pk == last.pk


def test_verdicts_of_many_people_are_one_query(person_factory, django_assert_num_queries):
    people = [person_factory(name=f"学员{i}") for i in range(5)]
    for p in people:
        record(p, "migrant")
    with django_assert_num_queries(1):
        got = basis_verdicts([p.pk for p in people], dt.date(2026, 6, 1))
    assert all(got[(p.pk, "migrant")].verified for p in people)


def test_many_facts_are_recorded_in_batches_with_one_audit_entry_and_one_signal(
    person_factory, monkeypatch
):
    from skillaid.people import facts as module

    monkeypatch.setattr(module, "BATCH", 7)
    people = [person_factory(name=f"学员{i}") for i in range(10)]
    heard = []

    def listen(sender, person_ids, actor, channel, **kwargs):
        heard.append((sender, sorted(person_ids), channel))

    facts_recorded.connect(listen, dispatch_uid="test-listen")
    before = AuditEntry.objects.count()
    try:
        saved = person_facts_record(
            actor=None,
            channel="command",
            facts=[
                {"person": p, "kind": kind, "verdict": "verified", "as_of": dt.date(2026, 11, 1)}
                for p in people
                for kind in ("assisted", "migrant")
            ],
            source_kind="registry",
            source="广西防返贫监测信息平台（2026-11-01）",
            origin_model="matching.comparisonresult",
            origin_id=42,
        )
    finally:
        facts_recorded.disconnect(dispatch_uid="test-listen")
    assert len(saved) == 20 and len({f.pk for f in saved}) == 20
    assert PersonFact.objects.count() == 20
    stored = PersonFact.objects.get(pk=saved[-1].pk)
    assert (stored.origin_model, stored.origin_id, stored.source_kind) == (
        "matching.comparisonresult",
        42,
        "registry",
    )
    assert stored.as_of == dt.date(2026, 11, 1) and stored.recorded_at is not None
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.object_type == "people.personfact"
    assert entry.changes["facts"] == 20 and entry.changes["people"] == 10
    assert "20条" in entry.note and "10人" in entry.note
    assert heard == [(PersonFact, sorted(p.pk for p in people), "command")]


def test_bad_facts_are_refused_in_chinese_and_nothing_is_written(person_factory):
    p = person_factory()
    with pytest.raises(ValidationError) as exc:
        person_facts_record(
            actor=None,
            channel="command",
            facts=[
                {"person_id": p.pk, "kind": "migrant", "verdict": "verified", "as_of": NOV.date()},
                {"person_id": p.pk, "kind": "pilot", "verdict": "verified", "as_of": NOV.date()},
            ],
            source_kind="registry",
            source="名单",
        )
    assert "第2条核实记录" in exc.value.messages[0]
    assert not PersonFact.objects.exists()


def test_facts_are_read_from_a_prefetch_without_a_query(person_factory, django_assert_num_queries):
    from skillaid.people.models import Person

    p = person_factory()
    record(p, "migrant")
    person = Person.objects.prefetch_related("facts").get(pk=p.pk)
    with django_assert_num_queries(0):
        assert Facts.of_person(person).verdict(p.pk, "migrant", dt.date(2026, 1, 1)).verified


# --- a clerk's check of the papers -------------------------------------------------------


def test_the_county_clerk_records_a_check_of_papers_with_an_audit_entry(wei, person_factory):
    p = person_factory(name="韦小军")
    with time_machine.travel(NOV, tick=False):
        fact = person_fact_check(
            actor=wei,
            channel="page",
            person=p,
            kind="school_leaver",
            verdict="verified",
            as_of=dt.date(2026, 11, 18),
            papers="初中毕业证书",
        )
    assert (fact.source_kind, fact.source, fact.recorded_by) == ("papers", "初中毕业证书", wei)
    entry = AuditEntry.objects.latest("id")
    assert entry.person_id == p.pk and entry.object_id == str(fact.pk)
    assert entry.actor == wei and "初中毕业证书" in entry.note


def test_no_one_outside_the_persons_county_or_below_a_clerk_may_check(huang, lu, person_factory):
    p = person_factory()  # 马山县
    for who in (huang, lu):
        with pytest.raises(PermissionDenied):
            person_fact_check(
                actor=who,
                channel="page",
                person=p,
                kind="migrant",
                verdict="verified",
                as_of=dt.date(2026, 1, 1),
                papers="务工证明",
            )
    assert not PersonFact.objects.exists()


def test_the_check_is_refused_beside_its_fields_in_chinese(wei, person_factory):
    p = person_factory()
    with time_machine.travel(NOV, tick=False), pytest.raises(ValidationError) as exc:
        person_fact_check(
            actor=wei,
            channel="page",
            person=p,
            kind="migrant",
            verdict="verified",
            as_of=dt.date(2026, 12, 1),
            papers=" ",
            valid_from=dt.date(2026, 5, 1),
            valid_until=dt.date(2026, 4, 1),
        )
    errors = exc.value.message_dict
    assert "晚于今天" in errors["as_of"][0]
    assert "所见材料" in errors["papers"][0]
    assert "早于有效期起" in errors["valid_until"][0]


def test_the_person_page_shows_each_basis_and_takes_a_check(client, wei, person_factory):
    p = person_factory(name="韦小军", category="脱贫户")
    record(p, "assisted", "verified", source="广西防返贫监测信息平台")
    client.force_login(wei)
    page = client.get(f"/people/{p.pk}/").content.decode()
    assert "补贴对象类别核实" in page and "已核实" in page and "广西防返贫监测信息平台" in page
    assert "记录人工核验" in page

    with time_machine.travel(NOV, tick=False):
        bad = client.post(
            f"/people/{p.pk}/facts/",
            {"kind": "migrant", "verdict": "contradicted", "as_of": "2026-11-10", "papers": ""},
        )
        assert bad.status_code == 422 and "请写明所见材料" in bad.content.decode()
        good = client.post(
            f"/people/{p.pk}/facts/",
            {
                "kind": "migrant",
                "verdict": "contradicted",
                "as_of": "2026-11-10",
                "papers": "村委会证明（在本村务农，未外出务工）",
            },
        )
    assert good.status_code == 302 and good["Location"] == f"/people/{p.pk}/#facts"
    page = client.get(f"/people/{p.pk}/").content.decode()
    assert "比对不符" in page and "村委会证明" in page and "2026-11-10" in page


def test_the_person_page_shows_a_declared_basis_as_unverified(
    client, wei, lu, school, class_factory, person_factory
):
    p = person_factory(name="韦小军")
    class_factory(lu, trainees=[p], bases={p: "migrant"}, approve=False)
    client.force_login(wei)
    page = client.get(f"/people/{p.pk}/").content.decode()
    assert "花名册申报" in page and "未核实" in page and "农村转移就业劳动者" in page


def test_a_clerk_of_another_county_cannot_check_on_the_page_or_the_api(
    client, huang, person_factory
):
    p = person_factory()  # 马山县
    client.force_login(huang)
    body = {"kind": "migrant", "verdict": "verified", "as_of": "2026-01-01", "papers": "证明"}
    assert client.post(f"/people/{p.pk}/facts/", body).status_code == 404
    _, token = ApiToken.issue(user=huang, name="t")
    answer = client.post(
        f"/api/people/{p.pk}/facts",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 404
    assert not PersonFact.objects.exists()


def test_the_api_records_a_check_and_reads_the_bases(client, wei, person_factory):
    p = person_factory(name="韦小军")
    _, token = ApiToken.issue(user=wei, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with time_machine.travel(NOV, tick=False):
        answer = client.post(
            f"/api/people/{p.pk}/facts",
            data={
                "kind": "unemployed",
                "verdict": "verified",
                "as_of": "2026-11-02",
                "papers": "就业失业登记证",
                "valid_from": "2026-01-01",
            },
            content_type="application/json",
            **auth,
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["source"] == "就业失业登记证"
        bad = client.post(
            f"/api/people/{p.pk}/facts",
            data={"kind": "unemployed", "verdict": "maybe", "as_of": "2026-11-02", "papers": "x"},
            content_type="application/json",
            **auth,
        )
        assert bad.status_code == 422 and "核实结果" in str(bad.json()["detail"])
        read = client.get(f"/api/people/{p.pk}/facts", **auth).json()
    assert [b["status"] for b in read["bases"]] == ["verified"]
    assert read["facts"][0]["kind"] == "unemployed"
