"""The demand catalogue as listed by its page, its API and its export.

The catalogue is reference data every signed-in user reads whole: which training is
subsidised where and for how much. Only keeping it is limited (catalogue.edit).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User

from .models import DemandEntry


class DemandFilters(Filters):
    """`q`: an occupation's name (any part) or code (its start); `urgent`: urgently needed
    occupations only; `current`: entries in force today; `on`: entries in force that day."""

    q: str = ""
    urgent: bool = False
    current: bool = False
    on: dt.date | None = None


def catalogue_list(user: User, *, filters: DemandFilters | None = None) -> QuerySet[DemandEntry]:
    f = filters or DemandFilters()
    if not user.is_authenticated or not user.acts:
        return DemandEntry.objects.none()
    rows = DemandEntry.objects.select_related("occupation", "region")
    if f.q:
        rows = rows.filter(Q(occupation__name__contains=f.q) | Q(occupation__code__startswith=f.q))
    if f.urgent:
        rows = rows.filter(occupation__urgent=True)
    if f.current:
        rows = rows.in_force(timezone.localdate())
    if f.on:
        rows = rows.in_force(f.on)
    return rows.order_by("occupation__code", "occupation__name", "level", "-valid_from", "id")
