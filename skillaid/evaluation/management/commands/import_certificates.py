from skillaid.accounts.imports.command import ImportCommand
from skillaid.evaluation.imports import CertificateImport


class Command(ImportCommand):
    help = (
        "Import certificates issued elsewhere from .xlsx, .xls or .csv. Exit 0 when every row "
        "was taken, 3 when some rows were rejected, 2 when the file cannot be read."
    )
    importer = CertificateImport
