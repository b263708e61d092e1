"""Fixtures of the follow-ups and funnel tests: the seeded rules, a referral made the way
the referrals part makes one (rows written directly, the signal sent), and open
follow-ups of 马山县 and 隆安县 seekers."""

from __future__ import annotations

import datetime as dt

import pytest

from skillaid.accounts.models import Channel
from skillaid.employment.models import (
    EmploymentStatus,
    FollowUp,
    FollowUpCause,
    Placement,
    Referral,
    ReferralOutcome,
    Seeker,
    StatusRecord,
)
from skillaid.employment.signals import referral_recorded
from tests.conftest import LONGAN, MASHAN
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


def status(seeker, value: str, on: dt.date) -> None:  # noqa: ANN001
    StatusRecord.objects.create(seeker=seeker, status=value, confirmed_on=on, confirmed_by="phone")


@pytest.fixture
def funnel_data(lu, rival, occupation, person_factory):
    """Class A (lu's school, ended 2026-06-30, measured on 2026-09-30) and class B (the
    隆安 centre, ended 2026-10-31, not yet measured)."""
    p = {n: person_factory(name=n) for n in ("蓝一", "蓝二", "蓝三", "蓝四", "蓝五", "蓝六")}
    q1 = person_factory(LONGAN, name="黄一")
    q2 = person_factory(name="蓝七")
    a = closed_class_rows(
        lu.institution,
        occupation,
        end_on=dt.date(2026, 6, 30),
        county=MASHAN,
        lines={**{p[n]: True for n in ("蓝一", "蓝二", "蓝三", "蓝四", "蓝五")}, p["蓝六"]: False},
        name="家政服务员一班",
    )
    b = closed_class_rows(
        rival.institution,
        occupation,
        end_on=dt.date(2026, 10, 31),
        county=LONGAN,
        lines={q1: True, q2: True},
        name="隆安家政班",
    )
    s = {n: factories.seeker(p[n]) for n in ("蓝一", "蓝二", "蓝三", "蓝四", "蓝五")}
    s["黄一"] = factories.seeker(q1)
    # 蓝一: referred, hired through the referral, confirmed at work near the measure day.
    refer(s["蓝一"], dt.date(2026, 7, 5), outcome=ReferralOutcome.HIRED)
    status(s["蓝一"], EmploymentStatus.LOCAL, dt.date(2026, 9, 25))
    # 蓝二: referred, still without work.
    refer(s["蓝二"], dt.date(2026, 7, 10))
    status(s["蓝二"], EmploymentStatus.UNEMPLOYED, dt.date(2026, 10, 1))
    # 蓝三: found a job on their own; the placement covers the measure day.
    Placement.objects.create(
        seeker=s["蓝三"],
        county_id=MASHAN,
        employer=factories.employer(),
        contract_start=dt.date(2026, 7, 15),
        contract_end=dt.date(2027, 7, 14),
    )
    # 蓝四: at work in July, without work again by the measure day.
    status(s["蓝四"], EmploymentStatus.OUTSIDE, dt.date(2026, 7, 20))
    status(s["蓝四"], EmploymentStatus.UNEMPLOYED, dt.date(2026, 9, 28))
    # 蓝五: referred before the class ended: not a referral after training.
    refer(s["蓝五"], dt.date(2026, 6, 1))
    # 黄一: referred and at work, three months not yet passed.
    refer(s["黄一"], dt.date(2026, 11, 2))
    status(s["黄一"], EmploymentStatus.LOCAL, dt.date(2026, 11, 10))
    return a, b, p, q1, q2
