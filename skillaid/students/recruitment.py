"""Recruitment (招生/生源动员): the young people of a school's paired counties and resettlement
sites who want a technical-school place, the contacts the school makes with them, and the
county's view of who is still unreached.

A school officer's scope is their own institution: they never read the ledger. This module
widens it by exactly one list, `recruits_visible_to`: the paired places' young people of
school age who want a place and hold no live enrolment, shown with a masked ID number and
the phone only on an audited reveal. Nothing else of these people opens to the school.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.capabilities import CAPABILITIES, can, require
from skillaid.accounts.models import Action, Role, User, audit, audit_changes
from skillaid.accounts.scope import Scope
from skillaid.institutions.models import Capacity, CapacityKind, Institution
from skillaid.pairings.models import Pairing
from skillaid.people.models import Person
from skillaid.people.selectors import people_visible_to

from .models import LIVE_STATUSES, Channel, Outcome, RecruitmentContact, StudentEnrolment

# The ages (on the day the list is read) of the young people a school recruits: a junior
# high school leaver (初中毕业) is about 15, and the technical schools take school leavers
# (两后生) for a few years after senior high school, up to about 22. Younger people are
# still in compulsory schooling; older ones are served by training, not a school place.
SCHOOL_AGE = (15, 22)


def birth_dates_for(ages: tuple[int, int], today: dt.date) -> tuple[dt.date, dt.date]:
    """The birth dates (after, up to) of the people aged `ages[0]`…`ages[1]` on `today`:
    born after today minus (oldest + 1) years, and on or before today minus youngest years."""
    youngest, oldest = ages

    def years_before(years: int) -> dt.date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February in a year without one
            return today.replace(year=today.year - years, day=28)

    return years_before(oldest + 1), years_before(youngest)


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _live_enrolment() -> Exists:
    return Exists(StudentEnrolment.objects.filter(person=OuterRef("pk"), status__in=LIVE_STATUSES))


def _wanting(people: QuerySet, today: dt.date) -> QuerySet:
    """Of `people`, those of school age on `today` who want a school place and are no
    technical school's live student."""
    after, up_to = birth_dates_for(SCHOOL_AGE, today)
    return (
        people.filter(wants_school=True, birth_date__gt=after, birth_date__lte=up_to)
        .exclude(_live_enrolment())
        .select_related("county", "household")
    )


def paired_places(school: Institution | int, today: dt.date) -> tuple[list[str], list[int]]:
    """The county codes and resettlement-site ids a school is paired with on `today`."""
    pairings = Pairing.objects.filter(school=school).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    counties, sites = [], []
    for county_id, site_id in pairings.values_list("county_id", "site_id"):
        if county_id:
            counties.append(county_id)
        if site_id:
            sites.append(site_id)
    return counties, sites


def recruits_of_school(school: Institution | int, today: dt.date | None = None) -> QuerySet:
    """The young people a school recruits: of its paired counties and resettlement sites."""
    today = today or timezone.localdate()
    counties, sites = paired_places(school, today)
    if not counties and not sites:
        return Person.objects.none()
    return _wanting(
        Person.objects.filter(Q(county_id__in=counties) | Q(resettlement_site_id__in=sites)),
        today,
    )


def recruits_visible_to(user: User, today: dt.date | None = None) -> QuerySet:
    """The recruitment list a user may read: an officer's school's recruits (and nobody
    else), a bureau's young people of its regions who want a place; nobody for others."""
    if not can(user, "recruitment.read"):
        return Person.objects.none()
    today = today or timezone.localdate()
    if user.role == Role.SCHOOL_OFFICER:
        if not user.institution_id:
            return Person.objects.none()
        return recruits_of_school(user.institution_id, today)
    return _wanting(people_visible_to(user), today)


def recruit_for(user: User, pk: object) -> Person:
    """A person on the user's recruitment list, or 404 whether or not they exist elsewhere."""
    try:
        return recruits_visible_to(user).select_related("resettlement_site").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该人员，或其不在您的招生动员名单中") from exc


def recruit_ordering(people: QuerySet) -> QuerySet:
    """By name (pinyin initials) and id: the order keyset paging reads (accounts.lists)."""
    return people.order_by("name_initials", "id")


def recruit_search(people: QuerySet, *, q: str = "", county: str = "") -> QuerySet:
    people = people.search(q) if q else people
    if county:
        people = people.filter(county_id=county)
    return people


def recruit_reveal_phone(*, actor: User, channel: str, person: Person) -> str:
    """A recruit's phone for one who may see it; every view is logged, as an ID number's is."""
    require(actor, "recruitment.reveal_phone")
    if not recruits_visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(
            CAPABILITIES["recruitment.reveal_phone"].outside.format(obj=person.name)
        )
    audit(
        actor=actor,
        channel=channel,
        action=Action.REVEAL_PHONE,
        object_type="people.person",
        object_id=person.pk,
        person_id=person.pk,
    )
    return person.phone


@dataclass(frozen=True)
class ForSchool:
    """What a contact is recorded for, as the capability table asks: its school's officer
    (or an administrator) records it; named by the school in a refusal."""

    school: Institution

    def within(self, scope: Scope) -> bool:
        return scope.everything or scope.has_institution(self.school.pk)

    def __str__(self) -> str:
        return self.school.name


# Outcomes whose `reason` must say something: why they declined, where they went.
REASON_REQUIRED = {
    Outcome.DECLINED: "请填写不愿就读的原因",
    Outcome.ENROLLED_ELSEWHERE: "请填写就读的院校",
}


def _clean_contact(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    day = data.get("contacted_on")
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            errors["contacted_on"] = f"联系日期“{day}”不是有效日期（应为 2026-03-01 的格式）"
            day = None
    if not day and "contacted_on" not in errors:
        errors["contacted_on"] = "请填写联系日期"
    elif isinstance(day, dt.date) and day > today:
        errors["contacted_on"] = f"联系日期 {day:%Y-%m-%d} 晚于今天，不能登记尚未发生的联系"
    out["contacted_on"] = day
    method = str(data.get("channel") or "").strip()
    if method not in Channel.values:
        errors["channel"] = "请选择联系方式（电话、入户走访、招生宣讲、微信/短信）"
    out["channel"] = method
    outcome = str(data.get("outcome") or "").strip()
    if outcome not in Outcome.values:
        errors["outcome"] = "请选择联系结果"
    out["outcome"] = outcome
    reason = str(data.get("reason") or "").strip()
    if outcome in REASON_REQUIRED and not reason:
        errors["reason"] = REASON_REQUIRED[outcome]
    elif len(reason) > 255:
        errors["reason"] = "原因/说明不能超过255个字"
    out["reason"] = reason
    major = str(data.get("major") or "").strip()
    if len(major) > 64:
        errors["major"] = "意向专业不能超过64个字"
    out["major"] = major
    if errors:
        raise ValidationError(errors)
    return out


def recruitment_contact_record(
    *, actor: User, channel: str, school: Institution, person: Person, data: dict[str, Any]
) -> RecruitmentContact:
    """Record one contact a school made with a young person it recruits, and its outcome.

    `data`: contacted_on, channel (how: Channel), outcome (Outcome), reason (required when
    declined, the school when enrolled elsewhere), major. The person must be on the
    school's recruitment list (its paired counties and sites); anyone else is refused."""
    require(actor, "recruitment.contact", ForSchool(school))
    today = timezone.localdate()
    if not recruits_of_school(school, today).filter(pk=person.pk).exists():
        raise PermissionDenied(
            f"不能登记：{person.name}不在{school.name}结对县（安置区）有就读意愿、"
            f"{SCHOOL_AGE[0]}至{SCHOOL_AGE[1]}周岁且未在读的人员名单中"
        )
    values = _clean_contact(data, today)
    contact = RecruitmentContact(school=school, person=person, county_id=person.county_id)
    with transaction.atomic():
        audit_changes(
            contact,
            {**values, "recorded_by": actor, "recorded_at": timezone.now()},
            actor=actor,
            channel=channel,
        )
    return contact


def contacts_visible_to(user: User) -> QuerySet:
    """Contacts a user may read: an officer's school's, a bureau's people's counties'."""
    if not can(user, "recruitment.read"):
        return RecruitmentContact.objects.none()
    return Scope.of(user).filter(
        RecruitmentContact.objects.select_related("school", "recorded_by"),
        region="county_id",
        institution="school_id",
    )


def contacts_of(user: User, person: Person) -> QuerySet:
    return contacts_visible_to(user).filter(person=person).order_by("-contacted_on", "-id")


def key_schools_and_majors(user: User, year: int) -> list[Capacity]:
    """This year's key schools and majors (双重点) of the user's province, with when each
    was published (by the end of April: Capacity.published_late)."""
    rows = Capacity.objects.filter(
        kind__in=[CapacityKind.KEY_SCHOOL, CapacityKind.KEY_MAJOR], year=year
    ).select_related("institution", "region")
    place = ""
    if user.institution_id:
        place = user.institution.region_id or ""
    elif user.region_id:
        place = user.region_id
    if place:
        rows = rows.filter(region__code__startswith=place[:2])
    return list(rows.order_by("kind", "name"))


# The county's view: who wants a place and is still unreached this year.


@dataclass
class CountyRecruit:
    person: Person
    reached: bool
    # The latest contact of each school this year, newest first.
    latest: list[RecruitmentContact] = field(default_factory=list)

    @property
    def age(self) -> int:
        return age_on(self.person.birth_date, timezone.localdate())


def _reached(year: int) -> Exists:
    return Exists(
        RecruitmentContact.objects.filter(person=OuterRef("pk"), contacted_on__year=year).exclude(
            outcome=Outcome.UNREACHABLE
        )
    )


def county_recruits(
    user: User, *, year: int, unreached_only: bool = False, q: str = "", county: str = ""
) -> QuerySet:
    """The bureau's young people who want a place (recruits_visible_to), each marked
    `reached` when a school reached them this year (a contact other than 未联系上). The
    county's view: a school officer, who sees other schools' contacts nowhere, gets none."""
    if user.role == Role.SCHOOL_OFFICER:
        return Person.objects.none()
    people = recruit_search(recruits_visible_to(user), q=q, county=county).annotate(
        reached=_reached(year)
    )
    if unreached_only:
        people = people.filter(reached=False)
    return recruit_ordering(people)


def with_latest_contacts(people: list[Person], year: int) -> list[CountyRecruit]:
    """Each person with the latest contact of each school this year: one query for a page."""
    latest: dict[int, dict[int, RecruitmentContact]] = defaultdict(dict)
    contacts = (
        RecruitmentContact.objects.filter(
            person__in=[p.pk for p in people], contacted_on__year=year
        )
        .select_related("school")
        .order_by("contacted_on", "id")
    )
    for c in contacts:
        latest[c.person_id][c.school_id] = c
    return [
        CountyRecruit(
            person=p,
            reached=bool(getattr(p, "reached", False)),
            latest=sorted(
                latest[p.pk].values(), key=lambda c: (c.contacted_on, c.pk), reverse=True
            ),
        )
        for p in people
    ]


COUNTY_COLUMNS = [
    "姓名",
    "身份证号",
    "年龄",
    "县（区）",
    "乡镇（街道）",
    "村（社区）",
    "家庭类别",
    "本年是否已联系上",
    "各院校最近联系结果",
]


def county_rows(people: QuerySet, year: int, today: dt.date):  # noqa: ANN201
    """The county list's rows for Excel, read in chunks (one contacts query a chunk)."""
    chunk: list[Person] = []

    def flush(chunk: list[Person]):  # noqa: ANN202
        for r in with_latest_contacts(chunk, year):
            p = r.person
            yield [
                p.name,
                p.id_masked,
                age_on(p.birth_date, today),
                p.county.name,
                p.township,
                p.village,
                p.household.get_category_display() if p.household else "",
                "是" if r.reached else "否",
                "；".join(
                    f"{c.school.name}：{c.get_outcome_display()}"
                    f"{'（' + c.reason + '）' if c.reason else ''}（{c.contacted_on:%Y-%m-%d}）"
                    for c in r.latest
                ),
            ]

    for p in people.iterator(chunk_size=1000):
        chunk.append(p)
        if len(chunk) == 1000:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)
