"""`skillaid compare-registry SNAPSHOT_ID [--user qin] [--json]`: compare a loaded snapshot
with our people in the user's scope, as the page's button does (here in the foreground)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from skillaid.accounts.keys import id_key_at_start
from skillaid.accounts.models import Channel, User
from skillaid.accounts.system import system_user

from ...models import RegistrySnapshot
from ...runs import comparison_start


class Command(BaseCommand):
    help = "Compare a registry snapshot with our people (精准比对)"

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("snapshot", type=int)
        parser.add_argument("--user", help="compare as this user (their scope applies)")
        parser.add_argument("--json", action="store_true", help="end with one JSON line of counts")

    def fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(2)

    def handle(self, *args: Any, **opts: Any) -> None:
        id_key_at_start(self.stderr)
        actor = system_user()
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                self.fail(f"--user {opts['user']}: no such user")
        snapshot = RegistrySnapshot.objects.filter(pk=opts["snapshot"]).first()
        if snapshot is None:
            self.fail(f"snapshot {opts['snapshot']}: no such snapshot")
        try:
            run = comparison_start(
                actor=actor, snapshot=snapshot, channel=Channel.COMMAND, background=False
            )
        except (ValidationError, PermissionDenied) as exc:
            self.fail("；".join(getattr(exc, "messages", [str(exc)])))
        summary = {"run": run.pk, **run.counts, "changes": run.changes}
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(" ".join(f"{k}={v}" for k, v in summary.items()))
