"""The class pages as officers, clerks and trainees use them, within scope."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertInHTML as assert_in_html

from skillaid.evaluation.models import Certificate
from skillaid.training.attendance import current_code
from skillaid.training.models import Attendance, ClassStatus, TrainingClass
from tests.exports import export_rows
from tests.training.fixtures import class_data

pytestmark = pytest.mark.django_db


def soon(days: int = 8) -> dt.datetime:
    from django.utils import timezone

    return (timezone.now() + dt.timedelta(days=days)).replace(
        hour=1, minute=0, second=0, microsecond=0
    )


def test_an_officer_declares_and_the_county_approves_on_pages(
    client, lu, wei, school, occupation, person_factory
):
    trainee = person_factory(category="脱贫户")
    client.force_login(lu)
    data = class_data(occupation, soon())
    data["subsidised"] = "on"
    response = client.post(reverse("class_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    c = TrainingClass.objects.get()
    client.post(
        reverse("roster_add", args=[c.pk]),
        {"id_number": trainee.id_number, "name": trainee.name},
    )
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    assert "符合：脱贫家庭/监测帮扶对象（脱贫户）" in page
    client.post(reverse("class_declare", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == ClassStatus.DECLARED

    client.force_login(wei)
    listing = client.get(reverse("classes")).content.decode()
    assert "等待审核" in listing and c.name in listing
    client.post(reverse("class_review", args=[c.pk]), {"decision": "approve", "note": ""})
    c.refresh_from_db()
    assert c.status == ClassStatus.APPROVED and c.reviewed_by == wei


def test_bad_form_input_is_shown_in_chinese(client, lu, school, occupation):
    client.force_login(lu)
    data = class_data(occupation, soon())
    data["timetable"] = "下周一上午"
    response = client.post(reverse("class_create"), data)
    assert response.status_code == 200
    assert "第1行“下周一上午”看不懂" in response.content.decode()
    assert not TrainingClass.objects.exists()


def test_each_timetable_error_is_shown_under_its_line(client, lu, school, occupation):
    client.force_login(lu)
    data = class_data(occupation, soon(), count=2)
    first, second = data["timetable"].splitlines()
    again = first.replace("实训楼201", "实训楼202")
    data["timetable"] = f"{first}\n下周一上午\n{second}\n{again}"
    response = client.post(reverse("class_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert_in_html(f'<li value="1">{first}</li>', html)
    assert_in_html(
        '<li value="2" class="bad">下周一上午<ul class="errorlist"><li>'
        "第2行“下周一上午”看不懂，应写成“2026-12-01 09:00-12:00 地点 教师”</li></ul></li>",
        html,
    )
    assert_in_html(f'<li value="3">{second}</li>', html)
    assert_in_html(
        f'<li value="4" class="bad">{again}<ul class="errorlist">'
        "<li>第1行与第4行的时间重叠</li></ul></li>",
        html,
    )
    # The text typed stays in the box to be corrected, the box across the whole form.
    assert "下周一上午" in html.split('id="id_timetable"')[1].split("</textarea>")[0]
    assert '<div class="field wide"><label for="id_timetable">' in html
    assert '<div class="field wide"><label for="id_teaching_plan">' in html


def test_a_declaration_too_late_says_why(client, lu, school, class_factory):
    c = class_factory(lu, start=soon(2), approve=False)
    client.force_login(lu)
    response = client.post(reverse("class_declare", args=[c.pk]), follow=True)
    assert "须至少提前7天申报" in response.content.decode()


def test_another_county_cannot_see_or_review(client, lu, huang, school, class_factory):
    c = class_factory(lu, approve=False)
    client.force_login(huang)
    assert client.get(reverse("class_detail", args=[c.pk])).status_code == 404
    assert (
        client.post(reverse("class_review", args=[c.pk]), {"decision": "approve"}).status_code
        == 404
    )
    assert c.name not in client.get(reverse("classes")).content.decode()
    session = c.sessions.first()
    assert client.get(reverse("session_run", args=[session.pk])).status_code == 404


def test_another_institution_cannot_touch_the_class(client, lu, rival, school, class_factory):
    c = class_factory(lu)
    client.force_login(rival)
    assert client.get(reverse("class_detail", args=[c.pk])).status_code == 404
    assert client.get(reverse("class_completion", args=[c.pk])).status_code == 404


def test_the_session_page_shows_the_code_and_a_trainee_signs_in(
    client, lu, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户")
    c = class_factory(lu, trainees=[trainee])
    session = c.sessions.first()
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=1), tick=False):
        client.force_login(lu)
        page = client.get(reverse("session_run", args=[session.pk])).content.decode()
        code, _ = current_code(session)
        assert code in page and "<svg" in page
        client.logout()
        url = reverse("sign", args=[session.pk])
        assert code in client.get(f"{url}?c={code}").content.decode()
        wrong = client.post(
            url,
            {
                "id_number": trainee.id_number,
                "name": trainee.name,
                "code": "AAAA2222",
                "direction": "in",
            },
        )
        assert wrong.status_code == 409 and "签到码已过期或不正确" in wrong.content.decode()
        right = client.post(
            url,
            {"id_number": trainee.id_number, "name": trainee.name, "code": code, "direction": "in"},
        )
        assert right.status_code == 200 and "签到成功" in right.content.decode()
        record = Attendance.objects.get()
        assert record.method == "code" and record.device == client.cookies["skillaid_device"].value


def test_the_teacher_marks_by_hand(client, lu, school, class_factory, person_factory):
    trainee = person_factory(category="脱贫户")
    c = class_factory(lu, trainees=[trainee])
    session = c.sessions.first()
    e = c.enrolments.get()
    client.force_login(lu)
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=5), tick=False):
        missing = client.post(
            reverse("session_mark", args=[session.pk]),
            {"enrolment": e.pk, "direction": "in"},
            follow=True,
        )
        assert "补签须填写原因" in missing.content.decode()
        client.post(
            reverse("session_mark", args=[session.pk]),
            {"enrolment": e.pk, "direction": "in", "reason": "身份证读卡器故障"},
        )
    record = Attendance.objects.get()
    assert record.method == "manual" and record.by == lu and record.reason == "身份证读卡器故障"


def test_completion_certificates_and_the_lifelong_record(
    client, lu, wei, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户")
    c = class_factory(lu, trainees=[trainee], count=1)
    session = c.sessions.get()
    e = c.enrolments.get()
    client.force_login(lu)
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=1), tick=False):
        for direction in ("in", "out"):
            client.post(
                reverse("session_mark", args=[session.pk]),
                {"enrolment": e.pk, "direction": direction, "reason": "终端停电"},
            )
    with time_machine.travel(session.ends_at + dt.timedelta(hours=2), tick=False):
        client.post(
            reverse("class_completion", args=[c.pk]),
            {f"completed_{e.pk}": "yes", f"score_{e.pk}": "88", f"passed_{e.pk}": "on"},
        )
        e.refresh_from_db()
        assert e.completion == "completed" and e.subsidy_eligible and e.attendance_rate == 100
        client.post(reverse("class_certificates", args=[c.pk]))
        client.post(reverse("class_close", args=[c.pk]))
    cert = Certificate.objects.get()
    c.refresh_from_db()
    assert c.status == ClassStatus.CLOSED

    client.logout()
    verdict = client.get(reverse("verify"), {"number": cert.number, "name": trainee.name})
    assert "证书真实有效，持证人姓名相符" in verdict.content.decode()
    assert trainee.id_masked not in verdict.content.decode()

    client.force_login(wei)
    person_page = client.get(reverse("person_detail", args=[trainee.pk])).content.decode()
    assert "终身职业技能培训电子档案" in person_page and cert.number in person_page
    assert "出勤1/1课次（100.0%）" in person_page
    export = client.get(reverse("person_record", args=[trainee.pk]))
    assert export.status_code == 200
    rows = export_rows(export)
    assert rows[0][0].startswith(f"{trainee.name}（{trainee.id_masked}，")
    kinds = [row[1] for row in rows[2:]]
    assert kinds == ["参加培训", "结业", "取得证书"] or kinds[-3:] == [
        "参加培训",
        "结业",
        "取得证书",
    ]


def test_the_officer_sees_trainees_on_the_class_page_not_in_the_ledger(
    client, lu, school, class_factory, person_factory
):
    trainee, other = person_factory(category="脱贫户"), person_factory(name="黄天明")
    c = class_factory(lu, trainees=[trainee], approve=False)
    client.force_login(lu)
    ledger = client.get(reverse("ledger")).content.decode()
    assert trainee.name not in ledger and other.name not in ledger
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    assert trainee.name in page and trainee.id_masked in page
    assert reverse("person_detail", args=[trainee.pk]) not in page
