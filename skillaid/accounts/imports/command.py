"""`skillaid import-… FILE`: every import on the command line, with one set of options and
exit codes: 0 when every row was taken, 3 when some were rejected, 2 when the file cannot
be read (or the options are wrong). Each rejected row and warning goes to standard error;
with --json the last line of standard output is the summary as one JSON object."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand

from skillaid.lib.columns import FieldError
from skillaid.lib.sheets import UnreadableFile

from ..jobs import upload_limits
from ..keys import id_key_at_start
from ..models import Channel, User
from ..system import system_user
from .framework import Importer


class ImportCommand(BaseCommand):
    """Set `importer` to the Importer class; the command's options are the framework's
    plus those the importer adds."""

    importer: type[Importer]

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--report", type=Path, help="write rejected rows and warnings to this .xlsx"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--json", action="store_true", help="end with one JSON line of counts")
        parser.add_argument(
            "--user", help="import as this user (their scope applies); the system user otherwise"
        )
        self.importer.add_arguments(parser)

    def fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(2)

    def handle(self, *args: Any, **opts: Any) -> None:
        id_key_at_start(self.stderr)
        path: Path = opts["file"]
        if not path.is_file():
            self.fail(f"{path}: no such file")
        # Without --user the changes are the system user's (accounts.system), never no one's.
        actor = system_user()
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                self.fail(f"--user {opts['user']}: no such user")
        try:
            own = self.importer.options_from_command(opts)
        except FieldError as exc:
            self.fail(str(exc))

        def progress(done: int, total: int) -> None:
            if not opts["json"] and sys.stderr.isatty():
                sys.stderr.write(f"\r{done}/{total}")

        try:
            importer = self.importer(
                actor=actor,
                dry_run=opts["dry_run"],
                progress=progress,
                channel=Channel.IMPORT,
                **own,
            )
            result = importer.run(path, limits=upload_limits())
        except UnreadableFile as exc:
            self.fail(f"{path}: {exc}")
        except (PermissionError, PermissionDenied) as exc:
            self.fail(str(exc))
        for r in result.rejected:
            self.stderr.write(f"{path.name} row {r.row} {r.column}: rejected: {r.reason}")
        for n in result.warnings:
            self.stderr.write(f"{path.name} row {n.row} {n.column}: warning: {n.message}")
        if opts["report"]:
            result.write_report(opts["report"])
        summary = result.summary()
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            mode = " (dry run, nothing written)" if opts["dry_run"] else ""
            self.stdout.write(
                f"{summary['rows']} rows: {summary['created']} created, "
                f"{summary['updated']} updated, {summary['unchanged']} unchanged, "
                f"{summary['duplicates']} duplicates, {summary['rejected']} rejected, "
                f"{summary['warnings']} warnings{mode}"
            )
        sys.stdout.flush()
        if result.rejected:
            sys.exit(3)
