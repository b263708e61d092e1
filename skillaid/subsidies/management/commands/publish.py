from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from skillaid.accounts.models import Channel
from skillaid.accounts.system import command_actor
from skillaid.subsidies.publication import (
    publication_create,
    publication_period,
    publication_total,
    publishable_lines,
)


class Command(BaseCommand):
    help = (
        "Publish (公示) a county's approved, due, not yet published subsidy lines from today, "
        "for the working days of the rule limit-publication-days, as the 发布公示 page does. "
        "With --dry-run, only say how many lines and until when."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("county", help="the county's region code, e.g. 450124")
        parser.add_argument("--user", help="act as this user (default: the system user)")
        parser.add_argument("--dry-run", action="store_true", help="publish nothing")

    def handle(self, *args, **options) -> None:
        actor = command_actor(options.get("user"))
        county = options["county"].strip()
        try:
            if options["dry_run"]:
                lines = list(publishable_lines(county).values_list("amount", flat=True))
                if not lines:
                    self.stdout.write(f"{county}: 没有待公示的补贴明细")
                    return
                period = publication_period(county, timezone.localdate())
                self.stdout.write(
                    f"{county}: 将公示{len(lines)}条明细，合计{sum(lines)}元；{period.text}"
                )
                return
            publication = publication_create(actor=actor, county=county, channel=Channel.COMMAND)
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(text) from exc
        self.stdout.write(
            f"已发布{publication.title}（第{publication.pk}号）：{publication.lines.count()}条明细，"
            f"合计{publication_total(publication)}元，公示至{publication.ends_on:%Y-%m-%d}"
        )
