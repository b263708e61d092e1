from skillaid.accounts.imports.command import ImportCommand
from skillaid.people.imports import LedgerImport


class Command(ImportCommand):
    help = (
        "Import a needs ledger (台账) from .xlsx, .xls or .csv. Exit 0 when every row was taken, "
        "3 when some rows were rejected, 2 when the file cannot be read."
    )
    importer = LedgerImport
