"""Approved aid claims are published and paid like every claim: the student aid into the
student's account, free tuition into the school's (the institution's sealed account);
and the command makes the same claims as the page's button."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from skillaid.accounts.models import Channel
from skillaid.accounts.review import review_move
from skillaid.students.enrolments import aid_claims_prepare
from skillaid.subsidies import payouts
from skillaid.subsidies.models import Claim, ClaimLine, ClaimState, Publication
from tests.conftest import MASHAN
from tests.students.helpers import enrol, since_long_ago

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def seeded(regions, settings, tmp_path):
    from skillaid.subsidies.loading import load_policy_rules

    settings.MEDIA_ROOT = tmp_path / "media"
    load_policy_rules()
    with time_machine.travel(NOW, tick=False):
        yield


def test_aid_lines_are_paid_to_the_student_and_tuition_to_the_school(
    lu, wei, liang, person_factory
):
    person = since_long_ago(person_factory(name="蓝海燕", category="lifted"))
    enrol(lu, person)
    claim = aid_claims_prepare(
        actor=lu, channel=Channel.PAGE, school=lu.institution, year=2026, term="autumn"
    ).claims[0]
    review_move(claim, ClaimState.SUBMITTED, actor=lu)
    review_move(claim, ClaimState.CHECKED, actor=wei)
    claim = review_move(claim, ClaimState.APPROVED, actor=liang)
    today = timezone.localdate()
    publication = Publication.objects.create(
        county_id=MASHAN,
        title="马山县学生资助公示",
        starts_on=today - dt.timedelta(days=8),
        ends_on=today - dt.timedelta(days=1),
        working_days=5,
        created_by=wei,
    )
    ClaimLine.objects.filter(claim=claim).update(publication=publication)
    payouts.account_record(
        actor=wei,
        person=person,
        channel="page",
        data={
            "holder_name": person.name,
            "bank_name": "中国农业银行马山县支行",
            "account": "6228480123456789012",
        },
    )
    payouts.account_record(
        actor=lu,
        institution=lu.institution,
        channel="page",
        data={
            "holder_name": "广西南宁技师学院",
            "bank_name": "中国工商银行南宁分行",
            "account": "6222020123456789",
        },
    )
    for kind, amount in (("student_aid", "1500.00"), ("tuition", "1000.00")):
        budget = payouts.budget_set(
            actor=liang,
            channel="page",
            data={
                "region": MASHAN,
                "year": 2026,
                "fund": "employment",
                "kind": kind,
                "amount": "100000.00",
            },
        )
        batch = payouts.batch_build(actor=liang, county=MASHAN, budget=budget, channel="page")
        assert batch.line_count == 1 and batch.total == Decimal(amount)
        payment = batch.payments.get()
        expected = "蓝海燕" if kind == "student_aid" else "广西南宁技师学院"
        assert payment.payee_name == expected
        assert payment.account_masked.endswith("9012" if kind == "student_aid" else "6789")


def test_the_command_makes_the_same_claims_and_again_changes_nothing(lu, person_factory, capsys):
    enrol(lu, since_long_ago(person_factory(category="lifted")))
    args = [
        "--school",
        str(lu.institution_id),
        "--year",
        "2026",
        "--term",
        "autumn",
        "--user",
        "lu",
    ]
    call_command("student_aid_claims", *args)
    assert "2 lines added" in capsys.readouterr().out
    call_command("student_aid_claims", *args)
    assert "0 lines added, 2 unchanged" in capsys.readouterr().out
    assert Claim.objects.count() == 1
