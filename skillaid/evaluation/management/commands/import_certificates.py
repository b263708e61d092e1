import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skillaid.accounts.models import User
from skillaid.evaluation.imports import import_certificates
from skillaid.lib.sheets import UnreadableFile


class Command(BaseCommand):
    help = "Import certificates issued elsewhere from .xlsx/.xls/.csv. Exit 0 if every row was taken, 3 if some were rejected, 2 if the file cannot be read."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", type=Path)
        parser.add_argument("--county", default="", help="home county of holders not in the ledger")
        parser.add_argument("--report", type=Path, help="write the rejected rows to this .xlsx")
        parser.add_argument("--user", help="username the changes are logged under")
        parser.add_argument("--json", action="store_true", help="print one JSON object last")

    def handle(self, *args, **options) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['user']}")
        path: Path = options["file"]
        if not path.is_file():
            self.stderr.write(f"{path}: no such file")
            raise SystemExit(2)
        try:
            result = import_certificates(path, actor=actor, county=options["county"])
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
