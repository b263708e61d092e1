"""Who sees which job seekers and which employers, and the one list of each that the
page, the API and the Excel export share.

A county bureau sees the seekers of its county, a city or the province those of the
counties below it, an administrator all; nobody else sees any (a school reads how its
trainees fared on the funnel, never the seekers' records). Employers and agencies are
seen by the bureaus of their region; an employer's or agency's own account sees itself
and nothing else. One row asked for outside the scope is a 404, the same answer as one
that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from skillaid.accounts.capabilities import can
from skillaid.accounts.lists import Filters
from skillaid.accounts.models import Role, User
from skillaid.accounts.scope import Scope
from skillaid.people.models import Person
from skillaid.regions.models import code_prefix

from .models import (
    EMPLOYED,
    SEEKING,
    Employer,
    EmployerKind,
    EmploymentStatus,
    Seeker,
    SeekerSource,
)

YES = ("1", "y", "yes", "是", "true")
NO = ("0", "n", "no", "否", "false")


def seekers_visible_to(user: User) -> QuerySet[Seeker]:
    """The seekers whose county lies in the user's regions (bureaus only)."""
    if not can(user, "seeker.read"):
        return Seeker.objects.none()
    return Scope.of(user).filter(Seeker.objects.all(), region="county__code")


def seeker_for(user: User, pk: object) -> Seeker:
    """One seeker in scope, or 404 whether or not it exists elsewhere."""
    try:
        return (
            seekers_visible_to(user)
            .select_related("person__household", "county")
            .get(pk=int(str(pk)))
        )
    except (ValueError, OverflowError, Seeker.DoesNotExist):
        raise Http404("没有这条求职登记") from None


class SeekerFilters(Filters):
    """`status`: an EmploymentStatus value, or "seeking" (no work or not yet confirmed) /
    "employed"; `source`: a SeekerSource value; `assisted`, `priority`: "1" or "0";
    `q`: a name, pinyin initials or a whole ID number; `county`: a county code (or a
    prefix) within the user's regions."""

    status: str = ""
    source: str = ""
    assisted: str = ""
    priority: str = ""
    q: str = ""
    county: str = ""


def seeker_list(user: User, *, filters: SeekerFilters | None = None) -> QuerySet[Seeker]:
    """The seekers page, its export and the API list: within scope, newest first (ordered
    for keyset paging, accounts.lists.keyset_page)."""
    f = filters or SeekerFilters()
    rows = seekers_visible_to(user)
    if f.status == "seeking":
        rows = rows.filter(status__in=SEEKING)
    elif f.status == "employed":
        rows = rows.filter(status__in=EMPLOYED)
    elif f.status in EmploymentStatus.values:
        rows = rows.filter(status=f.status)
    if f.source in SeekerSource.values:
        rows = rows.filter(source=f.source)
    for name in ("assisted", "priority"):
        value = getattr(f, name).lower()
        if value in YES:
            rows = rows.filter(**{name: True})
        elif value in NO:
            rows = rows.filter(**{name: False})
    if f.county:
        rows = rows.filter(Scope(region_prefix=code_prefix(f.county)).q(region="county__code"))
    if f.q:
        # The ledger's own search (name, pinyin initials, a whole ID number): one rule.
        rows = rows.filter(person__in=Person.objects.search(f.q).values("pk"))
    return rows.select_related("person__household", "county").order_by("-id")


def employers_visible_to(user: User) -> QuerySet[Employer]:
    """Bureaus: the employers and agencies of their regions; an employer's or agency's own
    account: itself."""
    if user is None or not user.is_authenticated:
        return Employer.objects.none()
    if user.role in (Role.EMPLOYER, Role.AGENCY):
        return Scope.of(user).filter(Employer.objects.all(), employer="id")
    if not can(user, "employer.read"):
        return Employer.objects.none()
    return Scope.of(user).filter(Employer.objects.all(), region="region__code")


def employer_for(user: User, pk: object) -> Employer:
    try:
        return employers_visible_to(user).select_related("region").get(pk=int(str(pk)))
    except (ValueError, OverflowError, Employer.DoesNotExist):
        raise Http404("没有这个单位") from None


class EmployerFilters(Filters):
    """`kind`: employer or agency; `q`: part of the name, or a whole credit code;
    `workshop`: "1" for assistance workshops (就业帮扶车间)."""

    kind: str = ""
    q: str = ""
    workshop: str = ""
    region: str = ""


def employer_list(user: User, *, filters: EmployerFilters | None = None) -> QuerySet[Employer]:
    f = filters or EmployerFilters()
    rows = employers_visible_to(user)
    if f.kind in EmployerKind.values:
        rows = rows.filter(kind=f.kind)
    if f.workshop.lower() in YES:
        rows = rows.filter(workshop=True)
    if f.region:
        rows = rows.filter(Scope(region_prefix=code_prefix(f.region)).q(region="region__code"))
    if f.q:
        text = f.q.strip()
        rows = (
            rows.filter(uscc=text.upper()) if len(text) == 18 else rows.filter(name__contains=text)
        )
    return rows.select_related("region").order_by("-id")
