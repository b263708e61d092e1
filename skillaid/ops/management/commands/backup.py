from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from skillaid.ops.backup import backup_write


class Command(BaseCommand):
    help = (
        "Write one file holding the database and the media folder, with a manifest, sealed "
        "with a key derived from the ID key: without the ID key it cannot be read."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--output",
            type=Path,
            help="the file to write (default: skillaid-backup-<time>.skb in the current folder)",
        )

    def handle(self, *args, output: Path | None, **options) -> None:
        output = output or Path(f"skillaid-backup-{timezone.now():%Y%m%d-%H%M%S}.skb")
        manifest = backup_write(output)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{output}: {manifest['database']['engine']} database, {len(manifest['tables'])} "
            f"tables, {rows} rows, {len(manifest['files']) - 1} media files, "
            f"{output.stat().st_size} bytes, sealed with ID key {manifest['id_key']}"
        )
