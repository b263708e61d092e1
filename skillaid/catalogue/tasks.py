"""The demand-catalogue import as a job of the shared job mechanism (TrainingConfig.ready)."""

from __future__ import annotations

from pathlib import Path

from skillaid.accounts.jobs import Job, Outcome, Progress, register, sheet_outcome, upload_limits

from .imports import import_catalogue

KIND = "catalogue_import"


def run_catalogue_import(job: Job, progress: Progress) -> Outcome:
    result = import_catalogue(
        Path(job.file.path),
        actor=job.owner,
        region=job.params.get("region", ""),
        name=job.filename,
        limits=upload_limits(),
        progress=progress,
    )
    return sheet_outcome(result)


def register_jobs() -> None:
    register(KIND, label="需求指导目录导入", run=run_catalogue_import, start_url="catalogue_import")
