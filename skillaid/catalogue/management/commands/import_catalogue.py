from pathlib import Path

from skillaid.accounts.jobs import upload_limits
from skillaid.accounts.models import User
from skillaid.catalogue.imports import import_catalogue
from skillaid.commands import SheetImportCommand
from skillaid.lib.sheets import SheetResult


class Command(SheetImportCommand):
    help = "Import the demand catalogue (需求指导目录) from .xlsx/.xls/.csv. Exit 0 if every row was taken, 3 if some were rejected, 2 if the file cannot be read."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        super().add_arguments(parser)
        parser.add_argument("--region", default="", help="region code for rows without 适用地区")

    def run_import(self, path: Path, actor: User, options: dict) -> SheetResult:
        return import_catalogue(path, actor=actor, region=options["region"], limits=upload_limits())
