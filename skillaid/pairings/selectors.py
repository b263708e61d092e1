"""Who may see which pairings: the school's officer, and the bureaus of the school's region
and of the partner county or site."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.regions.models import code_prefix

from .models import Pairing, SummaryDue


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
    name; `status`: `active` (not ended today) or `ended`; `summary`: with a half-year or
    annual summary `overdue`, or `due` within AHEAD_DAYS (the desk's two to-dos)."""

    region: str = ""
    q: str = ""
    status: str = ""
    summary: Literal["", "overdue", "due"] = ""


AHEAD_DAYS = 30


def summaries_owed(
    pairings: object, today: dt.date, *, ahead: int = AHEAD_DAYS
) -> list[tuple[Pairing, SummaryDue]]:
    """Each summary not yet submitted (nor waived) that fell due before `today` (this year's
    or last year's) or falls due within `ahead` days, with its pairing."""
    horizon = today + dt.timedelta(days=ahead)
    rows = pairings.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=dt.date(today.year - 1, 1, 1))
    ).prefetch_related("summaries")
    owed = []
    for pairing in rows:
        began = pairing.signed_on or timezone.localdate(pairing.created_at)
        for year in (today.year - 1, today.year):
            for due in pairing.summary_dues(year, today):
                if due.summary is not None or due.waived or due.due > horizon:
                    continue
                if due.due < began:
                    continue  # due before the pairing began: not one of its summaries
                owed.append((pairing, due))
    return owed


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
    if f.summary:
        late = f.summary == "overdue"
        owed = summaries_owed(rows, today)
        rows = rows.filter(pk__in={p.pk for p, due in owed if due.overdue == late})
    return rows.order_by("county__code", "site__county__code", "site__name", "id")
