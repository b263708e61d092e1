"""`skillaid otp-code USERNAME`: the current code of a demo user's authenticator, for demos.

It only reads devices that `skillaid demo-data` enrolled (named "演示验证器"): a real user's
device is never read, so the command cannot be used to pass someone's second factor.
"""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillaid.accounts.users import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (demo-data's devices only)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username} has no demo authenticator (only users enrolled by `skillaid demo-data` do)"
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
