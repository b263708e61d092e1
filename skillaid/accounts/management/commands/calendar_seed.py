from django.core.management.base import BaseCommand

from skillaid.accounts.holidays import calendar_seed, missing_years_note
from skillaid.accounts.system import command_actor
from skillaid.accounts.workdays import known_years


class Command(BaseCommand):
    help = (
        "Copy into the statutory calendar every year the installed chinese-calendar knows "
        "that the calendar does not hold yet; years already there (above all those an "
        "administrator entered on the 节假日安排 page) are kept as they are. "
        "`skillaid setup` runs it on every start."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--user", help="act as this user (default: the system user)")

    def handle(self, *args, **options) -> None:
        result = calendar_seed(actor=command_actor(options.get("user")))
        self.stdout.write(describe(result.created, result.version))
        note = missing_years_note()
        if note:
            self.stdout.write(note)


def describe(created: list[int], version: str) -> str:
    years = known_years()
    known = f"{len(years)}, latest {years[-1]}" if years else "none"
    added = ", ".join(map(str, created)) if created else "none"
    return f"calendar: years known {known}; added from {version}: {added}"
