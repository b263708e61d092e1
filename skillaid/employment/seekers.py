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
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit, audit_value
from skillaid.accounts.scope import Scope
from skillaid.catalogue.models import Occupation
from skillaid.lib.money import parse_yuan
from skillaid.people.models import ASSISTED, HouseholdStatus, Person
from skillaid.regions.models import Region

from .models import (
    ConfirmedBy,
    EmploymentStatus,
    FollowUp,
    Place,
    Referral,
    ReferralOutcome,
    Seeker,
    SeekerSource,
    StatusRecord,
)

# The selectors live beside the services; callers of the employment services import
# both from here (the shared plan's interface).
from .selectors_seekers import (  # noqa: F401
    SeekerFilters,
    seeker_for,
    seeker_list,
    seekers_visible_to,
)

# Referrals still waiting for an answer (a later outcome ends them).
OPEN_OUTCOMES = (ReferralOutcome.PENDING, ReferralOutcome.INTERVIEW)


def assisted_on(person: Person, day: dt.date) -> bool:
    household = person.household
    if household is None:
        return False
    status = household.category_on(day)
    if status is not None:
        return status.category in ASSISTED
    # No dated history covers the day: the household's current category.
    return household.category in ASSISTED


def seeker_refresh(seeker: Seeker, on: dt.date | None = None) -> Seeker:
    """Recompute `assisted` (the household's category on `on`), `priority` (a
    technical-school graduate of an assisted household, 001 四（八）) and the county (the
    person's, should they have moved); saved if changed."""
    day = on or timezone.localdate()
    assisted = assisted_on(seeker.person, day)
    priority = assisted and seeker.graduated_on is not None
    # The county follows the person's moves in the ledger: the bureau that follows them
    # up is the one of where they live now.
    county = seeker.person.county_id
    if (assisted, priority, county) != (seeker.assisted, seeker.priority, seeker.county_id):
        if county != seeker.county_id:
            # What is still to do moves with them: the open follow-ups and the referrals
            # still waiting for an answer go to the new county's work lists (done ones
            # stay the record of the county that did them).
            FollowUp.objects.filter(seeker=seeker, done_on__isnull=True).update(county_id=county)
            Referral.objects.filter(seeker=seeker, outcome__in=OPEN_OUTCOMES).update(
                county_id=county
            )
        seeker.assisted, seeker.priority, seeker.county_id = assisted, priority, county
        seeker.updated_at = timezone.now()
        seeker.save(update_fields=["assisted", "priority", "county", "updated_at"])
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
    # Read the current status under a lock: two confirmations recorded at once must not
    # both take the latest place.
    current = Seeker.objects.select_for_update().only("status_on").get(pk=seeker.pk)
    seeker.status_on = current.status_on
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


# What a clerk may type for a place, besides the Place values and labels.
PLACE_WORDS = {
    "本县": Place.LOCAL,
    "本区": Place.LOCAL,
    "县内": Place.LOCAL,
    "区内县外": Place.PROVINCE,
    "自治区内": Place.PROVINCE,
    "省内": Place.PROVINCE,
    "区外": Place.OUTSIDE,
    "省外": Place.OUTSIDE,
    "广东": Place.GUANGDONG,
    "粤桂劳务协作": Place.GUANGDONG,
}


def occupations_resolve(values: Iterable[object], errors: dict[str, str]) -> list[Occupation]:
    """The catalogue's occupations named by `values` (rows, codes, names, or "code name"
    as the catalogue prints them); what the catalogue does not know, or knows twice under
    one name, goes into `errors["occupations"]` naming it."""
    found: list[Occupation] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for value in values:
        if isinstance(value, Occupation):
            found.append(value)
            continue
        text = " ".join(str(value or "").split())
        if not text:
            continue
        parts = text.split(" ", 1)
        if len(parts) == 2 and any(ch.isdigit() for ch in parts[0]):
            rows = list(Occupation.objects.filter(code=parts[0], name=parts[1]))
        else:
            rows = list(Occupation.objects.filter(code=text)) or list(
                Occupation.objects.filter(name=text)
            )
        if not rows:
            unknown.append(text)
        elif len(rows) > 1:
            ambiguous.append(f"{text}（{'、'.join(str(r) for r in rows[:5])}）")
        else:
            found.append(rows[0])
    messages = []
    if unknown:
        messages.append(
            f"职业（工种）{'、'.join(f'“{u}”' for u in unknown)}不在职业目录中，"
            "请按国家职业分类大典的编码或名称填写"
        )
    if ambiguous:
        messages.append(f"{'；'.join(ambiguous)}对应多个职业（工种），请填写编码和名称")
    if messages:
        errors["occupations"] = "；".join(messages)
    unique = {o.pk: o for o in found}
    return list(unique.values())


def places_resolve(values: Iterable[object], errors: dict[str, str]) -> list[str]:
    """Place values from values or labels (本县（区）, 区内, 区外, 粤桂劳务协作（广东）)."""
    by_text = {**{p.value: p for p in Place}, **{p.label: p for p in Place}, **PLACE_WORDS}
    chosen: list[str] = []
    unknown: list[str] = []
    for value in values:
        text = "".join(str(value or "").split())
        if not text:
            continue
        place = by_text.get(text) or by_text.get(text.lower())
        if place is None:
            unknown.append(text)
        elif place.value not in chosen:
            chosen.append(place.value)
    if unknown:
        errors["places"] = (
            f"意向就业地{'、'.join(f'“{u}”' for u in unknown)}无法识别，"
            f"请选择：{'、'.join(Place.labels)}"
        )
    # Kept in the Place order, so that the same wishes always read the same.
    return [p for p in Place.values if p in chosen]


def _wage(raw: object, errors: dict[str, str]) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return parse_yuan(raw, "期望月薪下限")
    except ValueError as exc:
        errors["wage_min"] = str(exc)
        return None


@transaction.atomic
def seeker_register(
    *,
    actor: User,
    channel: str,
    person: Person,
    source: str = SeekerSource.CLERK,
    on: dt.date | None = None,
    occupations: Iterable[object] = (),
    places: Iterable[object] = (),
    wage_min: object = None,
    available_on: dt.date | None = None,
    note: str = "",
) -> Seeker:
    """Register the person as a job seeker (求职登记) with what they want; a person already
    registered keeps their record and has their wishes replaced by these."""
    require(actor, "seeker.edit", person)
    day = on or timezone.localdate()
    errors: dict[str, str] = {}
    if source not in SeekerSource.values:
        errors["source"] = f"登记来源应为：{'、'.join(SeekerSource.labels)}"
    chosen = occupations_resolve(occupations, errors)
    place_codes = places_resolve(places, errors)
    wage = _wage(wage_min, errors)
    if available_on is not None and not isinstance(available_on, dt.date):
        errors["available_on"] = "可到岗日期不是有效日期"
    if errors:
        raise ValidationError(errors)
    wishes = {
        "places": "|".join(place_codes),
        "wage_min": wage,
        "available_on": available_on,
        "note": " ".join(str(note or "").split())[:255],
    }
    names = sorted(str(o) for o in chosen)
    seeker = Seeker.objects.select_for_update().filter(person=person).first()
    if seeker is None:
        seeker = Seeker.objects.create(
            person=person,
            county_id=person.county_id,
            registered_on=day,
            source=source,
            status=EmploymentStatus.UNKNOWN,
            created_by=actor,
            **wishes,
        )
        seeker.occupations.set(chosen)
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=seeker,
            person_id=person.pk,
            changes={
                "source": [None, source],
                "registered_on": [None, day.isoformat()],
                "occupations": [None, names],
                **{k: [None, audit_value(v)] for k, v in wishes.items() if v not in (None, "")},
            },
            note=f"求职登记（{SeekerSource(source).label}）",
        )
        return seeker_refresh(seeker, day)
    changes: dict[str, list] = {}
    for name, value in wishes.items():
        old = getattr(seeker, name)
        if old != value:
            changes[name] = [audit_value(old), audit_value(value)]
            setattr(seeker, name, value)
    before = sorted(str(o) for o in seeker.occupations.all())
    if before != names:
        changes["occupations"] = [before, names]
        seeker.occupations.set(chosen)
    if changes:
        seeker.updated_at = timezone.now()
        seeker.save()
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type=seeker,
            person_id=person.pk,
            changes=changes,
            note="更新求职意向",
        )
    return seeker_refresh(seeker, day)


@transaction.atomic
def seekers_from_ledger(*, actor: User, channel: str, on: dt.date | None = None) -> int:
    """Register, from the ledger's job intent (就业意愿), every person in the actor's
    regions who wants a job and has no seeker record yet: one bulk write and one audit
    entry with the count. Returns how many were registered."""
    require(actor, "seeker.edit")
    day = on or timezone.localdate()
    people = (
        Scope.of(actor)
        .filter(
            Person.objects.filter(wants_job=True, job_seeker__isnull=True),
            region="county__code",
        )
        .select_related("household")
        .prefetch_related(
            Prefetch("household__statuses", queryset=HouseholdStatus.objects.order_by("start"))
        )
        .order_by("id")
    )
    now = timezone.now()
    rows = [
        Seeker(
            person=p,
            county_id=p.county_id,
            registered_on=day,
            source=SeekerSource.LEDGER,
            status=EmploymentStatus.UNKNOWN,
            assisted=assisted_on(p, day),
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        for p in people.iterator(chunk_size=2000)
    ]
    if not rows:
        return 0
    Seeker.objects.bulk_create(rows, batch_size=500)
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=Seeker,
        changes={"count": [None, len(rows)], "registered_on": [None, day.isoformat()]},
        note=f"按台账就业意愿求职登记 {len(rows)} 人",
    )
    return len(rows)


def workplace_resolve(code: object, errors: dict[str, str]) -> Region | None:
    """The region a job is in (any province's: work outside Guangxi is common), by code."""
    text = "".join(str(code or "").split())
    if not text:
        return None
    region = Region.objects.filter(code=text).first()
    if region is None:
        errors["workplace"] = f"就业地区划代码 {text} 不存在"
    return region


def statuses_of(seeker: Seeker):  # noqa: ANN201
    """The status history, latest confirmation first (the same day: latest recorded first)."""
    return seeker.statuses.select_related("workplace", "recorded_by").order_by(
        "-confirmed_on", "-id"
    )
