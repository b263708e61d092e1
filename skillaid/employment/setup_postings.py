"""Wiring of the employment services' part: job postings (with their import) and fairs."""

# The pages an employer's or agency's account opens for its postings, and the import
# framework's own pages it reaches from the import (the job's progress and result, its
# problem-row report, the import history, which shows such an account its own imports).
EMPLOYER_PAGES = (
    "employment_postings",
    "employment_postings_export",
    "employment_posting",
    "employment_posting_new",
    "employment_posting_edit",
    "employment_posting_import",
    "job",
    "job_list",
    "job_report",
    "import_history",
    "import_detail",
    "import_record_report",
)


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
    from skillaid.accounts.imports.framework import register_importer
    from skillaid.accounts.middleware import employer_pages_register
    from skillaid.accounts.sections import section_register

    from .imports import PostingImport
    from .sections_postings import employer_home_postings

    register_importer(PostingImport)
    employer_pages_register(*EMPLOYER_PAGES)
    section_register("employer_home", employer_home_postings, order=100)
