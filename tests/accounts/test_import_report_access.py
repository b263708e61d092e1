"""Who may take an import's problem-row report: it holds whole ID numbers as the clerk typed
them, so its owner may and those whose role sees whole ID numbers may; others in scope see
the record and its counts but not the report. Every download is logged as an export."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.imports.records import ImportRecord
from skillaid.accounts.jobs import Job
from skillaid.accounts.models import AuditEntry
from tests.conftest import MASHAN, make_user, new_id
from tests.people.sheets import xlsx


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def import_with_a_bad_row(client, user, tmp_path):  # noqa: ANN001, ANN201
    bad = new_id()[:17]
    path = xlsx(
        tmp_path / "马山台账.xlsx",
        [["韦一", new_id()], ["韦二", bad]],
        headers=["姓名", "身份证号"],
    )
    client.force_login(user)
    with path.open("rb") as f:
        upload = SimpleUploadedFile(path.name, f.read())
    client.post(reverse("import_start"), {"file": upload, "county": MASHAN})
    job = Job.objects.get(owner=user)
    return job, ImportRecord.objects.get(job=job)


def downloads_logged(record_or_job) -> list[AuditEntry]:  # noqa: ANN001
    return list(
        AuditEntry.objects.filter(
            action="export",
            object_type=record_or_job._meta.label_lower,
            object_id=str(record_or_job.pk),
        )
    )


def test_the_owner_downloads_the_report_and_each_download_is_logged(client, wei, tmp_path, media):
    job, record = import_with_a_bad_row(client, wei, tmp_path)
    assert record.report and not downloads_logged(record)
    response = client.get(reverse("import_record_report", args=[record.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [entry] = downloads_logged(record)
    assert entry.actor == wei and entry.channel == "page"
    assert entry.changes["rows"] == [None, 1] and "马山台账.xlsx" in entry.note
    # The same report reached from the job's page is logged the same way.
    assert client.get(reverse("job_report", args=[job.pk])).status_code == 200
    assert len(downloads_logged(job)) == 1


def test_a_colleague_whose_role_sees_whole_ids_may_take_it(client, wei, liang, tmp_path, media):
    _, record = import_with_a_bad_row(client, wei, tmp_path)
    colleague = make_user("wei2", "county_clerk", MASHAN, "韦二妹")
    for user in (colleague, liang):
        client.force_login(user)
        page = client.get(reverse("import_history")).content.decode()
        assert reverse("import_record_report", args=[record.pk]) in page
        assert client.get(reverse("import_record_report", args=[record.pk])).status_code == 200
    assert {e.actor for e in downloads_logged(record)} == {colleague, liang}


def officer_import(owner, media) -> tuple[ImportRecord, Job]:  # noqa: ANN001
    """An import an officer made, with its report, as the framework leaves it."""
    name = "reports/import-officer-problems.xlsx"
    (media / "reports").mkdir(parents=True, exist_ok=True)
    (media / name).write_bytes(b"PK-not-read-here")
    scope = {"scope_region": owner.region_prefix, "scope_institution": owner.institution_id}
    counts = {"rows": 3, "created": 2, "rejected": 1, "warnings": 0}
    job = Job.objects.create(
        kind="certificate_import",
        owner=owner,
        state="done",
        filename="证书.xlsx",
        result=counts,
        report=name,
        **scope,
    )
    record = ImportRecord.objects.create(
        kind="certificate_import",
        label="外部证书导入",
        owner=owner,
        owner_name=owner.display_name,
        job=job,
        channel="page",
        filename="证书.xlsx",
        sha256="0" * 64,
        counts=counts,
        report=name,
        finished_at=timezone.now(),
        **scope,
    )
    return record, job


def test_others_in_scope_see_the_record_and_counts_but_not_the_report(client, lu, media):
    record, job = officer_import(lu, media)
    other = make_user("lu2", "school_officer", lu.region_id, "陆二")
    other.institution = lu.institution
    other.save()
    assert not other.can_reveal_ids
    client.force_login(other)
    page = client.get(reverse("import_history")).content.decode()
    assert "证书.xlsx" in page and "拒绝 1" in page
    assert reverse("import_record_report", args=[record.pk]) not in page
    detail = client.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert "被拒绝" in detail and reverse("import_record_report", args=[record.pk]) not in detail
    assert client.get(reverse("import_record_report", args=[record.pk])).status_code == 404
    job_page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert reverse("job_report", args=[job.pk]) not in job_page
    assert client.get(reverse("job_report", args=[job.pk])).status_code == 404
    assert not downloads_logged(record) and not downloads_logged(job)
    # The officer who made the import still takes it.
    client.force_login(lu)
    assert client.get(reverse("import_record_report", args=[record.pk])).status_code == 200
    assert len(downloads_logged(record)) == 1
