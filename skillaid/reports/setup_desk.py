"""Wiring of the desk (called from reports.setup.ready). The desk is the site's home page
(`home` in skillaid.urls) and its notices pages are in urls_desk; the to-do providers it
lists are registered by the apps that own the work (accounts.desk). Here: the ledger
indicators it reads (reports.indicators) are defined before the first page."""

from __future__ import annotations


def ready() -> None:
    from . import indicators  # noqa: F401 - ledger_people, ledger_assisted, ledger_wants_*
