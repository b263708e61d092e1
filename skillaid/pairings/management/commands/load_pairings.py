from skillaid.accounts.imports.command import ImportCommand
from skillaid.pairings.loading import PairingImport


class Command(ImportCommand):
    help = (
        "Import one pairing table (.csv, .xlsx or .xls): technical schools paired with counties "
        "(a 县/county column) or with resettlement sites (an 安置区/site column). Running it twice "
        "changes nothing. Exit 0 when every row was taken, 3 when some rows were rejected, 2 when "
        "the file cannot be read. `skillaid setup` loads the tables shipped with SkillAid."
    )
    importer = PairingImport
