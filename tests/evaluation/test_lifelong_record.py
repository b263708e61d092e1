"""The lifelong record lists only classes that ran (approved and started), and shows an intent
the survey could not read as 未知, never as 否."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from skillaid.evaluation.record import lifelong_record
from skillaid.training import classes

pytestmark = pytest.mark.django_db


def attended(person) -> list[str]:  # noqa: ANN001
    return [ev.what for ev in lifelong_record(person) if ev.kind == "参加培训"]


def test_classes_that_never_ran_are_not_in_the_record(
    lu, wei, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户")
    draft = class_factory(lu, trainees=[trainee], approve=False, name="草稿班")
    refused = class_factory(lu, trainees=[trainee], approve=False, name="不予批准班")
    classes.class_declare(actor=lu, training_class=refused)
    classes.class_review(actor=wei, training_class=refused, decision="reject", note="师资不足")
    waiting = class_factory(lu, trainees=[trainee], approve=False, name="待审核班")
    classes.class_declare(actor=lu, training_class=waiting)
    ran = class_factory(lu, trainees=[trainee], name="已开班")
    for c in (draft, refused, waiting):
        c.refresh_from_db()
    assert [draft.status, refused.status, waiting.status] == ["draft", "rejected", "declared"]

    # Approved but not started: not yet in the record.
    assert attended(trainee) == []
    first = ran.sessions.first()
    with time_machine.travel(first.starts_at + dt.timedelta(minutes=1), tick=False):
        record = attended(trainee)
        assert len(record) == 1 and record[0].startswith("已开班")
    assert not any(name in " ".join(record) for name in ("草稿班", "不予批准班", "待审核班"))


def test_the_person_page_record_leaves_out_a_refused_class(
    client, lu, wei, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户")
    refused = class_factory(lu, trainees=[trainee], approve=False, name="不予批准班")
    classes.class_declare(actor=lu, training_class=refused)
    classes.class_review(actor=wei, training_class=refused, decision="reject", note="师资不足")
    client.force_login(wei)
    page = client.get(reverse("person_detail", args=[trainee.pk])).content.decode()
    # The record's own card: the change log below it may name the class the roster entry
    # was made for, and rightly so.
    start = page.index('id="record"')
    record = page[start : page.index("</table>", start)]
    assert "终身职业技能培训电子档案" in record
    assert "不予批准班" not in record
    assert "出勤0/" not in record


def test_an_unknown_intent_reads_unknown_not_no(person_factory):
    person = person_factory(surveyed_on="2026-03-01")
    person.wants_training = True
    person.training_occupations = "电工"
    person.wants_school = None
    person.wants_job = False
    person.save()
    survey = [ev for ev in lifelong_record(person) if ev.kind == "台账调查"]
    assert survey and survey[0].what == "培训（电工）；就读技工院校意愿未知"
    person.wants_training = None
    person.save()
    survey = [ev for ev in lifelong_record(person) if ev.kind == "台账调查"]
    assert survey[0].what == "培训、就读技工院校意愿未知"
