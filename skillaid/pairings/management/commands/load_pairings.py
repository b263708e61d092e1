import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skillaid.pairings.loading import load_pairings


class Command(BaseCommand):
    help = "Load the Guangxi pairing tables: technical schools paired with key counties and resettlement sites. Running it twice changes nothing."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--counties", type=Path, help="CSV: seq,city,county,category,paired_school"
        )
        parser.add_argument("--sites", type=Path, help="CSV: seq,city,site,scale,paired_school")
        parser.add_argument("--json", action="store_true", help="print one JSON object last")

    def handle(self, *args, **options) -> None:
        for key in ("counties", "sites"):
            path = options[key]
            if path is not None and not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            result = load_pairings(options["counties"], options["sites"])
        except (UnicodeDecodeError, csv.Error, KeyError) as exc:
            raise CommandError(f"cannot read the pairing table: {exc}") from exc
        for p in result.problems:
            self.stderr.write(f"{p.file} row {p.row}: {p.reason}")
        summary = result.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{summary['schools_created']} schools, {summary['county_pairings_created']} county "
                f"pairings and {summary['site_pairings_created']} site pairings created; "
                f"{len(result.problems)} problems."
            )
