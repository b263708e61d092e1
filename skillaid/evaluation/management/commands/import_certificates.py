from pathlib import Path

from skillaid.accounts.jobs import upload_limits
from skillaid.accounts.models import User
from skillaid.commands import SheetImportCommand
from skillaid.evaluation.imports import import_certificates
from skillaid.lib.sheets import SheetResult


class Command(SheetImportCommand):
    help = "Import certificates issued elsewhere from .xlsx/.xls/.csv. Exit 0 if every row was taken, 3 if some were rejected, 2 if the file cannot be read."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        super().add_arguments(parser)
        parser.add_argument("--county", default="", help="home county of holders not in the ledger")

    def run_import(self, path: Path, actor: User, options: dict) -> SheetResult:
        return import_certificates(
            path, actor=actor, county=options["county"], limits=upload_limits()
        )
