"""Import of the demand catalogue (需求指导目录) from Excel or CSV, with the rejected-rows report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError

from skillaid.accounts.models import Channel, User
from skillaid.lib.sheets import (
    Limits,
    Progress,
    Rejection,
    SheetResult,
    UnreadableFile,
    cell_text,
    column_letter,
    find_columns,
    header_key,
    open_table,
)
from skillaid.people import fields

from .services import demand_entry_save

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("职业编码", "职业代码", "工种编码", "编码"),
    "name": ("职业（工种）名称", "职业(工种)名称", "职业名称", "工种名称", "职业（工种）", "工种"),
    "training_kind": ("培训类型", "培训类别"),
    "level": ("等级", "技能等级", "培训等级"),
    "standard_hours": ("标准课时", "课时", "培训课时"),
    "subsidy": ("补贴标准", "补贴标准（元）", "补贴标准(元)", "补贴标准（元/人）", "补贴金额"),
    "region": ("适用地区", "地区代码", "适用地区代码", "地区"),
    "valid_from": ("起始日期", "执行起始日期", "生效日期"),
    "valid_to": ("截止日期", "执行截止日期", "失效日期"),
    "digital": ("数字技能", "数字职业", "S"),
    "green": ("绿色技能", "绿色职业", "L"),
    "urgent": ("急需紧缺", "是否急需紧缺"),
    "source": ("依据", "文件依据"),
}
LABELS = {k: v[0] for k, v in COLUMNS.items()}
_ALIASES = {header_key(a): k for k, aliases in COLUMNS.items() for a in aliases}
PROGRESS_EVERY = 500  # rows between two progress reports of a job
REQUIRED = ("name", "training_kind", "level", "standard_hours", "subsidy", "valid_from")


CatalogueResult = SheetResult


def import_catalogue(
    path: Path,
    *,
    actor: User,
    region: str = "",
    name: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> CatalogueResult:
    """Each row is one catalogue line; a bad row is reported and the others are kept.

    `region` is the region code used where the file has no 适用地区 column.
    """
    name = name or path.name
    table = open_table(path, name=name, limits=limits)
    progress = progress or (lambda done, total: None)
    result = CatalogueResult(filename=name)
    rows = table.rows()
    columns, result.headers, header_row = find_columns(rows, _ALIASES, ("name", "subsidy"))
    if not columns:
        raise UnreadableFile("找不到“职业（工种）名称”和“补贴标准”列，请使用需求指导目录模板")
    missing = [LABELS[c] for c in REQUIRED if c not in columns]
    if "region" not in columns and not region:
        missing.append("适用地区")
    if missing:
        raise UnreadableFile(f"缺少列：{'、'.join(missing)}")

    def where(column: str) -> str:
        i = columns.get(column)
        return f"{column_letter(i)}列“{LABELS[column]}”" if i is not None else LABELS[column]

    total = max(table.total - header_row, 0)
    for row_no, cells in enumerate(rows, start=header_row + 1):
        if (row_no - header_row) % PROGRESS_EVERY == 0:
            progress(row_no - header_row, total)
        if all(c in (None, "") for c in cells):
            continue
        result.rows += 1
        data: dict[str, object] = {}
        problem: tuple[str, str] | None = None
        for column, i in columns.items():
            value = cells[i] if i < len(cells) else None
            if column in ("valid_from", "valid_to"):
                try:
                    value = fields.date(value, today=dt.date.max)
                except fields.FieldError as exc:
                    problem = problem or (where(column), str(exc))
            elif column in ("digital", "green", "urgent"):
                try:
                    value = bool(fields.yes_no(value))
                except fields.FieldError as exc:
                    problem = problem or (where(column), str(exc))
            elif column in ("code", "region"):
                value = cell_text(value).strip()
            data[column] = value
        if not data.get("region"):
            data["region"] = region
        if problem is None:
            try:
                _, outcome = demand_entry_save(actor=actor, channel=Channel.IMPORT, data=data)
            except ValidationError as exc:
                column, messages = next(iter(exc.message_dict.items()))
                problem = (where(column) if column in COLUMNS else column, "；".join(messages))
            else:
                result.count(outcome)
                continue
        result.rejected.append(Rejection(row_no, problem[0], problem[1], list(cells)))
    return result
