"""The change log names the rows a change links to (a class by its name), never by a bare
database number, and looks them up once a page; people stay keys outside their own history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillaid.accounts.history import EMPTY, Change, describe
from skillaid.accounts.models import AuditEntry, audit

pytestmark = pytest.mark.django_db


def certificate_entry(c, person_id=None):
    return audit(
        actor=None,
        channel="page",
        action="create",
        object_type="evaluation.certificate",
        object_id=1,
        person_id=person_id,
        changes={"number": [None, "S1"], "class": [None, c.pk]},
    )


def test_a_class_is_named_not_numbered(lu, school, class_factory):
    c = class_factory(lu)
    assert describe("evaluation.certificate", {"class": [None, c.pk]}) == [
        Change("培训班", EMPTY, c.name)
    ]
    assert describe("training.enrolment", {"training_class": [None, c.pk]}) == [
        Change("培训班", EMPTY, c.name)
    ]
    # A user linked (who settled a flag) by the name pages show for them.
    assert describe("training.attendance", {"flag_settled_by": [None, lu.pk]}) == [
        Change("核查人", EMPTY, lu.display_name)
    ]


def test_a_row_since_deleted_falls_back_to_its_key(db):
    assert describe("training.enrolment", {"training_class": [None, 987654]}) == [
        Change("培训班", EMPTY, "987654")
    ]


def test_a_person_linked_from_another_row_stays_a_key(lu, school, class_factory, person_factory):
    trainee = person_factory(name="蓝海燕")
    (change,) = describe("training.enrolment", {"person": [None, trainee.pk]})
    assert change.after == str(trainee.pk) and trainee.name not in change.after


def test_a_page_of_entries_looks_each_model_up_once(lu, school, class_factory, occupation):
    classes = [class_factory(lu, name=f"第{i}期家政服务员培训班") for i in range(3)]
    entries = [certificate_entry(c) for c in classes] + [
        audit(
            actor=None,
            channel="page",
            action="update",
            object_type="training.trainingclass",
            object_id=c.pk,
            changes={"occupation": [None, occupation.pk], "reviewed_by": [None, lu.pk]},
        )
        for c in classes
    ]
    with CaptureQueriesContext(connection) as queries:
        AuditEntry.describe_all(entries)
        shown = [e.change_list for e in entries]
    assert len(queries) == 3  # classes, occupations, users: once each for the page
    assert [s[1].after for s in shown[:3]] == [c.name for c in classes]
    assert shown[3] == [
        Change("职业（工种）", EMPTY, str(occupation)),
        Change("审核人", EMPTY, lu.display_name),
    ]


def test_the_audit_page_shows_the_class_by_name(client, zhou, lu, school, class_factory):
    c = class_factory(lu, name="马山县育婴员培训班")
    certificate_entry(c)
    client.force_login(zhou)
    page = client.get(reverse("audit_list")).content.decode()
    assert f"培训班</span>：{EMPTY} → 马山县育婴员培训班" in page
    assert f"→ {c.pk}<" not in page
