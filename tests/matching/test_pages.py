"""The pages of 精准比对: upload as a job, the run page and its drill-downs and Excel cut to
the viewer's scope, the review queue, and the menu."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from skillaid.accounts.imports.records import ImportRecord
from skillaid.accounts.jobs import Job
from skillaid.matching.models import RegistrySnapshot, ReviewItem
from tests.exports import export_rows

from .helpers import IDS, compare, load, make_people, registry_rows, upload, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        yield tmp_path


def test_a_registry_file_is_loaded_as_a_job_with_its_rejected_rows(client, qin, media):
    rows = [*registry_rows(), ["4501241990010", "短号", "脱贫户", "", "", "450124"]]
    path = write_csv(media / "名单.csv", rows)
    client.force_login(qin)
    response = client.post(
        reverse("matching_snapshot_new"),
        {
            "kind": "assisted",
            "source": "广西防返贫监测信息平台",
            "as_of": "2026-11-01",
            "region": "450000",
            "file": upload(path),
        },
    )
    job = Job.objects.get(kind="registry_snapshot")
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    assert job.state == "done", job.error
    assert job.result["created"] == 6 and job.result["rejected"] == 1
    problem = job.result["problems"][0]
    assert problem["row"] == 8 and "身份证号" in problem["column"] + problem["message"]
    snapshot = RegistrySnapshot.objects.get()
    assert (snapshot.version, snapshot.rows_loaded, snapshot.rejected) == (1, 6, 1)
    assert snapshot.file.name.startswith("registry/snapshots/")
    record = ImportRecord.objects.get(kind="registry_snapshot")
    assert record.report and record.sha256 == snapshot.sha256
    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "第8行" in page and problem["message"] in page
    history = client.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert "比对名单导入" in history and "名单.csv" in history


def test_a_file_without_a_required_column_fails_in_chinese(client, qin, media):
    path = write_csv(media / "no-name.csv", [[IDS["韦一"]]], header=["身份证号"])
    client.force_login(qin)
    client.post(
        reverse("matching_snapshot_new"),
        {
            "kind": "assisted",
            "source": "某平台",
            "as_of": "2026-11-01",
            "region": "450000",
            "file": upload(path),
        },
    )
    job = Job.objects.get(kind="registry_snapshot")
    assert job.state == "failed" and "姓名" in job.error
    assert not RegistrySnapshot.objects.exists()


@pytest.fixture
def run(system, qin, media):
    make_people(system)
    snapshot = load(qin, write_csv(media / "registry.csv", registry_rows()))
    return compare(qin, snapshot)


def test_huang_sees_only_his_countys_people_in_a_province_run(client, run, huang):
    client.force_login(huang)
    page = client.get(reverse("matching_run", args=[run.pk]) + "?outcome=consistent")
    text = page.content.decode()
    assert "黄五" in text and "韦一" not in text
    # only theirs: the registry's row of his county
    text = client.get(reverse("matching_run", args=[run.pk]) + "?outcome=only_theirs").content
    assert "梁六" in text.decode()
    rows = export_rows(client.get(reverse("matching_run_export", args=[run.pk])))
    names = {r[2] for r in rows[2:]} | {r[6] for r in rows[2:]}
    assert "黄五" in names and not names & {"韦一", "韦二", "韦叁", "覃七"}
    assert not any(IDS["黄五"] in str(c) for r in rows for c in r)  # masked only


def test_the_run_page_shows_counts_and_the_full_excel_for_the_province(client, run, liang):
    client.force_login(liang)
    page = client.get(reverse("matching_run", args=[run.pk])).content.decode()
    assert 'id="count-near_name"' in page
    rows = export_rows(client.get(reverse("matching_run_export", args=[run.pk])))
    assert len(rows) == 2 + sum(run.counts.values())
    assert not any(number in str(c) for number in IDS.values() for r in rows for c in r)


def test_wei_decides_from_the_review_queue(client, run, wei):
    client.force_login(wei)
    page = client.get(reverse("matching_review")).content.decode()
    assert "韦叁" in page and "陆四" not in page
    item = ReviewItem.objects.get(run=run, person__name="韦三")
    response = client.post(
        reverse("matching_review_item", args=[item.pk]), {"action": "reject", "reason": ""}
    )
    assert "驳回须填写原因" in response.content.decode()
    client.post(reverse("matching_review_item", args=[item.pk]), {"action": "accept"})
    item.refresh_from_db()
    assert item.state == "accepted"


def test_bulk_accept_from_the_queue(client, run, liang):
    client.force_login(liang)
    ids = list(ReviewItem.objects.filter(run=run).values_list("pk", flat=True))
    client.post(reverse("matching_review"), {"item": ids})
    assert set(ReviewItem.objects.values_list("state", flat=True)) == {"accepted"}


def test_the_menu_shows_matching_to_bureaus_and_feedback_to_schools(client, wei, lu):
    client.force_login(wei)
    assert 'id="nav-matching"' in client.get(reverse("home")).content.decode()
    client.force_login(lu)
    home = client.get(reverse("home")).content.decode()
    assert 'id="nav-matching-feedback"' in home and 'id="nav-matching"' not in home
    assert client.get(reverse("matching")).status_code == 403


def test_a_county_run_on_a_province_registry_lists_no_other_countys_people(
    client, system, qin, wei, media
):
    make_people(system)
    snapshot = load(qin, write_csv(media / "registry.csv", registry_rows()), region="450000")
    run = compare(wei, snapshot)
    # Mashan's four people; the registry's rows of Long'an are not "only theirs" for Mashan.
    assert run.ours == 4
    assert run.counts["only_theirs"] == 0
    client.force_login(wei)
    text = client.get(reverse("matching_run", args=[run.pk]) + "?outcome=only_theirs").content
    assert "梁六" not in text.decode() and "黄五" not in text.decode()
    rows = export_rows(client.get(reverse("matching_run_export", args=[run.pk])))
    names = {r[2] for r in rows[2:]} | {r[6] for r in rows[2:]}
    assert names <= {"韦一", "韦二", "韦三", "韦叁", "覃七", ""}


def test_the_run_page_lists_what_changed_since_the_previous_run_in_chinese(
    client, run, qin, liang, media
):
    fixed = load(qin, write_csv(media / "registry-12.csv", registry_rows(wei_er="脱贫户")))
    second = compare(qin, fixed)
    client.force_login(liang)
    page = client.get(reverse("matching_run", args=[second.pk])).content.decode()
    assert "双方均有但信息不一致→双方一致：1" in page
    assert "韦二" in page


def test_the_person_page_shows_their_comparison_results(client, run, wei):
    client.force_login(wei)
    item = ReviewItem.objects.get(run=run, person__name="韦三")
    page = client.get(reverse("person_detail", args=[item.person_id])).content.decode()
    assert 'id="matching-items"' in page and reverse("matching_review_item", args=[item.pk]) in page


def test_the_shared_review_queue_lists_them_too(client, run, wei):
    client.force_login(wei)
    page = client.get(reverse("review_list")).content.decode()
    assert "比对结果确认" in page and "韦叁" in page and "陆四" not in page
