"""Wiring of the reports app's parts (called from ReportsConfig.ready)."""

from __future__ import annotations


def ready() -> None:
    from . import tally

    tally.ready()
    from . import setup_inspections

    setup_inspections.ready()
    from . import setup_packs

    setup_packs.ready()
    from . import setup_desk

    setup_desk.ready()
