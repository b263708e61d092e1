"""Issue a person's own-account opening code from the command line, as the person page does."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from skillaid.accounts.keys import id_key_at_start
from skillaid.accounts.models import Channel
from skillaid.accounts.system import command_actor
from skillaid.lib import idnumber, onetimecode
from skillaid.people import own_account
from skillaid.people.models import Person


class Command(BaseCommand):
    help = (
        "Issue a one-time code with which a person opens their own account at /me/open/; "
        "print it, or send it by SMS to the person's phone with --sms (the code is then not printed)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("id_number", help="the person's resident ID number")
        parser.add_argument("--sms", action="store_true", help="send the code by SMS instead")
        parser.add_argument(
            "--user", help="act as this user (their scope applies); the system user otherwise"
        )

    def handle(self, *args, **opts) -> None:
        id_key_at_start(self.stderr)
        actor = command_actor(opts["user"])
        number = idnumber.normalise(opts["id_number"])[0].upper()
        person = Person.objects.with_id_number(number).first() if len(number) == 18 else None
        if person is None:
            raise CommandError(f"台账中没有身份证号为 {idnumber.mask(number)} 的人员")
        try:
            if opts["sms"]:
                masked = own_account.code_send_sms(
                    actor=actor, person=person, channel=Channel.COMMAND
                )
                self.stdout.write(f"开通码已以短信发送至 {masked}")
                return
            code = own_account.code_issue(actor=actor, person=person, channel=Channel.COMMAND)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            f"{person.name}（{person.id_masked}）的本人账户开通码：{onetimecode.display(code)}"
        )
