"""On a phone, the county clerk reads why a sign-in was flagged (as text, no tooltip) and clears it
with a reason; the class then counts that session as not attended."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.training.attendance import attendance_sign, current_code
from skillaid.training.classes import attendance_counts
from skillaid.training.models import Attendance
from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_clears_a_flagged_sign_in_on_a_phone(
    browser, live_server, lu, wei, school, class_factory, person_factory
):
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝一", "蓝二", "蓝三")]
    c = class_factory(lu, trainees=people)
    session = c.sessions.first()
    for i, person in enumerate(people):
        with time_machine.travel(session.starts_at + dt.timedelta(seconds=20 * i), tick=False):
            code, _ = current_code(session)
            attendance_sign(
                session=session,
                direction="in",
                method="code",
                id_number=person.id_number,
                name=person.name,
                code=code,
                device="same-phone",
            )
    with time_machine.travel(session.ends_at, tick=False):
        for person in people:
            attendance_sign(session=session, direction="out", method="terminal", person=person)
    flagged = Attendance.objects.get(person=people[1], direction="in")
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "wei", PASSWORD)
    page.goto(f"/sessions/{session.pk}/")
    item = page.locator(f"#flag-{flagged.pk}")
    expect(item).to_contain_text("同一设备5分钟内")  # the reason, on the screen
    item.locator("input[name=reason]").fill("电话核实：蓝二当天在南宁务工，系他人代签")
    item.get_by_role("button", name="核查不属实，不计出勤").click()
    expect(page.locator("body")).to_contain_text("已核查蓝二的签到：核查不属实，不计出勤")
    expect(page.locator(f"#flag-{flagged.pk}")).to_contain_text("系他人代签")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    context.close()
    _, attended = attendance_counts(c)
    assert attended.get(flagged.enrolment_id) is None
    assert attended.get(Attendance.objects.get(person=people[0], direction="in").enrolment_id) == 1
