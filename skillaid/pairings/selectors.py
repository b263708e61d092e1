"""Who may see which pairings: the school's officer, and the bureaus of the school's region
and of the partner county or site."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.regions.models import code_prefix

from .models import Pairing


def schools_reached(prefix: str) -> QuerySet:
    """The schools paired with a county or site under `prefix`: its bureaus see them."""
    return Pairing.objects.filter(
        Q(county__code__startswith=prefix) | Q(site__county__code__startswith=prefix)
    ).values("school_id")


def pairings_visible_to(user: User) -> QuerySet[Pairing]:
    base = Pairing.objects.select_related("school", "county", "site", "site__county")
    scope = Scope.of(user)
    if scope.region_prefix is None or scope.everything:
        return scope.filter(base, region="county__code", institution="school_id")
    return base.filter(
        scope.q(region="county__code")
        | scope.q(region="site__county__code")
        | scope.q(region="school__region__code")
    )


def pairing_for(user: User, pk: object) -> Pairing:
    try:
        return pairings_visible_to(user).get(pk=int(pk))
    except (Pairing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该结对关系") from exc


class PairingFilters(Filters):
    """`region`: the partner county or site lies in this region; `q`: part of the school's
    name; `status`: `active` (not ended today) or `ended`."""

    region: str = ""
    q: str = ""
    status: str = ""


def pairing_list(user: User, *, filters: PairingFilters | None = None) -> QuerySet[Pairing]:
    """The pairings: the map page, the API and the export, by partner county."""
    f = filters or PairingFilters()
    rows = pairings_visible_to(user)
    if f.region:
        prefix = code_prefix(f.region)
        rows = rows.filter(
            Q(county__code__startswith=prefix) | Q(site__county__code__startswith=prefix)
        )
    if f.q:
        rows = rows.filter(school__name__contains=f.q)
    today = timezone.localdate()
    if f.status == "active":
        rows = rows.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
    elif f.status == "ended":
        rows = rows.filter(ended_on__lte=today)
    return rows.order_by("county__code", "site__county__code", "site__name", "id")
