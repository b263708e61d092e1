"""Fixtures of the follow-ups and funnel tests: the seeded rules, a referral made the way
the referrals part makes one (rows written directly, the signal sent), and open
follow-ups of 马山县 and 隆安县 seekers."""

from __future__ import annotations

import datetime as dt

import pytest

from skillaid.accounts.models import Channel
from skillaid.employment.followups import followup_open
from skillaid.employment.models import FollowUp, FollowUpCause, Referral, Seeker
from skillaid.employment.signals import referral_recorded
from tests.employment import factories


@pytest.fixture
def seeded_rules(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


def refer(seeker: Seeker, on: dt.date, *, actor=None, posting=None, **extra) -> Referral:  # noqa: ANN001
    """A referral as `referral_record` makes it, with its signal sent."""
    posting = posting or factories.posting()
    referral = Referral.objects.create(
        seeker=seeker,
        posting=posting,
        county_id=seeker.county_id,
        employer=posting.employer,
        referred_on=on,
        **extra,
    )
    seeker.referrals += 1
    seeker.save(update_fields=["referrals"])
    referral_recorded.send(Referral, referral=referral, actor=actor, channel=Channel.PAGE)
    return referral


def open_referral_followup(seeker: Seeker, on: dt.date) -> FollowUp:
    """A referral follow-up started on `on` (the referral's own, opened by the receiver)."""
    referral = refer(seeker, on)
    return FollowUp.objects.get(referral=referral, cause=FollowUpCause.REFERRAL)


__all__ = ["followup_open", "open_referral_followup", "refer", "seeded_rules"]


def closed_class_rows(
    institution, occupation, *, end_on: dt.date, county: str, lines: dict, name: str = ""
):  # noqa: ANN001, ANN201
    """A closed class written directly (the funnel reads classes, it does not run them):
    `lines` maps each trainee to whether they completed."""
    from skillaid.training.models import ClassStatus, Completion, Enrolment, TrainingClass

    c = TrainingClass.objects.create(
        institution=institution,
        name=name or f"{institution.name}{end_on:%m月}班",
        occupation=occupation,
        level="5",
        training_kind="employment",
        subsidised=False,
        county_id=county,
        start_on=end_on - dt.timedelta(days=10),
        end_on=end_on,
        status=ClassStatus.CLOSED,
    )
    for person, completed in lines.items():
        Enrolment.objects.create(
            training_class=c,
            person=person,
            completion=Completion.COMPLETED if completed else Completion.NOT_COMPLETED,
        )
    return c
