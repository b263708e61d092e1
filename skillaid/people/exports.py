"""The ledger of a region as an .xlsx workbook with Chinese headers and masked ID numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO

import xlsxwriter

from skillaid.regions.models import Region

from .models import Category, Person

HEADERS = [
    "序号",
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "民族",
    "联系电话",
    "文化程度",
    "所属县（区）",
    "乡镇（街道）",
    "村（社区）",
    "户编号",
    "与户主关系",
    "家庭类别",
    "监测类型",
    "培训意愿",
    "意向工种",
    "就读技工院校意愿",
    "就业意愿",
    "调查日期",
]


def _yes(value: bool) -> str:
    return "是" if value else "否"


INTENT_CAPTIONS = {"training": "有培训意愿", "school": "有就读技工院校意愿", "job": "有就业意愿"}


def ledger_title(scope: str, filters: dict[str, str], on: dt.date) -> str:
    """The title row of an exported ledger: whose, what it was filtered by, and when."""
    parts = []
    if filters.get("region"):
        region = Region.objects.filter(code=filters["region"]).first()
        parts.append(region.name if region else filters["region"])
    if filters.get("category") in Category.values:
        parts.append(Category(filters["category"]).label)
    if filters.get("intent") in INTENT_CAPTIONS:
        parts.append(INTENT_CAPTIONS[filters["intent"]])
    if filters.get("q"):
        parts.append(f"查询“{filters['q']}”")
    parts.append(f"导出于 {on:%Y-%m-%d}")
    return f"{scope} 帮扶劳动力台账（{'；'.join(parts)}）"


def write_ledger(people, target: Path | IO[bytes], *, title: str) -> int:  # noqa: ANN001
    """Stream `people` into a workbook; returns the number of rows written."""
    book = xlsxwriter.Workbook(
        target, {"constant_memory": True, "in_memory": not isinstance(target, Path)}
    )
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    title_fmt = book.add_format({"bold": True, "font_size": 14})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("台账")
    sheet.write(0, 0, title, title_fmt)
    sheet.write_row(1, 0, HEADERS, head)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 20)
    sheet.set_column(8, 16, 14)
    sheet.freeze_panes(2, 2)
    n = 0
    rows = people.select_related("county", "household").only(
        *[f.name for f in Person._meta.concrete_fields if f.name not in ("id_sealed",)],
        "county__name",
        "household__number",
        "household__category",
        "household__monitoring_kind",
    )
    for n, p in enumerate(rows.iterator(chunk_size=2000), start=1):
        h = p.household
        r = n + 1
        sheet.write_number(r, 0, n)
        sheet.write_string(r, 1, p.name)
        sheet.write_string(r, 2, p.id_masked)
        sheet.write_string(r, 3, p.get_sex_display())
        sheet.write_datetime(r, 4, p.birth_date, date_fmt)
        sheet.write_string(r, 5, p.ethnicity)
        sheet.write_string(r, 6, p.phone)
        sheet.write_string(r, 7, p.education)
        sheet.write_string(r, 8, p.county.name)
        sheet.write_string(r, 9, p.township)
        sheet.write_string(r, 10, p.village)
        sheet.write_string(r, 11, h.number if h else "")
        sheet.write_string(r, 12, p.relation)
        sheet.write_string(r, 13, h.get_category_display() if h else "")
        sheet.write_string(r, 14, h.get_monitoring_kind_display() if h else "")
        sheet.write_string(r, 15, _yes(p.wants_training))
        sheet.write_string(r, 16, p.training_occupations)
        sheet.write_string(r, 17, _yes(p.wants_school))
        sheet.write_string(r, 18, _yes(p.wants_job))
        if p.surveyed_on:
            sheet.write_datetime(r, 19, p.surveyed_on, date_fmt)
    book.close()
    return n
