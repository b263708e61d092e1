"""person_match_or_register: the one way a roster or an import finds or registers a person."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from skillaid.accounts.models import AuditEntry
from skillaid.lib import idnumber
from skillaid.people.models import Person
from skillaid.people.services import (
    MATCHED,
    NAME_MISMATCH,
    OUT_OF_SCOPE,
    REFUSED,
    REGISTERED,
    person_match_or_register,
)
from tests.conftest import LONGAN, MASHAN, new_id

CERTIFICATE_IMPORT = {"channel": "import", "source": "证书导入"}
ROSTER = {"channel": "page", "source": "花名册", "scoped": False, "county_first": True}


def test_a_registered_person_is_matched_by_number_whatever_spaces_the_name_has(wei, person_factory):
    person = person_factory(name="阿依古丽·买买提")
    number = person.id_number
    match = person_match_or_register(
        id_number=number, name=" 阿依古丽 • 买买提 ", actor=wei, **CERTIFICATE_IMPORT
    )
    assert match.outcome == MATCHED and match.person == person
    assert Person.objects.count() == 1


def test_someone_not_in_the_ledger_is_registered_in_their_county_under_the_actor(wei):
    number = new_id(MASHAN)
    match = person_match_or_register(
        id_number=number, name="韦 小宝", actor=wei, **CERTIFICATE_IMPORT
    )
    assert match.outcome == REGISTERED
    person = match.person
    assert person.name == "韦小宝" and person.county_id == MASHAN and person.id_number == number
    entry = AuditEntry.objects.about(person).get(action="create")
    assert entry.actor == wei and entry.channel == "import" and entry.note == "由证书导入登记"


def test_a_name_that_is_not_the_ledgers_is_refused_with_the_reason(wei, person_factory):
    person = person_factory(name="蓝海燕")
    match = person_match_or_register(
        id_number=person.id_number, name="蓝海艳", actor=wei, **CERTIFICATE_IMPORT
    )
    assert (match.outcome, match.field, match.reason) == (REFUSED, "name", NAME_MISMATCH)
    assert match.person is None
    with pytest.raises(ValidationError) as info:
        match.person_or_raise()
    assert info.value.message_dict == {"name": [NAME_MISMATCH]}


def test_out_of_scope_is_refused_before_the_name_is_looked_at(huang, person_factory):
    person = person_factory(MASHAN, name="蓝海燕")
    for name in ("蓝海燕", "别人"):
        match = person_match_or_register(
            id_number=person.id_number, name=name, actor=huang, **CERTIFICATE_IMPORT
        )
        # The same answer either way: a refusal confirms no name of someone out of scope.
        assert (match.outcome, match.field, match.reason) == (REFUSED, "id_number", OUT_OF_SCOPE)


def test_registering_in_a_county_out_of_scope_is_refused(huang):
    match = person_match_or_register(
        id_number=new_id(MASHAN), name="韦小宝", actor=huang, **CERTIFICATE_IMPORT
    )
    assert (match.outcome, match.reason) == (REFUSED, OUT_OF_SCOPE)
    assert not Person.objects.exists()


def test_a_number_of_a_former_county_is_registered_only_with_a_county_given(wei):
    number = idnumber.make_number("450199", dt.date(1990, 1, 1), 7)
    refused = person_match_or_register(
        id_number=number, name="韦小宝", actor=wei, **CERTIFICATE_IMPORT
    )
    assert refused.outcome == REFUSED and "无法确定所属县" in refused.reason
    given = person_match_or_register(
        id_number=number, name="韦小宝", county=MASHAN, actor=wei, **CERTIFICATE_IMPORT
    )
    assert given.outcome == REGISTERED and given.person.county_id == MASHAN


def test_bad_input_is_refused_under_its_field(wei):
    assert (
        person_match_or_register(
            id_number="123", name="韦小宝", actor=wei, **CERTIFICATE_IMPORT
        ).field
        == "id_number"
    )
    assert (
        person_match_or_register(
            id_number=new_id(), name=" \u200b", actor=wei, **CERTIFICATE_IMPORT
        ).field
        == "name"
    )


def test_a_roster_matches_and_registers_anyone_whatever_the_officers_region(lu, person_factory):
    known = person_factory(LONGAN, name="黄大山")
    match = person_match_or_register(id_number=known.id_number, name="黄大山", actor=lu, **ROSTER)
    assert match.outcome == MATCHED and match.person == known
    new = person_match_or_register(id_number=new_id(LONGAN), name="覃美玲", actor=lu, **ROSTER)
    assert new.outcome == REGISTERED and new.person.county_id == LONGAN
    assert AuditEntry.objects.about(new.person).get().note == "由花名册登记"
    wrong = person_match_or_register(id_number=known.id_number, name="黄大海", actor=lu, **ROSTER)
    assert (wrong.outcome, wrong.field, wrong.reason) == (REFUSED, "name", NAME_MISMATCH)


def test_a_roster_asks_for_the_county_before_it_reads_the_ledger(lu, wei):
    number = idnumber.make_number("450199", dt.date(1990, 1, 1), 8)
    person_match_or_register(
        id_number=number, name="韦小宝", county=MASHAN, actor=wei, **CERTIFICATE_IMPORT
    )
    # Registered or not, the officer is asked the same: the answer tells them nothing.
    for n in (number, idnumber.make_number("450199", dt.date(1990, 1, 1), 9)):
        match = person_match_or_register(id_number=n, name="韦小宝", actor=lu, **ROSTER)
        assert (match.outcome, match.field) == (REFUSED, "county")
