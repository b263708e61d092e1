"""Who may see which pairings: the school's officer, and the bureaus of the school's region
and of the partner county or site."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from skillaid.accounts.models import Role, User

from .models import Pairing


def _anonymous(user: User) -> bool:
    return not user.is_authenticated or not user.is_active


def schools_reached(prefix: str) -> QuerySet:
    """The schools paired with a county or site under `prefix`: its bureaus see them."""
    return Pairing.objects.filter(
        Q(county__code__startswith=prefix) | Q(site__county__code__startswith=prefix)
    ).values("school_id")


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
