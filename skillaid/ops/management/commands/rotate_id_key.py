import secrets
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from skillaid.accounts import keys
from skillaid.ops.rotation import id_key_rotate


class Command(BaseCommand):
    help = (
        "Re-seal every resident ID number and recompute every blind index under a new ID key. "
        "Configure the new key as SKILLAID_ID_KEY (or var/id_key) and the old one as "
        "SKILLAID_ID_KEY_OLD (or var/id_key.old), restart SkillAid, then run this; it resumes "
        "where it stopped. --generate makes the new key in the embedded mode."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--generate",
            action="store_true",
            help="make a new key: move var/id_key to var/id_key.old and write a new var/id_key "
            "(with SKILLAID_ID_KEY set, print a new key to configure instead); changes no data",
        )
        parser.add_argument(
            "--chunk", type=int, default=2000, help="rows re-sealed per transaction"
        )

    def handle(self, *args, generate: bool, chunk: int, **options) -> None:
        if generate:
            self.generate()
            return

        def progress(model: str, done: int) -> None:
            if sys.stderr.isatty():
                sys.stderr.write(f"\r{model}: up to id {done}")

        result = id_key_rotate(chunk=chunk, progress=progress)
        counts = ", ".join(f"{m} {n}" for m, n in result.resealed.items())
        self.stdout.write(
            f"ID key rotation finished: re-sealed {counts}; {result.households_renamed} "
            f"households renumbered; key {result.key_id} is now the database's key.\n"
            "The old key (SKILLAID_ID_KEY_OLD or var/id_key.old) is no longer needed to run "
            "SkillAid: remove it from the configuration and restart, but keep it with the "
            "backups made before this rotation, which only it opens."
        )

    def generate(self) -> None:
        new = secrets.token_urlsafe(32)
        if settings.SKILLAID_ID_KEY:
            self.stdout.write(
                "New ID key (configure it as SKILLAID_ID_KEY and the present key as "
                "SKILLAID_ID_KEY_OLD, restart, then run skillaid rotate-id-key):\n" + new
            )
            return
        current = settings.SKILLAID_ID_KEY_FILE
        old = settings.SKILLAID_ID_KEY_OLD_FILE
        if not current.is_file():
            raise CommandError(f"{current} 不存在：没有可轮换的密钥文件")
        if old.exists():
            raise CommandError(f"{old} 已存在：上一次轮换尚未结束或旧密钥未移走，未做任何更改")
        keys.id_key_ready()  # the present key must be the database's before it is moved
        current.rename(old)
        keys._write_key_file(current, new)
        keys.forget()
        self.stdout.write(
            f"New ID key written to {current}; the present one moved to {old}. Restart "
            "SkillAid (serve, workers), then run skillaid rotate-id-key."
        )
