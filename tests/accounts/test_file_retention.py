"""Plain ID numbers outside the sealed column: exports leave no file behind, uploads and reports
are deleted after the retention period, and a whole ID typed into a search is kept only masked."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.jobs import Job
from skillaid.accounts.models import AuditEntry
from tests.conftest import MASHAN, new_id
from tests.exports import export_rows
from tests.people.sheets import xlsx


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_under(folder) -> list[str]:  # noqa: ANN001
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_ledger_export_from_the_page_leaves_no_file_behind(client, wei, person_factory, media):
    person_factory(name="韦一")
    client.force_login(wei)
    rows = export_rows(client.get(reverse("ledger_export")))
    assert rows[2][1] == "韦一"
    assert not media.exists() or files_under(media) == []


def test_export_ledger_from_the_command_line_is_logged(person_factory, tmp_path, wei):
    person_factory(name="韦一")
    call_command("export_ledger", str(tmp_path / "l.xlsx"), "--region", MASHAN, "--user", "wei")
    entry = AuditEntry.objects.get(action="export", object_type="ledger")
    assert entry.actor == wei and entry.channel == "command"
    assert entry.changes["rows"] == [None, 1] and entry.changes["filters"][1] == {"region": MASHAN}


def test_a_whole_id_searched_for_is_only_masked_in_the_title_and_the_audit_log(
    client, wei, person_factory
):
    person = person_factory(name="韦一")
    number = person.id_number
    client.force_login(wei)
    rows = export_rows(client.get(reverse("ledger_export"), {"q": number}))
    assert [r[1] for r in rows[2:]] == ["韦一"]  # the search still finds the person
    assert number not in rows[0][0] and f"查询“{person.id_masked}”" in rows[0][0]
    entry = AuditEntry.objects.get(action="export", object_type="ledger")
    logged = json.dumps(entry.changes, ensure_ascii=False) + entry.note
    assert number not in logged and person.id_masked in logged


def _import_with_a_problem(client, user, tmp_path, number: str) -> Job:  # noqa: ANN001
    # A whole ID number in the yes/no column: warned about, quoting the cell.
    path = xlsx(
        tmp_path / "台账.xlsx",
        [["韦二", new_id(), number], ["", new_id(), "是"]],
        headers=["姓名", "身份证号", "培训意愿"],
    )
    client.force_login(user)
    with path.open("rb") as upload:
        client.post(reverse("import_start"), {"file": upload, "county": MASHAN})
    return Job.objects.filter(owner=user).latest("pk")


@pytest.mark.django_db(transaction=True)
def test_a_job_keeps_the_problems_it_lists_with_id_numbers_masked(client, wei, tmp_path, media):
    number = new_id()
    job = _import_with_a_problem(client, wei, tmp_path, number)
    assert job.state == "done" and job.problem_count == 2
    kept = json.dumps(job.result, ensure_ascii=False)
    assert number not in kept and f"{number[:6]}********{number[-4:]}" in kept


@pytest.mark.django_db(transaction=True)
def test_uploads_and_reports_are_deleted_after_the_retention_period(
    client, wei, tmp_path, media, settings
):
    settings.SKILLAID_FILE_RETENTION_DAYS = 30
    old = _import_with_a_problem(client, wei, tmp_path, new_id())
    assert old.file and old.report and len(files_under(media)) == 2
    assert old.expires_at.date() == (old.finished_at + dt.timedelta(days=30)).date()
    stray = media / "exports" / "ledger-1-20250101.xlsx"  # left by an earlier version
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    month_ago = time.time() - 31 * 86400
    os.utime(stray, (month_ago, month_ago))

    with time_machine.travel(timezone.now() + dt.timedelta(days=20)):
        fresh = _import_with_a_problem(client, wei, tmp_path, new_id())
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        call_command("purge_files")
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not old.file and not old.report and old.result["rows"] == 2  # the record stays
    assert fresh.file and fresh.report
    assert files_under(media) == sorted([fresh.file.name, fresh.report.name])
    assert client.get(reverse("job_report", args=[old.pk])).status_code == 404


def test_serve_enqueues_the_purge_at_start_and_then_periodically(monkeypatch):
    from skillaid.ops.management.commands import serve

    calls = []

    class FakeTask:
        def enqueue(self) -> None:
            calls.append(time.monotonic())

    monkeypatch.setattr(serve, "purge_files_task", FakeTask())
    stop = threading.Event()
    thread = serve.schedule_purge(stop, hours=0.05 / 3600)  # every 50 ms
    deadline = time.monotonic() + 5
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=5)
    assert len(calls) >= 3 and not thread.is_alive()


def test_the_purge_task_deletes_what_the_command_deletes(media, settings, db):
    from skillaid.accounts.tasks import purge_files_task

    report = media / "reports" / "old.xlsx"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"x")
    long_ago = time.time() - (settings.SKILLAID_FILE_RETENTION_DAYS + 1) * 86400
    os.utime(report, (long_ago, long_ago))
    result = purge_files_task.enqueue()
    assert result.return_value == {"jobs": 0, "files": 1} and not report.exists()
