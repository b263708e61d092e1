"""Recording a follow-up updates the seeker's status; the work list groups what is open at
the week's boundaries; a county never sees another county's follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from skillaid.accounts.models import Channel
from skillaid.employment.followups import followup_for, followup_record, followups_due
from skillaid.employment.models import EmploymentStatus, FollowUp, StatusRecord
from tests.conftest import LONGAN
from tests.employment import factories
from tests.employment.fixtures_followups import open_referral_followup, seeded_rules  # noqa: F401

pytestmark = pytest.mark.django_db

# A Wednesday: its ISO week runs from Monday 2026-11-16 to Sunday 2026-11-22.
WEDNESDAY = dt.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def fixed_day(regions, seeded_rules):  # noqa: F811
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def seeker_of(person_factory, name: str, county: str | None = None, **extra):  # noqa: ANN001, ANN201
    person = person_factory(county, name=name) if county else person_factory(name=name)
    return factories.seeker(person, status=EmploymentStatus.UNKNOWN, **extra)


def test_recording_a_visit_confirms_the_seekers_status(person_factory, wei):
    seeker = seeker_of(person_factory, "蓝海燕")
    f = open_referral_followup(seeker, dt.date(2026, 8, 1))
    done = followup_record(
        actor=wei,
        channel=Channel.PAGE,
        followup=f,
        on=dt.date(2026, 11, 17),
        method="phone",
        status=EmploymentStatus.LOCAL,
        employer_name="马山县黑山羊养殖合作社",
        note="已在合作社务工",
    )
    assert done.done_on == dt.date(2026, 11, 17) and done.done_by == wei
    assert done.status_record.status == EmploymentStatus.LOCAL
    seeker.refresh_from_db()
    assert (seeker.status, seeker.status_on) == (EmploymentStatus.LOCAL, dt.date(2026, 11, 17))
    assert StatusRecord.objects.get().employer_name == "马山县黑山羊养殖合作社"


def test_one_visit_answers_the_seekers_other_open_followups(person_factory, wei):
    seeker = seeker_of(person_factory, "蓝海燕")
    first = open_referral_followup(seeker, dt.date(2026, 8, 1))
    second = open_referral_followup(seeker, dt.date(2026, 9, 1))
    later = open_referral_followup(seeker, dt.date(2026, 11, 18))
    followup_record(
        actor=wei,
        channel=Channel.PAGE,
        followup=first,
        on=dt.date(2026, 11, 17),
        method="visit",
        status=EmploymentStatus.UNEMPLOYED,
    )
    second.refresh_from_db()
    later.refresh_from_db()
    assert second.done_on == dt.date(2026, 11, 17)
    # A referral made after the visit still wants its own.
    assert later.done_on is None


@pytest.mark.parametrize(
    ("on", "field", "says"),
    [
        (dt.date(2026, 7, 31), "on", "早于起算日期2026-08-01"),
        (dt.date(2026, 11, 19), "on", "晚于今天"),
        (None, "on", "请填写回访日期"),
    ],
)
def test_a_visit_day_outside_the_period_is_refused(person_factory, wei, on, field, says):
    f = open_referral_followup(seeker_of(person_factory, "蓝海燕"), dt.date(2026, 8, 1))
    with pytest.raises(ValidationError) as exc:
        followup_record(
            actor=wei, channel=Channel.PAGE, followup=f, on=on, method="phone", status="local"
        )
    assert says in exc.value.message_dict[field][0]


def test_a_visit_needs_a_method_and_a_known_status(person_factory, wei):
    f = open_referral_followup(seeker_of(person_factory, "蓝海燕"), dt.date(2026, 8, 1))
    with pytest.raises(ValidationError) as exc:
        followup_record(
            actor=wei,
            channel=Channel.PAGE,
            followup=f,
            on=WEDNESDAY,
            method="",
            status=EmploymentStatus.UNKNOWN,
        )
    assert set(exc.value.message_dict) == {"method", "status"}


def test_a_done_followup_is_not_recorded_twice(person_factory, wei):
    f = open_referral_followup(seeker_of(person_factory, "蓝海燕"), dt.date(2026, 8, 1))
    kw = {"actor": wei, "channel": Channel.PAGE, "on": WEDNESDAY, "method": "phone"}
    followup_record(followup=f, status="local", **kw)
    with pytest.raises(ValidationError, match="已于2026-11-18完成"):
        followup_record(followup=f, status="outside", **kw)


def test_another_countys_clerk_cannot_record_it(person_factory, huang, lu):
    f = open_referral_followup(seeker_of(person_factory, "蓝海燕"), dt.date(2026, 8, 1))
    for actor in (huang, lu):
        with pytest.raises(PermissionDenied):
            followup_record(
                actor=actor,
                channel=Channel.PAGE,
                followup=f,
                on=WEDNESDAY,
                method="phone",
                status="local",
            )
    assert FollowUp.objects.get().done_on is None


def test_the_work_list_groups_at_the_weeks_boundaries(person_factory, wei):
    def due(name: str, day: dt.date, **extra) -> FollowUp:  # noqa: ANN003
        f = open_referral_followup(seeker_of(person_factory, name, **extra), dt.date(2026, 8, 1))
        FollowUp.objects.filter(pk=f.pk).update(due_on=day)
        return f

    monday = due("周一", dt.date(2026, 11, 16))  # this week, but past: overdue
    yesterday = due("昨天", dt.date(2026, 11, 17))
    today = due("今天", WEDNESDAY)
    sunday = due("周日", dt.date(2026, 11, 22))
    sunday_first = due("周日优先", dt.date(2026, 11, 22), priority=True)
    next_monday = due("下周一", dt.date(2026, 11, 23))
    done = due("已回访", dt.date(2026, 11, 10))
    FollowUp.objects.filter(pk=done.pk).update(done_on=dt.date(2026, 11, 12))
    work = followups_due(wei, on=WEDNESDAY)
    assert list(work.overdue) == [monday, yesterday]
    assert list(work.week) == [today, sunday_first, sunday]
    assert list(work.later) == [next_monday]
    assert work.counts() == {"overdue": 2, "week": 3, "later": 1}


def test_a_county_never_sees_another_countys_followups(person_factory, wei, huang, lu, liang):
    mine = open_referral_followup(seeker_of(person_factory, "蓝海燕"), dt.date(2026, 8, 1))
    theirs = open_referral_followup(
        seeker_of(person_factory, "黄丽", county=LONGAN), dt.date(2026, 8, 1)
    )
    assert list(followups_due(huang, on=WEDNESDAY).overdue) == [theirs]
    assert list(followups_due(wei, on=WEDNESDAY).overdue) == [mine]
    assert set(followups_due(liang, on=WEDNESDAY).overdue) == {mine, theirs}
    assert not followups_due(lu, on=WEDNESDAY).overdue.exists()
    with pytest.raises(Http404):
        followup_for(huang, mine.pk)
    assert followup_for(wei, mine.pk) == mine
