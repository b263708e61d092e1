"""A corrupt or disguised upload is refused in Chinese, naming the file, never with calamine's
English ("invalid Zip archive: Could not find EOCD")."""

from __future__ import annotations

import re
import zipfile

import pytest
import xlsxwriter
from django.urls import reverse

from skillaid.accounts.jobs import Job
from skillaid.lib.sheets import Limits, UnreadableFile, open_table

MB = 1024 * 1024
ENGLISH = re.compile(r"[A-Za-z]{3,}")  # a word of English; ".xlsx", "Excel", "WPS" aside


def english_in(message: str) -> list[str]:
    return [
        w
        for w in ENGLISH.findall(message)
        if w not in {"xlsx", "xls", "csv", "zip", "Excel", "WPS"}
    ]


def truncated_xlsx(path):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号"])
    sheet.write_row(1, 0, ["蓝海燕", "450124199506150011"])
    book.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cut off: no end of central directory
    return path


def renamed_text(path):
    path.write_text("这是一个文本文件，不是工作簿\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("make", [truncated_xlsx, renamed_text])
@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_a_truncated_or_renamed_file_is_refused_in_chinese_naming_it(tmp_path, make, suffix):
    path = make(tmp_path / f"马山县台账{suffix}")
    for limits in (Limits(), Limits(max_expanded=10 * MB, max_ratio=100)):
        with pytest.raises(UnreadableFile) as refused:
            open_table(path, limits=limits)
        message = str(refused.value)
        assert message.startswith("无法读取该工作簿") and f"马山县台账{suffix}" in message
        assert not english_in(message), message
    # The name the user gave the file, not the name it is kept under.
    with pytest.raises(UnreadableFile, match="（文件：原名.xlsx）"):
        open_table(path, name="原名.xlsx")


def test_a_csv_in_an_unknown_encoding_is_refused_naming_it(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(b"\xff\xfe\x00\xd8\x00\xdc" * 10 + b"\x80\x81\xfe")
    with pytest.raises(UnreadableFile) as refused:
        open_table(path)
    assert "编码无法识别" in str(refused.value) and "名单.csv" in str(refused.value)


@pytest.mark.django_db
@pytest.mark.parametrize("make", [truncated_xlsx, renamed_text])
def test_the_import_page_refuses_them_in_chinese_naming_the_file(
    client, wei, tmp_path, settings, make
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = make(tmp_path / "隆安县台账.xlsx")
    client.force_login(wei)
    with path.open("rb") as f:
        page = client.post(reverse("import_start"), {"file": f, "county": ""})
    text = page.content.decode()
    assert "无法读取该工作簿：文件已损坏" in text and "（文件：隆安县台账.xlsx）" in text
    assert "EOCD" not in text and "invalid Zip" not in text
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_workbook_damaged_inside_fails_its_job_in_chinese_naming_the_file(
    client, wei, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "都安县台账.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")  # a zip, but no workbook inside
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    client.force_login(wei)
    with path.open("rb") as f:
        client.post(reverse("import_start"), {"file": f, "county": ""})
    job = Job.objects.get(owner=wei, kind="ledger_import")
    assert job.state == "failed" and "（文件：都安县台账.xlsx）" in job.error
    assert not english_in(job.error), job.error
