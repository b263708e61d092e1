"""The agency service subsidy (003 四（十一）): its conditions at their edges, no line
without a region's rule, once per placement, one subsidy per job, and a claim through
submit → review → approval → publication → payment batch, paid to the agency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.accounts.review import review_move
from skillaid.employment.placements import placement_facts
from skillaid.subsidies import agency, payouts
from skillaid.subsidies.models import Claim, ClaimLine, ClaimState, LineStatus, PayeeAccount
from tests.conftest import MASHAN
from tests.employment.fixtures_placements import *  # noqa: F403
from tests.employment.fixtures_placements import agency_rule, confirm, report
from tests.subsidies.payment_fixtures import *  # noqa: F403
from tests.subsidies.payment_fixtures import publish

pytestmark = pytest.mark.django_db

AMOUNT = Decimal("800.00")
BEIJING = dt.timezone(dt.timedelta(hours=8))


def placed(agent, worker, mo, *, start="2026-03-01", end="2026-12-31", months=3, **extra):
    p = report(agent.user, worker, extra.pop("employer"), start=start, end=end, months=months)
    return confirm(mo, p, **extra)


@pytest.fixture
def employer_row(firm):
    return firm


def test_contract_of_six_calendar_months_qualifies_and_one_day_less_does_not(
    today, agent, firm, worker, person_factory, mo
):
    agency_rule()
    _, short = placed(agent, worker, mo, employer=firm, start="2026-01-15", end="2026-07-13")
    assert short.line is None and not short.assessment.eligible
    assert "5个整月，不足6个月（差1个月" in short.assessment.shortfalls[0]
    other = person_factory(name="覃海", category="脱贫户")
    _, ok = placed(agent, other, mo, employer=firm, start="2026-01-15", end="2026-07-14")
    assert ok.line is not None and ok.line.status == LineStatus.DUE
    assert ok.line.amount == AMOUNT and ok.line.payee == "agency"
    assert ok.line.payee_name == agent.name and ok.claim.enterprise_uscc == agent.uscc


def test_open_ended_contract_qualifies(today, agent, firm, worker, mo):
    agency_rule()
    p = report(agent.user, worker, firm, start="2026-05-01", end="", open_ended="1")
    assert p.open_ended and p.contract_end is None
    _, result = confirm(mo, p)
    assert result.line.status == LineStatus.DUE and result.line.evidence["open_ended"] is True


def test_insurance_of_two_months_is_short_and_three_is_enough(today, agent, firm, worker, mo):
    agency_rule()
    p = report(agent.user, worker, firm, months=5)
    # The clerk's match against the insurance records finds two months: that counts.
    _, result = confirm(mo, p, months=2)
    assert result.line is None
    assert any("已缴纳社会保险2个月，不足3个月（差1个月" in s for s in result.assessment.shortfalls)
    other = report(agent.user, worker, firm, start="2026-03-02", months=0)
    _, result = confirm(mo, other, months=3, until=dt.date(2026, 6, 1))
    assert result.line is not None and result.line.amount == AMOUNT


def test_no_rule_in_the_county_no_line_and_the_page_says_why(today, agent, firm, worker, mo):
    p = report(agent.user, worker, firm)
    _, result = confirm(mo, p)
    assert result.line is None and result.assessment.shortfalls == [agency.NO_RULE]
    assert not ClaimLine.objects.exists() and not Claim.objects.exists()


def test_a_rule_naming_households_takes_only_assisted_workers(
    today, agent, firm, person_factory, mo
):
    agency_rule()
    ordinary = person_factory(name="黄一", category="一般户")
    _, result = confirm(mo, report(agent.user, ordinary, firm))
    assert result.line is None
    assert any("不属于脱贫户" in s for s in result.assessment.shortfalls)


def test_a_placement_gets_one_line_and_a_second_job_within_six_months_is_refused(
    agent, other_agent, firm, worker, mo
):
    agency_rule()
    with time_machine.travel(dt.datetime(2027, 1, 15, 10, tzinfo=BEIJING), tick=False):
        first = report(agent.user, worker, firm, start="2026-03-01")
        first, one = confirm(mo, first)
        # Asked again for the same placement: the same line, no second.
        again = agency.agency_line_make(actor=mo, channel="page", facts=placement_facts(first))
        assert again.line.pk == one.line.pk and not again.created
        assert ClaimLine.objects.count() == 1
        # Another agency places the same person from 2026-08-31: within the first's six
        # months (the contract rule's months).
        second = report(other_agent.user, worker, firm, start="2026-08-31", end="2027-06-30")
        _, two = confirm(mo, second)
        assert two.line.status == LineStatus.REFUSED and two.line.blocked_by_id == one.line.pk
        assert f"第{one.line.pk}号补贴明细" in two.line.reason and two.line.amount == Decimal(
            "0.00"
        )
        assert "前6个月内" in two.line.reason
        # From 2026-09-01 (the first's six months over): a new job, a new subsidy.
        third = report(other_agent.user, worker, firm, start="2026-09-01", end="2027-06-30")
        _, three = confirm(mo, third)
        assert three.line.status == LineStatus.DUE
        # One claim per agency, county and month.
        assert Claim.objects.filter(kind="agency_service").count() == 2


def test_the_clerk_records_lines_only_in_their_county(today, agent, firm, worker, huang):
    agency_rule()
    p = report(agent.user, worker, firm)
    p.confirmed_on = dt.date(2026, 9, 10)
    with pytest.raises(PermissionDenied):
        agency.agency_line_make(actor=huang, channel="page", facts=placement_facts(p))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    start=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 8, 31)),
    days=st.integers(min_value=0, max_value=400),
)
def test_a_line_exists_iff_the_contract_has_six_calendar_months(start, days):
    """The assessment alone (no database writes): a line is made iff months >= 6."""
    end = start + dt.timedelta(days=days)
    months = agency.contract_months(start, end)
    # Calendar months as people count them: the day before the same day six months on.
    six_later = start.replace(day=1)
    index = six_later.year * 12 + six_later.month - 1 + 6
    expected_end = None
    for d in (start.day, 30, 29, 28):
        try:
            expected_end = dt.date(index // 12, index % 12 + 1, min(start.day, d))
            break
        except ValueError:
            continue
    assert (months >= 6) == (end >= expected_end - dt.timedelta(days=1))


def test_the_line_exists_iff_six_months_against_the_database(
    today, agent, firm, person_factory, mo
):
    agency_rule()
    cases = [
        ("2026-01-31", "2026-07-30", True),
        ("2026-01-31", "2026-07-29", False),
        ("2025-08-31", "2026-02-27", True),  # 2026-02-28 is 31 Aug's day six months on
        ("2025-08-31", "2026-02-26", False),
        ("2026-02-28", "2026-08-27", True),
    ]
    for i, (start, end, made) in enumerate(cases):
        person = person_factory(name="韦一", category="脱贫户")
        _, result = confirm(mo, report(agent.user, person, firm, start=start, end=end))
        assert (result.line is not None) is made, (i, start, end, result.assessment.shortfalls)


def test_the_claim_goes_through_review_publication_and_a_payment_batch(
    today, agent, firm, worker, person_factory, mo, wei, liang, budget
):
    agency_rule()
    second = person_factory(name="覃海", category="监测户")
    _, one = placed(agent, worker, mo, employer=firm)
    _, two = placed(agent, second, mo, employer=firm, start="2026-04-01")
    claim = one.claim
    assert two.claim.pk == claim.pk and claim.total_due == AMOUNT * 2
    assert str(claim) == f"{agent.name}2026年09月就业创业服务补助"
    # The county clerk who confirmed submits; another county clerk checks; the city approves.
    review_move(claim, ClaimState.SUBMITTED, actor=mo, reason="", channel="page")
    with pytest.raises(PermissionDenied):
        review_move(claim, ClaimState.CHECKED, actor=mo, reason="", channel="page")
    review_move(claim, ClaimState.CHECKED, actor=wei, reason="", channel="page")
    claim = review_move(claim, ClaimState.APPROVED, actor=liang, reason="", channel="page")
    assert claim.status == ClaimState.APPROVED
    publish(claim, by=wei)
    b = budget(kind="agency_service")
    found = payouts.candidates(liang, MASHAN, "agency_service")
    assert [(key, name) for key, name, _, _ in found.lacking] == [
        (("enterprise", agent.uscc), agent.name)
    ]
    payouts.account_record(
        actor=wei,
        enterprise=claim,
        channel="page",
        data={
            "holder_name": agent.name,
            "bank_name": "中国工商银行南宁分行",
            "account": "6222 0210 0000 1234",
        },
    )
    assert PayeeAccount.objects.get(enterprise_uscc=agent.uscc).kind == "enterprise"
    batch = payouts.batch_build(actor=liang, county=MASHAN, budget=b, channel="page")
    assert batch.total == AMOUNT * 2 and batch.row_count == 1
    assert payouts.bank_rows(batch) == [
        (1, agent.name, "6222021000001234", "中国工商银行南宁分行", Decimal("1600.00"))
    ]
    assert set(ClaimLine.objects.values_list("status", flat=True)) == {LineStatus.BATCHED}


def test_the_claim_page_and_the_review_queue_show_the_agency_claim(
    today, agent, firm, worker, mo, wei, client
):
    agency_rule()
    _, result = placed(agent, worker, mo, employer=firm)
    claim = result.claim
    client.force_login(mo)
    page = client.get(f"/claims/{claim.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert agent.name in text and "800.00" in text
    review_move(claim, ClaimState.SUBMITTED, actor=mo, reason="", channel="page")
    client.force_login(wei)
    assert client.get(f"/claims/{claim.pk}/").status_code == 200
    listed = client.get("/claims/?kind=agency_service").content.decode()
    assert str(claim) in listed
    queue = client.get("/review/")
    assert queue.status_code == 200 and str(claim) in queue.content.decode()
