"""Job seekers (求职登记) and their employment status (就业状态).

A `Seeker` is the person's record with the employment services, kept current by the
services that change it: the status and the day it was confirmed (the latest
`StatusRecord`), whether the household is an assisted one, and the referral count of the
three-referral rule (kept by the referrals part).

`seeker_ensure` and `status_record(..., check=False)` serve other services that have
already checked their own capability (a class closing, a graduation, a placement
confirmed): they never check one themselves.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.people.models import ASSISTED, Person

from .models import (
    ConfirmedBy,
    EmploymentStatus,
    Seeker,
    SeekerSource,
    StatusRecord,
)


def _assisted_on(person: Person, day: dt.date) -> bool:
    household = person.household
    if household is None:
        return False
    status = household.category_on(day)
    if status is not None:
        return status.category in ASSISTED
    # No dated history covers the day: the household's current category.
    return household.category in ASSISTED


def seeker_refresh(seeker: Seeker, on: dt.date | None = None) -> Seeker:
    """Recompute `assisted` (the household's category on `on`) and `priority` (a
    technical-school graduate of an assisted household, 001 四（八）); saved if changed."""
    day = on or timezone.localdate()
    assisted = _assisted_on(seeker.person, day)
    priority = assisted and seeker.graduated_on is not None
    if (assisted, priority) != (seeker.assisted, seeker.priority):
        seeker.assisted, seeker.priority = assisted, priority
        seeker.updated_at = timezone.now()
        seeker.save(update_fields=["assisted", "priority", "updated_at"])
    return seeker


def seeker_ensure(
    *,
    person: Person,
    source: str,
    on: dt.date,
    actor: User | None = None,
    channel: str = "command",
) -> Seeker:
    """The person's seeker record, made with status 待回访确认 if they have none; its
    `assisted` and `priority` refreshed. No capability is checked here: the caller's
    service has checked its own."""
    if source not in SeekerSource.values:
        raise ValueError(f"unknown seeker source {source!r}")
    seeker = Seeker.objects.select_related("person__household").filter(person=person).first()
    if seeker is None:
        seeker = Seeker.objects.create(
            person=person,
            county_id=person.county_id,
            registered_on=on,
            source=source,
            status=EmploymentStatus.UNKNOWN,
            created_by=actor,
        )
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=seeker,
            person_id=person.pk,
            changes={"source": source, "registered_on": str(on)},
            note=f"求职登记（{SeekerSource(source).label}）",
        )
    return seeker_refresh(seeker, on)


@transaction.atomic
def status_record(
    *,
    actor: User | None,
    channel: str,
    seeker: Seeker,
    status: str,
    confirmed_on: dt.date,
    confirmed_by: str,
    employer_name: str = "",
    workplace=None,  # noqa: ANN001 - a regions.Region or None
    note: str = "",
    check: bool = True,
) -> StatusRecord:
    """Record a confirmation of the seeker's employment status: the status, the day and
    how it was confirmed. The seeker's current status follows the latest confirmation
    (a confirmation dated before the current one is kept in the history only)."""
    if check:
        require(actor, "seeker.edit", seeker)
    errors: dict[str, str] = {}
    if status not in EmploymentStatus.values or status == EmploymentStatus.UNKNOWN:
        labels = [s.label for s in EmploymentStatus if s != EmploymentStatus.UNKNOWN]
        errors["status"] = f"请选择就业状态（{'、'.join(labels)}）"
    if confirmed_by not in ConfirmedBy.values:
        errors["confirmed_by"] = f"请选择确认方式（{'、'.join(ConfirmedBy.labels)}）"
    if confirmed_on is None:
        errors["confirmed_on"] = "请填写确认日期"
    elif confirmed_on > timezone.localdate():
        errors["confirmed_on"] = f"确认日期{confirmed_on:%Y-%m-%d}晚于今天"
    employer_name = " ".join(str(employer_name or "").split())[:128]
    if errors:
        raise ValidationError(errors)
    record = StatusRecord.objects.create(
        seeker=seeker,
        status=status,
        confirmed_on=confirmed_on,
        confirmed_by=confirmed_by,
        employer_name=employer_name,
        workplace=workplace,
        note=" ".join(str(note or "").split())[:255],
        recorded_by=actor,
    )
    if seeker.status_on is None or confirmed_on >= seeker.status_on:
        seeker.status, seeker.status_on = status, confirmed_on
        seeker.updated_at = timezone.now()
        seeker.save(update_fields=["status", "status_on", "updated_at"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=record,
        person_id=seeker.person_id,
        changes={
            "status": status,
            "confirmed_on": str(confirmed_on),
            "confirmed_by": confirmed_by,
            "employer_name": employer_name,
        },
        note=f"就业状态：{EmploymentStatus(status).label}（{ConfirmedBy(confirmed_by).label}）",
    )
    return record
