"""`skillaid notices-due [--date YYYY-MM-DD]`: record today's notices of work falling due
(employment follow-ups, pairing summaries); run daily by the scheduler, and safe to run
again (each notice is recorded once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from skillaid.reports.notices_due import notices_due


class Command(BaseCommand):
    help = "Record the notices of follow-ups and pairing summaries falling due."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--date", help="the day to count from (YYYY-MM-DD); today otherwise")

    def handle(self, *args: Any, **opts: Any) -> None:
        today = timezone.localdate()
        if opts.get("date"):
            try:
                today = dt.date.fromisoformat(opts["date"])
            except ValueError as exc:
                raise CommandError(f"日期“{opts['date']}”无效，应为 2026-06-01 的格式") from exc
        sent = notices_due(today)
        self.stdout.write(
            f"已记录到期提醒：就业回访 {sent['followups']} 条，结对工作总结 {sent['summaries']} 条"
        )
