"""The certificate import as an importer of the shared framework (EvaluationConfig.ready)."""

from __future__ import annotations

from skillaid.accounts.imports.framework import register_importer

from .imports import CertificateImport

KIND = CertificateImport.kind


def register_jobs() -> None:
    register_importer(CertificateImport)
