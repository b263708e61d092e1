"""audit_changes: a change set, saved and logged in one call; no change, nothing written."""

import datetime as dt

import pytest
from django.db import transaction

from skillaid.accounts.auditlog import audit_verify
from skillaid.accounts.models import AuditEntry, audit, audit_changes
from skillaid.institutions.models import Capacity
from skillaid.regions.models import Region
from tests.conftest import LONGAN, MASHAN


def test_no_change_saves_nothing_and_logs_nothing(person_factory, wei, django_assert_num_queries):
    person = person_factory(phone="13812345678")
    before = AuditEntry.objects.count()
    with django_assert_num_queries(0):
        changes = audit_changes(
            person, {"phone": "13812345678", "name": "蓝海燕"}, actor=wei, channel="page"
        )
    assert changes == {}
    assert AuditEntry.objects.count() == before


def test_a_change_is_saved_and_logged_once_with_old_and_new(person_factory, wei):
    person = person_factory(phone="13812345678")
    longan = Region.objects.get(code=LONGAN)
    changes = audit_changes(
        person,
        {
            "phone": "13900001111",
            "name": "蓝海燕",
            "county": longan,
            "surveyed_on": dt.date(2026, 3, 1),
        },
        actor=wei,
        channel="api",
        note="电话核实",
    )
    # Values as the log keeps them: a row by its key, a date as ISO text.
    assert changes == {
        "phone": ["13812345678", "13900001111"],
        "county": [MASHAN, LONGAN],
        "surveyed_on": [None, "2026-03-01"],
    }
    person.refresh_from_db()
    assert person.phone == "13900001111" and person.county_id == LONGAN
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.object_type == "people.person" and entry.object_id == str(person.pk)
    assert entry.person_id == person.pk  # Person names itself as the person concerned
    assert entry.action == "update" and entry.channel == "api" and entry.actor == wei
    assert entry.changes == changes and entry.note == "电话核实"
    assert audit_verify().intact


def test_a_new_row_is_created_and_every_value_logged_as_new(wei):
    item = Capacity(created_by=wei)
    changes = audit_changes(
        item,
        {
            "kind": "public_base",
            "name": "马山县实训基地",
            "region": Region.objects.get(code=MASHAN),
            "year": 2026,
            "held_on": dt.date(2026, 5, 1),
        },
        actor=wei,
        channel="page",
    )
    assert item.pk is not None
    assert changes["name"] == [None, "马山县实训基地"] and changes["held_on"] == [
        None,
        "2026-05-01",
    ]
    entry = AuditEntry.objects.about(item).get()
    assert entry.action == "create" and entry.object_type == "institutions.capacity"
    assert entry.object_label == Capacity._meta.verbose_name


def test_prepare_sees_the_changes_before_the_save_and_an_error_there_writes_nothing(
    person_factory, wei
):
    person = person_factory()
    before = AuditEntry.objects.count()

    def refuse(changes: dict) -> None:
        assert changes == {"phone": ["", "13900001111"]}
        raise ValueError("不行")

    with pytest.raises(ValueError), transaction.atomic():
        audit_changes(person, {"phone": "13900001111"}, actor=wei, channel="page", prepare=refuse)
    person.refresh_from_db()
    assert person.phone == "" and AuditEntry.objects.count() == before


def test_audit_names_objects_by_model_label_and_refuses_a_free_word(person_factory, db):
    person = person_factory()
    entry = audit(actor=None, channel="page", action="reveal_id", object_type=person)
    assert entry.object_type == "people.person" and entry.object_id == str(person.pk)
    assert (
        audit(actor=None, channel="page", action="update", object_type="people.Person").object_type
        == "people.person"
    )
    assert (
        audit(actor=None, channel="page", action="export", object_type="ledger").object_label
        == "台账"
    )
    with pytest.raises(ValueError, match="neither a model"):
        audit(actor=None, channel="page", action="update", object_type="person")
