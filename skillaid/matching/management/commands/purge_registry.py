"""`skillaid purge-registry [--keep 13]`: delete the files of registry snapshots beyond the
newest versions of each source and kind, with their runs' results (rows and counts stay)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ...snapshots import KEEP_VERSIONS, registry_purge


class Command(BaseCommand):
    help = "Delete old registry snapshot files and their comparison results"

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--keep", type=int, default=KEEP_VERSIONS)

    def handle(self, *args: Any, **opts: Any) -> None:
        counts = registry_purge(keep=max(opts["keep"], 1))
        self.stdout.write(
            f"{counts['snapshots']} snapshot files, {counts['runs']} runs' results deleted"
        )
