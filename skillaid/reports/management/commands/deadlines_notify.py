import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from skillaid.accounts.system import system_user
from skillaid.reports.deadlines import deadlines_notify


class Command(BaseCommand):
    help = (
        "Record 'falls due' notices (到期提醒) to those responsible for each report due in "
        "7 days or today and not yet submitted; each notice once, however often this runs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="the day to count from (YYYY-MM-DD); today by default")

    def handle(self, *args, **opts) -> None:
        today = dt.date.fromisoformat(opts["today"]) if opts["today"] else timezone.localdate()
        count = deadlines_notify(today=today, actor=system_user())
        self.stdout.write(f"Recorded {count} deadline notices for {today:%Y-%m-%d}.")
