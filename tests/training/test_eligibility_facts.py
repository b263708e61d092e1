"""A roster's eligibility names where each declared basis stands from the facts about the
person: verified, contradicted (not eligible) or awaiting comparison; the roster reads
the facts once, not per trainee."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillaid.training import classes
from skillaid.training.classes.eligibility import BASIS_FACT, roster_facts
from skillaid.training.models import Basis
from tests.subsidies.fixtures import verified

pytestmark = pytest.mark.django_db


def test_every_roster_basis_has_a_fact_kind():
    from skillaid.people.models import FactKind

    assert set(BASIS_FACT) == {b for b in Basis.values if b}
    assert set(BASIS_FACT.values()) <= set(FactKind.values)
    assert FactKind.GRADUATE.label == "毕业年度高校毕业生"


def test_a_declared_basis_shows_its_verdict(lu, school, class_factory, person_factory):
    sure = person_factory(name="甲")
    denied = person_factory(name="乙")
    waiting = person_factory(name="丙")
    verified(sure, "migrant", on=dt.date(2026, 3, 2), source="农村劳动力转移就业台账")
    verified(
        denied, "unemployed", verdict="contradicted", on=dt.date(2026, 4, 1), source="失业登记"
    )
    c = class_factory(
        lu,
        trainees=[sure, denied, waiting],
        bases={sure: "migrant", denied: "unemployed", waiting: "graduate"},
        approve=False,
    )
    got = {e.person_id: classes.eligibility(e) for e in c.enrolments.all()}
    assert got[sure.pk] == (
        True,
        "农村转移就业劳动者（已核实：农村劳动力转移就业台账，2026-03-02）",
    )
    assert got[denied.pk] == (False, "登记失业人员（比对不符：失业登记，2026-04-01）")
    assert got[waiting.pk] == (True, "毕业年度高校毕业生（待比对核实）")


def test_the_household_category_shows_a_verdict_when_one_exists(
    lu, school, class_factory, person_factory
):
    sure = person_factory(name="甲", category="脱贫户")
    denied = person_factory(name="乙", category="监测户")
    verified(sure, "assisted", on=dt.date(2026, 11, 1), source="广西防返贫监测信息平台")
    verified(denied, "assisted", verdict="contradicted", source="广西防返贫监测信息平台")
    plain = person_factory(name="丙", category="脱贫户")
    c = class_factory(lu, trainees=[sure, denied, plain], approve=False)
    got = {e.person_id: classes.eligibility(e) for e in c.enrolments.all()}
    assert got[sure.pk] == (
        True,
        "脱贫家庭/监测帮扶对象（脱贫户，已核实：广西防返贫监测信息平台，2026-11-01）",
    )
    assert got[denied.pk][0] is False and "比对不符" in got[denied.pk][1]
    assert got[plain.pk] == (True, "脱贫家庭/监测帮扶对象（脱贫户）")


def test_the_roster_summary_reads_the_facts_once(
    lu, school, class_factory, person_factory, django_assert_max_num_queries
):
    people = [person_factory(name=f"学员{i}") for i in range(6)]
    for p in people[:4]:
        verified(p, "migrant")
    verified(people[4], "migrant", verdict="contradicted")
    c = class_factory(lu, trainees=people, bases=dict.fromkeys(people, "migrant"), approve=False)
    enrolments = list(
        c.enrolments.select_related("person__household", "training_class").prefetch_related(
            "person__household__statuses"
        )
    )
    with django_assert_max_num_queries(3):
        summary = classes.roster_summary(c, enrolments)
    assert (summary.count, summary.eligible) == (6, 5)
    assert (summary.awaiting, summary.contradicted) == (1, 1)
    with django_assert_max_num_queries(1):
        facts = roster_facts(enrolments)
    with django_assert_max_num_queries(0):
        assert sum(classes.eligibility(e, facts=facts)[0] for e in enrolments) == 5


def test_the_class_page_shows_the_verdicts_without_a_query_per_trainee(
    client, lu, school, class_factory, person_factory
):
    def page_queries(n: int) -> int:
        people = [person_factory(name=f"学员{n}{i}") for i in range(n)]
        for p in people:
            verified(p, "migrant")
        c = class_factory(
            lu, trainees=people, bases=dict.fromkeys(people, "migrant"), approve=False
        )
        client.force_login(lu)
        with CaptureQueriesContext(connection) as seen:
            page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
        assert "已核实：测试用比对名单" in page
        assert "待比对核实" not in page
        return len(seen)

    assert page_queries(2) == page_queries(6)


def test_the_roster_summary_names_who_waits_for_the_comparison(
    client, lu, school, class_factory, person_factory
):
    sure, waiting = person_factory(name="甲"), person_factory(name="乙")
    verified(sure, "migrant")
    c = class_factory(
        lu, trainees=[sure, waiting], bases={sure: "migrant", waiting: "migrant"}, approve=False
    )
    client.force_login(lu)
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    assert "符合补贴条件 2 人（其中 1 人申报的补贴对象类别待比对核实，核实前补贴暂缓）" in page
    assert "农村转移就业劳动者（待比对核实）" in page
