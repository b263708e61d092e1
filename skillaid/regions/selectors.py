"""Which regions a user may see."""

from __future__ import annotations

from skillaid.accounts.models import User

from .models import Level, Region, RegionQuerySet


def regions_visible_to(user: User) -> RegionQuerySet:
    return Region.objects.current().filter(code__startswith=user.region_prefix)


def regions_for_choice(user: User) -> list[Region]:
    """The province, cities and counties a user may pick for something of theirs."""
    return list(
        regions_visible_to(user)
        .filter(level__in=[Level.PROVINCE, Level.CITY, Level.COUNTY])
        .exclude(name="市辖区")
        .order_by("code")
    )


def counties_visible_to(user: User) -> RegionQuerySet:
    return regions_visible_to(user).filter(level=Level.COUNTY).exclude(name="市辖区")
