"""Background work: a ledger import started from the import page."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_tasks import task

from skillaid.lib.sheets import UnreadableFile

from .imports import ImportResult, LedgerImport
from .models import ImportJob, JobStatus

log = logging.getLogger(__name__)
PREVIEW = 20  # problems listed on the result page; the report workbook holds them all


def run_import_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("created_by", "county").get(pk=job_id)
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total)

    try:
        importer = LedgerImport(
            actor=job.created_by, county=job.county, dry_run=job.dry_run, progress=progress
        )
        result = importer.run(Path(job.file.path), name=job.filename)
    except UnreadableFile as exc:
        job.status, job.error = JobStatus.FAILED, str(exc)
    except PermissionError as exc:
        job.status, job.error = JobStatus.FAILED, str(exc)
    except Exception:
        log.exception("ledger import %s failed", job_id)
        job.status, job.error = JobStatus.FAILED, "导入时发生系统错误，已记录日志，请联系系统管理员"
    else:
        job.status = JobStatus.DONE
        job.result = {**result.summary(), "problems": _preview(result)}
        if result.rejected or result.warnings:
            name = f"reports/import-{job.pk}-rejected.xlsx"
            path = Path(settings.MEDIA_ROOT) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            result.write_report(path)
            job.report = name
    job.finished_at = timezone.now()
    job.save()
    return job


def _preview(result: ImportResult) -> list[dict[str, object]]:
    """The first rejected rows, then the first warnings, as the result page lists them."""
    rejected = [
        {"row": r.row, "column": r.column, "message": r.reason, "rejected": True}
        for r in result.rejected[:PREVIEW]
    ]
    warnings = [
        {"row": w.row, "column": w.column, "message": w.message, "rejected": False}
        for w in result.warnings[: PREVIEW - len(rejected)]
    ]
    return rejected + warnings


@task()
def import_ledger_task(job_id: int) -> None:
    close_old_connections()
    run_import_job(job_id)
