"""The ledger import as an importer of the shared framework (registered in PeopleConfig.ready)."""

from __future__ import annotations

from skillaid.accounts.imports.framework import register_importer

from .imports import LedgerImport

KIND = LedgerImport.kind


def register_jobs() -> None:
    register_importer(LedgerImport)
