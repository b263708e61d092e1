"""The packs page: start a pack, follow the job, download its files, submit it; the
submissions list within scope; the command."""

import io
import json

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from skillaid.accounts.jobs import Job
from skillaid.accounts.models import AuditEntry
from skillaid.reports.models import Submission
from tests.conftest import LONGAN, MASHAN
from tests.exports import export_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_clerk_starts_a_pack_downloads_it_and_submits_it(client, wei):
    client.force_login(wei)
    page = client.get("/reports/packs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "县级台账汇总表" in text and "技能脱贫千校行动进展情况表" in text
    assert f'value="{MASHAN}"' in text and f'value="{LONGAN}"' not in text
    started = client.post(
        "/reports/packs/start/",
        {"kind": "ledger", "region": MASHAN, "year": "2026", "period": "year"},
    )
    job = Job.objects.get(kind="report_pack")
    assert started.status_code == 302 and started["Location"] == f"/jobs/{job.pk}/"
    detail = client.get(started["Location"]).content.decode()
    assert "下载Excel" in detail and f"/reports/packs/{job.pk}/xlsx/" in detail
    download = client.get(f"/reports/packs/{job.pk}/xlsx/")
    assert download.status_code == 200
    data = export_bytes(download)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "帮扶劳动力台账汇总表"
    assert AuditEntry.objects.filter(action="export", object_id=str(job.pk)).count() >= 2
    assert client.post("/reports/submissions/", {"job": job.pk}).status_code == 302
    submission = Submission.objects.get()
    assert submission.job_id == job.pk and submission.submitted_by == wei
    listed = client.get("/reports/submissions/").content.decode()
    assert "县级台账汇总表" in listed and submission.sha256[:16] in listed
    assert "已报送" in client.get("/reports/packs/").content.decode()


def test_a_pack_outside_the_scope_is_refused_and_others_jobs_are_not_found(client, wei, huang):
    client.force_login(wei)
    refused = client.post(
        "/reports/packs/start/",
        {"kind": "ledger", "region": LONGAN, "year": "2026", "period": "year"},
    )
    assert refused.status_code == 403 and "不在您的管辖范围内" in refused.content.decode()
    bad = client.post(
        "/reports/packs/start/",
        {"kind": "pairing_summary", "region": MASHAN, "year": "2026", "period": "Q3"},
    )
    assert bad.status_code == 400 and "按上半年、全年生成" in bad.content.decode()
    client.post(
        "/reports/packs/start/",
        {"kind": "ledger", "region": MASHAN, "year": "2026", "period": "year"},
    )
    job = Job.objects.get(kind="report_pack")
    client.force_login(huang)
    assert client.get(f"/reports/packs/{job.pk}/xlsx/").status_code == 404
    assert client.post("/reports/submissions/", {"job": job.pk}).status_code == 404
    assert not Submission.objects.exists()


def test_a_school_officer_has_no_packs_page(client, lu):
    client.force_login(lu)
    assert client.get("/reports/packs/").status_code == 403


def test_the_command_builds_the_same_file_twice(wei, capsys):
    call_command("report_pack", "ledger", "--region", MASHAN, "--year", "2026", "--user", "wei")
    first = json.loads(capsys.readouterr().out)
    call_command("report_pack", "ledger", "--region", MASHAN, "--year", "2026", "--user", "wei")
    again = json.loads(capsys.readouterr().out)
    assert first["sha256"] == again["sha256"] and first["xlsx"].endswith(".xlsx")
