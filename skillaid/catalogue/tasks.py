"""The demand-catalogue import as an importer of the shared framework (CatalogueConfig.ready)."""

from __future__ import annotations

from skillaid.accounts.imports.framework import register_importer

from .imports import CatalogueImport

KIND = CatalogueImport.kind


def register_jobs() -> None:
    register_importer(CatalogueImport)
