"""`skillaid inspection-verify DRAW_ID`: redo a random inspection's draw from its recorded
rule, seed and lists alone, and say whether the record is intact (every list matches its
digest), whether it gives the same objects and inspectors, and whether the population, the
pool or the ties have changed since. Exits with 1 when the draw does not reproduce. It
never draws, so it takes no seed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

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
        made = (
            f"系统生成于{timezone.localtime(draw.seed_made_at):%Y-%m-%d %H:%M:%S}"
            if draw.seed_made_at
            else "生成时间未记录"
        )
        self.stdout.write(f"抽取规则：{draw.rule}")
        self.stdout.write(f"随机种子：{draw.seed}（{made}）")
        self.stdout.write(f"对象名单摘要：{draw.population_digest}（{draw.population_count}个）")
        self.stdout.write(f"检查人员名单摘要：{draw.pool_digest}（{draw.pool_count}人）")
        self.stdout.write(f"对象所属院校/机构摘要：{draw.population_pairs_digest}")
        self.stdout.write(f"回避关系摘要：{draw.exclusions_digest}")
        for line in redo.lines():
            self.stdout.write(line)
        if not redo.reproduced:
            raise SystemExit(1)
