"""The one job mechanism: long work (imports now; matching runs, payment batches and report
packs later) runs in the task worker with a visible progress bar and a result page.

A job has a kind; the app that knows how to do that kind registers a runner for it from
its AppConfig.ready(), so that this module never imports the apps above it. The uploaded
file and the report a job writes are kept until `expires_at` and then deleted by
`skillaid purge-files` (SKILLAID_FILE_RETENTION_DAYS).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from skillaid.lib.idnumber import redact
from skillaid.lib.sheets import Limits, Progress, UnreadableFile, check_size

from .notices import NoticeKind, notify
from .scope import Scope

log = logging.getLogger(__name__)

PREVIEW = 20  # problems listed on the result page; the report workbook holds them all


def retention() -> dt.timedelta:
    return dt.timedelta(days=settings.SKILLAID_FILE_RETENTION_DAYS)


def upload_limits() -> Limits:
    """The limits every uploaded file is held to, from the settings."""
    mb = 1024 * 1024
    return Limits(
        max_bytes=settings.SKILLAID_UPLOAD_MAX_MB * mb,
        max_rows=settings.SKILLAID_UPLOAD_MAX_ROWS,
        max_expanded=settings.SKILLAID_UPLOAD_MAX_EXPANDED_MB * mb,
        max_ratio=settings.SKILLAID_UPLOAD_MAX_RATIO,
    )


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


def job_upload_path(instance: Job, filename: str) -> str:
    return f"imports/{timezone.now():%Y%m}/{filename}"


class Job(models.Model):
    """One piece of long work a user started, with its progress, result and files."""

    kind = models.CharField("类型", max_length=32)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        "状态", max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    # The owner's scope when the job started (their region's code prefix, '' for all;
    # their institution for a school officer), so that the job and what it wrote are
    # listed within scope even after the owner's scope changes. A plain id, not a key
    # to institutions: that app stands above this one.
    scope_region = models.CharField("范围", max_length=12, blank=True, db_index=True)
    scope_institution = models.PositiveIntegerField("范围（院校）", null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # What the runner is asked to do (county, dry run, region ...), as plain JSON.
    params = models.JSONField(default=dict, blank=True)
    # Counts by name (rows, created, rejected ...) and `problems`, the first few listed.
    result = models.JSONField(default=dict, blank=True)
    filename = models.CharField("文件名", max_length=255, blank=True)
    file = models.FileField(upload_to=job_upload_path, max_length=255, blank=True)
    report = models.FileField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The uploaded file and the report are deleted after this (`skillaid purge-files`).
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        indexes = [models.Index(fields=["owner", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.filename} ({self.get_state_display()})"

    @property
    def kind_label(self) -> str:
        runner = RUNNERS.get(self.kind)
        return runner.label if runner else self.kind

    def report_open_to(self, user) -> bool:  # noqa: ANN001
        """As ImportRecord.report_open_to: the report of an import holds whole ID numbers."""
        return bool(self.report) and (self.owner_id == user.pk or user.can_reveal_ids)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))

    @property
    def problem_count(self) -> int:
        """Rejected rows and warnings of a finished import."""
        return int(self.result.get("rejected", 0)) + int(self.result.get("warnings", 0))

    @property
    def counts(self) -> list[tuple[str, str, object]]:
        """(key, Chinese label, value) of each count of the result, in a fixed order."""
        return [(k, label, self.result[k]) for k, label in COUNT_LABELS if k in self.result]

    @property
    def again_url(self) -> str:
        runner = RUNNERS.get(self.kind)
        if runner is None or not runner.start_url:
            return ""
        return reverse(runner.start_url)


COUNT_LABELS = [
    ("rows", "数据行"),
    ("created", "新增"),
    ("updated", "更新"),
    ("unchanged", "无变化"),
    ("duplicates", "文件内重复"),
    ("rejected", "被拒绝"),
    ("warnings", "警告"),
]


@dataclass
class Outcome:
    """What a runner did: counts, the problems to list, and the report to keep, if any."""

    counts: dict[str, int]
    problems: list[dict[str, object]] = field(default_factory=list)
    write_report: Callable[[Path], None] | None = None
    report: str = ""  # a report already written (under MEDIA_ROOT), instead of write_report
    # Files the job made for the user, offered on the job page: {"label", "url", "name"}.
    files: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)  # more of the result, by name


@dataclass(frozen=True)
class Runner:
    kind: str
    label: str  # 台账导入
    run: Callable[[Job, Progress], Outcome]
    start_url: str = ""  # URL name of the page that starts one, for "再导入一个文件"


RUNNERS: dict[str, Runner] = {}


def register(
    kind: str, *, label: str, run: Callable[[Job, Progress], Outcome], start_url: str = ""
) -> None:
    """Called by a higher app's AppConfig.ready(): jobs of `kind` are done by `run`."""
    RUNNERS[kind] = Runner(kind, label, run, start_url)


def job_start(
    *,
    kind: str,
    owner,
    upload: UploadedFile | None = None,
    params: dict | None = None,  # noqa: ANN001
) -> Job:
    """Keep the upload, create the job and queue it; the page shows its progress at once.

    A file over the size cap is refused here with UnreadableFile, before it is kept.
    """
    if kind not in RUNNERS:
        raise ValueError(f"no runner registered for job kind {kind!r}")
    job = Job(
        kind=kind,
        owner=owner,
        params=params or {},
        expires_at=timezone.now() + retention(),
        **scope_of(owner),
    )
    if upload is not None:
        check_size(upload.size, upload_limits())
        suffix = Path(upload.name).suffix.lower()
        job.filename = Path(upload.name).name[:255]
        job.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{owner.pk}{suffix}", upload, save=False)
    job.save()
    from .tasks import run_job_task

    run_job_task.enqueue(job.pk)
    return job


def scope_of(user) -> dict[str, object]:  # noqa: ANN001
    """The scope a job or an import record keeps of the user who started it."""
    if user is None:
        return {"scope_region": "", "scope_institution": None}
    return {
        "scope_region": user.region_prefix,
        "scope_institution": user.institution_id if user.role == "school_officer" else None,
    }


def within_scope(user, queryset):  # noqa: ANN001, ANN201
    """The rows of `queryset` (jobs or import records, with scope_region and
    scope_institution) that `user` may see: their own, and those started within their
    scope; a school officer's scope is their institution."""
    scope = Scope.of(user)
    if scope.everything:
        return queryset
    theirs = scope.q(region="scope_region", institution="scope_institution")
    return queryset.filter(models.Q(owner=user) | theirs)


def jobs_visible_to(user) -> models.QuerySet:  # noqa: ANN001
    return within_scope(user, Job.objects.all())


def _progress(job_id: int) -> Progress:
    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total)

    return progress


def job_run(job_id: int) -> Job:
    """Do a queued job with its kind's runner; what the user did wrong ends it as failed
    with a Chinese message, anything else is logged and reported as a system error."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.finished:
        return job
    job.state = JobState.RUNNING
    job.save(update_fields=["state"])
    try:
        runner = RUNNERS[job.kind]
        outcome = runner.run(job, _progress(job.pk))
    except (UnreadableFile, PermissionError, PermissionDenied) as exc:
        job.state, job.error = JobState.FAILED, redact(str(exc))
    except ValidationError as exc:
        job.state, job.error = JobState.FAILED, redact("；".join(exc.messages))
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        job.state = JobState.FAILED
        job.error = "任务执行时发生系统错误，已记录日志，请联系系统管理员"
    else:
        job.state = JobState.DONE
        job.result = {**outcome.counts, "problems": outcome.problems[:PREVIEW]}
        if outcome.files or outcome.extra:
            job.result |= {**outcome.extra, "files": outcome.files}
        if outcome.write_report is not None:
            name = f"reports/job-{job.pk}-problems.xlsx"
            path = Path(settings.MEDIA_ROOT) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            outcome.write_report(path)
            job.report = name
        elif outcome.report:
            job.report = outcome.report
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + retention()
    # Not done/total: the runner's progress wrote them to the row, not to this object.
    job.save(update_fields=["state", "result", "report", "error", "finished_at", "expires_at"])
    job.refresh_from_db(fields=["done", "total"])
    _notify_owner(job)
    return job


def _notify_owner(job: Job) -> None:
    """The owner learns that their job ended, and how, on their desk and in their notices."""
    if job.owner_id is None:
        return
    name = f"{job.kind_label}“{job.filename}”" if job.filename else job.kind_label
    if job.state == JobState.DONE:
        counts = "，".join(f"{label}{value}" for _, label, value in job.counts)
        text = f"{name}已完成" + (f"：{counts}" if counts else "")
    else:
        text = f"{name}失败：{job.error}"
    notify([job.owner_id], NoticeKind.FINISHED, redact(text), url=reverse("job", args=[job.pk]))


def jobs_of(owner, kind: str, *, limit: int = 10) -> list[Job]:  # noqa: ANN001
    """A user's latest jobs of one kind, for the page that starts them."""
    return list(Job.objects.filter(owner=owner, kind=kind)[:limit])


def purge_files(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete uploaded files and generated reports past their time.

    Jobs keep their row (who, when, counts) but lose their files once `expires_at`
    passes; any other file under the media folders of uploads, reports and exports
    (left by a job deleted since, or by an earlier version) is deleted once it is older
    than the retention period.
    """
    now = now or timezone.now()
    counts = {"jobs": 0, "files": 0}
    for job in Job.objects.filter(expires_at__lte=now).exclude(file="", report=""):
        for f in (job.file, job.report):
            if f:
                f.delete(save=False)
                counts["files"] += 1
        job.save(update_fields=["file", "report"])
        counts["jobs"] += 1
    from .imports.records import ImportRecord  # the import history keeps reports too

    for record in ImportRecord.objects.filter(expires_at__lte=now).exclude(report=""):
        record.report.delete(save=False)
        record.save(update_fields=["report"])
        counts["files"] += 1
    cutoff = (now - retention()).timestamp()
    root = Path(settings.MEDIA_ROOT)
    # The files of jobs and imports still within their time are kept whatever their age.
    kept = {
        name
        for pair in Job.objects.filter(expires_at__gt=now).values_list("file", "report")
        for name in pair
        if name
    }
    kept |= set(
        ImportRecord.objects.filter(expires_at__gt=now)
        .exclude(report="")
        .values_list("report", flat=True)
    )
    for folder in PURGED_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if (
                path.is_file()
                and path.stat().st_mtime <= cutoff
                and str(path.relative_to(root)) not in kept
            ):
                path.unlink(missing_ok=True)
                counts["files"] += 1
    return counts


# Folders under MEDIA_ROOT that hold only uploads and generated files, never kept for good.
PURGED_FOLDERS = ("imports", "reports", "exports")
