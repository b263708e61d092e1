"""The job mechanism on its own: a runner registered for a kind, progress, result, report,
errors in Chinese, and a job private to the user who started it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillaid.accounts import jobs
from skillaid.accounts.jobs import Job, Outcome, job_start
from skillaid.lib.sheets import UnreadableFile


@pytest.fixture
def echo_kind(settings, tmp_path):
    """A kind whose runner counts the lines of the uploaded file and reports on progress."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seen = {}

    def run(job: Job, progress) -> Outcome:  # noqa: ANN001
        lines = Path(job.file.path).read_text().splitlines()
        if job.params.get("fail") == "user":
            raise UnreadableFile("找不到“身份证号”列")
        if job.params.get("fail") == "bug":
            raise KeyError("a bug")
        for i in range(len(lines)):
            progress(i + 1, len(lines))
        seen["done"] = Job.objects.get(pk=job.pk).done
        return Outcome(
            counts={"rows": len(lines), "created": len(lines) - 1, "rejected": 1},
            problems=[{"row": 2, "column": "A", "message": "不对", "rejected": True}],
            write_report=lambda path: path.write_bytes(b"report"),
        )

    jobs.register("echo", label="回声测试", run=run, start_url="import_start")
    yield seen
    jobs.RUNNERS.pop("echo")


def upload(text: str = "a\nb\nc\n") -> SimpleUploadedFile:
    return SimpleUploadedFile("名单.csv", text.encode())


def test_a_job_runs_its_kinds_runner_and_keeps_its_result_and_report(echo_kind, wei, client):
    job = job_start(kind="echo", owner=wei, upload=upload())
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.percent) == ("done", 3, 3, 100)
    assert echo_kind["done"] == 3  # progress reached the database while it ran
    assert job.result == {
        "rows": 3,
        "created": 2,
        "rejected": 1,
        "problems": [{"row": 2, "column": "A", "message": "不对", "rejected": True}],
    }
    assert job.filename == "名单.csv" and job.file.name.startswith("imports/")
    assert job.expires_at > job.finished_at
    client.force_login(wei)
    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "回声测试：名单.csv" in page and "<th>新增</th><td>2</td>" in page and "不对" in page
    partial = client.get(reverse("job", args=[job.pk]), headers={"HX-Request": "true"})
    assert (
        partial.content.decode().startswith('<div id="job"')
        and "hx-get" not in partial.content.decode()
    )
    report = client.get(reverse("job_report", args=[job.pk]))
    assert b"".join(report.streaming_content) == b"report"


def test_a_refusal_ends_the_job_with_its_chinese_message_and_a_bug_with_a_plain_one(echo_kind, wei):
    refused = job_start(kind="echo", owner=wei, upload=upload(), params={"fail": "user"})
    refused.refresh_from_db()
    assert refused.state == "failed" and refused.error == "找不到“身份证号”列"
    broken = job_start(kind="echo", owner=wei, upload=upload(), params={"fail": "bug"})
    broken.refresh_from_db()
    assert broken.state == "failed" and "系统错误" in broken.error and "bug" not in broken.error


def test_a_job_is_private_to_the_user_who_started_it(echo_kind, wei, huang, client):
    job = job_start(kind="echo", owner=wei, upload=upload())
    client.force_login(huang)
    assert client.get(reverse("job", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_report", args=[job.pk])).status_code == 404


def test_a_queued_job_shows_a_progress_bar_that_polls(echo_kind, wei, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = job_start(kind="echo", owner=wei, upload=upload())
    client.force_login(wei)
    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "排队中" in page and f'hx-get="/jobs/{job.pk}/"' in page


def test_an_upload_over_the_size_cap_is_refused_before_it_is_kept(echo_kind, wei, settings):
    settings.SKILLAID_UPLOAD_MAX_MB = 1
    with pytest.raises(UnreadableFile) as refused:
        job_start(kind="echo", owner=wei, upload=upload("x" * (1024 * 1024 + 1)))
    assert "超过上传上限 1 MB" in str(refused.value) and not Job.objects.exists()


def test_accounts_imports_none_of_the_apps_above_it():
    above = ("skillaid.people", "skillaid.institutions", "skillaid.training", "skillaid.evaluation")
    for name in ("jobs.py", "job_views.py", "tasks.py", "exports.py"):
        tree = ast.parse((Path(jobs.__file__).parent / name).read_text())
        imported = [
            n.module if isinstance(n, ast.ImportFrom) else a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        ]
        assert not [m for m in imported if m and m.startswith(above)], name


def test_an_uploaded_file_and_its_report_are_readable_by_skillaids_own_user_only(echo_kind, wei):
    job = job_start(kind="echo", owner=wei, upload=upload())
    job.refresh_from_db()
    for path in (Path(job.file.path), Path(job.report.path)):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert Path(job.file.path).parent.stat().st_mode & 0o077 == 0
