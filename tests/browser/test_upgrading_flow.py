"""A county clerk records a person's skill-upgrading application from an imported
certificate and submits it for review, in Chromium, on a desk and on a phone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from skillaid.catalogue.models import Occupation
from skillaid.evaluation.services import certificate_record
from skillaid.subsidies.loading import load_policy_rules
from skillaid.subsidies.models import Claim
from tests.conftest import PASSWORD
from tests.subsidies.fixtures import verified

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _fits(page) -> None:  # noqa: ANN001
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


@pytest.mark.parametrize("size", SIZES)
def test_the_clerk_records_an_upgrading_application_and_submits_it(
    browser, live_server, regions, wei, person_factory, size
):
    load_policy_rules()
    Occupation.objects.get_or_create(code="6-18-01-01", name="车工")
    person = person_factory(name="蓝海燕")
    cert, _ = certificate_record(
        actor=wei,
        data={
            "number": "S2026450124000123",
            "name": person.name,
            "id_number": person.id_number,
            "kind": "职业技能等级证书",
            "occupation_name": "车工",
            "level": "四级",
            "issuer": "南宁市职业技能评价中心",
            "issued_on": timezone.localdate() - dt.timedelta(days=40),
        },
    )
    verified(person, "insured", source="社会保险参保登记（比对）")
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=SIZES[size])
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "wei", PASSWORD)
    menu(page).get_by_role("link", name="补贴申领").click()
    expect(page.locator("#claim-actions")).to_contain_text("导入学徒名单")
    _fits(page)

    # From the list of certificates waiting for an application, one click to record it.
    page.get_by_role("link", name="待申领证书").click()
    row = page.locator("#awaiting tbody tr", has_text=cert.number)
    expect(row).to_contain_text("蓝海燕")
    expect(row).to_contain_text(person.id_masked)
    _fits(page)
    row.get_by_role("link", name="登记申领").click()
    expect(page.locator("#certificate-facts")).to_contain_text("车工（四级/中级工）")
    expect(page.locator("#id_certificate")).to_have_value(cert.number)
    _fits(page)

    # A date in the future is refused beside its field, in Chinese; nothing is recorded.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.fill("#id_claimed_on", tomorrow.isoformat())
    page.click("#record")
    expect(page.locator("#upgrading-form")).to_contain_text("申领日期不能晚于今天")
    assert not Claim.objects.exists()
    _fits(page)

    page.fill("#id_claimed_on", timezone.localdate().isoformat())
    page.check("#id_insured")
    page.fill("#id_employer", "广西某机械有限公司")
    page.click("#record")
    expect(page.locator(".messages")).to_contain_text("应发1500.00元")
    expect(page.locator("#claim-due")).to_have_text("1500.00")
    expect(page.locator("table.lines")).to_contain_text("职业技能提升补贴（参保职工取得证书）")
    _fits(page)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#claim-status")).to_have_text("已提交待初审")
    _fits(page)

    claim = Claim.objects.get()
    (line,) = claim.lines.all()
    assert (claim.kind, claim.status, claim.submitted_by_id) == ("upgrading", "submitted", wei.pk)
    assert (line.certificate_id, line.amount) == (cert.pk, Decimal("1500.00"))
    assert line.evidence["employer"] == "广西某机械有限公司"
    context.close()


def test_the_clerk_imports_an_apprentice_list_with_its_contract_on_a_phone(
    browser, live_server, regions, wei, person_factory, tmp_path, settings
):
    from skillaid.lib.uscc import make_code
    from tests.subsidies.test_apprentices import CONTRACT, workbook

    settings.MEDIA_ROOT = tmp_path / "media"
    load_policy_rules()
    person = person_factory(name="蓝海燕")
    rows = [
        [person.id_number, person.name, "车工", "四级", "2025-09-01", "2027-08-31"],
        ["450124199001011235", "韦错", "车工", "五级", "2026-01-01", "2026-12-31"],
    ]
    sheet = workbook(tmp_path / "学徒名单.xlsx", rows)
    contract = tmp_path / "学徒培训合同.pdf"
    contract.write_bytes(CONTRACT)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=SIZES["phone"])
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "wei", PASSWORD)
    page.goto("/claims/")
    page.click("#apprentice-import")
    _fits(page)
    page.fill("#id_enterprise_name", "马山县某某机械有限公司")
    page.fill("#id_enterprise_uscc", make_code("91450124MA5K00001"))
    page.fill("#id_period_from", "2026-01-01")
    page.fill("#id_period_until", "2026-12-31")
    page.set_input_files("#id_file", str(sheet))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#apprentice-form")).to_contain_text("请上传学徒培训合同")
    _fits(page)
    page.set_input_files("#id_file", str(sheet))
    page.set_input_files("#id_contract", str(contract))
    page.get_by_role("button", name="导入").click()
    page.wait_for_url("**/jobs/*/")
    expect(page.locator("body")).to_contain_text("校验码错误")
    _fits(page)

    claim = Claim.objects.get(kind="apprenticeship")
    page.goto(f"/claims/{claim.pk}/")
    expect(page.locator("#claim-due")).to_have_text("5000.00")
    expect(page.locator("#attachment")).to_have_text("学徒培训合同.pdf")
    _fits(page)
    context.close()
