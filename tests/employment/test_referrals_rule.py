"""The three-referral rule (003 三（五））: who is short of referrals, read from the rule of
the seeker's region, and the referral and its outcome as the county bureau records them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.employment import signals
from skillaid.employment.models import EmploymentStatus, Referral, ReferralOutcome
from skillaid.employment.referrals import (
    NO_RULE,
    referral_minimum,
    referral_outcome,
    referral_record,
    rule_text,
    short_of_referrals,
)
from tests.conftest import LONGAN, MASHAN
from tests.employment import factories as f
from tests.employment import fixtures_referrals as fx

pytestmark = pytest.mark.django_db

referral_rule = fx.referral_rule
ON = fx.TODAY


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def postings(n: int, **extra):
    boss = f.employer("马山县建筑劳务公司", region=MASHAN)
    return [f.posting(boss, title=f"电工{i}", region=MASHAN, **extra) for i in range(n)]


def trained_seeker(person_factory, *, name="蓝海燕", county=MASHAN, **extra):
    person = person_factory(county=county, name=name)
    return f.seeker(person, trained_on=dt.date(2026, 5, 20), **extra)


def test_the_minimum_is_the_regions_rule_with_its_source(referral_rule):
    minimum, version = referral_minimum(MASHAN, ON)
    assert minimum == 3
    assert "三（五）" in rule_text(minimum, version)


def test_a_region_without_the_rule_has_no_minimum_and_nobody_is_listed(
    regions, wei, person_factory
):
    trained_seeker(person_factory)
    assert referral_minimum(MASHAN, ON) == (None, None)
    assert rule_text(None, None) == NO_RULE
    assert list(short_of_referrals(wei, on=ON)) == []


def test_two_referrals_are_short_three_are_not(referral_rule, wei, person_factory):
    seeker = trained_seeker(person_factory)
    jobs = postings(3)
    for job in jobs[:2]:
        referral_record(actor=wei, channel="page", seeker=seeker, posting=job, on=ON)
    short = list(short_of_referrals(wei, on=ON))
    assert [(s.pk, s.needed, s.minimum) for s in short] == [(seeker.pk, 1, 3)]
    referral_record(actor=wei, channel="page", seeker=seeker, posting=jobs[2], on=ON)
    seeker.refresh_from_db()
    assert seeker.referrals == 3
    assert list(short_of_referrals(wei, on=ON)) == []


def test_employed_untrained_and_non_assisted_seekers_are_not_listed(
    referral_rule, wei, person_factory
):
    owed = trained_seeker(person_factory, name="甲")
    trained_seeker(person_factory, name="乙", status=EmploymentStatus.LOCAL)
    trained_seeker(person_factory, name="丙", assisted=False)
    f.seeker(person_factory(name="丁"))  # never trained nor graduated
    graduate = f.seeker(person_factory(name="戊"), graduated_on=dt.date(2026, 6, 30), priority=True)
    unknown = trained_seeker(person_factory, name="己", status=EmploymentStatus.UNKNOWN)
    listed = [s.pk for s in short_of_referrals(wei, on=ON)]
    # The assisted technical-school graduate is recommended first (001 四（八））.
    assert listed[0] == graduate.pk
    assert set(listed) == {owed.pk, graduate.pk, unknown.pk}


def test_the_list_is_the_clerks_own_county(referral_rule, wei, huang, person_factory):
    mine = trained_seeker(person_factory)
    theirs = trained_seeker(person_factory, county=LONGAN, name="农")
    assert [s.pk for s in short_of_referrals(wei, on=ON)] == [mine.pk]
    assert [s.pk for s in short_of_referrals(huang, on=ON)] == [theirs.pk]


def test_a_posting_is_referred_once(referral_rule, wei, person_factory):
    seeker = trained_seeker(person_factory)
    (job,) = postings(1)
    heard = []
    receiver = lambda sender, referral, **kw: heard.append(referral.pk)  # noqa: E731
    signals.referral_recorded.connect(receiver, weak=False)
    try:
        referral = referral_record(
            actor=wei, channel="page", seeker=seeker, posting=job, on=ON, fit="持有电工证书"
        )
        with pytest.raises(ValidationError) as refused:
            referral_record(actor=wei, channel="page", seeker=seeker, posting=job, on=ON)
    finally:
        signals.referral_recorded.disconnect(receiver)
    assert "只推荐一次" in str(refused.value)
    assert heard == [referral.pk]
    assert (referral.county_id, referral.employer_id) == (MASHAN, job.employer_id)
    seeker.refresh_from_db()
    assert seeker.referrals == 1


def test_an_expired_or_closed_posting_cannot_be_referred(referral_rule, wei, person_factory):
    seeker = trained_seeker(person_factory)
    boss = f.employer(region=MASHAN)
    expired = f.posting(boss, valid_until=dt.date(2026, 6, 1))
    closed = f.posting(boss, closed_on=dt.date(2026, 6, 10))
    for job in (expired, closed):
        with pytest.raises(ValidationError) as refused:
            referral_record(actor=wei, channel="page", seeker=seeker, posting=job, on=ON)
        assert "不在招聘期内" in str(refused.value)
    assert not Referral.objects.exists()


def test_huang_cannot_refer_weis_seekers(referral_rule, huang, person_factory):
    seeker = trained_seeker(person_factory)
    (job,) = postings(1)
    with pytest.raises(PermissionDenied):
        referral_record(actor=huang, channel="page", seeker=seeker, posting=job, on=ON)


def test_a_refusal_needs_a_reason_and_a_hire_records_the_status(referral_rule, wei, person_factory):
    seeker = trained_seeker(person_factory)
    first, second = postings(2)
    declined = referral_record(actor=wei, channel="page", seeker=seeker, posting=first, on=ON)
    with pytest.raises(ValidationError) as refused:
        referral_outcome(
            actor=wei, channel="page", referral=declined, outcome="declined_seeker", on=ON
        )
    assert "须说明原因" in str(refused.value)
    referral_outcome(
        actor=wei,
        channel="page",
        referral=declined,
        outcome="declined_seeker",
        on=ON,
        reason="离家太远",
    )
    hired = referral_record(actor=wei, channel="page", seeker=seeker, posting=second, on=ON)
    heard = []
    receiver = lambda sender, referral, **kw: heard.append(referral.pk)  # noqa: E731
    signals.referral_hired.connect(receiver, weak=False)
    try:
        referral_outcome(actor=wei, channel="page", referral=hired, outcome="interview", on=ON)
        referral_outcome(actor=wei, channel="page", referral=hired, outcome="hired", on=ON)
    finally:
        signals.referral_hired.disconnect(receiver)
    assert heard == [hired.pk]
    seeker.refresh_from_db()
    assert (seeker.status, seeker.status_on) == (EmploymentStatus.LOCAL, ON)
    record = seeker.statuses.get()
    assert (record.confirmed_by, record.employer_name) == ("phone", "马山县建筑劳务公司")
    # A hire ends the referral.
    with pytest.raises(ValidationError):
        referral_outcome(
            actor=wei,
            channel="page",
            referral=hired,
            outcome="declined_employer",
            on=ON,
            reason="x",
        )
    hired.refresh_from_db()
    assert hired.outcome == ReferralOutcome.HIRED


def test_an_outcome_cannot_predate_the_referral(referral_rule, wei, person_factory):
    seeker = trained_seeker(person_factory)
    (job,) = postings(1)
    referral = referral_record(actor=wei, channel="page", seeker=seeker, posting=job, on=ON)
    with pytest.raises(ValidationError) as refused:
        referral_outcome(
            actor=wei,
            channel="page",
            referral=referral,
            outcome="interview",
            on=dt.date(2026, 6, 1),
        )
    assert "早于推荐日期" in str(refused.value)
