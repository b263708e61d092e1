"""`skillaid employment-followups-sync [--user NAME]`: open the follow-ups missed (classes
closed within the last three months, graduates seeking work) before the employment
services existed; running it again opens nothing more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from skillaid.accounts.models import Channel
from skillaid.accounts.system import command_actor
from skillaid.employment.followups_causes import followups_sync


class Command(BaseCommand):
    help = (
        "Open the employment follow-ups of recently closed classes and of graduates seeking work."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--user", help="act as this user; the system user otherwise")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = command_actor(opts.get("user"))
        result = followups_sync(actor=actor, channel=Channel.COMMAND)
        self.stdout.write(
            f"已检查培训班 {result.classes} 个、待就业毕业生 {result.graduates} 名，"
            f"新建就业回访 {result.opened} 条"
        )
