"""`skillaid issue-token USER --name N`: kept for scripts; `skillaid token issue` does more."""

from django.core.management.base import BaseCommand

from skillaid.accounts.models import TokenScope

from .token import issue


class Command(BaseCommand):
    help = "Issue an API token for a user; the token is printed once and only its hash is kept."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ_WRITE)
        parser.add_argument(
            "--days", type=int, help="days until it expires (default SKILLAID_TOKEN_DAYS)"
        )

    def handle(
        self, *args, username: str, name: str, scope: str, days: int | None, **options
    ) -> None:
        issue(self, username, name, scope, days)
