"""Fixtures of the placements tests: an agency and an employer with their own logins, a
second county clerk of 马山县 (the checker of a clerk's own report), the agency service
subsidy's amount set for 马山县 as a region would set it (none is seeded), and a placement
reported and confirmed the way the services do it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from skillaid.employment.models import EmployerAccount
from skillaid.employment.placements import placement_confirm, placement_record
from skillaid.lib.dates import add_months
from skillaid.subsidies.models import AmountUnit, Payee, PolicyRule, PolicyRuleVersion
from tests.conftest import LONGAN, MASHAN, make_user
from tests.employment import factories

TODAY = dt.datetime(2026, 9, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def today():
    """2026-09-15 (Beijing time), frozen."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def rules(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


def agency_rule(
    county: str = MASHAN,
    amount: str = "800.00",
    *,
    categories: list[str] | None = None,
    valid_from: dt.date = dt.date(2026, 1, 1),
    code: str = "",
) -> PolicyRuleVersion:
    """A county's (or any region's) agency service subsidy rule: `amount` 元/人."""
    rule = PolicyRule.objects.create(
        code=code or f"agency-service-{county}", kind="agency_service", region_id=county
    )
    return PolicyRuleVersion.objects.create(
        rule=rule,
        number=1,
        name="经营性人力资源服务机构就业创业服务补助",
        source_document="003 桂人社发〔2022〕7号",
        source_article="四（十一）",
        valid_from=valid_from,
        household_categories=categories if categories is not None else ["lifted", "monitored"],
        payee=Payee.AGENCY,
        amount=Decimal(amount),
        amount_unit=AmountUnit.PER_PERSON,
    )


@pytest.fixture
def mo(regions):
    """莫云, a second county clerk of 马山县."""
    return make_user("mo", "county_clerk", MASHAN, "莫云")


@pytest.fixture
def firm(regions):
    """An employer in 马山县 with its own login (role EMPLOYER)."""
    row = factories.employer("马山县壮乡食品有限公司", region=MASHAN)
    user = make_user("firm", "employer", None, "壮乡食品人事")
    EmployerAccount.objects.create(user=user, employer=row)
    row.user = user
    return row


@pytest.fixture
def agent(regions):
    """A human-resources agency in 南宁 with its own login (role AGENCY)."""
    row = factories.agency("南宁市桂才人力资源服务有限公司")
    user = make_user("agent", "agency", None, "桂才人力")
    EmployerAccount.objects.create(user=user, employer=row)
    row.user = user
    return row


@pytest.fixture
def other_agent(regions):
    row = factories.agency("广西八桂人力资源有限公司")
    user = make_user("agent2", "agency", None, "八桂人力")
    EmployerAccount.objects.create(user=user, employer=row)
    row.user = user
    return row


@pytest.fixture
def worker(person_factory):
    """An assisted-household worker of 马山县."""
    return person_factory(name="蓝海燕", category="脱贫户")


def paid_until(start: str, months: int) -> str:
    """The day `months` whole months of insurance from `start` are paid until."""
    if not months:
        return ""
    return (
        add_months(dt.date.fromisoformat(start), int(months)) - dt.timedelta(days=1)
    ).isoformat()


def report(actor, person, employer, *, start="2026-03-01", end="2026-12-31", months=3, **extra):
    """Report a placement; insurance paid until the day its `months` are covered unless
    `insured_until` is given."""
    if "insured_until" not in extra:
        try:
            extra["insured_until"] = paid_until(start, months)
        except (TypeError, ValueError):
            extra["insured_until"] = ""
    data = {
        "id_number": person.id_number,
        "name": person.name,
        "employer_uscc": employer.uscc,
        "job": "包装工",
        "contract_start": start,
        "contract_end": end,
        "insured_months": months,
        **extra,
    }
    return placement_record(actor=actor, channel="page", data=data)


def confirm(clerk, placement, *, on=None, means="insurance", months=None, until=None):
    """Confirm on `on` (today by default: never before the day it was reported)."""
    return placement_confirm(
        actor=clerk,
        channel="page",
        placement=placement,
        on=on or timezone.localdate(),
        means=means,
        insured_months=months,
        insured_until=until,
    )


__all__ = [
    "today",
    "rules",
    "mo",
    "firm",
    "agent",
    "other_agent",
    "worker",
    "agency_rule",
    "report",
    "confirm",
    "paid_until",
    "LONGAN",
    "MASHAN",
]
