"""Wiring of the report packs and deadlines (called from reports.setup.ready)."""

from __future__ import annotations


def ready() -> None:
    from skillaid.accounts.jobs import register

    from . import packs

    register(packs.JOB_KIND, label=packs.JOB_LABEL, run=packs.run_pack_job)
