"""The review findings on placements and the agency subsidy: insured months bounded by
the months that can have passed, ended jobs counted (before and after the line), no
probing of the ledger by outside accounts, the confirmation day, reassessment, who sees
the agency's line, and inputs such as "²" that are digits to Python but no number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from skillaid.accounts.models import ApiToken, AuditEntry
from skillaid.employment.api_placements import detail
from skillaid.employment.models import EmploymentStatus, Placement, Seeker
from skillaid.employment.placements import (
    DUPLICATE_OUTSIDE,
    NOT_FOUND,
    placement_end,
    placement_reassess,
    subsidy_of,
)
from skillaid.subsidies.models import ClaimLine, LineStatus, PolicyRule, PolicyRuleVersion
from tests.conftest import MASHAN, new_id
from tests.employment.fixtures_placements import *  # noqa: F403
from tests.employment.fixtures_placements import agency_rule, confirm, report

pytestmark = pytest.mark.django_db

BEIJING = dt.timezone(dt.timedelta(hours=8))


def errors_of(call) -> dict:  # noqa: ANN001
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


# --- 1. insured months ---------------------------------------------------------------


def test_an_agency_cannot_report_insured_months_that_cannot_have_passed(
    today, rules, agent, firm, worker
):
    errors = errors_of(
        lambda: report(
            agent.user, worker, firm, start="2026-09-10", months=3, insured_until="2026-09-15"
        )
    )
    assert errors == {
        "insured_months": ["已缴社会保险月数不能超过劳动合同起始日至登记日的整月数（0个月）"]
    }


def test_months_equal_to_the_elapsed_months_pass_and_one_more_is_refused(
    today, rules, agent, firm, worker, person_factory, mo
):
    agency_rule()
    # 2026-07-15 to the confirmation day 2026-09-15: two whole months.
    p = report(agent.user, worker, firm, start="2026-07-15", end="2027-07-14", months=0)
    errors = errors_of(lambda: confirm(mo, p, months=3, until=dt.date(2026, 9, 15)))
    assert errors == {
        "insured_months": ["已缴社会保险月数不能超过劳动合同起始日至核实日的整月数（2个月）"]
    }
    p, result = confirm(mo, p, months=2, until=dt.date(2026, 9, 15))
    assert p.insured_months == 2 and result.line is None  # short of 3: no line, but recorded
    # Reported: the same bound with today (登记日).
    other = person_factory(name="覃海", category="脱贫户")
    ok = report(agent.user, other, firm, start="2026-07-15", months=2, insured_until="2026-09-15")
    assert ok.insured_months == 2
    errors = errors_of(
        lambda: report(
            agent.user, other, firm, start="2026-07-17", months=2, insured_until="2026-09-15"
        )
    )
    assert "登记日的整月数（1个月）" in errors["insured_months"][0]


def test_a_clerk_cannot_confirm_twelve_months_for_a_contract_two_weeks_old(
    today, rules, agent, firm, worker, mo
):
    p = report(agent.user, worker, firm, start="2026-09-01", months=0)
    errors = errors_of(lambda: confirm(mo, p, months=12, until=dt.date(2026, 9, 15)))
    assert errors["insured_months"] == [
        "已缴社会保险月数不能超过劳动合同起始日至核实日的整月数（0个月）"
    ]


def test_months_need_the_day_insurance_was_paid_until_within_the_contract_and_today(
    today, rules, agent, firm, worker
):
    errors = errors_of(lambda: report(agent.user, worker, firm, months=3, insured_until=""))
    assert errors["insured_until"] == ["已缴社会保险3个月，请填写社保缴纳至的日期"]
    errors = errors_of(lambda: report(agent.user, worker, firm, insured_until="2026-02-01"))
    assert "早于劳动合同起始日期" in errors["insured_until"][0]
    errors = errors_of(lambda: report(agent.user, worker, firm, insured_until="2026-09-16"))
    assert "晚于登记日2026-09-15" in errors["insured_until"][0]


def test_changing_the_months_at_confirmation_needs_the_insurance_match_and_is_logged(
    today, rules, agent, firm, worker, mo
):
    p = report(agent.user, worker, firm, months=3)
    errors = errors_of(
        lambda: confirm(mo, p, means="employer", months=4, until=dt.date(2026, 6, 30))
    )
    assert "须经社保比对" in errors["insured_months"][0]
    p, _ = confirm(mo, p, means="insurance", months=4, until=dt.date(2026, 6, 30))
    assert p.insured_months == 4
    entries = AuditEntry.objects.about(p).filter(note__startswith="社保比对变更")
    assert entries.count() == 1
    assert entries.get().changes["insured_months"] == [3, 4]
    assert entries.get().note == "社保比对变更社会保险缴费月数：3个月→4个月"


# --- 2. ended placements -------------------------------------------------------------


def test_a_placement_ended_before_six_months_earns_nothing_and_the_status_is_unemployed(
    today, rules, agent, firm, worker, mo, client
):
    agency_rule()
    p = report(agent.user, worker, firm, start="2026-03-01", end="2026-12-31")
    placement_end(actor=agent.user, channel="page", placement=p, ended_on=dt.date(2026, 7, 31))
    p, result = confirm(mo, Placement.objects.get(pk=p.pk))
    assert result.line is None
    assert any("实际履行5个整月，不足6个月" in s for s in result.assessment.shortfalls)
    seeker = Seeker.objects.get(person=worker)
    assert seeker.status == EmploymentStatus.UNEMPLOYED
    assert seeker.status_on == dt.date(2026, 7, 31)
    client.force_login(agent.user)
    assert "实际履行5个整月" in client.get(f"/employment/placements/{p.pk}/").content.decode()


def test_a_placement_ended_after_six_months_still_earns(today, rules, agent, firm, worker, mo):
    agency_rule()
    p = report(agent.user, worker, firm, start="2026-03-01", end="2026-12-31")
    placement_end(actor=firm.user, channel="page", placement=p, ended_on=dt.date(2026, 8, 31))
    _, result = confirm(mo, Placement.objects.get(pk=p.pk))
    assert result.line is not None and result.line.status == LineStatus.DUE


def test_ending_after_the_line_refuses_it_and_the_page_says_why(
    today, rules, agent, firm, worker, mo, client
):
    agency_rule()
    p, result = confirm(mo, report(agent.user, worker, firm, start="2026-04-01"))
    assert result.line.status == LineStatus.DUE
    placement_end(actor=firm.user, channel="page", placement=p, ended_on=dt.date(2026, 9, 14))
    line = ClaimLine.objects.get(pk=result.line.pk)
    assert line.status == LineStatus.REFUSED and line.amount == Decimal("0.00")
    assert "离职登记后不予补贴" in line.reason and "实际履行5个整月" in line.reason
    client.force_login(mo)
    page = client.get(f"/employment/placements/{p.pk}/").content.decode()
    assert "不予补贴" in page and "离职登记后不予补贴" in page


def test_ending_after_six_months_leaves_the_line(today, rules, agent, firm, worker, mo):
    agency_rule()
    p, result = confirm(mo, report(agent.user, worker, firm, start="2026-03-01"))
    placement_end(actor=agent.user, channel="page", placement=p, ended_on=dt.date(2026, 9, 1))
    assert ClaimLine.objects.get(pk=result.line.pk).status == LineStatus.DUE


def test_a_paid_line_is_left_to_the_reversal_and_the_page_warns(
    today, rules, agent, firm, worker, mo
):
    agency_rule()
    p, result = confirm(mo, report(agent.user, worker, firm, start="2026-04-01"))
    ClaimLine.objects.filter(pk=result.line.pk).update(status=LineStatus.PAID)
    placement_end(actor=mo, channel="page", placement=p, ended_on=dt.date(2026, 9, 14))
    assert ClaimLine.objects.get(pk=result.line.pk).status == LineStatus.PAID
    line, why = subsidy_of(Placement.objects.get(pk=p.pk))
    assert line.pk == result.line.pk and "冲回程序" in why[0]


# --- 3. probing the ledger -----------------------------------------------------------


def test_a_bad_field_answers_the_same_for_a_person_in_the_ledger_and_not(
    today, rules, agent, firm, worker
):
    known = errors_of(lambda: report(agent.user, worker, firm, job=""))
    ghost = type("P", (), {"id_number": new_id(), "name": worker.name})()
    unknown = errors_of(lambda: report(agent.user, ghost, firm, job=""))
    assert known == unknown == {"job": ["请填写岗位"]}


def test_the_page_answers_the_same_and_refused_look_ups_are_audited_masked(
    today, rules, agent, firm, worker, client
):
    client.force_login(agent.user)
    body = {
        "name": worker.name,
        "employer_uscc": firm.uscc,
        "job": "包装工",
        "contract_start": "2026-03-01",
        "contract_end": "2026-02-01",  # the bad field
        "insured_months": "0",
    }
    ghost = new_id()
    a = client.post("/employment/placements/new/", {**body, "id_number": worker.id_number})
    b = client.post("/employment/placements/new/", {**body, "id_number": ghost})
    assert a.context["form"].errors == b.context["form"].errors
    assert list(a.context["form"].errors) == ["contract_end"]
    assert not AuditEntry.objects.filter(note__startswith="就业登记未成功").exists()
    c = client.post(
        "/employment/placements/new/", {**body, "contract_end": "2026-12-31", "id_number": ghost}
    )
    assert c.context["form"].errors == {"id_number": [NOT_FOUND]}
    entry = AuditEntry.objects.get(note__startswith="就业登记未成功")
    assert entry.actor == agent.user and ghost not in entry.note and ghost not in str(entry.changes)
    assert ghost[-4:] in entry.note and "*" in entry.changes["id_number"]


def test_a_duplicate_is_refused_without_naming_the_unit_or_the_day(
    today, rules, agent, firm, worker, wei
):
    report(firm.user, worker, firm)
    errors = errors_of(lambda: report(agent.user, worker, firm))
    assert errors == {"contract_start": [DUPLICATE_OUTSIDE]}
    assert firm.name not in DUPLICATE_OUTSIDE
    clerk = errors_of(lambda: report(wei, worker, firm))
    assert firm.name in clerk["contract_start"][0]


# --- 4. rule, categories, confirmation day, reassessment ------------------------------


def test_the_one_job_window_is_the_rules_contract_months(
    rules, agent, other_agent, firm, worker, mo
):
    agency_rule()
    rule = PolicyRule.objects.create(
        code="mashan-agency-contract-months",
        kind="limit",
        region_id=MASHAN,
        replaces="gx-limit-agency-contract-months",
    )
    PolicyRuleVersion.objects.create(
        rule=rule,
        number=1,
        name="马山县：劳动合同期限",
        source_document="马山县试行",
        source_article="一",
        valid_from=dt.date(2026, 1, 1),
        limit_value=Decimal("4"),
    )
    with time_machine.travel(dt.datetime(2027, 1, 15, 10, tzinfo=BEIJING), tick=False):
        _, one = confirm(mo, report(agent.user, worker, firm, start="2026-03-01"))
        assert one.line.status == LineStatus.DUE
        # From 2026-07-01 the first's four months are over: a new subsidy.
        _, two = confirm(
            mo, report(other_agent.user, worker, firm, start="2026-07-01", end="2027-06-30")
        )
        assert two.line.status == LineStatus.DUE


def test_a_rule_naming_no_households_takes_only_the_assisted(
    today, rules, agent, firm, person_factory, mo
):
    agency_rule(categories=[])
    ordinary = person_factory(name="黄一", category="一般户")
    _, result = confirm(mo, report(agent.user, ordinary, firm))
    assert result.line is None
    assert any("不属于脱贫户、监测户" in s for s in result.assessment.shortfalls)
    assisted = person_factory(name="黄二", category="监测户")
    _, result = confirm(mo, report(agent.user, assisted, firm))
    assert result.line.status == LineStatus.DUE


def test_the_confirmation_day_is_not_before_the_report_nor_in_the_future(
    today, rules, agent, firm, worker, mo
):
    p = report(agent.user, worker, firm)
    errors = errors_of(lambda: confirm(mo, p, on=dt.date(2026, 9, 14)))
    assert errors["on"] == ["核实日期2026-09-14早于登记日期2026-09-15"]
    errors = errors_of(lambda: confirm(mo, p, on=dt.date(2026, 9, 16)))
    assert errors["on"] == ["核实日期2026-09-16晚于今天"]


def test_a_placement_confirmed_without_a_rule_is_reassessed_once_the_rule_is_set(
    today, rules, agent, firm, worker, mo, client
):
    p, result = confirm(mo, report(agent.user, worker, firm))
    assert result.line is None
    client.force_login(mo)
    assert 'id="reassess"' in client.get(f"/employment/placements/{p.pk}/").content.decode()
    client.force_login(agent.user)  # not the agency's to ask
    assert 'id="reassess"' not in client.get(f"/employment/placements/{p.pk}/").content.decode()
    agency_rule()
    client.force_login(mo)
    client.post(f"/employment/placements/{p.pk}/", {"action": "reassess"})
    line = ClaimLine.objects.get()
    assert line.status == LineStatus.DUE and line.evidence["placement_id"] == p.pk
    page = client.get(f"/employment/placements/{p.pk}/").content.decode()
    assert 'id="reassess"' not in page and 'id="subsidy-status"' in page
    with pytest.raises(ValidationError, match="已有就业创业服务补助明细"):
        placement_reassess(actor=mo, channel="page", placement=p)


# --- 5. who sees what ------------------------------------------------------------------


def test_the_employer_named_does_not_see_the_agencys_line(
    today, rules, agent, firm, worker, mo, client
):
    agency_rule()
    p, _ = confirm(mo, report(agent.user, worker, firm))
    client.force_login(firm.user)
    page = client.get(f"/employment/placements/{p.pk}/").content.decode()
    assert page and 'id="agency-subsidy"' not in page and "800.00" not in page
    assert detail(p, firm.user).subsidy is None
    client.force_login(agent.user)
    assert 'id="agency-subsidy"' in client.get(f"/employment/placements/{p.pk}/").content.decode()
    assert detail(p, agent.user).subsidy.amount == Decimal("800.00")
    assert detail(p, mo).subsidy.amount == Decimal("800.00")


# --- 6. "²" ------------------------------------------------------------------------------


def test_superscript_digits_never_break_a_page_or_the_api(
    today, rules, agent, firm, worker, wei, client
):
    client.force_login(wei)
    assert client.get("/employment/placements/?agency=²").status_code == 200
    assert client.get("/employment/placements/export/?agency=²").status_code == 200
    _, token = ApiToken.issue(user=wei, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/employment/placements?agency=²", **auth).status_code == 200
    body = {
        "id_number": worker.id_number,
        "name": worker.name,
        "employer_uscc": firm.uscc,
        "job": "包装工",
        "contract_start": "2026-03-01",
        "contract_end": "2026-12-31",
        "insured_months": 0,
        "referral": "²",
    }
    api = client.post("/api/employment/placements", body, content_type="application/json", **auth)
    assert api.status_code == 422 and "推荐记录编号" in api.json()["detail"]["referral"]
    client.force_login(agent.user)
    page = client.post("/employment/placements/new/", {**body, "insured_months": "0"})
    assert page.status_code == 200
    assert "推荐记录编号“²”应为数字" in page.content.decode()
    assert not Placement.objects.exists()
