"""Claim lines on a declared basis wait for the facts: held while unverified, due once a
registry or a clerk's check verifies it, refused when contradicted; a basis from the
household's assisted category is due unless a fact contradicts it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.accounts.models import AuditEntry
from skillaid.people.facts import person_fact_check
from skillaid.subsidies import limits as lim
from skillaid.subsidies.claims import (
    class_rules,
    compute_for_classes,
    line_for,
    trainees_of,
)
from skillaid.subsidies.models import ClaimLine, Hold, LineStatus, RuleKind
from skillaid.subsidies.rules import RuleBook
from tests.conftest import new_id
from tests.subsidies.fixtures import verified
from tests.subsidies.publishing import local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded_rules(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


@pytest.fixture
def closed(lu, school, run_class):
    """`closed({person: basis})`: a class started in September 2026 with these trainees
    (each attending every session, passing), closed; its claim computed at the close."""

    def make(bases: dict, **extra):
        with time_machine.travel(local(2026, 9, 1), tick=False):
            return run_class(lu, attended={p: 2 for p in bases}, count=2, bases=bases, **extra)

    return make


def young(person_factory, name: str, **extra):
    """Someone of twenty in 2026: a 两后生 may be up to 25."""
    return person_factory(name=name, id_number=new_id(birth=dt.date(2006, 5, 1)), **extra)


def training_line(c, person) -> ClaimLine:
    return ClaimLine.objects.get(claim__training_class=c, person=person, kind=RuleKind.TRAINING)


def test_a_declared_basis_without_a_fact_is_held_until_a_clerks_check_verifies_it(
    closed, person_factory, wei
):
    person = young(person_factory, "韦小军")
    c = closed({person: "school_leaver"})
    line = training_line(c, person)
    assert (line.status, line.hold) == (LineStatus.HELD, Hold.UNVERIFIED_BASIS)
    assert line.amount == Decimal("1200.00")  # worked out, not paid
    assert "补贴对象类别待比对核实" in line.reason and "两后生" in line.reason
    assert line.evidence["basis_declared"] is True
    assert line.evidence["basis_verdict"]["status"] == "unverified"

    with time_machine.travel(c.closed_moment + dt.timedelta(days=2), tick=False):
        fact = person_fact_check(
            actor=wei,
            channel="page",
            person=person,
            kind="school_leaver",
            verdict="verified",
            as_of=dt.date(2026, 9, 2),
            papers="初中毕业证书",
        )
    line.refresh_from_db()
    assert (line.status, line.hold) == (LineStatus.DUE, "")
    assert line.amount == Decimal("1200.00")
    assert line.evidence["basis_verdict"]["fact"] == fact.pk
    assert line.evidence["basis_verdict"]["source"] == "初中毕业证书"
    entry = AuditEntry.objects.filter(object_type="subsidies.claimline", object_id=str(line.pk))
    assert entry.latest("id").note == "比对或核验结果记录后重新核定补贴明细"


def test_a_contradicted_declared_basis_is_refused_naming_the_source_and_date(
    closed, person_factory, wei
):
    person = person_factory(name="韦小军")
    c = closed({person: "unemployed"})
    assert training_line(c, person).hold == Hold.UNVERIFIED_BASIS
    with time_machine.travel(c.closed_moment + dt.timedelta(days=2), tick=False):
        verified(
            person,
            "unemployed",
            verdict="contradicted",
            on=dt.date(2026, 10, 1),
            source="南宁市登记失业人员名单",
        )
    line = training_line(c, person)
    assert line.status == LineStatus.REFUSED and line.amount == 0
    assert "比对不符" in line.reason and "南宁市登记失业人员名单" in line.reason
    assert "2026-10-01" in line.reason


def test_a_verified_declared_basis_is_due_at_the_close(closed, person_factory):
    person = person_factory(name="韦小军")
    fact = verified(person, "migrant", source="农村转移就业劳动者实名制名单")
    line = training_line(closed({person: "migrant"}), person)
    assert (line.status, line.hold) == (LineStatus.DUE, "")
    assert line.evidence["basis_verdict"] == {
        "status": "verified",
        "fact": fact.pk,
        "source": "农村转移就业劳动者实名制名单",
        "as_of": "2020-01-01",
    }


def test_a_fact_whose_period_misses_the_class_does_not_verify_it(closed, person_factory):
    person = person_factory(name="韦小军")
    verified(
        person,
        "unemployed",
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 12, 31),
        source="登记失业（2025年）",
    )
    line = training_line(closed({person: "unemployed"}), person)
    assert (line.status, line.hold) == (LineStatus.HELD, Hold.UNVERIFIED_BASIS)


def test_the_household_category_is_due_unverified_and_refused_when_contradicted(
    closed, person_factory
):
    kept = person_factory(category="脱贫户", name="蓝海燕")
    denied = person_factory(category="脱贫户", name="覃海")
    verified(
        denied,
        "assisted",
        verdict="contradicted",
        on=dt.date(2026, 8, 1),
        source="广西防返贫监测信息平台",
    )
    c = closed({kept: "", denied: ""})
    assert training_line(c, kept).status == LineStatus.DUE
    assert training_line(c, kept).evidence["basis_declared"] is False
    line = training_line(c, denied)
    assert line.status == LineStatus.REFUSED
    assert "比对不符：广西防返贫监测信息平台，2026-08-01" in line.reason


def test_a_contradicted_category_falls_back_on_a_declared_basis(closed, person_factory):
    person = person_factory(category="脱贫户", name="覃海")
    verified(person, "assisted", verdict="contradicted", source="广西防返贫监测信息平台")
    line = training_line(closed({person: "migrant"}), person)
    assert (line.status, line.hold) == (LineStatus.HELD, Hold.UNVERIFIED_BASIS)
    assert "脱贫家庭/监测帮扶对象比对不符" not in line.reason  # held, not refused


def test_the_living_allowance_waits_with_the_training_line(lu, school, run_class, person_factory):
    """A project class pays the living allowance alongside; it is held with the training
    line of an unverified declared basis and released with it."""
    from tests.subsidies.fixtures import living_allowance_for_all_training

    living_allowance_for_all_training()
    person = person_factory(category="监测户", name="蓝海燕")
    declared = young(person_factory, "韦小军")
    with time_machine.travel(local(2026, 9, 1), tick=False):
        c = run_class(
            lu,
            attended={person: 2, declared: 2},
            count=2,
            bases={declared: "school_leaver"},
        )
    got = {(x.person_id, x.kind): x for x in ClaimLine.objects.filter(claim__training_class=c)}
    assert got[(person.pk, RuleKind.LIVING)].status == LineStatus.DUE
    # The living allowance asks for an assisted household: 韦小军's is refused outright.
    assert got[(declared.pk, RuleKind.LIVING)].status == LineStatus.REFUSED
    assert got[(declared.pk, RuleKind.TRAINING)].hold == Hold.UNVERIFIED_BASIS


def test_an_upgrading_application_on_an_unverified_insured_basis_is_held(
    wei, person_factory, occupation
):
    from skillaid.evaluation.services import certificate_record
    from skillaid.subsidies.applications import upgrading_apply

    person = person_factory(name="蓝海燕")
    with time_machine.travel(local(2026, 9, 1), tick=False):
        cert, _ = certificate_record(
            actor=wei,
            data={
                "number": "S0000099999",
                "name": person.name,
                "id_number": person.id_number,
                "kind": "职业技能等级证书",
                "occupation_name": occupation.name,
                "level": "4",
                "issuer": "南宁市职业技能评价中心",
                "issued_on": dt.date(2026, 8, 1),
            },
        )
        line = upgrading_apply(actor=wei, certificate=cert, insured=True).lines.get()
        assert (line.status, line.hold) == (LineStatus.HELD, Hold.UNVERIFIED_BASIS)
        verified(person, "insured", on=dt.date(2026, 8, 20), source="社会保险参保登记")
    line.refresh_from_db()
    assert (line.status, line.hold, line.amount) == (LineStatus.DUE, "", Decimal("1500.00"))


def test_after_submission_a_verified_basis_releases_the_line_without_raising_it(
    closed, person_factory, lu
):
    from skillaid.accounts.review import review_move

    person = person_factory(name="韦小军")
    c = closed({person: "graduate"})
    claim = training_line(c, person).claim
    with time_machine.travel(c.closed_moment + dt.timedelta(hours=1), tick=False):
        review_move(claim, "submitted", actor=lu)
        verified(person, "graduate", source="全国高校毕业生离校未就业实名信息")
    line = training_line(c, person)
    assert (line.status, line.amount) == (LineStatus.DUE, Decimal("1200.00"))


def test_the_set_based_path_agrees_with_line_for(closed, person_factory):
    people = {
        young(person_factory, "甲"): "school_leaver",
        person_factory(name="乙"): "migrant",
        person_factory(name="丙", category="脱贫户"): "",
        person_factory(name="丁", category="脱贫户"): "",
        person_factory(name="戊"): "unemployed",
    }
    keys = list(people)
    verified(keys[1], "migrant")
    verified(keys[3], "assisted", verdict="contradicted")
    verified(keys[4], "unemployed", verdict="contradicted")
    c = closed(people)
    [(_, together)] = compute_for_classes([c.pk], claimed_on=dt.date(2026, 9, 10))
    book = RuleBook()
    history = lim.History.load([p.pk for p in keys])
    history.by_person.clear()
    limits = lim.Limits(c.county_id, dt.date(2026, 9, 10), book)
    [version] = class_rules(c, c.end_on, book)
    alone = {}
    for t in trainees_of(c):
        line = line_for(c, t, version, limits, history, dt.date(2026, 9, 10))
        alone[t.enrolment.person_id] = line
    for line in together:
        other = alone[line.person_id]
        assert (line.status, line.hold, line.amount, line.reason) == (
            other.status,
            other.hold,
            other.amount,
            other.reason,
        )
    status = {line.person_id: (line.status, line.hold) for line in together}
    assert status == {
        keys[0].pk: (LineStatus.HELD, Hold.UNVERIFIED_BASIS),
        keys[1].pk: (LineStatus.DUE, ""),
        keys[2].pk: (LineStatus.DUE, ""),
        keys[3].pk: (LineStatus.REFUSED, ""),
        keys[4].pk: (LineStatus.REFUSED, ""),
    }


DECLARED = ["school_leaver", "migrant", "unemployed", "graduate"]
fact_of = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(["verified", "contradicted"]),
        st.sampled_from(DECLARED + ["assisted"]),
        st.sampled_from([None, dt.date(2026, 1, 1), dt.date(2026, 12, 1)]),  # valid_from
        st.sampled_from([None, dt.date(2026, 6, 30), dt.date(2027, 1, 1)]),  # valid_until
    ),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    trainees=st.lists(
        st.tuples(st.sampled_from(DECLARED + [""]), st.booleans(), st.lists(fact_of, max_size=3)),
        min_size=1,
        max_size=4,
    )
)
def test_no_line_is_due_on_a_declared_basis_without_a_verified_covering_fact(
    closed, person_factory, trainees
):
    from django.db import transaction

    from skillaid.people.models import PersonFact

    sid = transaction.savepoint()
    try:
        bases, facts = {}, {}
        for n, (basis, assisted, wanted) in enumerate(trainees):
            person = young(
                person_factory, f"学员{n}", **({"category": "脱贫户"} if assisted else {})
            )
            bases[person] = basis
            for i, fact in enumerate(wanted):
                if fact is None:
                    continue
                verdict, kind, start, end = fact
                if start and end and end < start:
                    continue
                verified(
                    person,
                    kind,
                    verdict=verdict,
                    on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                    valid_from=start,
                    valid_until=end,
                )
        c = closed(bases)
        start_on = c.start_on
        for line in ClaimLine.objects.filter(claim__training_class=c, status=LineStatus.DUE):
            facts = list(
                PersonFact.objects.filter(person_id=line.person_id).order_by("-as_of", "-id")
            )
            line_basis = line.enrolment.basis
            if line.evidence.get("basis_declared"):
                kind = line_basis
                covering = [f for f in facts if f.kind == kind and f.covers(start_on)]
                assert covering and covering[0].verdict == "verified", (line.reason, facts)
            else:
                # Due on the household's category: no later covering fact contradicts it.
                covering = [f for f in facts if f.kind == "assisted" and f.covers(start_on)]
                assert not covering or covering[0].verdict == "verified"
    finally:
        transaction.savepoint_rollback(sid)


def test_a_flagged_sign_in_and_an_unverified_basis_both_wait(
    lu, wei, school, class_factory, person_factory
):
    """A flagged sign-in holds first; settling it leaves the line held for the basis, and
    a verified fact then releases it. A contradicting fact refuses a line still held for
    a flagged sign-in at once."""
    from skillaid.training import classes
    from skillaid.training.attendance import attendance_flag_settle
    from skillaid.training.models import Attendance
    from tests.subsidies.fixtures import at, attend
    from tests.training.fixtures import complete

    people = [young(person_factory, n) for n in ("韦一", "韦二", "韦三")]
    with time_machine.travel(local(2026, 9, 1), tick=False):
        c = class_factory(lu, trainees=people, count=1, bases=dict.fromkeys(people, "migrant"))
    session = c.sessions.get()
    for p in people:
        attend(session, p, device="same-phone")
    with at(session.ends_at + dt.timedelta(hours=1)):
        complete(lu, c, dict.fromkeys(people, True))
        classes.class_close(actor=lu, training_class=c)
    first, second = training_line(c, people[0]), training_line(c, people[1])
    assert (first.status, first.hold) == (LineStatus.HELD, Hold.FLAGGED_SIGNIN)

    with at(session.ends_at + dt.timedelta(hours=2)):
        for record in Attendance.objects.filter(person=people[0]).exclude(flag=""):
            attendance_flag_settle(actor=wei, record=record, outcome="confirmed", reason="到场")
        first = training_line(c, people[0])
        assert (first.status, first.hold) == (LineStatus.HELD, Hold.UNVERIFIED_BASIS)
        verified(people[0], "migrant")
        verified(people[1], "migrant", verdict="contradicted", source="务工登记")
    assert training_line(c, people[0]).status == LineStatus.DUE
    second = training_line(c, people[1])
    assert second.status == LineStatus.REFUSED and "比对不符：务工登记" in second.reason
    assert training_line(c, people[2]).hold == Hold.FLAGGED_SIGNIN
