"""Tasks of the reports app: rebuilding the figures (Tally) from the records."""

from __future__ import annotations

import logging

from django.db import close_old_connections, connection
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def tally_refresh_task(codes: list[str] | None = None) -> dict[str, int]:
    """Enqueued by `skillaid serve` every SKILLAID_TALLY_MINUTES: the recent months of
    every indicator rebuilt (`tally_refresh(since=…)`)."""
    from django.utils import timezone

    from .tally import recent_since, tally_refresh

    if not connection.in_atomic_block:
        close_old_connections()
    counts = tally_refresh(codes, since=recent_since(timezone.localdate()))
    log.info("recent figures rebuilt: %s rows", sum(counts.values()))
    return counts


@task()
def tally_full_refresh_task(codes: list[str] | None = None) -> dict[str, int]:
    """Enqueued by `skillaid serve` every SKILLAID_TALLY_FULL_MINUTES: every month of every
    indicator rebuilt, so a change to an older month's record is counted too."""
    from .tally import tally_refresh

    if not connection.in_atomic_block:
        close_old_connections()
    counts = tally_refresh(codes)
    log.info("figures rebuilt in full: %s rows", sum(counts.values()))
    return counts


@task()
def due_notices_task() -> dict[str, int]:
    """Enqueued by `skillaid serve` every SKILLAID_DUE_NOTICES_HOURS: the notices of work
    falling due (follow-ups, pairing summaries, report deadlines), each recorded once."""
    from django.utils import timezone

    from skillaid.accounts.system import system_user

    from .deadlines import deadlines_notify
    from .notices_due import notices_due

    if not connection.in_atomic_block:
        close_old_connections()
    today = timezone.localdate()
    counts = dict(notices_due(today))
    counts["deadlines"] = deadlines_notify(today=today, actor=system_user())
    log.info("notices of work falling due: %s", counts)
    return counts
