"""open_table with limits: a file too large, too long, a zip bomb or a damaged zip is refused
with a Chinese message naming the limit, before calamine opens it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from skillaid.lib import sheets
from skillaid.lib.sheets import Limits, UnreadableFile, open_table
from tests.people.sheets import xlsx

MB = 1024 * 1024


def zip_bomb(path: Path, expanded_mb: int) -> Path:
    """A valid-looking .xlsx whose sheet1.xml holds one cell of `expanded_mb` MB of 'A's:
    a few tens of kilobytes on disk."""
    xlsx(
        path.with_suffix(".seed.xlsx"),
        [["韦一", "450124199001011234"]],
        headers=["姓名", "身份证号"],
    )
    with (
        zipfile.ZipFile(path.with_suffix(".seed.xlsx")) as seed,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for info in seed.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, seed.read(info))
                continue
            with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
                    b'<c r="A1" t="inlineStr"><is><t>'
                )
                chunk = b"A" * MB
                for _ in range(expanded_mb):
                    sheet.write(chunk)
                sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


@pytest.fixture
def no_calamine(monkeypatch):
    """Fails the test if calamine is asked to open the file."""

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("calamine opened a file that should have been refused")

    monkeypatch.setattr(sheets.CalamineWorkbook, "from_path", refuse)


def test_a_workbook_that_expands_beyond_the_cap_is_refused_before_calamine(tmp_path, no_calamine):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", expanded_mb=40)
    assert bomb.stat().st_size < 200 * 1024
    with pytest.raises(UnreadableFile) as refused:
        open_table(bomb, limits=Limits(max_expanded=32 * MB))
    assert "解压后超过 32 MB 的上限" in str(refused.value)


def test_a_workbook_that_expands_beyond_the_ratio_is_refused(tmp_path, no_calamine):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", expanded_mb=20)
    with pytest.raises(UnreadableFile) as refused:
        open_table(bomb, limits=Limits(max_expanded=400 * MB, max_ratio=100))
    assert "超过 100 倍的上限" in str(refused.value)


def test_a_damaged_workbook_is_refused_in_chinese_not_in_calamines_english(tmp_path):
    broken = tmp_path / "台账.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(Exception) as calamine_says:
        CalamineWorkbook.from_path(str(broken))
    for limits in (Limits(), Limits(max_expanded=10 * MB, max_ratio=100)):
        with pytest.raises(UnreadableFile) as refused:
            open_table(broken, limits=limits)
        message = str(refused.value)
        assert message.startswith("无法读取该工作簿") and "已损坏" in message
        assert str(calamine_says.value) not in message


def test_a_file_with_more_rows_than_the_cap_is_refused(tmp_path):
    rows = [["韦一", f"45012419900101{i:04d}"] for i in range(20)]
    for path in (tmp_path / "t.xlsx", tmp_path / "t.csv"):
        if path.suffix == ".csv":
            path.write_text("姓名,身份证号\n" + "".join(f"{a},{b}\n" for a, b in rows))
        else:
            xlsx(path, rows, headers=["姓名", "身份证号"])
        assert open_table(path, limits=Limits(max_rows=21)).total == 21
        with pytest.raises(UnreadableFile) as refused:
            open_table(path, limits=Limits(max_rows=20))
        assert "文件有 21 行，超过每次导入 20 行的上限" in str(refused.value)


def test_a_file_larger_than_the_size_cap_is_refused(tmp_path):
    path = tmp_path / "大.csv"
    path.write_bytes(b"a,b\n" * (MB // 2))  # 2 MB
    with pytest.raises(UnreadableFile) as refused:
        open_table(path, limits=Limits(max_bytes=1 * MB))
    assert "文件大小 2 MB，超过上传上限 1 MB" in str(refused.value)
