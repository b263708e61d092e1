"""Who may see which institutions, pairings and capacity: the one place the scope is applied.

A school officer sees their own institution and its pairings. Everyone else sees
what lies in their region, and the schools paired with a county or site in it
(a provincial school paired with 马山县 is seen by 马山县's clerk).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from skillaid.accounts.models import Role, User

from .models import Capacity, Institution, Pairing


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
    paired = Pairing.objects.filter(
        Q(county__code__startswith=prefix) | Q(site__county__code__startswith=prefix)
    ).values("school_id")
    return Institution.objects.filter(Q(region__code__startswith=prefix) | Q(pk__in=paired))


def institution_for(user: User, pk: object) -> Institution:
    try:
        return institutions_visible_to(user).select_related("region").get(pk=int(pk))
    except (Institution.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该院校/机构") from exc


def pairings_visible_to(user: User) -> QuerySet[Pairing]:
    if _anonymous(user):
        return Pairing.objects.none()
    base = Pairing.objects.select_related("school", "county", "site", "site__county")
    if user.role == Role.SCHOOL_OFFICER:
        return base.filter(school_id=user.institution_id)
    prefix = user.region_prefix
    if not prefix:
        return base
    return base.filter(
        Q(county__code__startswith=prefix)
        | Q(site__county__code__startswith=prefix)
        | Q(school__region__code__startswith=prefix)
    )


def pairing_for(user: User, pk: object) -> Pairing:
    try:
        return pairings_visible_to(user).get(pk=int(pk))
    except (Pairing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该结对关系") from exc


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
