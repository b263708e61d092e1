"""A class from declaration to a verified certificate, in Chromium: the officer on a phone, the
county clerk on a desk, the trainee signing in from their own phone with the rotating code."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.evaluation.models import Certificate
from skillaid.training.models import Attendance, TrainingClass
from tests.conftest import MASHAN, PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_declare_approve_sign_in_complete_certify_verify(
    browser, live_server, settings, lu, wei, school, occupation, person_factory
):
    settings.SKILLAID_CLASS_LEAD_DAYS = 0
    settings.SKILLAID_SIGN_IN_EARLY_MINUTES = 60
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    day = dt.date.today() + dt.timedelta(days=1)
    morning = dt.datetime.combine(day, dt.time(8, 30), SHANGHAI)

    def context(viewport=None):
        ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
        ctx.set_default_timeout(15000)
        return ctx

    with time_machine.travel(morning, tick=True):
        officer_ctx = context(PHONE)
        officer = officer_ctx.new_page()
        login(officer, "lu", PASSWORD)
        officer.goto("/classes/")
        officer.get_by_role("link", name="新建培训班").click()
        officer.fill("#id_name", "马山县家政服务员（育婴方向）培训班")
        officer.select_option("#id_occupation", label=str(occupation))
        officer.select_option("#id_level", "5")
        officer.select_option("#id_training_kind", "employment")
        officer.select_option("#id_county", MASHAN)
        officer.fill("#id_start_on", day.isoformat())
        officer.fill("#id_end_on", day.isoformat())
        officer.fill("#id_teachers", "韦老师")
        officer.fill("#id_teaching_plan", "理论2课时")
        officer.fill("#id_assessment_plan", "实操考核")
        officer.fill("#id_timetable", f"{day.isoformat()} 09:00-10:00 马山县职教中心201 韦老师")
        officer.get_by_role("button", name="保存").click()
        expect(officer.locator(".messages")).to_contain_text("已保存")
        officer.fill("#id_id_number", trainee.id_number)
        officer.fill("#id_name", trainee.name)
        officer.get_by_role("button", name="加入花名册").click()
        expect(officer.locator("#roster")).to_contain_text("符合：脱贫家庭/监测帮扶对象")
        officer.get_by_role("button", name="申报开班").click()
        expect(officer.locator("#status")).to_have_text("已申报待审核")
        c = TrainingClass.objects.get()

        clerk_ctx = context()
        clerk = clerk_ctx.new_page()
        login(clerk, "wei", PASSWORD)
        clerk.goto("/classes/")
        expect(clerk.locator("#awaiting")).to_contain_text("1 个培训班")
        clerk.get_by_role("link", name=c.name).click()
        clerk.get_by_label("批准开班").check()
        clerk.get_by_role("button", name="提交审核").click()
        expect(clerk.locator("#status")).to_have_text("已批准开班")

        officer.reload()
        officer.get_by_role("link", name="签到管理").click()
        code = officer.locator("#code").inner_text().strip()
        sign_url = officer.locator(".signcode small").inner_text().strip()
        assert code in sign_url

        trainee_ctx = context(PHONE)
        phone = trainee_ctx.new_page()
        phone.goto(sign_url.replace(live_server.url, ""))
        expect(phone.locator("#id_code")).to_have_value(code)
        phone.fill("#id_id_number", trainee.id_number)
        phone.fill("#id_name", trainee.name)
        phone.get_by_role("button", name="提交").click()
        expect(phone.locator("#signed")).to_contain_text("签到成功")
        # The officer's page picks up the sign-in on its next refresh.
        expect(officer.locator("#signed-in")).to_have_text("1", timeout=12000)

    with time_machine.travel(morning + dt.timedelta(minutes=80), tick=True):
        officer.reload()
        code = officer.locator("#code").inner_text().strip()
        phone.goto(f"/sign/{c.sessions.get().pk}/?c={code}")
        phone.fill("#id_id_number", trainee.id_number)
        phone.fill("#id_name", trainee.name)
        phone.get_by_label("签退").check()
        phone.get_by_role("button", name="提交").click()
        expect(phone.locator("#signed")).to_contain_text("签退成功")
        assert Attendance.objects.filter(person=trainee).count() == 2

    with time_machine.travel(morning + dt.timedelta(hours=3), tick=True):
        officer.goto(f"/classes/{c.pk}/completion/")
        e = c.enrolments.get()
        officer.select_option(f"select[name=completed_{e.pk}]", "yes")
        officer.fill(f"input[name=score_{e.pk}]", "91")
        officer.check(f"input[name=passed_{e.pk}]")
        officer.get_by_role("button", name="保存结业情况").click()
        expect(officer.locator("#roster")).to_contain_text("出勤率100.0%")
        officer.get_by_role("button", name="为合格学员发证").click()
        expect(officer.locator(".messages")).to_contain_text("已颁发1张证书")
        officer.get_by_role("button", name="结业关班").click()
        expect(officer.locator("#status")).to_have_text("已结业")

    number = Certificate.objects.get().number
    phone.goto("/verify/")
    phone.fill("#number", number)
    phone.fill("#name", trainee.name)
    phone.get_by_role("button", name="查验").click()
    expect(phone.locator("#verdict")).to_contain_text("证书真实有效，持证人姓名相符")
    expect(phone.locator("#verdict")).to_contain_text("蓝*燕")
    expect(phone.locator("#verdict")).not_to_contain_text(trainee.id_masked)
    for ctx in (officer_ctx, clerk_ctx, trainee_ctx):
        ctx.close()


def test_a_refused_completion_submit_keeps_what_was_typed_on_a_phone(
    browser, live_server, lu, school, class_factory, person_factory
):
    good, other = person_factory(category="脱贫户"), person_factory(category="脱贫户", name="覃海")
    c = class_factory(lu, trainees=[good, other], count=1)
    a, b = c.enrolments.get(person=good), c.enrolments.get(person=other)
    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=True):
        login(page, "lu", PASSWORD)
        page.goto(f"/classes/{c.pk}/")
        page.get_by_role("link", name="登记结业").click()
        page.select_option(f"select[name=completed_{a.pk}]", "yes")
        page.fill(f"input[name=score_{a.pk}]", "八十")
        page.check(f"input[name=passed_{a.pk}]")
        page.select_option(f"select[name=completed_{b.pk}]", "yes")
        page.fill(f"input[name=score_{b.pk}]", "75")
        page.check(f"input[name=passed_{b.pk}]")
        page.get_by_role("button", name="保存结业情况").click()
        expect(page.locator("#completion")).to_contain_text("成绩“八十”不是数字")
        expect(page.locator(f"input[name=score_{a.pk}]")).to_have_value("八十")
        expect(page.locator(f"input[name=passed_{a.pk}]")).to_be_checked()
        expect(page.locator(f"select[name=completed_{a.pk}]")).to_have_value("yes")
        expect(page.locator(f"input[name=score_{b.pk}]")).to_have_value("75")
        expect(page.locator(f"input[name=passed_{b.pk}]")).to_be_checked()
    ctx.close()
