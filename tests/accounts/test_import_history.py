"""The import history page: every import within the user's scope, its counts, the first
problems naming the person, and the report downloaded again after the tab was closed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from skillaid.accounts.imports.records import ImportRecord
from skillaid.accounts.jobs import Job
from tests.conftest import MASHAN, new_id
from tests.people.sheets import xlsx


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def import_page(client, user, path):  # noqa: ANN001, ANN201
    client.force_login(user)
    with path.open("rb") as f:
        upload = SimpleUploadedFile(path.name, f.read())
    response = client.post(reverse("import_start"), {"file": upload, "county": MASHAN})
    assert response.status_code == 302
    return Job.objects.get(owner=user)


def test_a_clerk_finds_the_import_and_its_report_again(client, wei, tmp_path, media):
    bad = new_id()[:17]
    path = xlsx(
        tmp_path / "马山台账.xlsx",
        [["韦一", new_id(), "1381234567"], ["韦二", bad, ""]],
        headers=["姓名", "身份证号", "联系电话"],
    )
    job = import_page(client, wei, path)
    record = ImportRecord.objects.get(job=job)
    assert record.counts["created"] == 1 and record.counts["rejected"] == 1
    page = client.get(reverse("import_history")).content.decode()
    assert "马山台账.xlsx" in page and "拒绝 1" in page and "韦丽" in page
    detail = client.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert record.sha256 in detail
    # The problem list names the person, their ID number masked.
    assert f"韦二（{bad[:6]}*******{bad[13:]}）" in detail
    response = client.get(reverse("import_record_report", args=[record.pk]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rejected = book.get_sheet_by_name("被拒绝的行").to_python()
    assert rejected[1][2] == "身份证号应为18位，实为17位" and rejected[1][3:5] == ["韦二", bad]


def test_another_countys_clerk_does_not_see_it_but_the_city_reviewer_does(
    client, wei, huang, liang, tmp_path, media
):
    path = xlsx(tmp_path / "马山台账.xlsx", [["韦一", new_id()]], headers=["姓名", "身份证号"])
    job = import_page(client, wei, path)
    record = ImportRecord.objects.get(job=job)
    client.force_login(huang)
    assert "马山台账.xlsx" not in client.get(reverse("import_history")).content.decode()
    assert client.get(reverse("import_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("import_record_report", args=[record.pk])).status_code == 404
    assert client.get(reverse("job", args=[job.pk])).status_code == 404
    client.force_login(liang)
    assert "马山台账.xlsx" in client.get(reverse("import_history")).content.decode()
    assert client.get(reverse("job", args=[job.pk])).status_code == 200


def test_a_job_keeps_the_scope_its_owner_had_when_it_started(client, wei, tmp_path, media):
    path = xlsx(tmp_path / "a.xlsx", [["韦一", new_id()]], headers=["姓名", "身份证号"])
    job = import_page(client, wei, path)
    assert (job.scope_region, job.scope_institution) == (MASHAN, None)
