"""Helpers of the postings tests: accounts of employers and agencies, a posting's data,
and a postings workbook written with XlsxWriter. Plain functions: the personas are the
suite's (tests/conftest.py), the rows of other parts come from tests/employment/factories."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter

from skillaid.accounts.models import Role, User
from skillaid.employment.models import Employer, EmployerAccount
from tests.conftest import MASHAN, PASSWORD
from tests.employment import factories

NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)  # 10:00 in Nanning
TODAY = dt.date(2026, 4, 15)

HEADER = [
    "单位名称",
    "统一社会信用代码",
    "岗位名称",
    "职业编码",
    "职业（工种）",
    "工作地",
    "月薪下限",
    "月薪上限",
    "招聘人数",
    "岗位要求",
    "有效期起",
    "有效期止",
    "专项活动",
    "招聘会",
]


def account(employer: Employer, username: str, full_name: str = "") -> User:
    """The login of an employer or agency (its role follows the unit's kind)."""
    role = Role.AGENCY if employer.kind == "agency" else Role.EMPLOYER
    user = User(username=username, role=role, full_name=full_name or employer.name)
    user.set_password(PASSWORD)
    user.save()
    EmployerAccount.objects.create(user=user, employer=employer)
    return user


def catalogue() -> None:
    """The occupations the postings tests name."""
    factories.occupation("电工", "6-31-01-03")
    factories.occupation("焊工", "6-18-02-04")
    factories.occupation("中式烹调师", "4-03-02-01")


def posting_data(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "维修电工",
        "occupation": "6-31-01-03",
        "region": MASHAN,
        "address": "马山县白山镇工业园",
        "wage_min": "3500",
        "wage_max": "5000",
        "places": "3",
        "requirements": "持电工证优先",
        "valid_from": dt.date(2026, 3, 1),
        "valid_until": dt.date(2026, 12, 31),
        "campaign": "春风行动",
        "fair": "",
    }
    data.update(extra)
    return data


def row(employer: Employer, title: str = "维修电工", **kw: Any) -> list[object]:
    """One row of a postings workbook in HEADER's order."""
    values = {
        "name": employer.name,
        "uscc": employer.uscc,
        "code": "6-31-01-03",
        "occupation": "电工",
        "region": "南宁市马山县",
        "wage_min": 3500,
        "wage_max": 5000,
        "places": 3,
        "requirements": "持电工证优先",
        "from": dt.date(2026, 3, 1),
        "until": dt.date(2026, 12, 31),
        "campaign": "春风行动",
        "fair": "",
    }
    values.update(kw)
    return [
        values["name"],
        values["uscc"],
        title,
        values["code"],
        values["occupation"],
        values["region"],
        values["wage_min"],
        values["wage_max"],
        values["places"],
        values["requirements"],
        values["from"],
        values["until"],
        values["campaign"],
        values["fair"],
    ]


def workbook(path: Path, rows: list[list[object]], title: str = "2026年春风行动招聘岗位") -> Path:
    """A real .xlsx: a title row, the header, then the rows (dates as Excel dates, numbers
    as numbers, the rest as text)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("招聘岗位")
    sheet.write_row(0, 0, [title])
    sheet.write_row(1, 0, HEADER)
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, cells in enumerate(rows, start=2):
        for j, value in enumerate(cells):
            if isinstance(value, dt.date):
                sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), day)
            elif isinstance(value, int | float):
                sheet.write_number(i, j, value)
            else:
                sheet.write_string(i, j, str(value))
    book.close()
    return path
