"""The dashboard in Chromium: the province reviewer opens it from the menu, drills from the
province to a city, a county and a school, then opens the figure and sees the people
behind it; the same at phone size. The charts are drawn on their canvas (not blank), the
Chinese is drawn with a CJK font, and screenshots are kept to be looked at
($SKILLAID_SCREENSHOTS, a temporary folder by default)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.reports.models import Target
from skillaid.reports.tally import tally_refresh
from tests.conftest import GUANGXI, LONGAN, PASSWORD

from .conftest import login, menu
from .test_phone_layout import PHONE, drawn_in_cjk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SKILLAID_SCREENSHOTS") or tempfile.gettempdir()) / "skillaid-dashboard"
BUILT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)

# How many pixels of a chart's canvas are drawn (not transparent): 0 is a blank chart.
DRAWN_PIXELS = """(selector) => {
  const canvas = document.querySelector(selector + " canvas");
  if (!canvas) return 0;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
  return drawn;
}"""

WIDER_THAN_SCREEN = (
    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


@pytest.fixture
def trained(run_class, school, rival, lu, huang, qin, person_factory):
    with time_machine.travel(BUILT, tick=False):
        a = person_factory(name="韦小红", category="脱贫户")
        b = person_factory(name="蓝小明", category="脱贫户")
        c = person_factory(county=LONGAN, name="黄小丽", category="脱贫户")
        run_class(lu, attended={a: 5, b: 5})
        run_class(rival, attended={c: 5}, county=LONGAN, reviewer=huang)
    Target.objects.create(
        plan="测试规划",
        source="测试",
        title="开展补贴性职业技能培训",
        indicator="trainings",
        region_id=GUANGXI,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        value=Decimal(10),
        unit="人次",
        kind="at_least",
    )
    tally_refresh()
    return a, b, c


def cjk_font_installed() -> None:
    """fontconfig knows a font that covers Chinese; on CI its absence is a failure."""
    fc_list = shutil.which("fc-list")
    found = ""
    if fc_list:
        found = subprocess.run(
            [fc_list, ":lang=zh"], capture_output=True, text=True, check=False
        ).stdout.strip()
    if not found:
        message = "no CJK font (fc-list :lang=zh is empty): install fonts-wqy-microhei"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def charts_drawn(page, shot: str) -> None:  # noqa: ANN001
    for chart in ("#chart-progress", "#chart-trend", "#chart-children"):
        expect(page.locator(f"{chart} canvas")).to_be_visible()
        page.wait_for_function(f"() => ({DRAWN_PIXELS})('{chart}') > 500")
        assert page.evaluate(DRAWN_PIXELS, chart) > 500, chart
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{shot}.png", full_page=True)


def test_province_reviewer_drills_from_the_province_to_the_people(page, trained):
    cjk_font_installed()
    a, b, c = trained
    login(page, "qin", PASSWORD)
    menu(page).get_by_role("link", name="统计看板").click()
    page.select_option("#period", "2026")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("h1")).to_contain_text("2026年")
    charts_drawn(page, "province")
    drawn_in_cjk(page, "h1")

    page.locator("#children-table a.drill", has_text="南宁市").click()
    expect(page.locator("#dashboard-crumbs")).to_contain_text("南宁市")
    page.locator("#children-table a.drill", has_text="马山县").click()
    expect(page.locator("#dashboard-crumbs")).to_contain_text("马山县")
    page.locator("#children-table a.drill", has_text="广西南宁技师学院").click()
    expect(page.locator("#dashboard-crumbs")).to_contain_text("广西南宁技师学院")
    page.locator('#dashboard-figures [data-indicator="trainings"] a.number').click()

    expect(page.locator("#figure-count")).to_contain_text("2")
    expect(page.locator("#listed-count")).to_contain_text("名单共 2 条")
    people = page.locator("#people")
    expect(people).to_contain_text("韦小红")
    expect(people).to_contain_text("蓝小明")
    expect(people).not_to_contain_text("黄小丽")
    assert a.id_number not in page.content()
    expect(people).to_contain_text(a.id_masked)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "people.png", full_page=True)
    people.get_by_role("link", name="韦小红").click()
    expect(page).to_have_url(f"{page.url.split('/people/')[0]}/people/{a.pk}/")


def test_the_dashboard_on_a_phone(browser, live_server, trained):
    cjk_font_installed()
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        login(page, "qin", PASSWORD)
        page.goto("/reports/dashboard/?period=2026")
        charts_drawn(page, "phone")
        assert page.evaluate(WIDER_THAN_SCREEN) <= 0
        page.locator("#children-table a.drill", has_text="南宁市").click()
        page.locator("#children-table tr", has_text="马山县").locator("a.number").click()
        expect(page.locator("#people")).to_contain_text("韦小红")
        assert page.evaluate(WIDER_THAN_SCREEN) <= 0
        page.screenshot(path=SHOTS / "phone-people.png", full_page=True)
    finally:
        context.close()
