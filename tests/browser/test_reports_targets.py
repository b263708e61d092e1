"""A province reviewer splits the province's target to its cities, on a desk and on a
390×844 phone: from the menu to the target, the split with its running total and the
difference from the province's target, refused while short, saved when it adds up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from skillaid.reports.models import Target, TargetKind
from tests.conftest import GUANGXI, NANNING, PASSWORD

from .conftest import login, menu
from .test_phone_layout import PHONE, SHOTS, WIDER_THAN_SCREEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def province_target(regions):
    return Target.objects.create(
        plan="广西职业技能培训计划",
        source="测试",
        title="开展补贴性职业技能培训",
        indicator="trainings",
        region_id=GUANGXI,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        value=Decimal(1000),
        unit="人次",
        kind=TargetKind.AT_LEAST,
    )


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_province_reviewer_splits_a_target_to_cities(
    browser, live_server, qin, province_target, size
):
    options = {"base_url": live_server.url, "locale": "zh-CN"}
    if size == "phone":
        options |= {"viewport": PHONE, "is_mobile": True, "has_touch": True}
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        login(page, "qin", PASSWORD)
        menu(page).locator("#nav-targets").click()
        row = page.locator(f"#target-{province_target.pk}")
        expect(row).to_contain_text("广西壮族自治区")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"targets-{size}.png", full_page=True)
        row.get_by_role("link", name="调整/分解").click()
        page.locator("#split-link").click()
        expect(page.locator("h1")).to_contain_text("分解目标")
        page.fill(f"#id_part_{NANNING}", "300")
        expect(page.locator("#split-total")).to_have_text("300")
        expect(page.locator("#split-difference")).to_have_text("少 700")
        if size == "phone":
            found = page.evaluate(WIDER_THAN_SCREEN)
            assert found["scroll"] <= found["width"], found
        page.locator("#split-save").click()
        page.screenshot(path=SHOTS / f"target-split-{size}.png", full_page=True)
        expect(page.locator("#split-errors")).to_contain_text("少 700.00")
        expect(page.locator("#split-difference")).to_contain_text("少 700")
        page.fill("#id_part_450200", "700")
        expect(page.locator("#split-difference")).to_have_text("相等")
        page.locator("#split-save").click()
        expect(page.locator(".messages")).to_contain_text("与上级目标相等")
        children = page.locator("#target-children")
        expect(children).to_contain_text("南宁市")
        page.screenshot(path=SHOTS / f"target-{size}.png", full_page=True)
        expect(children.locator("tr", has_text="柳州市")).to_contain_text("700")
        if size == "phone":
            found = page.evaluate(WIDER_THAN_SCREEN)
            assert found["scroll"] <= found["width"], found
        assert {t.region_id: t.value for t in province_target.parts.all()} == {
            NANNING: 300,
            "450200": 700,
        }
    finally:
        context.close()


def test_city_reviewer_splits_the_provinces_part_but_cannot_lower_it(
    browser, live_server, qin, liang, province_target
):
    from skillaid.reports.targets import target_split

    target_split(
        actor=qin, channel="page", parent=province_target, parts={NANNING: "600", "450200": "400"}
    )
    nanning = province_target.parts.get(region_id=NANNING)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        login(page, "liang", PASSWORD)
        menu(page).locator("#nav-targets").click()
        row = page.locator(f"#target-{nanning.pk}")
        row.get_by_role("link", name="分解").click()
        expect(page.locator("#target-assigned")).to_contain_text(
            "由上级下达的目标任务只能由上级调整"
        )
        expect(page.locator("#target-form")).to_have_count(0)
        page.locator("#split-link").click()
        page.fill("#id_part_450124", "400")
        page.fill("#id_part_450123", "200")
        page.locator("#split-save").click()
        expect(page.locator(".messages")).to_contain_text("与上级目标相等")
        page.locator("#target-children").get_by_role("link", name="马山县").click()
        page.fill("#id_value", "100")
        page.locator("#target-form button[type=submit]").click()
        expect(page.locator("#target-form")).to_contain_text("少 300.00")
        nanning.refresh_from_db()
        assert nanning.value == 600
        assert {t.region_id: t.value for t in nanning.parts.all()} == {
            "450124": 400,
            "450123": 200,
        }
    finally:
        context.close()
