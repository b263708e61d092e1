"""精准比对 clicked through in Chromium: the province reviewer loads a registry file, waits
for the job, compares it with our people and opens the review queue, where the run's
starter may not decide; the city reviewer accepts the near match, which becomes a fact."""

import pytest
from playwright.sync_api import expect

from skillaid.people.models import FactVerdict, PersonFact
from tests.conftest import PASSWORD
from tests.matching.helpers import make_people, registry_rows, write_csv

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_registry_is_loaded_compared_and_a_near_match_accepted(
    browser, live_server, system, qin, liang, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = make_people(system)
    path = write_csv(tmp_path / "防返贫监测名单.csv", registry_rows())

    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "qin", PASSWORD)
    menu(page).locator("text=精准比对").click()
    page.click("#snapshot-new")
    page.select_option("#id_kind", "assisted")
    page.fill("#id_source", "广西防返贫监测信息平台")
    page.fill("#id_as_of", "2026-11-01")
    page.fill("#id_region", "450000")
    page.set_input_files("#id_file", str(path))
    page.click("#snapshot-upload")
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator("#job-result")).to_contain_text("6")

    page.goto("/matching/")
    page.click("#snapshots >> text=广西防返贫监测信息平台")
    page.click("#run-start")
    expect(page.locator("#count-near_name")).to_contain_text("1")
    expect(page.locator("#count-near_id")).to_contain_text("1")
    page.click("text=待确认（3）")
    row = page.locator("#items tr", has_text="韦叁")
    row.locator("a").click()
    expect(page.locator("main")).to_contain_text("发起比对的人员不能确认本次比对的结果")
    expect(page.locator("#accept")).to_have_count(0)
    context.close()

    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "liang", PASSWORD)
    menu(page).locator("text=精准比对").click()
    page.click("#review-queue")
    page.locator("#items tr", has_text="韦叁").locator("a").click()
    page.click("#accept")
    expect(page.locator("#items")).not_to_contain_text("韦叁")
    fact = PersonFact.objects.get(person=people["韦三"])
    assert fact.verdict == FactVerdict.VERIFIED
    assert fact.source == "广西防返贫监测信息平台（2026-11-01）"
    context.close()
