from pathlib import Path

from django.core.management.base import BaseCommand

from skillaid.ops.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a file written by `skillaid backup` into an empty database and media folder "
        "(refuses a non-empty one), checking every file's sha256 and every table's row count."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise SystemExit(f"{file}: no such file")
        manifest = backup_restore(file)
        self.stdout.write(
            f"Restored {file}: backup of {manifest['created_at']} (SkillAid "
            f"{manifest['skillaid_version']}), {len(manifest['tables'])} tables and "
            f"{len(manifest['files']) - 1} media files checked against the manifest."
        )
