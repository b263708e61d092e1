import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from skillaid.accounts.exports import export
from skillaid.accounts.keys import id_key_at_start
from skillaid.accounts.models import Channel, User
from skillaid.accounts.system import system_user
from skillaid.people.exports import COLUMNS, ledger_rows, ledger_title
from skillaid.people.selectors import PersonFilters, person_list
from skillaid.regions.models import Region


class Command(BaseCommand):
    help = "Export the ledger of a region to .xlsx with Chinese headers and masked ID numbers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("output", type=Path)
        parser.add_argument("--region", default="", help="region code (province, city or county)")
        parser.add_argument(
            "--category", default="", choices=["", "lifted", "monitored", "ordinary"]
        )
        parser.add_argument("--intent", default="", choices=["", "training", "school", "job"])
        parser.add_argument(
            "--user",
            help="export as this user (their region scope applies); the system user otherwise",
        )

    def handle(self, *args, **opts) -> None:
        id_key_at_start(self.stderr)
        if opts["user"]:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                self.stderr.write(f"error: --user {opts['user']}: no such user")
                sys.exit(2)
        else:
            user = system_user()
        region = opts["region"]
        if region and not Region.objects.filter(code=region).exists():
            self.stderr.write(f"error: --region {region}: not a code in the division table")
            sys.exit(2)
        filters = PersonFilters(region=region, category=opts["category"], intent=opts["intent"])
        people = person_list(user, filters=filters)
        place = Region.objects.get(code=region) if region else user.region
        scope = place.full_name if place else "全部地区"
        title = ledger_title(scope, {**filters.as_dict(), "region": ""}, timezone.localdate())
        # Logged like an export from the page, under the --user or as the system user.
        n = export(
            COLUMNS,
            ledger_rows(people),
            target=opts["output"],
            title=title,
            actor=user,
            channel=Channel.COMMAND,
            object_type="ledger",
            sheet_name="台账",
            filters=filters.as_dict(),
        )
        self.stdout.write(f"{n} people written to {opts['output']}")
