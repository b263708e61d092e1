"""`skillaid inspection-verify DRAW_ID`: redo a random inspection's draw from its recorded
seed and lists, and say whether it gives the same objects and inspectors, and whether the
population or the pool has changed since. Exits with 1 when the draw does not reproduce."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from skillaid.reports.inspections import inspection_redo
from skillaid.reports.models import InspectionDraw


class Command(BaseCommand):
    help = "Redo a random inspection's draw from its record and compare."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("draw_id", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        draw = InspectionDraw.objects.select_related("region").filter(pk=opts["draw_id"]).first()
        if draw is None:
            raise CommandError(f"没有编号为{opts['draw_id']}的抽查")
        redo = inspection_redo(draw)
        self.stdout.write(f"抽查{draw.pk}：{draw.title}（{draw.region.name}）")
        self.stdout.write(f"随机种子：{draw.seed}")
        self.stdout.write(f"对象名单摘要：{draw.population_digest}（{draw.population_count}个）")
        self.stdout.write(f"检查人员名单摘要：{draw.pool_digest}（{draw.pool_count}人）")
        for line in redo.lines():
            self.stdout.write(line)
        if not redo.reproduced:
            raise SystemExit(1)
