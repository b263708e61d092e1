"""What part of the data a user works on: one `Scope`, built from the user, used by every selector.

A bureau's user (county clerk, city or province reviewer) works on everything whose
region lies under their own; an administrator (and the system user) on everything; a
school officer on their own institution's records, never on a region's. A scope that
holds nothing (no user, a deactivated one) makes every query empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from skillaid.db import Prefix
from skillaid.regions.models import Region, code_prefix

if TYPE_CHECKING:
    from .models import User

NOTHING = Q(pk__in=[])
CODE_LENGTH = 6  # a region code's digits: 450124
PROVINCE_LENGTH = 2  # the digits a province's regions share: 45


@dataclass(frozen=True)
class Scope:
    """`region_prefix`: leading code digits of the regions worked on ('' for all, None for
    none); `institution_id`: the one institution worked on (an officer's); `person_id`:
    the one person (a person reading their own record, role PERSON); `employer_id`: the
    one employer or agency (its own account, roles EMPLOYER and AGENCY)."""

    region_prefix: str | None = None
    institution_id: int | None = None
    person_id: int | None = None
    employer_id: int | None = None

    @classmethod
    def of(cls, user: User | None) -> Scope:
        from .models import Role

        if user is None or not user.is_authenticated or not user.acts:
            return cls()
        if user.role == Role.SCHOOL_OFFICER:
            return cls(institution_id=user.institution_id)
        if user.role == Role.PERSON:
            # The link lives in `people` (PersonAccount), above this app: read through the
            # reverse accessor Django adds to User, never imported. No link, no scope.
            link = getattr(user, "person_account", None)
            return cls(person_id=link.person_id if link is not None else None)
        if user.role in (Role.EMPLOYER, Role.AGENCY):
            # The link lives in `employment` (EmployerAccount), read the same way.
            link = getattr(user, "employer_account", None)
            return cls(employer_id=link.employer_id if link is not None else None)
        if user.role == Role.INSPECTOR:
            # An inspector reads only what was drawn for them (reports.inspections), never
            # a region's records, whatever region their pool is kept in.
            return cls()
        if user.region_id is None:
            return cls(region_prefix="" if user.role == Role.ADMIN else None)
        return cls(region_prefix=code_prefix(user.region_id))

    @property
    def everything(self) -> bool:
        return self.region_prefix == ""

    @property
    def empty(self) -> bool:
        return (
            self.region_prefix is None
            and self.institution_id is None
            and not self.person_id
            and not self.employer_id
        )

    def contains_region(self, code: object) -> bool:
        """Whether a region code lies in the scope's regions (an officer's scope has none)."""
        return self.region_prefix is not None and str(code or "").startswith(self.region_prefix)

    def has_institution(self, institution_id: object) -> bool:
        return self.institution_id is not None and self.institution_id == institution_id

    def has_employer(self, employer_id: object) -> bool:
        return self.employer_id is not None and self.employer_id == employer_id

    def q(
        self, *, region: str = "", institution: str = "", person: str = "", employer: str = ""
    ) -> Q:
        """The condition for rows in scope, given the field path to each of the row's places:
        `region` a region code (`county_id`, `region__code`), `institution` an institution
        id, `person` a person id, `employer` an employer's id (one path, or several joined
        by `|`: a posting belongs to its employer and to the agency that posted it). A
        place the rows do not have is not given; a scope that only sees by a place the rows
        lack sees none of them."""
        if self.region_prefix is not None and region:
            if self.everything:
                return Q()
            if len(self.region_prefix) == CODE_LENGTH:
                # A county's whole code: equality, which every index on the code serves
                # (LIKE needs a pattern index on PostgreSQL unless its collation is C).
                return Q(**{region: self.region_prefix})
            if len(self.region_prefix) <= PROVINCE_LENGTH:
                # A province holds nearly every row: its condition filters the rows a
                # list reads in its own order. As a range, SQLite (which keeps no
                # statistics of ranges) would read it from an index on the code and
                # sort the whole province for each page.
                return Q(**{f"{region}__startswith": self.region_prefix})
            # A city's counties: read through an index on the code, as a range (db.Prefix).
            return Q(**{f"{region}__{Prefix.lookup_name}": self.region_prefix})
        if self.institution_id is not None and institution:
            return Q(**{institution: self.institution_id})
        if self.person_id is not None and person:
            return Q(**{person: self.person_id})
        if self.employer_id is not None and employer:
            condition = Q()
            for path in employer.split("|"):
                condition |= Q(**{path: self.employer_id})
            return condition
        return NOTHING

    def filter(
        self,
        rows: QuerySet,
        *,
        region: str = "",
        institution: str = "",
        person: str = "",
        employer: str = "",
    ) -> QuerySet:
        """`rows` cut to the scope (see `q`)."""
        condition = self.q(region=region, institution=institution, person=person, employer=employer)
        if condition is NOTHING:
            return rows.none()
        return rows.filter(condition) if condition else rows


def region_in_scope(user: User, code: object, errors: dict[str, str], field: str) -> Region | None:
    """The region a user names for something of theirs, or None with the reason in
    `errors[field]`: it must exist and lie in the user's regions."""
    code = str(code or "").strip()
    if not code:
        errors[field] = "必填"
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        errors[field] = f"地区代码 {code} 不存在"
        return None
    if not Scope.of(user).contains_region(region.code):
        errors[field] = f"{region.name}不在您的管辖范围内"
        return None
    return region
