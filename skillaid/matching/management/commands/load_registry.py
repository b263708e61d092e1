"""`skillaid load-registry FILE --kind assisted --source 广西防返贫监测信息平台 --as-of 2026-11-01
[--region 450000] [--hashed --key NAME] [--user qin] [--report rejected.xlsx] [--json]`:
load a registry file as the next version of its source's snapshot. Exit 0 when every row
was taken, 3 when some were rejected, 2 when the file or the options are refused."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from skillaid.accounts.keys import id_key_at_start
from skillaid.accounts.models import Channel, User
from skillaid.accounts.system import system_user
from skillaid.lib.sheets import UnreadableFile

from ...snapshots import snapshot_load, snapshot_terms_check


class Command(BaseCommand):
    help = "Load a registry file (CSV/XLSX) as a versioned snapshot for 精准比对"

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kind", required=True, help="assisted, school, unemployment, insurance"
        )
        parser.add_argument("--source", required=True, help="the system the file comes from")
        parser.add_argument(
            "--as-of", required=True, help="the date the file speaks for, 2026-11-01"
        )
        parser.add_argument("--region", default="", help="region code the registry covers")
        parser.add_argument("--hashed", action="store_true", help="ID numbers are keyed hashes")
        parser.add_argument("--key", default="", help="the exchange key's name (with --hashed)")
        parser.add_argument("--user", help="load as this user; the system user otherwise")
        parser.add_argument("--report", type=Path, help="write the rejected rows to this .xlsx")
        parser.add_argument("--json", action="store_true", help="end with one JSON line of counts")

    def fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(2)

    def handle(self, *args: Any, **opts: Any) -> None:
        id_key_at_start(self.stderr)
        path: Path = opts["file"]
        if not path.is_file():
            self.fail(f"{path}: no such file")
        actor = system_user()
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                self.fail(f"--user {opts['user']}: no such user")
        data = {
            "kind": opts["kind"],
            "source": opts["source"],
            "as_of": opts["as_of"],
            "region": opts["region"] or actor.region_id or "450000",
            "hashed": opts["hashed"],
            "key": opts["key"],
        }
        try:
            terms = snapshot_terms_check(actor=actor, data=data)
            snapshot, result, _ = snapshot_load(
                actor=actor, path=path, terms=terms, channel=Channel.COMMAND
            )
        except ValidationError as exc:
            self.fail("；".join(exc.messages))
        except (UnreadableFile, PermissionDenied) as exc:
            self.fail(str(exc))
        for r in result.rejected:
            self.stderr.write(f"{path.name} row {r.row} {r.column}: rejected: {r.reason}")
        if opts["report"]:
            result.write_report(opts["report"])
        summary = {**result.summary(), "snapshot": snapshot.pk, "version": snapshot.version}
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{snapshot}: {summary['rows']} rows, {summary['created']} loaded, "
                f"{summary['duplicates']} duplicate IDs, {summary['rejected']} rejected"
            )
        sys.stdout.flush()
        if summary["rejected"]:
            sys.exit(3)
