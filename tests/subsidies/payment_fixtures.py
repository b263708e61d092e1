"""Claims made payable the way the system makes them: a class run to its close, its claim
submitted by the institution, checked by the county and approved by the city, its lines
listed in a public notice whose period has ended; and bank accounts recorded by the
county clerk. (The publication pages are another module's; here the notice is a row.)"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.utils import timezone

from skillaid.accounts.review import review_move
from skillaid.subsidies import payouts
from skillaid.subsidies.models import Claim, ClaimLine, ClaimState, Publication
from tests.conftest import MASHAN

__all__ = [
    "approve",
    "publish",
    "account_for",
    "payable_class",
    "budget",
    "result_file",
    "media",
    "seeded_rules",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def seeded_rules(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


def approve(claim: Claim, *, maker, county, city) -> Claim:
    """Submitted by `maker`, checked by the county clerk, approved by the city reviewer."""
    review_move(claim, ClaimState.SUBMITTED, actor=maker)
    review_move(claim, ClaimState.CHECKED, actor=county)
    claim = review_move(claim, ClaimState.APPROVED, actor=city)
    return claim


def publish(claim: Claim, *, by, ended: int = 1) -> Publication:
    """A notice of the claim's lines whose period ended `ended` days ago."""
    today = timezone.localdate()
    pub = Publication.objects.create(
        county_id=claim.county_id,
        title=f"{claim}公示",
        starts_on=today - dt.timedelta(days=ended + 7),
        ends_on=today - dt.timedelta(days=ended),
        working_days=5,
        created_by=by,
    )
    ClaimLine.objects.filter(claim=claim).update(publication=pub)
    return pub


def account_for(person, clerk, number: str = "") -> None:
    payouts.account_record(
        actor=clerk,
        person=person,
        channel="page",
        data={
            "holder_name": person.name,
            "bank_name": "中国农业银行马山县支行",
            "account": number or f"62284801234567{person.pk:05d}",
        },
    )


@pytest.fixture
def payable_class(run_class, lu, school, wei, liang, person_factory):
    """`payable_class(n=2, accounts=True)`: a closed class of `n` trainees who attended
    every session, its claim approved and published; each trainee has a training line of
    1,200.00 due (the living allowance goes with project-based training only); with `accounts`, each trainee's
    social-security card account is recorded. Returns (class, claim, people)."""

    def make(n: int = 2, *, accounts: bool = True, names=("蓝海燕", "覃海", "黄小梅", "韦一")):
        people = [person_factory(category="脱贫户", name=names[i % len(names)]) for i in range(n)]
        c = run_class(lu, attended={p: 5 for p in people})
        claim = approve(Claim.objects.get(training_class=c), maker=lu, county=wei, city=liang)
        publish(claim, by=wei)
        if accounts:
            for p in people:
                account_for(p, wei)
        return c, claim, people

    return make


@pytest.fixture
def budget(liang):
    def make(amount: str = "100000.00", kind: str = "training", region: str = MASHAN):
        return payouts.budget_set(
            actor=liang,
            channel="page",
            data={
                "region": region,
                "year": timezone.localdate().year,
                "fund": "employment",
                "kind": kind,
                "amount": amount,
            },
        )

    return make


def result_file(rows: list[list[object]], *, header=("序号", "金额", "结果", "失败原因")) -> bytes:
    """The bank's result workbook: a title row, the header, the rows."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("结果")
    sheet.write_row(0, 0, ["代发结果"])
    sheet.write_row(1, 0, list(header))
    for i, row in enumerate(rows, start=2):
        sheet.write_row(i, 0, [float(v) if isinstance(v, Decimal) else v for v in row])
    book.close()
    return out.getvalue()
