"""Tasks of the shared mechanisms: a job, and the purge of files past their time."""

from __future__ import annotations

import logging

from django.db import close_old_connections, connection
from django_tasks import task

log = logging.getLogger(__name__)


def _fresh_connection() -> None:
    # A worker reuses its connection between tasks; one run inline inside a transaction
    # (the immediate backend, in tests) must keep the connection it runs in.
    if not connection.in_atomic_block:
        close_old_connections()


@task()
def run_job_task(job_id: int) -> None:
    from .jobs import job_run

    _fresh_connection()
    job_run(job_id)


@task()
def purge_files_task() -> dict[str, int]:
    """Enqueued by `skillaid serve` at start and then once every SKILLAID_PURGE_INTERVAL_HOURS."""
    from .jobs import purge_files

    _fresh_connection()
    counts = purge_files()
    log.info("purged %(files)s files of %(jobs)s jobs", counts)
    return counts
