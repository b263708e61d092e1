"""Who may see which institutions and capacity: the one place the scope is applied.

A school officer sees their own institution. Everyone else sees what lies in their
region, and the schools that apps above tie to it (pairings: a provincial school paired
with 马山县 is seen by 马山县's clerk).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from skillaid.accounts.models import Role, User

from .models import Capacity, Institution

# Apps above this one that tie an institution to a region (a school paired with a county)
# add the institutions a region sees through them: a function from a region prefix to a
# query of institution ids, registered from that app's ready().
_REACHES: list[Callable[[str], QuerySet]] = []


def reach_register(reach: Callable[[str], QuerySet]) -> None:
    if reach not in _REACHES:
        _REACHES.append(reach)


def _anonymous(user: User) -> bool:
    return not user.is_authenticated or not user.is_active


def institutions_visible_to(user: User) -> QuerySet[Institution]:
    if _anonymous(user):
        return Institution.objects.none()
    if user.role == Role.SCHOOL_OFFICER:
        return Institution.objects.filter(pk=user.institution_id)
    prefix = user.region_prefix
    if not prefix:
        return Institution.objects.all()
    seen = Q(region__code__startswith=prefix)
    for reach in _REACHES:
        seen |= Q(pk__in=reach(prefix))
    return Institution.objects.filter(seen)


def institution_for(user: User, pk: object) -> Institution:
    try:
        return institutions_visible_to(user).select_related("region").get(pk=int(pk))
    except (Institution.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该院校/机构") from exc


def capacity_visible_to(user: User) -> QuerySet[Capacity]:
    if _anonymous(user):
        return Capacity.objects.none()
    base = Capacity.objects.select_related("region", "institution")
    if user.role == Role.SCHOOL_OFFICER:
        return base.filter(institution_id=user.institution_id)
    return base.filter(region__code__startswith=user.region_prefix)


def capacity_for(user: User, pk: object) -> Capacity:
    try:
        return capacity_visible_to(user).get(pk=int(pk))
    except (Capacity.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该条目") from exc
