"""The certificate import as a job of the shared job mechanism (EvaluationConfig.ready)."""

from __future__ import annotations

from pathlib import Path

from skillaid.accounts.jobs import Job, Outcome, Progress, register, sheet_outcome, upload_limits

from .imports import import_certificates

KIND = "certificate_import"


def run_certificate_import(job: Job, progress: Progress) -> Outcome:
    result = import_certificates(
        Path(job.file.path),
        actor=job.owner,
        county=job.params.get("county", ""),
        name=job.filename,
        limits=upload_limits(),
        progress=progress,
    )
    return sheet_outcome(result)


def register_jobs() -> None:
    register(KIND, label="外部证书导入", run=run_certificate_import, start_url="certificate_import")
