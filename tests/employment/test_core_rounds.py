"""The seeker's bookkeeping across events: a new training round counts the referrals made
since the class's last day (a class is often closed days later), and a person who moves
county takes their open follow-ups and unanswered referrals to the new county."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.employment.followups_causes import _round_from
from skillaid.employment.models import FollowUp, FollowUpCause, Referral, ReferralOutcome, Seeker
from skillaid.employment.seekers import seeker_refresh
from skillaid.people.models import Person
from tests.conftest import LONGAN, MASHAN
from tests.employment import factories
from tests.employment.fixtures_followups import refer, seeded_rules  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day(regions, seeded_rules):  # noqa: F811
    with time_machine.travel(dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_a_new_round_counts_the_referrals_made_since_the_class_ended(person_factory):
    seeker = factories.seeker(person_factory(), trained_on=dt.date(2026, 1, 10))
    refer(seeker, dt.date(2026, 3, 1))  # of the earlier round
    refer(seeker, dt.date(2026, 8, 21))  # after the new class's last day, before its closing
    refer(seeker, dt.date(2026, 8, 25))
    seeker.refresh_from_db()
    assert seeker.referrals == 3
    _round_from(seeker, "trained_on", dt.date(2026, 8, 20))
    seeker.refresh_from_db()
    assert seeker.trained_on == dt.date(2026, 8, 20) and seeker.referrals == 2
    # The same day again starts nothing.
    _round_from(seeker, "trained_on", dt.date(2026, 8, 20))
    seeker.refresh_from_db()
    assert seeker.referrals == 2


def test_a_move_takes_what_is_still_to_do_to_the_new_county(person_factory):
    person = person_factory(county=MASHAN)
    seeker = factories.seeker(person)
    waiting = refer(seeker, dt.date(2026, 8, 1))
    answered = refer(seeker, dt.date(2026, 8, 2))
    Referral.objects.filter(pk=answered.pk).update(
        outcome=ReferralOutcome.DECLINED_SEEKER,
        outcome_reason="路远",
        outcome_on=dt.date(2026, 8, 5),
    )
    done = FollowUp.objects.get(referral=answered, cause=FollowUpCause.REFERRAL)
    FollowUp.objects.filter(pk=done.pk).update(done_on=dt.date(2026, 8, 20))
    Person.objects.filter(pk=person.pk).update(county_id=LONGAN)
    seeker = Seeker.objects.select_related("person__household").get(pk=seeker.pk)
    seeker_refresh(seeker)
    assert Seeker.objects.get(pk=seeker.pk).county_id == LONGAN
    assert FollowUp.objects.get(referral=waiting).county_id == LONGAN
    assert FollowUp.objects.get(pk=done.pk).county_id == MASHAN  # done: the old county's record
    assert Referral.objects.get(pk=waiting.pk).county_id == LONGAN
    assert Referral.objects.get(pk=answered.pk).county_id == MASHAN
