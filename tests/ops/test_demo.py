"""The demo classes that `skillaid demo-data` adds for a first look at the class pages."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def test_demo_classes_cover_each_stage_once(regions, person_factory):
    from skillaid.evaluation.models import Certificate
    from skillaid.ops.demo_classes import ensure_demo_classes
    from skillaid.ops.management.commands.demo_data import (
        ensure_demo_catalogue,
        ensure_demo_users,
    )
    from skillaid.subsidies.loading import load_policy_rules
    from skillaid.subsidies.models import Claim, ClaimLine
    from skillaid.training.models import TrainingClass

    load_policy_rules()
    ensure_demo_users()
    ensure_demo_catalogue()
    for i in range(32):
        person_factory(name=f"演示{i}", category="脱贫户")
    assert ensure_demo_classes() is True
    assert sorted(TrainingClass.objects.values_list("status", flat=True)) == [
        "approved",
        "approved",
        "closed",
        "declared",
    ]
    assert Certificate.objects.count() == 10
    # The closed class's claim waits for the city: submitted by the school, checked by the county.
    claim = Claim.objects.get(training_class__status="closed")
    assert claim.status == "checked"
    statuses = sorted(ClaimLine.objects.filter(kind="training").values_list("status", flat=True))
    assert statuses == ["due"] * 8 + ["refused"] * 2  # the two who missed sessions get nothing
    assert ensure_demo_classes() is False
    assert TrainingClass.objects.count() == 4


def test_demo_has_a_class_that_ended_and_waits_for_completion(regions, person_factory):
    from skillaid.evaluation.models import Certificate
    from skillaid.ops.demo_classes import NAMES, ensure_demo_classes
    from skillaid.ops.management.commands.demo_data import (
        ensure_demo_catalogue,
        ensure_demo_users,
    )
    from skillaid.training.classes.completion import (
        attendance_counts,
        completion_refusal,
    )
    from skillaid.training.models import Completion, TrainingClass

    ensure_demo_users()
    ensure_demo_catalogue()
    for i in range(32):
        person_factory(name=f"演示{i}", category="脱贫户")
    assert ensure_demo_classes() is True
    ended = TrainingClass.objects.get(name=NAMES[3])
    assert ended.status == "approved"
    assert ended.end_on < dt.date.today()
    assert completion_refusal(ended) == ""
    total, attended = attendance_counts(ended)
    assert total == 13
    assert sorted(attended.values()) == [8, 8, 13, 13, 13, 13, 13, 13]
    # Every trainee waits for the officer to record completion; nothing is certified yet.
    assert set(ended.enrolments.values_list("completion", flat=True)) == {Completion.PENDING}
    assert not Certificate.objects.filter(enrolment__training_class=ended).exists()


def test_demo_names_agree_with_the_sex_in_the_id_number():
    from faker import Faker

    from skillaid.lib import idnumber
    from skillaid.ops.demo_people import generate_rows

    provider = next(p for p in Faker("zh_CN").providers if hasattr(p, "first_names_male"))
    male, female = set(provider.first_names_male), set(provider.first_names_female)
    rows = list(
        generate_rows(400, seed=7, counties=[("450124", "马山县")], today=dt.date(2026, 12, 1))
    )
    assert len(rows) == 400
    sexes = set()
    for row in rows:
        name, number = row[1], row[2]
        sex = idnumber.sex(number)
        sexes.add(sex)
        given = name[1:] if name[1:] in male | female else name[2:]
        assert given in (male if sex == "M" else female), (name, number, sex)
        if row[3] in ("子", "女"):
            assert (row[3] == "子") == (sex == "M")
    assert sexes == {"M", "F"}


def test_the_demo_trainee_signs_in_with_the_id_number_and_reads_their_record(
    regions, person_factory, client
):
    from skillaid.ops.demo_classes import demo_trainee, ensure_demo_classes, ensure_demo_trainee
    from skillaid.ops.management.commands.demo_data import (
        ensure_demo_catalogue,
        ensure_demo_users,
    )

    ensure_demo_users()
    ensure_demo_catalogue()
    for i in range(32):
        person_factory(name=f"演示{i}", category="脱贫户")
    ensure_demo_classes()
    person = ensure_demo_trainee("demo-pass-2026")
    assert person is not None
    assert ensure_demo_trainee("demo-pass-2026") == person  # a second run adds nothing
    assert demo_trainee() == person
    answer = client.post(
        "/login/",
        {"username": person.id_number, "password": "demo-pass-2026"},
        follow=True,
        HTTP_HOST="127.0.0.1",
        secure=True,
    )
    assert answer.redirect_chain[-1][0] == "/me/"
    page = answer.content.decode()
    assert person.name in page
    assert "马山县育婴员培训班（演示·已结业）" in page
    assert "S2026450124" in page  # the certificate's number


def test_demo_declared_bases_are_mostly_verified_and_one_line_is_held(regions, person_factory):
    from skillaid.ops.demo_classes import ensure_demo_classes
    from skillaid.ops.management.commands.demo_data import (
        ensure_demo_catalogue,
        ensure_demo_users,
    )
    from skillaid.people.models import PersonFact
    from skillaid.subsidies.loading import load_policy_rules
    from skillaid.subsidies.models import ClaimLine

    load_policy_rules()
    ensure_demo_users()
    ensure_demo_catalogue()
    for i in range(32):
        person_factory(name=f"演示{i}", category="脱贫户")
    ordinary = [person_factory(name=f"务工{i}", category="一般户") for i in range(3)]
    assert ensure_demo_classes() is True
    lines = {x.person_id: x for x in ClaimLine.objects.filter(kind="training", person__in=ordinary)}
    assert [lines[p.pk].status for p in ordinary] == ["due", "due", "held"]
    assert lines[ordinary[2].pk].hold == "unverified_basis"
    assert PersonFact.objects.filter(kind="assisted", verdict="verified").count() == 8
    assert PersonFact.objects.get(person=ordinary[1]).source == "南宁市登记失业人员名单（演示）"
