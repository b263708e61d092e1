import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from skillaid.reports.tally import INDICATORS, recent_since, tally_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the figures of the indicators (all by default) from the records, for the "
        "desks, dashboards, targets and report packs. `skillaid serve` does this every "
        "SKILLAID_TALLY_MINUTES; run it from cron where the worker runs elsewhere."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("codes", nargs="*", help="indicator codes (default: all)")
        parser.add_argument(
            "--recent",
            action="store_true",
            help="rebuild only this month and last (what the worker does every "
            "SKILLAID_TALLY_MINUTES); by default every month is rebuilt",
        )

    def handle(self, *args, codes: list[str], recent: bool, **options) -> None:
        unknown = [c for c in codes if c not in INDICATORS]
        if unknown:
            raise CommandError(
                f"没有统计指标：{'、'.join(unknown)}（可用：{'、'.join(sorted(INDICATORS))}）"
            )
        began = time.monotonic()
        since = recent_since(timezone.localdate()) if recent else None
        counts = tally_refresh(codes or None, since=since)
        for code, rows in counts.items():
            self.stdout.write(f"{code}: {rows} rows")
        self.stdout.write(
            f"Figures rebuilt: {len(counts)} indicators, {sum(counts.values())} rows "
            f"in {time.monotonic() - began:.1f} s."
        )
