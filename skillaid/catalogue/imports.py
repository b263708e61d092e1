"""Import of the demand catalogue (需求指导目录) from Excel or CSV, on the import framework:
each row is one catalogue line, saved through demand_entry_save; a bad row is reported
with its column and the others are kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from skillaid.accounts.imports.framework import Importer, Row
from skillaid.accounts.models import Channel, User
from skillaid.lib.columns import Column, Columns, FieldError, Header
from skillaid.lib.sheets import ImportResult, Limits, Progress, UnreadableFile
from skillaid.people import fields

from .services import demand_entry_save

COLUMNS = Columns(
    (
        Column("code", "职业编码", ("职业代码", "工种编码", "编码")),
        Column(
            "name",
            "职业（工种）名称",
            ("职业(工种)名称", "职业名称", "工种名称", "职业（工种）", "工种"),
            required=True,
        ),
        Column("training_kind", "培训类型", ("培训类别",), required=True),
        Column("level", "等级", ("技能等级", "培训等级"), required=True),
        Column("standard_hours", "标准课时", ("课时", "培训课时"), required=True),
        Column(
            "subsidy",
            "补贴标准",
            ("补贴标准（元）", "补贴标准(元)", "补贴标准（元/人）", "补贴金额"),
            required=True,
        ),
        Column("region", "适用地区", ("地区代码", "适用地区代码", "地区")),
        Column("valid_from", "起始日期", ("执行起始日期", "生效日期"), required=True),
        Column("valid_to", "截止日期", ("执行截止日期", "失效日期")),
        Column("digital", "数字技能", ("数字职业", "S")),
        Column("green", "绿色技能", ("绿色职业", "L")),
        Column("urgent", "急需紧缺", ("是否急需紧缺",)),
        Column("source", "依据", ("文件依据",)),
    ),
    anchors=("name", "subsidy"),
)
DATES = ("valid_from", "valid_to")
FLAGS = ("digital", "green", "urgent")


class CatalogueImport(Importer):
    """One catalogue file; `region` is the region code of rows without 适用地区."""

    kind = "catalogue_import"
    label = "需求指导目录导入"
    columns = COLUMNS
    hint = "，请使用需求指导目录模板"
    start_url = "catalogue_import"
    person_columns = None  # a catalogue line names no person

    def __init__(self, *, actor: User, region: str = "", **kwargs: Any) -> None:
        super().__init__(actor=actor, **kwargs)
        self.region = region

    @classmethod
    def options_from_job(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"region": params.get("region", "")}

    @classmethod
    def add_arguments(cls, parser: Any) -> None:
        parser.add_argument("--region", default="", help="region code for rows without 适用地区")

    @classmethod
    def options_from_command(cls, options: dict[str, Any]) -> dict[str, Any]:
        return {"region": options.get("region") or ""}

    def prepare(self, header: Header) -> None:
        if "region" not in header.positions and not self.region:
            raise UnreadableFile("缺少列：适用地区")

    def handle(self, row: Row) -> dict[str, Any]:
        data: dict[str, object] = {}
        for column in self.header.positions:
            value = row.get(column)
            if column in DATES:
                try:
                    value = fields.date(value, today=dt.date.max)
                except FieldError as exc:
                    raise FieldError(str(exc), column) from None
            elif column in FLAGS:
                try:
                    value = bool(fields.yes_no(value))
                except FieldError as exc:
                    raise FieldError(str(exc), column) from None
            elif column in ("code", "region"):
                value = row.text(column)
            data[column] = value
        if not data.get("region"):
            data["region"] = self.region
        return data

    def write(self, row: Row, values: dict[str, Any]) -> str:
        _, outcome = demand_entry_save(actor=self.actor, channel=self.channel, data=values)
        return outcome


def import_catalogue(
    path: Path,
    *,
    actor: User,
    region: str = "",
    name: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """The catalogue import of one file, as the command and a job run it."""
    importer = CatalogueImport(
        actor=actor, region=region, progress=progress, dry_run=dry_run, channel=Channel.IMPORT
    )
    return importer.run(path, name=name, limits=limits)
