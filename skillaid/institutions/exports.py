"""Institutions and capacity as rows for the export function, under Chinese headers."""

from __future__ import annotations

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
        i.status_since,
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
        c.held_on,
        c.published_on,
        c.results,
    ]
