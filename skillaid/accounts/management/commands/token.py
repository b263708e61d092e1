"""`skillaid token issue|list|revoke`: API tokens from the command line."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.models import ApiToken, Channel, TokenScope, User
from skillaid.accounts.system import system_user
from skillaid.accounts.tokens import token_issue, token_revoke


def issue(command: BaseCommand, username: str, name: str, scope: str, days: int | None) -> None:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user named {username!r}")
    try:
        row, token = token_issue(
            actor=system_user(),
            user=user,
            name=name,
            scope=scope,
            days=days,
            channel=Channel.COMMAND,
        )
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from exc
    # The token alone on standard output, for scripts; what it is on standard error.
    command.stdout.write(token)
    command.stderr.write(
        f"token {row.prefix}… for {user.username} ({row.name}), scope {row.scope}, "
        f"expires {timezone.localtime(row.expires_at):%Y-%m-%d %H:%M}; it is shown only now"
    )


class Command(BaseCommand):
    help = "Issue, list and revoke API tokens; a token is printed once and only its hash is kept."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("issue", help="issue a token for USER")
        p.add_argument("username")
        p.add_argument("--name", required=True, help="what the token is for")
        p.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ_WRITE,
            help="read: GET only; read_write: everything the user may do (default); "
            "terminal: POST /api/attendance and GET /api/sessions/... only",
        )
        p.add_argument(
            "--days", type=int, help="days until it expires (default SKILLAID_TOKEN_DAYS)"
        )
        p = sub.add_parser("list", help="list tokens, of USER or of everyone")
        p.add_argument("username", nargs="?")
        p.add_argument("--all", action="store_true", help="include revoked and expired tokens")
        p = sub.add_parser("revoke", help="revoke a token by its prefix (sk_…) or id")
        p.add_argument("token")

    def handle(self, *args, action: str, **options) -> None:
        if action == "issue":
            issue(self, options["username"], options["name"], options["scope"], options["days"])
        elif action == "list":
            self.list(options["username"], options["all"])
        else:
            self.revoke(options["token"])

    def list(self, username: str | None, everything: bool) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username:
            if not User.objects.filter(username=username).exists():
                raise CommandError(f"no user named {username!r}")
            tokens = tokens.filter(user__username=username)
        if not everything:
            tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        self.stdout.write("id\tprefix\tuser\tname\tscope\tcreated\texpires\tlast used\tstate")
        for t in tokens:
            used = (
                timezone.localtime(t.last_used_at).strftime("%Y-%m-%d %H:%M")
                if t.last_used_at
                else "-"
            )
            self.stdout.write(
                f"{t.pk}\t{t.prefix}\t{t.user.username}\t{t.name}\t{t.scope}\t"
                f"{timezone.localtime(t.created_at):%Y-%m-%d}\t"
                f"{timezone.localtime(t.expires_at):%Y-%m-%d}\t{used}\t{t.state}"
            )

    def revoke(self, key: str) -> None:
        match = Q(prefix=key[:8]) if not key.isdigit() else Q(pk=int(key)) | Q(prefix=key)
        found = list(ApiToken.objects.select_related("user").filter(match)[:2])
        if not found:
            raise CommandError(f"no token with id or prefix {key!r}")
        if len(found) > 1:
            raise CommandError(
                f"several tokens start with {key!r}; give the id (skillaid token list)"
            )
        token = token_revoke(actor=system_user(), token=found[0], channel=Channel.COMMAND)
        self.stdout.write(f"revoked token {token.pk} ({token.prefix}…) of {token.user.username}")
