"""Which regions a user may see."""

from __future__ import annotations

from skillaid.accounts.models import User

from .models import Level, Region, RegionQuerySet


def regions_visible_to(user: User) -> RegionQuerySet:
    return Region.objects.current().filter(code__startswith=user.region_prefix)


def counties_visible_to(user: User) -> RegionQuerySet:
    return regions_visible_to(user).filter(level=Level.COUNTY).exclude(name="市辖区")
