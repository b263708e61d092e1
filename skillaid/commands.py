"""What the row-by-row import commands share: arguments, the report, the JSON line and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skillaid.accounts.keys import id_key_at_start
from skillaid.accounts.models import User
from skillaid.accounts.system import system_user
from skillaid.lib.sheets import SheetResult, UnreadableFile


class SheetImportCommand(BaseCommand):
    """`skillaid import-… FILE`: exit 0 if every row was taken, 3 if some were rejected,
    2 if the file cannot be read. Each rejected row goes to standard error."""

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", type=Path)
        parser.add_argument("--report", type=Path, help="write the rejected rows to this .xlsx")
        parser.add_argument("--user", help="username the changes are logged under")
        parser.add_argument("--json", action="store_true", help="print one JSON object last")

    def run_import(self, path: Path, actor: User, options: dict) -> SheetResult:
        raise NotImplementedError

    def handle(self, *args, **options) -> None:
        id_key_at_start(self.stderr)
        # Without --user the changes are the system user's (accounts.system), never no one's.
        actor = system_user()
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['user']}")
        path: Path = options["file"]
        if not path.is_file():
            self.stderr.write(f"{path}: no such file")
            raise SystemExit(2)
        try:
            result = self.run_import(path, actor, options)
        except UnreadableFile as exc:
            self.stderr.write(f"{path}: {exc}")
            raise SystemExit(2) from exc
        for r in result.rejected:
            self.stderr.write(f"{path.name} row {r.row}, {r.column}: {r.reason}")
        if options["report"] and result.rejected:
            result.write_report(options["report"])
        summary = result.summary()
        self.stdout.write(
            json.dumps(summary, ensure_ascii=False)
            if options["json"]
            else ", ".join(f"{k} {v}" for k, v in summary.items())
        )
        if result.rejected:
            raise SystemExit(3)
