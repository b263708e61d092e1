"""Feedback to schools: a school's students whose status a registry contradicted, once the
result is accepted, on a page and as Excel; other schools see nothing of them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from skillaid.matching.decisions import consistent_accept
from skillaid.students.models import StudentEnrolment
from tests.exports import export_rows

from .helpers import IDS, compare, load, make_people, write_csv

pytestmark = pytest.mark.django_db
SCHOOL_HEADER = ["身份证号", "姓名", "学校名称", "专业", "入学日期", "学籍状态"]


def test_a_student_the_e_registration_says_withdrew_is_fed_back(
    client, system, qin, liang, lu, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        people = make_people(system)
        for name in ("韦一", "韦二"):
            StudentEnrolment.objects.create(
                person=people[name],
                school=lu.institution,
                county_id="450124",
                major="电工",
                class_type="intermediate",
                entered_on=dt.date(2025, 9, 1),
                expected_graduation=dt.date(2028, 7, 1),
                status_since=dt.date(2025, 9, 1),
            )
        rows = [
            [IDS["韦一"], "韦一", "广西南宁技师学院", "电工", "2025-09-01", "退学"],
            [IDS["韦二"], "韦二", "广西南宁技师学院", "电工", "2025-09-01", "在读"],
        ]
        path = write_csv(tmp_path / "school.csv", rows, header=SCHOOL_HEADER)
        snapshot = load(qin, path, kind="school")
        run = compare(qin, snapshot)
        assert run.counts["consistent"] == 2
        client.force_login(lu)
        assert "韦一" not in client.get(reverse("matching_feedback")).content.decode()
        assert consistent_accept(actor=liang, run=run) == 2
        page = client.get(reverse("matching_feedback")).content.decode()
        assert "韦一" in page and "退学" in page and "韦二" not in page
        rows = export_rows(client.get(reverse("matching_feedback_export")))
        assert [r[0] for r in rows[2:]] == ["韦一"]
        assert rows[2][1] == people["韦一"].id_masked
