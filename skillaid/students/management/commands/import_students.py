from skillaid.accounts.imports.command import ImportCommand
from skillaid.students.imports import StudentImport


class Command(ImportCommand):
    help = (
        "Import a technical school's roll (学籍花名册) of students (--school ID). Exit 0 when "
        "every row was taken, 3 when some rows were rejected, 2 when the file cannot be read "
        "or the school takes no roll from this user."
    )
    importer = StudentImport
