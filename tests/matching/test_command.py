"""`skillaid load-registry`: a registry file loaded from the command line, as a new version."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from skillaid.matching.models import RegistrySnapshot

from .helpers import registry_rows, write_csv

pytestmark = pytest.mark.django_db


def test_load_registry_loads_a_new_version_each_time(qin, tmp_path, settings, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "registry.csv", registry_rows())
    args = ["load_registry", str(path), "--kind", "assisted", "--source", "广西防返贫监测信息平台"]
    call_command(*args, "--as-of", "2026-11-01", "--user", "qin", "--json")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["created"] == 6 and summary["version"] == 1
    call_command(*args, "--as-of", "2026-12-01", "--user", "qin")
    assert list(RegistrySnapshot.objects.order_by("version").values_list("version", "as_of")) == [
        (1, RegistrySnapshot.objects.get(version=1).as_of),
        (2, RegistrySnapshot.objects.get(version=2).as_of),
    ]
    assert RegistrySnapshot.objects.get(version=2).region_id == "450000"


def test_load_registry_refuses_an_unknown_kind(qin, tmp_path):
    path = write_csv(tmp_path / "registry.csv", registry_rows())
    with pytest.raises(SystemExit) as exc:
        call_command(
            "load_registry", str(path), "--kind", "x", "--source", "s", "--as-of", "2026-11-01"
        )
    assert exc.value.code == 2


def test_compare_registry_runs_in_the_foreground(qin, system, tmp_path, settings, capsys):
    from .helpers import load, make_people

    settings.MEDIA_ROOT = tmp_path / "media"
    make_people(system)
    snapshot = load(qin, write_csv(tmp_path / "registry.csv", registry_rows()))
    call_command("compare_registry", str(snapshot.pk), "--user", "qin", "--json")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["consistent"] == 2 and summary["near_id"] == 1


def test_purge_registry_keeps_the_newest_versions(qin, tmp_path, settings):
    from .helpers import load

    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "registry.csv", registry_rows())
    first, second = load(qin, path), load(qin, path)
    call_command("purge_registry", "--keep", "1")
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.file and second.file and (tmp_path / "media" / second.file.name).exists()
    assert first.rows_loaded == 6  # the row and its counts stay
