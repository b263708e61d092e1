"""A province reviewer tries a raise of the living allowance (试算) before saving it, on a
phone and on a desktop, in Chromium: the difference per class and in total, nothing saved."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from skillaid.subsidies.loading import load_policy_rules
from skillaid.subsidies.models import ClaimLine, PolicyRule
from tests.conftest import PASSWORD
from tests.subsidies.fixtures import at

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVING = "gx-project-training-living-allowance"


def _fits(page) -> None:  # noqa: ANN001
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
)
def test_the_province_reviewer_tries_a_raise_and_sees_the_difference(
    browser, live_server, regions, qin, workshop, run_class, person_factory, viewport
):
    load_policy_rules()
    # A class of 马山县 that closed about two weeks ago: one trainee came all five days,
    # one only three (below 80 %, nothing due).
    with at(timezone.now() - dt.timedelta(days=20)):
        full = person_factory(category="脱贫户", name="蓝海燕")
        short = person_factory(category="脱贫户", name="覃海")
        officer, craft = workshop  # project-based training, which the living allowance goes with
        c = run_class(
            officer,
            attended={full: 5, short: 3},
            name="马山县家政服务员培训班",
            occupation=craft.pk,
            level="none",
        )
    lines_before = ClaimLine.objects.count()

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30000)
    login(page, "qin", PASSWORD)
    menu(page).get_by_role("link", name="补贴政策").click()
    page.goto(f"/policies/{LIVING}/")
    page.click("#rule-edit")
    page.fill("#id_amount", "80")
    page.get_by_role("button", name="试算").click()

    trial = page.locator("#trial")
    expect(trial).to_contain_text("试算结果（未保存）")
    expect(trial).to_contain_text("共1个")
    row = page.locator(f"#trial-class-{c.pk}")
    expect(row).to_contain_text("马山县家政服务员培训班")
    # 5 days × 50 now, × 80 proposed, beside the catalogue's 1,200 training subsidy.
    expect(row.locator("[data-label=现行]")).to_have_text("1 / 2 / 1250.00")
    expect(row.locator("[data-label=修改后]")).to_have_text("1 / 2 / 1400.00")
    expect(row.locator("[data-label=已核定]")).to_have_text("1 / 2 / 1250.00")
    expect(row.locator("[data-label=差额]")).to_have_text("150.00")
    expect(page.locator("#trial-difference")).to_have_text("150.00 元")
    # The form keeps what was typed, to be saved next.
    expect(page.locator("#id_amount")).to_have_value("80")
    _fits(page)

    rule = PolicyRule.objects.get(code=LIVING)
    assert rule.versions.count() == 1 and ClaimLine.objects.count() == lines_before
    context.close()
