"""The ledger import as a job of the shared job mechanism (registered in PeopleConfig.ready)."""

from __future__ import annotations

from pathlib import Path

from skillaid.accounts.jobs import Job, Outcome, Progress, register, sheet_outcome, upload_limits
from skillaid.regions.models import Region

from .imports import LedgerImport

KIND = "ledger_import"


def run_ledger_import(job: Job, progress: Progress) -> Outcome:
    county = None
    if job.params.get("county"):
        county = Region.objects.get(code=job.params["county"])
    importer = LedgerImport(
        actor=job.owner,
        county=county,
        dry_run=bool(job.params.get("dry_run")),
        progress=progress,
    )
    result = importer.run(Path(job.file.path), name=job.filename, limits=upload_limits())
    return sheet_outcome(result)


def register_jobs() -> None:
    register(KIND, label="台账导入", run=run_ledger_import, start_url="import_start")
