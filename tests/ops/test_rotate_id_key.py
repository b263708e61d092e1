"""`skillaid rotate-id-key` re-seals every ID number under the new key, resumably."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skillaid.accounts import keys
from skillaid.accounts.models import IdKey, IdKeyState
from skillaid.accounts.system import system_user
from skillaid.lib.sealed import Key, Sealer
from skillaid.ops.rotation import Interrupted, id_key_rotate
from skillaid.people.imports import LedgerImport
from skillaid.people.models import Household, Person
from skillaid.regions.models import Region
from tests.conftest import MASHAN, TEST_ID_KEY, new_id
from tests.people.sheets import xlsx

NEW_KEY = "the-new-id-key"
HEADERS = ["姓名", "身份证号", "户主身份证号", "与户主关系"]


@pytest.fixture
def ledger(tmp_path, regions):
    """Seven people under the test key: three of one household known by its head's
    number, four listed without a household, each in a household of their own."""
    head = new_id()
    rows = [["覃父", head, head, "户主"], ["覃母", new_id(), head, "配偶"]]
    rows += [["覃子", new_id(), head, "子"]]
    rows += [[f"蓝{i}", new_id(), "", ""] for i in range(4)]
    path = xlsx(tmp_path / "ledger.xlsx", rows, headers=HEADERS)
    county = Region.objects.get(code=MASHAN)
    result = LedgerImport(actor=system_user(), county=county).run(path)
    assert result.created == 7
    numbers = {p.pk: p.id_number for p in Person.objects.all()}
    return path, county, numbers


def rotating(settings) -> None:
    settings.SKILLAID_ID_KEY = NEW_KEY
    settings.SKILLAID_ID_KEY_OLD = TEST_ID_KEY
    keys.forget()


def only_new_key(settings) -> None:
    settings.SKILLAID_ID_KEY_OLD = ""
    keys.forget()


@pytest.fixture(autouse=True)
def _forget():
    keys.forget()
    yield
    keys.forget()


def test_rotation_reseals_everyone_and_everyone_is_found_under_the_new_key(ledger, settings):
    path, county, numbers = ledger
    households = dict(Household.objects.values_list("pk", "number"))
    rotating(settings)
    result = id_key_rotate(chunk=3)
    assert result.finished and result.resealed["people.Person"] == 7
    assert not any(v for k, v in result.resealed.items() if k != "people.Person")
    assert IdKey.objects.get(state=IdKeyState.CURRENT).check_value == Key(NEW_KEY).check
    assert IdKey.objects.get(state=IdKeyState.RETIRED).check_value == Key(TEST_ID_KEY).check
    only_new_key(settings)
    new = Sealer(NEW_KEY)
    for person in Person.objects.all():
        assert new.open(person.id_sealed) == numbers[person.pk]
        assert person.id_index == new.index(numbers[person.pk])
        assert Person.objects.with_id_number(numbers[person.pk]).get() == person
    # Households named after a blind index took the name under the new key...
    renamed = dict(Household.objects.values_list("pk", "number"))
    assert renamed.keys() == households.keys()
    assert sum(renamed[k] != households[k] for k in renamed) == 5
    # ...so that importing the ledger again under the new key finds them all.
    again = LedgerImport(actor=system_user(), county=county).run(path)
    assert again.created == 0 and not again.rejected
    assert Person.objects.count() == 7
    assert dict(Household.objects.values_list("pk", "number")) == renamed


def test_a_changed_ledger_imported_after_the_rotation_updates_the_same_people(ledger, settings):
    path, county, numbers = ledger
    rotating(settings)
    id_key_rotate()
    only_new_key(settings)
    changed = xlsx(
        path.with_name("changed.xlsx"),
        [[f"改名{pk}", number, "", ""] for pk, number in numbers.items()],
        headers=HEADERS,
    )
    result = LedgerImport(actor=system_user(), county=county).run(changed)
    assert result.created == 0 and result.updated == 7
    assert Person.objects.count() == 7


def test_during_a_rotation_people_are_found_under_either_key(ledger, settings, person_factory):
    _, _, numbers = ledger
    rotating(settings)
    with pytest.raises(Interrupted):
        id_key_rotate(chunk=3, stop_after=1)
    newcomer = person_factory()  # sealed under the new key while the rotation runs
    assert Sealer(NEW_KEY).open(newcomer.id_sealed) == newcomer.id_number
    for pk, number in {**numbers, newcomer.pk: newcomer.id_number}.items():
        assert Person.objects.with_id_number(number).get().pk == pk
        assert Person.objects.get(pk=pk).id_number == number


def test_an_interrupted_rotation_resumes_where_it_stopped(ledger, settings):
    _, county, numbers = ledger
    rotating(settings)
    with pytest.raises(Interrupted):
        id_key_rotate(chunk=2, stop_after=2)
    upcoming = IdKey.objects.get(state=IdKeyState.NEXT)
    done = upcoming.progress["people.Person"]
    assert done == sorted(numbers)[3]
    assert IdKey.objects.get(state=IdKeyState.CURRENT).check_value == Key(TEST_ID_KEY).check
    # Imports wait: matching rows to people needs one key.
    with pytest.raises(PermissionError, match="轮换"):
        LedgerImport(actor=system_user(), county=county).run(ledger[0])
    # A process started again with the old key alone is refused: some rows are new.
    settings.SKILLAID_ID_KEY, settings.SKILLAID_ID_KEY_OLD = TEST_ID_KEY, ""
    keys.forget()
    with pytest.raises(keys.IdKeyError, match="正在轮换"):
        keys.id_key_ready()
    rotating(settings)
    result = id_key_rotate(chunk=2)
    assert result.finished and result.resealed["people.Person"] == 3
    assert not any(v for k, v in result.resealed.items() if k != "people.Person")
    only_new_key(settings)
    for pk, number in numbers.items():
        assert Person.objects.get(pk=pk).id_number == number


def test_the_command_explains_how_to_start_a_rotation(ledger):
    with pytest.raises(CommandError, match="SKILLAID_ID_KEY_OLD"):
        call_command("rotate_id_key")


def test_generate_moves_the_key_file_aside_and_writes_a_new_one(ledger, settings, tmp_path):
    settings.SKILLAID_ID_KEY = ""
    settings.SKILLAID_ID_KEY_FILE = tmp_path / "id_key"
    settings.SKILLAID_ID_KEY_OLD_FILE = tmp_path / "id_key.old"
    (tmp_path / "id_key").write_text(TEST_ID_KEY)
    call_command("rotate_id_key", "--generate")
    assert (tmp_path / "id_key.old").read_text() == TEST_ID_KEY
    assert (tmp_path / "id_key").read_text().strip() not in ("", TEST_ID_KEY)
    call_command("rotate_id_key")
    assert (
        IdKey.objects.get(state=IdKeyState.CURRENT).check_value
        == Key((tmp_path / "id_key").read_text().strip()).check
    )
