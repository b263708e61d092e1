"""`skillaid check --ops`: one line per check and an exit code a monitor can act on."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from skillaid.accounts import keys
from skillaid.ops import checks


def run_check(*args: str) -> tuple[int, dict[str, tuple[str, str]]]:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit:
        call_command("check", "--ops", *args, stdout=out)
    lines = {}
    for line in out.getvalue().splitlines():
        status, name, message = line.split(None, 2)
        lines[name] = (status, message)
    return exit.value.code, lines


@pytest.fixture
def healthy(db, settings, tmp_path):
    settings.DEBUG = False
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.MEDIA_ROOT.mkdir(parents=True)
    settings.SKILLAID_CHECK_MIN_FREE_MB = 1
    keys.forget()
    yield settings
    keys.forget()


def test_a_healthy_installation_is_all_ok_and_exits_0(healthy):
    code, lines = run_check()
    assert code == 0
    assert {s for s, _ in lines.values()} == {"OK"}
    for name in (
        "settings.debug",
        "settings.secret_key",
        "settings.id_key",
        "settings.allowed_hosts",
        "dirs.var",
        "dirs.media",
        "disk.free",
        "database.reachable",
        "database.migrations",
        "keys.id_key",
        "jobs.pending",
    ):
        assert name in lines


def test_plain_check_and_check_deploy_stay_djangos(healthy):
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "System check identified" in out.getvalue()
    healthy.SECURE_HSTS_SECONDS = 0
    code, lines = run_check("--deploy")
    assert lines["django.security.W004"][0] == "WARN" and code >= 1


def test_debug_on_is_a_warning(healthy):
    healthy.DEBUG = True
    code, lines = run_check()
    assert lines["settings.debug"][0] == "WARN" and code == 1


def test_an_empty_secret_key_fails(healthy):
    healthy.SECRET_KEY = ""
    code, lines = run_check()
    assert lines["settings.secret_key"][0] == "FAIL" and code == 2


def test_a_missing_id_key_fails(healthy, tmp_path):
    healthy.SKILLAID_ID_KEY = ""
    healthy.SKILLAID_ID_KEY_FILE = tmp_path / "no_id_key"
    code, lines = run_check()
    assert lines["settings.id_key"][0] == "FAIL" and lines["keys.id_key"][0] == "FAIL"
    assert code == 2


def test_an_id_key_equal_to_the_secret_key_is_a_warning(healthy):
    healthy.SKILLAID_ID_KEY = healthy.SECRET_KEY
    code, lines = run_check()
    assert lines["settings.id_key"][0] == "WARN"


def test_a_key_that_does_not_open_the_database_fails(healthy, person_factory):
    person_factory()
    healthy.SKILLAID_ID_KEY = "another key"
    code, lines = run_check()
    assert lines["keys.id_key"][0] == "FAIL" and "拒绝启动" in lines["keys.id_key"][1]
    assert code == 2


def test_empty_allowed_hosts_fail_and_a_wildcard_warns(healthy):
    healthy.ALLOWED_HOSTS = []
    assert run_check()[1]["settings.allowed_hosts"][0] == "FAIL"
    healthy.ALLOWED_HOSTS = ["*"]
    assert run_check()[1]["settings.allowed_hosts"][0] == "WARN"


def test_folders_that_cannot_be_written_fail(healthy, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    healthy.MEDIA_ROOT = blocker / "media"
    code, lines = run_check()
    assert lines["dirs.media"][0] == "FAIL" and lines["dirs.var"][0] == "OK" and code == 2
    healthy.VAR_DIR = blocker / "var"
    code, lines = run_check()
    assert lines["dirs.var"][0] == "FAIL" and lines["disk.free"][0] == "FAIL"


def test_an_unreachable_database_fails_and_skips_what_needs_it(healthy, monkeypatch):
    class Down:
        vendor = "postgresql"

        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(checks, "connection", Down())
    code, lines = run_check()
    assert lines["database.reachable"] == ("FAIL", "连接失败：connection refused")
    assert lines["database.migrations"][0] == lines["jobs.pending"][0] == "FAIL"
    assert code == 2


def test_an_unapplied_migration_fails(healthy):
    from django.db import connection

    MigrationRecorder(connection).record_unapplied("accounts", "0003_key_check")
    code, lines = run_check()
    assert lines["database.migrations"][0] == "FAIL"
    assert "accounts.0003_key_check" in lines["database.migrations"][1]


def test_jobs_waiting_too_long_are_a_warning(healthy):
    from django_tasks_db.models import DBTaskResult

    healthy.SKILLAID_CHECK_JOB_MINUTES = 30
    DBTaskResult.objects.create(
        status="READY",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="skillaid.people.tasks.import_ledger_task",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - dt.timedelta(minutes=45),
    )
    code, lines = run_check()
    assert (
        lines["jobs.pending"][0] == "WARN" and "1 个已等待超过 30 分钟" in lines["jobs.pending"][1]
    )
    assert code == 1


def test_low_disk_space_warns_then_fails(healthy):
    free = shutil.disk_usage(healthy.VAR_DIR).free // (1024 * 1024)
    healthy.SKILLAID_CHECK_MIN_FREE_MB = free * 2 // 3
    assert run_check()[1]["disk.free"][0] == "WARN"
    healthy.SKILLAID_CHECK_MIN_FREE_MB = free * 2
    code, lines = run_check()
    assert lines["disk.free"][0] == "FAIL" and code == 2
