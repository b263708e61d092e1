"""The employment services on the lifelong record: referrals with their outcome, confirmed
statuses and registered jobs."""

from __future__ import annotations

import datetime as dt

import pytest

from skillaid.employment.models import Placement, Referral, StatusRecord
from skillaid.evaluation.record import lifelong_record
from tests.employment import factories

pytestmark = pytest.mark.django_db


def test_referrals_statuses_and_jobs_are_on_the_record(person_factory):
    person = person_factory(name="蓝海燕")
    seeker = factories.seeker(person)
    posting = factories.posting(title="建筑工地电焊工")
    Referral.objects.create(
        seeker=seeker,
        posting=posting,
        county_id=seeker.county_id,
        employer=posting.employer,
        referred_on=dt.date(2026, 4, 1),
        outcome="declined_seeker",
        outcome_reason="离家太远",
    )
    StatusRecord.objects.create(
        seeker=seeker, status="local", confirmed_on=dt.date(2026, 6, 1), confirmed_by="phone"
    )
    Placement.objects.create(
        seeker=seeker,
        county_id=seeker.county_id,
        employer=posting.employer,
        job="电焊工",
        contract_start=dt.date(2026, 5, 10),
        open_ended=True,
    )
    events = {(e.on, e.kind): e for e in lifelong_record(person)}
    referral = events[(dt.date(2026, 4, 1), "推荐岗位")]
    assert referral.what == "建筑工地电焊工" and referral.result == "本人未接受（离家太远）"
    assert events[(dt.date(2026, 6, 1), "就业状态")].what == "县内就业"
    job = events[(dt.date(2026, 5, 10), "就业登记")]
    assert job.where == posting.employer.name and "无固定期限" in job.result
    assert "待核实" in job.result
