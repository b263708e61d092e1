from django.core.management.base import BaseCommand

from skillaid.accounts.jobs import PURGED_FOLDERS, purge_files


class Command(BaseCommand):
    help = (
        "Delete uploaded files, rejected-rows reports and exports older than "
        f"SKILLAID_FILE_RETENTION_DAYS (under MEDIA_ROOT: {', '.join(PURGED_FOLDERS)}). "
        "`skillaid serve` runs it in the task worker every SKILLAID_PURGE_INTERVAL_HOURS."
    )

    def handle(self, *args, **options) -> None:
        counts = purge_files()
        self.stdout.write(
            f"{counts['files']} files deleted ({counts['jobs']} jobs past their time)"
        )
