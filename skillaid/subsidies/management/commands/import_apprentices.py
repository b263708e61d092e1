from skillaid.accounts.imports.command import ImportCommand
from skillaid.subsidies.apprentices import ApprenticeImport


class Command(ImportCommand):
    help = (
        "Import an enterprise's apprentice list into its apprenticeship claim (--claim ID; the "
        "claim and its contract are made on the page). Exit 0 when every row was taken, 3 when "
        "some rows were rejected, 2 when the file cannot be read or the claim takes no list."
    )
    importer = ApprenticeImport
