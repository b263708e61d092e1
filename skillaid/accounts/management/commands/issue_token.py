from django.core.management.base import BaseCommand, CommandError

from skillaid.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token for a user; the token is printed once and only its hash is kept."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        _, token = ApiToken.issue(user=user, name=name)
        self.stdout.write(token)
