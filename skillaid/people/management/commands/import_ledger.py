import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from skillaid.accounts.jobs import upload_limits
from skillaid.accounts.keys import id_key_at_start
from skillaid.accounts.models import User
from skillaid.accounts.system import system_user
from skillaid.lib.sheets import UnreadableFile
from skillaid.people.imports import LedgerImport
from skillaid.regions.models import Region


class Command(BaseCommand):
    help = (
        "Import a needs ledger (台账) from .xlsx, .xls or .csv. Exit 0 when every row was taken, "
        "3 when some rows were rejected, 2 when the file cannot be read."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--county", help="six-digit county code all rows belong to")
        parser.add_argument(
            "--report", type=Path, help="write rejected rows and warnings to this .xlsx"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--json", action="store_true", help="end with one JSON line of counts")
        parser.add_argument("--user", help="import as this user (their region scope applies)")

    def fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(2)

    def handle(self, *args, **opts) -> None:
        id_key_at_start(self.stderr)
        path: Path = opts["file"]
        if not path.is_file():
            self.fail(f"{path}: no such file")
        county = None
        if opts["county"]:
            county = Region.objects.filter(code=opts["county"], level="county").first()
            if county is None:
                self.fail(f"--county {opts['county']}: not a county code in the division table")
        actor = system_user()  # without --user, the changes are the system user's
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                self.fail(f"--user {opts['user']}: no such user")

        def progress(done: int, total: int) -> None:
            if not opts["json"] and sys.stderr.isatty():
                sys.stderr.write(f"\r{done}/{total}")

        try:
            result = LedgerImport(
                actor=actor, county=county, dry_run=opts["dry_run"], progress=progress
            ).run(path, limits=upload_limits())
        except UnreadableFile as exc:
            self.fail(f"{path}: {exc}")
        except PermissionError as exc:
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
                f"{summary['rows']} rows: {summary['created']} created, {summary['updated']} updated, "
                f"{summary['unchanged']} unchanged, {summary['duplicates']} duplicates, "
                f"{summary['rejected']} rejected, {summary['warnings']} warnings{mode}"
            )
        sys.stdout.flush()
        if result.rejected:
            sys.exit(3)
