"""Real workbooks and CSV files for import tests."""

from __future__ import annotations

from pathlib import Path

from skillaid.ops.demo_people import write_workbook

HEADERS = [
    "姓名",
    "身份证号码",
    "联系电话",
    "家庭类别",
    "培训意愿",
    "意向工种",
    "就读技工院校意愿",
    "就业意愿",
]


def xlsx(
    path: Path, rows: list[list[object]], headers: list[str] = HEADERS, title: str | None = None
) -> Path:
    """Cells that are numbers are written as numbers, as Excel would store them."""
    write_workbook(path, rows, headers=headers, title=title)
    return path


def csv_file(
    path: Path, rows: list[list[object]], headers: list[str] = HEADERS, encoding: str = "utf-8"
) -> Path:
    lines = [",".join(headers)] + [
        ",".join("" if c is None else str(c) for c in row) for row in rows
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
