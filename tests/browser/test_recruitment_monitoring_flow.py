"""A school officer's recruitment and monitoring pages on a 390×844 phone: lu opens the
recruitment list, reveals a young person's phone and records a contact; then opens the
month's monitoring, records a missing student's month and sees them leave the missing list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.accounts.models import Action, AuditEntry
from skillaid.students.models import MonthlyRecord, RecruitmentContact
from tests.conftest import PASSWORD
from tests.students.factories_care import at, enrol, youth

from .conftest import login, menu
from .test_phone_layout import drawn_in_cjk, fits, phone  # noqa: F401 - `phone` is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_recruits_and_monitors_on_a_phone(phone, lu, pairings, person_factory):  # noqa: F811
    with time_machine.travel(at(dt.date(2026, 3, 16)), tick=True):
        wanting = youth(
            person_factory, name="蓝小燕", phone="13800000001", township="白山镇", village="民族村"
        )
        student = enrol(youth(person_factory, name="韦在读"), lu.institution, dt.date(2025, 9, 1))

        login(phone, "lu", PASSWORD)
        menu(phone).get_by_role("link", name="招生动员").click()
        expect(phone.get_by_role("heading", name="招生动员", exact=True)).to_be_visible()
        row = phone.locator("#recruits tbody tr", has_text="蓝小燕")
        expect(row).to_contain_text("16岁")
        expect(row).to_contain_text(wanting.id_masked)
        expect(phone.locator("#recruits")).not_to_contain_text("13800000001")
        fits(phone, "recruitment")
        drawn_in_cjk(phone, "h1")

        row.get_by_role("link", name="蓝小燕").click()
        expect(phone.locator("#phone")).to_have_text("（已隐藏）")
        phone.get_by_role("button", name="查看电话").click()
        expect(phone.locator("#phone")).to_have_text("13800000001")
        assert AuditEntry.objects.filter(
            action=Action.REVEAL_PHONE, actor=lu, person_id=wanting.pk
        ).exists()

        form = phone.locator("#contact-form")
        form.get_by_label("已报名").check()
        form.get_by_label("意向专业").fill("数控加工")
        fits(phone, "recruitment-person")
        form.get_by_role("button", name="保存").click()
        expect(phone.locator(".messages")).to_contain_text("已登记与蓝小燕的联系")
        expect(phone.locator("#contacts tbody tr").first).to_contain_text("已报名")
        assert RecruitmentContact.objects.get().outcome == "applied"

        menu(phone).get_by_role("link", name="每月监测").click()
        expect(phone.get_by_role("heading", name="每月监测 · 2026年3月")).to_be_visible()
        missing = phone.locator("#missing")
        expect(missing).to_contain_text("韦在读")
        fits(phone, "monitoring")
        missing.get_by_role("link", name="韦在读").click()

        record = phone.locator("#record-form")
        expect(record).to_contain_text("登记2026年3月监测记录")
        record.get_by_label("学业成绩").fill("良好")
        record.get_by_label("出勤率（%）").fill("96.5")
        record.get_by_label("学习困难").fill("专业课跟不上")
        record.get_by_label("学业辅导").check()
        fits(phone, "monitoring-record")
        record.get_by_role("button", name="保存").click()

        expect(phone.locator(".messages")).to_contain_text("已保存韦在读2026年3月的监测记录")
        expect(phone.locator("#missing")).not_to_contain_text("韦在读")
        expect(phone.locator("#missing")).to_contain_text("本月应记录的学生都已记录")
        expect(phone.locator("#open-difficulties")).to_contain_text("专业课跟不上")
        fits(phone, "monitoring-after")
        saved = MonthlyRecord.objects.get(enrolment=student)
        assert (saved.month, saved.help_given) == (dt.date(2026, 3, 1), ["tutoring"])
