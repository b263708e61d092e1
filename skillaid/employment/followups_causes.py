"""What opens a follow-up: a class closing, a graduation without a job, a referral.

The receivers run inside the sender's transaction (training's `class_closed`, students'
`graduated`, the referrals part's `referral_recorded`): a follow-up commits or rolls back
with its cause. The sender's actor may hold no employment capability (a school officer
closing a class): `seeker_ensure` checks none, the sender's service has checked its own.

`followups_sync` opens, after the fact, the follow-ups of classes closed and graduations
recorded before the employment services existed; it is idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from skillaid.accounts.models import User
from skillaid.lib.dates import add_months
from skillaid.students.graduates import graduates_seeking_work
from skillaid.students.models import JobOutcome
from skillaid.training.models import ClassStatus, Completion, Enrolment, TrainingClass

from .followups import followup_open
from .models import FollowUp, FollowUpCause, Referral, Seeker, SeekerSource
from .seekers import assisted_on, seeker_ensure, seeker_refresh

# How far back the sync looks for closed classes: their trainees are still within the
# three months of their follow-up, or just past it (overdue, and still worth a visit).
SYNC_MONTHS = 3


def _round_from(seeker: Seeker, field: str, day: dt.date) -> None:
    """`seeker.<field>` (trained_on, graduated_on) moved on to `day` if later, which starts
    a new round of referrals (the three-referral rule counts since then)."""
    if getattr(seeker, field) is None or getattr(seeker, field) < day:
        # Counted again rather than zeroed: a class is often closed days after its last
        # day, and referrals made in between belong to the new round. The row is locked
        # so that a referral recorded meanwhile is neither lost nor counted twice.
        Seeker.objects.select_for_update().filter(pk=seeker.pk).values_list("pk").first()
        setattr(seeker, field, day)
        seeker.referrals = Referral.objects.filter(seeker=seeker, referred_on__gte=day).count()
        seeker.updated_at = timezone.now()
        seeker.save(update_fields=[field, "referrals", "updated_at"])


def class_followups(training_class: TrainingClass, *, actor: User | None, channel: str) -> int:
    """Follow-ups for a closed class: each trainee who completed it and whose household is
    an assisted one on the class's last day, or who is already a seeker, becomes (or stays)
    a seeker trained on that day, with a training follow-up. Returns how many were opened
    or found."""
    end = training_class.end_on
    lines = list(
        Enrolment.objects.filter(training_class=training_class, completion=Completion.COMPLETED)
        .select_related("person__household")
        .prefetch_related("person__household__statuses")
        .order_by("id")
    )
    seekers = set(
        Seeker.objects.filter(person_id__in=[e.person_id for e in lines]).values_list(
            "person_id", flat=True
        )
    )
    count = 0
    for e in lines:
        if e.person_id not in seekers and not assisted_on(e.person, end):
            continue
        seeker = seeker_ensure(
            person=e.person, source=SeekerSource.TRAINING, on=end, actor=actor, channel=channel
        )
        _round_from(seeker, "trained_on", end)
        if followup_open(
            seeker=seeker, cause=FollowUpCause.TRAINING, started_on=end, training_enrolment=e
        ):
            count += 1
    return count


def graduate_followup(enrolment, graduated_on: dt.date, *, actor: User | None, channel: str):  # noqa: ANN001, ANN201
    """A graduate without a job: a seeker (a graduate of an assisted household is
    recommended first, `priority`) with a graduation follow-up."""
    seeker = seeker_ensure(
        person=enrolment.person,
        source=SeekerSource.GRADUATE,
        on=graduated_on,
        actor=actor,
        channel=channel,
    )
    _round_from(seeker, "graduated_on", graduated_on)
    seeker_refresh(seeker, graduated_on)
    return followup_open(
        seeker=seeker,
        cause=FollowUpCause.GRADUATION,
        started_on=graduated_on,
        student_enrolment=enrolment,
    )


def on_class_closed(sender, *, training_class, actor, channel, **kwargs) -> None:  # noqa: ANN001
    class_followups(training_class, actor=actor, channel=channel)


def on_graduated(sender, *, enrolment, graduation, actor, channel, **kwargs) -> None:  # noqa: ANN001
    if graduation.outcome != JobOutcome.SEEKING:
        # A graduate with a job (or further study, or the army) needs no follow-up. A
        # correction from 待就业 to 已就业 leaves the follow-up opened earlier as it is:
        # the school's word is not a confirmation of the status, so nothing is recorded
        # here; the clerk's visit confirms the job and closes the follow-up.
        return
    graduate_followup(enrolment, graduation.graduated_on, actor=actor, channel=channel)


def on_referral_recorded(sender, *, referral, actor, channel, **kwargs) -> None:  # noqa: ANN001
    followup_open(
        seeker=referral.seeker,
        cause=FollowUpCause.REFERRAL,
        started_on=referral.referred_on,
        referral=referral,
    )


@dataclass
class SyncResult:
    classes: int = 0
    graduates: int = 0
    opened: int = 0


def followups_sync(*, actor: User, channel: str, on: dt.date | None = None) -> SyncResult:
    """Open the follow-ups missed: completed trainees (as a class closing opens them) of
    classes closed with a last day within the last three months, and the graduates seeking
    work in the actor's scope. Running it again opens nothing more."""
    day = on or timezone.localdate()
    since = add_months(day, -SYNC_MONTHS)
    result = SyncResult()
    before = FollowUp.objects.count()
    classes = TrainingClass.objects.filter(
        status=ClassStatus.CLOSED, end_on__gte=since, end_on__lte=day
    ).order_by("end_on", "id")
    for c in classes.iterator(chunk_size=200):
        with transaction.atomic():
            class_followups(c, actor=actor, channel=channel)
        result.classes += 1
    for enrolment in graduates_seeking_work(actor).iterator(chunk_size=500):
        graduation = getattr(enrolment, "graduation", None)
        graduated_on = graduation.graduated_on if graduation is not None else enrolment.status_since
        with transaction.atomic():
            graduate_followup(enrolment, graduated_on, actor=actor, channel=channel)
        result.graduates += 1
    result.opened = FollowUp.objects.count() - before
    return result
