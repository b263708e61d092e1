from skillaid.accounts.imports.command import ImportCommand
from skillaid.employment.imports import PostingImport


class Command(ImportCommand):
    help = (
        "Import job postings (招聘岗位) from Excel or CSV as --user (an employer's or "
        "agency's account for its own postings, a bureau user within its regions). Exit 0 "
        "when every row was taken, 3 when some rows were rejected, 2 when the file cannot "
        "be read or the user may not post."
    )
    importer = PostingImport
