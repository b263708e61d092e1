"""A city reviewer draws classes for a random inspection and verifies the draw, the
inspector drawn logs in and records a finding (on a desktop and on a phone), the reviewer
publishes, and anyone reads the results on the public page without logging in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import MASHAN, NANNING, PASSWORD, make_user

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOW = dt.datetime(2026, 7, 10, 2, 0, tzinfo=dt.UTC)


def _context(browser, live_server, viewport=None):  # noqa: ANN001, ANN202
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        **({"viewport": viewport, "is_mobile": True, "has_touch": True} if viewport else {}),
    )
    context.set_default_timeout(15000)
    return context


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_draw_record_publish_and_read_in_public(browser, live_server, liang, occupation, viewport):
    from skillaid.institutions.models import Institution
    from skillaid.training.models import TrainingClass

    with time_machine.travel(NOW, tick=True):
        school = Institution.objects.create(
            name="马山县职业技能培训中心", kind="public_provider", region_id=MASHAN, status="listed"
        )
        for n in range(3):
            TrainingClass.objects.create(
                institution=school,
                name=f"马山县育婴员培训班第{n + 1}期",
                occupation=occupation,
                level="5",
                training_kind="employment",
                county_id=MASHAN,
                start_on=dt.date(2026, 3, 1 + n),
                end_on=dt.date(2026, 3, 15 + n),
                planned_size=30,
                status="closed",
            )
        make_user("mo", "inspector", NANNING, "莫凡")

        reviewer = _context(browser, live_server).new_page()
        login(reviewer, "liang", PASSWORD)
        menu(reviewer).locator("#nav-inspections").click()
        reviewer.locator("#new-draw").click()
        reviewer.fill("#id_title", "2026年上半年南宁市培训班抽查")
        reviewer.fill("#id_region", NANNING)
        reviewer.select_option("#id_population", "classes")
        reviewer.fill("#id_period_start", "2026-01-01")
        reviewer.fill("#id_period_end", "2026-06-30")
        reviewer.fill("#id_sample_size", "2")
        reviewer.fill("#id_inspectors_per_item", "1")
        # Nobody drawing chooses the seed: the server makes it.
        expect(reviewer.locator("#id_seed")).to_have_count(0)
        reviewer.get_by_role("button", name="保存").click()
        expect(reviewer.locator("#draw-seed")).to_have_text(re.compile(r"^[0-9a-f]{32}$"))
        seed = reviewer.locator("#draw-seed").inner_text()
        expect(reviewer.locator("#items tbody tr")).to_have_count(2)
        reviewer.locator("#verify").click()
        expect(reviewer.locator("#redo")).to_contain_text("完全一致")
        detail = reviewer.url

        inspector_context = _context(browser, live_server, viewport)
        inspector = inspector_context.new_page()
        login(inspector, "mo", PASSWORD)
        expect(inspector.locator("h1")).to_have_text("我的检查任务")
        expect(inspector.locator("#my-items tbody tr")).to_have_count(2)
        inspector.locator("#my-items tbody tr a").first.click()
        expect(inspector.locator("#roster-count")).to_contain_text("0人")
        expect(inspector.locator("#finding-privacy")).to_contain_text("请勿填写学员姓名")
        inspector.get_by_label("责令整改").check()
        inspector.fill("#id_text", "考勤照片缺两个课次，已责令补正")
        inspector.locator("#finding-save").click()
        expect(inspector.locator("#my-items")).to_contain_text("责令整改")
        if viewport:
            inspector.wait_for_load_state("load")
            assert inspector.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The ledger is not an inspector's page.
        assert inspector.goto("/ledger/").status == 403

        reviewer.goto(detail)
        expect(reviewer.locator("#items")).to_contain_text("考勤照片缺两个课次")
        reviewer.locator("#publish").click()
        expect(reviewer.locator("#draw-published")).to_contain_text("已公开")

        public = _context(browser, live_server, viewport).new_page()
        public.goto("/reports/public/inspections/")
        section = public.locator(".public-draw")
        expect(section).to_have_count(1)
        expect(section.locator("code.seed")).to_have_text(seed)
        expect(section.locator(".drawn-items tbody tr")).to_have_count(2)
        expect(section).to_contain_text("责令整改")
        expect(section).to_contain_text("未完成")
        expect(section).not_to_contain_text("莫凡")
        if viewport:
            assert public.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
