"""The ID key is its own key, proved against the database's check value, never lost silently."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.core.management import call_command

from skillaid.accounts import keys
from skillaid.accounts.keys import IdKeyError
from skillaid.accounts.models import IdKey, IdKeyState
from skillaid.lib.sealed import Key
from skillaid.people.models import Person
from tests.conftest import MASHAN, TEST_ID_KEY, new_id
from tests.people.sheets import xlsx


@pytest.fixture
def no_key(settings, tmp_path):
    """No SKILLAID_ID_KEY and a key file that does not exist yet."""
    settings.SKILLAID_ID_KEY = ""
    settings.SKILLAID_ID_KEY_FILE = tmp_path / "id_key"
    settings.SKILLAID_ID_KEY_OLD_FILE = tmp_path / "id_key.old"
    keys.forget()
    yield settings.SKILLAID_ID_KEY_FILE
    keys.forget()


@pytest.fixture
def sealed(person_factory):
    """A database holding sealed ID numbers under the test key."""
    keys.forget()
    return person_factory()


def wrong_key(settings) -> None:
    settings.SKILLAID_ID_KEY = "some-other-key"
    keys.forget()


def test_a_new_database_gets_a_key_file_of_its_own_not_the_secret_key(db, no_key, settings):
    IdKey.objects.all().delete()
    box = keys.id_key_ready()
    secret = no_key.read_text().strip()
    assert secret and secret != settings.SECRET_KEY
    assert no_key.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert IdKey.objects.get(state=IdKeyState.CURRENT).check_value == Key(secret).check == box.check


def test_a_wrong_key_refuses_naming_the_expected_key_and_changes_nothing(sealed, settings):
    expected = IdKey.objects.get(state=IdKeyState.CURRENT)
    before = list(IdKey.objects.values())
    wrong_key(settings)
    with pytest.raises(IdKeyError) as refused:
        keys.id_key_ready()
    message = str(refused.value)
    assert expected.key_id in message and Key("some-other-key").key_id in message
    assert "SKILLAID_ID_KEY" in message and "未改动任何数据" in message
    assert list(IdKey.objects.values()) == before


def test_every_look_up_refuses_with_a_wrong_key_instead_of_finding_nobody(sealed, settings):
    number = sealed.id_number
    wrong_key(settings)
    with pytest.raises(IdKeyError):
        Person.objects.with_id_number(number).exists()


def test_a_missing_key_file_with_sealed_data_refuses_and_makes_no_new_key(sealed, no_key):
    with pytest.raises(IdKeyError) as refused:
        keys.id_key_ready()
    assert str(no_key) in str(refused.value)
    assert not no_key.exists()


def test_a_reimport_after_the_key_file_is_lost_refuses_and_duplicates_nobody(
    tmp_path, regions, settings
):
    path = xlsx(tmp_path / "l.xlsx", [["蓝海燕", new_id(), "", "", "", "", "", ""]])
    call_command("import_ledger", str(path), "--county", MASHAN)
    assert Person.objects.count() == 1
    settings.SKILLAID_ID_KEY = ""
    settings.SKILLAID_ID_KEY_FILE = tmp_path / "id_key"  # the lost file
    keys.forget()
    with pytest.raises(IdKeyError):
        call_command("import_ledger", str(path), "--county", MASHAN)
    assert Person.objects.count() == 1
    assert not (tmp_path / "id_key").exists()
    keys.forget()


def test_a_database_sealed_with_the_secret_key_adopts_it_as_the_id_key(
    db, regions, person_factory, no_key, settings
):
    # Before the ID key had its own setting, ID numbers were sealed with SECRET_KEY
    # and no check value was stored.
    settings.SKILLAID_ID_KEY = settings.SECRET_KEY
    keys.forget()
    IdKey.objects.all().delete()
    person = person_factory()
    IdKey.objects.all().delete()
    settings.SKILLAID_ID_KEY = ""
    keys.forget()
    box = keys.id_key_ready()
    assert no_key.read_text().strip() == settings.SECRET_KEY
    assert IdKey.objects.get(state=IdKeyState.CURRENT).check_value == box.check
    assert any("SECRET_KEY" in n for n in keys.notes)
    assert Person.objects.get(pk=person.pk).id_number == person.id_number
    # Changing SECRET_KEY afterwards no longer touches the ID numbers.
    settings.SECRET_KEY = "a new secret key"
    keys.forget()
    assert Person.objects.with_id_number(person.id_number).get() == person


def test_a_key_without_check_value_that_does_not_open_the_data_refuses(sealed, settings):
    IdKey.objects.all().delete()
    wrong_key(settings)
    with pytest.raises(IdKeyError, match="打不开"):
        keys.id_key_ready()
    assert not IdKey.objects.exists()


def test_the_wsgi_application_refuses_to_start_with_a_wrong_key(sealed, settings):
    wrong_key(settings)
    sys.modules.pop("skillaid.wsgi", None)
    with pytest.raises(IdKeyError):
        importlib.import_module("skillaid.wsgi")


def test_serve_refuses_before_starting_anything(sealed, settings, monkeypatch):
    import subprocess

    def started(*args, **kwargs):
        raise AssertionError("serve started a process with a wrong ID key")

    monkeypatch.setattr(subprocess, "Popen", started)
    wrong_key(settings)
    with pytest.raises(IdKeyError):
        call_command("serve")


def test_the_task_worker_refuses_to_start(sealed, settings, monkeypatch):
    from django_tasks_db.management.commands.db_worker import Command

    def worked(*args, **kwargs):
        raise AssertionError("the worker ran with a wrong ID key")

    monkeypatch.setattr(Command, "handle", worked)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    wrong_key(settings)
    with pytest.raises(IdKeyError):
        call_command("db_worker")


def test_setup_refuses_after_migrating(sealed, settings):
    wrong_key(settings)
    with pytest.raises(IdKeyError):
        call_command("migrate", verbosity=0)


def test_the_test_suite_runs_on_its_own_key(db, settings):
    assert settings.SKILLAID_ID_KEY == TEST_ID_KEY
    assert keys.sealer().check == Key(TEST_ID_KEY).check
