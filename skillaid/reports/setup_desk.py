"""Wiring of the desk (called from reports.setup.ready): the desk is the site's home page
(skillaid.urls, `home`) and lists what every app's to-do provider registered with
accounts.desk; nothing more to register here yet beyond checking the ledger indicators
the desk reads are defined."""

from __future__ import annotations

LEDGER_CODES = (
    "ledger_people",
    "ledger_assisted",
    "ledger_wants_training",
    "ledger_wants_school",
    "ledger_wants_job",
)


def ready() -> None:
    from . import indicators  # noqa: F401 - the ledger indicators the desk reads
