from skillaid.accounts.imports.command import ImportCommand
from skillaid.catalogue.imports import CatalogueImport


class Command(ImportCommand):
    help = (
        "Import the demand catalogue (需求指导目录) from .xlsx, .xls or .csv. Exit 0 when every "
        "row was taken, 3 when some rows were rejected, 2 when the file cannot be read."
    )
    importer = CatalogueImport
