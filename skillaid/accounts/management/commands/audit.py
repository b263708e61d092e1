"""`skillaid audit verify|archive`: check the audit log's hash chain; archive old entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skillaid.accounts.auditlog import ArchiveRefused, archive_verify, audit_archive, audit_verify
from skillaid.accounts.system import command_actor


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (exit 1 if broken), or archive entries to a file."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("verify", help="walk the chain; report the first broken link")
        p.add_argument("--archive", type=Path, help="verify this archive file instead of the table")
        p = sub.add_parser(
            "archive", help="move entries older than DATE (at least six months) to a file"
        )
        p.add_argument("--before", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
        p.add_argument("--output", type=Path, required=True, help="a new .jsonl.gz file")
        p.add_argument(
            "--user", help="username the archiving is logged under (default: the system user)"
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "verify":
            verdict = archive_verify(options["archive"]) if options["archive"] else audit_verify()
            if not verdict.intact:
                self.stderr.write(verdict.report())
                raise SystemExit(1)
            self.stdout.write(verdict.report())
            return
        actor = command_actor(options["user"])
        try:
            anchor = audit_archive(before=options["before"], output=options["output"], actor=actor)
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        if anchor is None:
            self.stdout.write(f"no entries before {options['before']}; nothing archived")
        else:
            self.stdout.write(
                f"archived {anchor.entries} entries (to entry {anchor.last_id}) to {anchor.file}"
            )
