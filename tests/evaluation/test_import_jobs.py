"""Imports from pages run as background jobs under upload limits: a large certificate file no
longer holds the request, and a file too large, too long or a zip bomb is refused in Chinese."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from skillaid.accounts.jobs import Job
from tests.conftest import MASHAN
from tests.lib.test_sheet_limits import zip_bomb

HEADER = "证书编号,姓名,身份证号,证书类型,职业（工种）,等级,发证机构,发证日期\n"


def certificate_csv(path, rows: int):  # noqa: ANN001, ANN201
    line = "Z{0:07d},韦一,450124199001011234,职业技能等级证书,家政服务员,五级,南宁评价中心,2025-05-01\n"
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        f.writelines(line.format(i) for i in range(rows))
    return path


@pytest.fixture
def queued_only(settings, tmp_path):
    """Jobs are queued for a worker, as in production, instead of run inline."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_300000_row_certificate_file_returns_at_once_with_a_queued_job(
    client, wei, tmp_path, queued_only, settings
):
    settings.SKILLAID_UPLOAD_MAX_MB = 40  # this file is 28 MB; the row count is the point here
    path = certificate_csv(tmp_path / "证书.csv", 300_000)
    client.force_login(wei)
    started = time.monotonic()
    with path.open("rb") as f:
        response = client.post(reverse("certificate_import"), {"file": f, "county": MASHAN})
    elapsed = time.monotonic() - started
    job = Job.objects.get(owner=wei, kind="certificate_import")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert elapsed < 15, f"the request took {elapsed:.0f} s"
    assert job.state == "queued" and job.params == {"county": MASHAN}
    page = client.get(response["Location"]).content.decode()
    assert "外部证书导入" in page and "排队中" in page


def test_an_upload_over_the_size_cap_is_refused_on_the_page(client, wei, tmp_path, settings):
    settings.SKILLAID_UPLOAD_MAX_MB = 1
    path = certificate_csv(tmp_path / "证书.csv", 20_000)  # about 1.9 MB
    client.force_login(wei)
    with path.open("rb") as f:
        response = client.post(reverse("certificate_import"), {"file": f})
    body = response.content.decode()
    assert response.status_code == 200 and "超过上传上限 1 MB" in body
    assert not Job.objects.exists()


def test_a_zip_bomb_is_refused_with_the_cap_it_passed(client, qin, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SKILLAID_UPLOAD_MAX_EXPANDED_MB = 16
    bomb = zip_bomb(tmp_path / "目录.xlsx", expanded_mb=24)
    client.force_login(qin)
    with bomb.open("rb") as f:
        client.post(reverse("catalogue_import"), {"file": f})
    job = Job.objects.get(owner=qin, kind="catalogue_import")
    assert job.state == "failed" and "解压后超过 16 MB 的上限" in job.error


def test_a_file_over_the_row_cap_is_refused_with_the_cap(client, wei, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SKILLAID_UPLOAD_MAX_ROWS = 10
    path = certificate_csv(tmp_path / "证书.csv", 20)
    client.force_login(wei)
    with path.open("rb") as f:
        client.post(reverse("certificate_import"), {"file": f, "county": MASHAN})
    job = Job.objects.get(owner=wei, kind="certificate_import")
    assert job.state == "failed" and "文件有 21 行，超过每次导入 10 行的上限" in job.error


def test_a_file_that_is_no_workbook_is_refused_on_the_form_at_once(client, wei, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "台账.xlsx"
    path.write_bytes("姓名,身份证号\n蓝海燕,450124199506150011\n".encode())
    client.force_login(wei)
    with path.open("rb") as f:
        page = client.post(reverse("import_start"), {"file": f, "county": ""})
    assert page.status_code == 200 and "无法读取该工作簿：文件已损坏" in page.content.decode()
    assert not Job.objects.exists()


def test_a_damaged_workbook_fails_its_job_in_chinese(client, wei, tmp_path, settings):
    """The zip's directory is whole, but an entry's data is not: found when the job reads it."""
    import zipfile

    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + "x" * 1000 + "</worksheet>")
    data = bytearray(path.read_bytes())
    data[100:110] = b"0123456789"  # inside the stored entry: its CRC no longer matches
    path.write_bytes(bytes(data))
    client.force_login(wei)
    with path.open("rb") as f:
        client.post(reverse("import_start"), {"file": f, "county": ""})
    job = Job.objects.get(owner=wei, kind="ledger_import")
    assert job.state == "failed" and job.error.startswith("无法读取该工作簿：文件已损坏")


def test_each_import_page_states_the_limits_and_how_long_files_are_kept(client, wei, qin):
    for user, name in (
        (wei, "import_start"),
        (wei, "certificate_import"),
        (qin, "catalogue_import"),
    ):
        client.force_login(user)
        body = client.get(reverse(name)).content.decode()
        assert "文件不超过 20 MB、300,000 行" in body and "保存 30 天后自动删除" in body, name
