"""Institutions and capacity as .xlsx workbooks with Chinese headers; every export is logged."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from skillaid.accounts.models import Action, Channel, User, audit

from .models import Capacity, Institution

INSTITUTION_HEADERS = [
    "名称",
    "类型",
    "统一社会信用代码",
    "所在地区",
    "地址",
    "联系人",
    "联系电话",
    "目录状态",
    "状态起始日期",
]
CAPACITY_HEADERS = [
    "类别",
    "名称",
    "所在地区",
    "年度",
    "级别",
    "依托院校/机构",
    "涉及职业（工种）",
    "技能大师",
    "带徒人数",
    "举办日期",
    "公布日期",
    "成果",
]


def _date(value: object) -> str:
    return value.isoformat() if value else ""


def institution_row(i: Institution) -> list[object]:
    return [
        i.name,
        i.get_kind_display(),
        i.uscc,
        i.region.name,
        i.address,
        i.contact,
        i.phone,
        i.get_status_display(),
        _date(i.status_since),
    ]


def capacity_row(c: Capacity) -> list[object]:
    return [
        c.get_kind_display(),
        c.name,
        c.region.name,
        c.year,
        c.get_level_display(),
        c.institution.name if c.institution else "",
        c.occupations,
        c.master,
        c.apprentices if c.apprentices is not None else "",
        _date(c.held_on),
        _date(c.published_on),
        c.results,
    ]


def workbook(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str
) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    count = 0
    with xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_numbers": False}
    ) as book:
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        sheet = book.add_worksheet(title[:31])
        sheet.write_row(0, 0, headers, bold)
        sheet.set_column(0, len(headers) - 1, 18)
        sheet.freeze_panes(1, 0)
        for count, row in enumerate(rows, start=1):
            sheet.write_row(count, 0, row)
    return buffer.getvalue(), count


def download(headers, rows, *, title: str, user: User) -> HttpResponse:  # noqa: ANN001
    data, count = workbook(headers, rows, title=title)
    audit(
        actor=user,
        channel=Channel.PAGE,
        action=Action.EXPORT,
        object_type=title,
        note=f"导出 {count} 行",
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
