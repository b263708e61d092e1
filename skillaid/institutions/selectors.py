"""Who may see which institutions and capacity: the one place the scope is applied.

A school officer sees their own institution. Everyone else sees what lies in their
region, and the schools that apps above tie to it (pairings: a provincial school paired
with 马山县 is seen by 马山县's clerk).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope

from .models import Capacity, CapacityKind, CatalogueStatus, Institution, InstitutionKind

# Apps above this one that tie an institution to a region (a school paired with a county)
# add the institutions a region sees through them: a function from a region prefix to a
# query of institution ids, registered from that app's ready().
_REACHES: list[Callable[[str], QuerySet]] = []


def reach_register(reach: Callable[[str], QuerySet]) -> None:
    if reach not in _REACHES:
        _REACHES.append(reach)


def institutions_visible_to(user: User) -> QuerySet[Institution]:
    scope = Scope.of(user)
    if scope.region_prefix is None or scope.everything:
        return scope.filter(Institution.objects.all(), region="region__code", institution="pk")
    seen = scope.q(region="region__code")
    for reach in _REACHES:
        seen |= Q(pk__in=reach(scope.region_prefix))
    return Institution.objects.filter(seen)


def institution_for(user: User, pk: object) -> Institution:
    try:
        return institutions_visible_to(user).select_related("region").get(pk=int(pk))
    except (Institution.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该院校/机构") from exc


def capacity_visible_to(user: User) -> QuerySet[Capacity]:
    base = Capacity.objects.select_related("region", "institution")
    return Scope.of(user).filter(base, region="region__code", institution="institution_id")


def capacity_for(user: User, pk: object) -> Capacity:
    try:
        return capacity_visible_to(user).get(pk=int(pk))
    except (Capacity.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该条目") from exc


class InstitutionFilters(Filters):
    """`q`: part of the name, or the whole credit code; `kind` and `status`: choices' values
    (anything else filters nothing)."""

    q: str = ""
    kind: str = ""
    status: str = ""


def institution_list(
    user: User, *, filters: InstitutionFilters | None = None
) -> QuerySet[Institution]:
    """The institution catalogue: its page, its API and its export."""
    f = filters or InstitutionFilters()
    rows = institutions_visible_to(user).select_related("region")
    if f.q:
        rows = rows.filter(Q(name__contains=f.q) | Q(uscc=f.q.upper()))
    if f.kind in InstitutionKind.values:
        rows = rows.filter(kind=f.kind)
    if f.status in CatalogueStatus.values:
        rows = rows.filter(status=f.status)
    return rows.order_by("region_id", "name", "id")


class CapacityFilters(Filters):
    """`kind`: a CapacityKind value; `year`; `q`: part of the name, occupations or master."""

    kind: str = ""
    year: int | None = None
    q: str = ""


def capacity_list(user: User, *, filters: CapacityFilters | None = None) -> QuerySet[Capacity]:
    """The capacity registry: its page, its API and its export."""
    f = filters or CapacityFilters()
    rows = capacity_visible_to(user)
    if f.kind in CapacityKind.values:
        rows = rows.filter(kind=f.kind)
    if f.year:
        rows = rows.filter(year=f.year)
    if f.q:
        rows = rows.filter(
            Q(name__contains=f.q) | Q(occupations__contains=f.q) | Q(master__contains=f.q)
        )
    return rows.order_by("kind", "-year", "name", "id")
