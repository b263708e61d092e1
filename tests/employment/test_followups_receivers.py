"""What opens a follow-up: a class closing (completed trainees of assisted households, and
trainees already registered as seekers, once each), a graduation without a job, a
referral; and the sync that opens those missed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from skillaid.accounts.models import Channel
from skillaid.employment.followups_causes import followups_sync
from skillaid.employment.models import FollowUp, FollowUpCause, Seeker, SeekerSource
from skillaid.students.enrolments import student_graduate
from skillaid.training.models import TrainingClass
from skillaid.training.signals import class_closed
from tests.employment import factories
from tests.employment.fixtures_followups import refer, seeded_rules  # noqa: F401
from tests.students.helpers import enrol, since_long_ago

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_day(regions, seeded_rules):  # noqa: F811
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def closed_class(lu, school, run_class, person_factory):
    """A closed class of three trainees who all completed: 蓝海燕 of an assisted household,
    韦明 of an ordinary one, 覃华 of an ordinary one but already a seeker with two
    referrals of an earlier round."""
    assisted = since_long_ago(person_factory(name="蓝海燕", category="脱贫户"))
    ordinary = person_factory(name="韦明")
    known = person_factory(name="覃华")
    factories.seeker(known, assisted=False, trained_on=dt.date(2025, 5, 1), referrals=2)
    c = run_class(lu, attended={assisted: 2, ordinary: 2, known: 2}, count=2)
    return c, assisted, ordinary, known


def test_a_closed_class_follows_up_its_assisted_trainees_and_its_seekers(closed_class):
    c, assisted, ordinary, known = closed_class
    rows = FollowUp.objects.filter(cause=FollowUpCause.TRAINING)
    assert {f.seeker.person_id for f in rows} == {assisted.pk, known.pk}
    for f in rows:
        assert f.started_on == c.end_on
        assert f.training_enrolment.training_class_id == c.pk
        assert f.due_on == dt.date(c.end_on.year, c.end_on.month + 3, c.end_on.day)
        assert f.county_id == f.seeker.county_id
    new = Seeker.objects.get(person=assisted)
    assert new.source == SeekerSource.TRAINING and new.assisted
    assert new.trained_on == c.end_on
    again = Seeker.objects.get(person=known)
    # A new round of three referrals starts with the new completion.
    assert again.trained_on == c.end_on and again.referrals == 0
    assert not Seeker.objects.filter(person=ordinary).exists()


def test_closing_news_twice_opens_nothing_more(closed_class, lu):
    c = closed_class[0]
    class_closed.send(TrainingClass, training_class=c, actor=lu, channel=Channel.PAGE)
    assert FollowUp.objects.filter(cause=FollowUpCause.TRAINING).count() == 2


def test_a_trainee_who_did_not_complete_is_not_followed_up(
    lu, school, class_factory, person_factory
):
    from skillaid.training import classes
    from tests.subsidies.fixtures import at

    person = since_long_ago(person_factory(name="蓝未结", category="脱贫户"))
    c = class_factory(lu, trainees=[person], count=1)
    last = c.sessions.order_by("-ends_at").first()
    with at(last.ends_at + dt.timedelta(hours=1)):
        classes.enrolment_complete(
            actor=lu, enrolment=c.enrolments.get(person=person), completed=False
        )
        classes.class_close(actor=lu, training_class=c)
    assert not FollowUp.objects.exists()
    assert not Seeker.objects.filter(person=person).exists()


def test_a_graduate_seeking_work_gets_one_followup(lu, person_factory):
    person = since_long_ago(person_factory(name="蓝小燕", category="脱贫户"))
    e = enrol(lu, person, entered_on=dt.date(2023, 9, 1), expected_graduation=dt.date(2026, 7, 1))
    for _ in range(2):  # recorded, then corrected with the same outcome
        student_graduate(
            actor=lu,
            channel=Channel.PAGE,
            enrolment=e,
            graduated_on=dt.date(2026, 7, 1),
            outcome="seeking",
        )
    f = FollowUp.objects.get()
    assert f.cause == FollowUpCause.GRADUATION and f.student_enrolment_id == e.pk
    assert (f.started_on, f.due_on) == (dt.date(2026, 7, 1), dt.date(2026, 10, 1))
    seeker = f.seeker
    assert seeker.source == SeekerSource.GRADUATE
    assert seeker.graduated_on == dt.date(2026, 7, 1)
    assert seeker.priority  # a graduate of an assisted household is recommended first


def test_a_graduate_with_a_job_is_not_followed_up(lu, person_factory):
    e = enrol(lu, person_factory(name="蓝二"), entered_on=dt.date(2023, 9, 1))
    student_graduate(
        actor=lu,
        channel=Channel.PAGE,
        enrolment=e,
        graduated_on=dt.date(2026, 7, 1),
        outcome="employed",
        employer="南宁某机械公司",
    )
    assert not FollowUp.objects.exists()


def test_a_referral_opens_its_followup(person_factory, wei):
    seeker = factories.seeker(person_factory(name="农丽"))
    referral = refer(seeker, dt.date(2026, 8, 31), actor=wei)
    f = FollowUp.objects.get(referral=referral)
    assert f.cause == FollowUpCause.REFERRAL
    assert (f.started_on, f.due_on) == (dt.date(2026, 8, 31), dt.date(2026, 11, 30))


def test_without_a_rule_nothing_is_opened_on_a_guess(person_factory, wei):
    from skillaid.subsidies.models import PolicyRule

    PolicyRule.objects.filter(code="gx-limit-followup-months").update(region_id="440000")
    seeker = factories.seeker(person_factory(name="农丽"))
    refer(seeker, dt.date(2026, 8, 31), actor=wei)
    assert not FollowUp.objects.exists()


def test_the_sync_opens_what_was_missed_once(lu, school, run_class, person_factory, system):
    from skillaid.employment import setup_followups  # noqa: F401
    from skillaid.employment.followups_causes import on_class_closed, on_graduated
    from skillaid.students.signals import graduated

    # Classes closed and graduations recorded before the employment services listened.
    class_closed.disconnect(dispatch_uid="employment.followups.class_closed")
    graduated.disconnect(dispatch_uid="employment.followups.graduated")
    try:
        trainee = since_long_ago(person_factory(name="蓝海燕", category="脱贫户"))
        c = run_class(lu, attended={trainee: 2}, count=2)
        graduate = enrol(lu, person_factory(name="蓝小燕"), entered_on=dt.date(2023, 9, 1))
        student_graduate(
            actor=lu,
            channel=Channel.PAGE,
            enrolment=graduate,
            graduated_on=dt.date(2026, 7, 1),
            outcome="seeking",
        )
        assert not FollowUp.objects.exists()
    finally:
        class_closed.connect(on_class_closed, dispatch_uid="employment.followups.class_closed")
        graduated.connect(on_graduated, dispatch_uid="employment.followups.graduated")
    with time_machine.travel(c.closed_moment + dt.timedelta(days=1), tick=False):
        result = followups_sync(actor=system, channel=Channel.COMMAND)
        assert (result.classes, result.graduates, result.opened) == (1, 1, 2)
        assert set(FollowUp.objects.values_list("cause", flat=True)) == {
            FollowUpCause.TRAINING,
            FollowUpCause.GRADUATION,
        }
        call_command("employment_followups_sync")
    assert FollowUp.objects.count() == 2
