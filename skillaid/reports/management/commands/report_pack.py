import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from skillaid.accounts.system import command_actor
from skillaid.reports.packs import KINDS, pack_build


class Command(BaseCommand):
    help = (
        "Build a report pack (.xlsx with multi-row Chinese headers, and PDF) from the figures "
        "table: thousand_schools, pairing_summary, progress or ledger. Prints the files and "
        "the workbook's SHA-256 as JSON."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument(
            "--region", required=True, help="region code (province, city or county)"
        )
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--period", default="year", help="year, H1, H2 or Q1…Q4")
        parser.add_argument("--user", help="build as this user (their scope applies)")

    def handle(self, *args, **opts) -> None:
        actor = command_actor(opts["user"])
        try:
            built = pack_build(
                opts["kind"],
                region_code=opts["region"],
                year=opts["year"],
                period=opts["period"],
                actor=actor,
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        if built["pdf_error"]:
            self.stderr.write(str(built["pdf_error"]))
        self.stdout.write(json.dumps(built, ensure_ascii=False))
