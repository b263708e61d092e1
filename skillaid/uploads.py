"""Moved to skillaid.accounts.imports.uploads; this name stays until the catalogue and
certificate pages import it from there."""

from skillaid.accounts.imports.uploads import *  # noqa: F403
from skillaid.accounts.imports.uploads import start_upload_job, upload_form, upload_note  # noqa: F401
