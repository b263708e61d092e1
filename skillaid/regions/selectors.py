"""Which regions a user may see."""

from __future__ import annotations

from typing import Protocol

from .models import Level, Region, RegionQuerySet


class Placed(Protocol):
    """Anyone with a region: a user (accounts, above this app) passes its own prefix."""

    region_prefix: str


def regions_visible_to(user: Placed) -> RegionQuerySet:
    return Region.objects.current().filter(code__startswith=user.region_prefix)


def regions_for_choice(user: Placed) -> list[Region]:
    """The province, cities and counties a user may pick for something of theirs."""
    return list(
        regions_visible_to(user)
        .filter(level__in=[Level.PROVINCE, Level.CITY, Level.COUNTY])
        .exclude(name="市辖区")
        .order_by("code")
    )


def counties_visible_to(user: Placed) -> RegionQuerySet:
    return regions_visible_to(user).filter(level=Level.COUNTY).exclude(name="市辖区")


SEARCH_LIMIT = 100


def search_regions(text: str, *, level: str = "", current_only: bool = False) -> list[Region]:
    """Divisions whose name contains `text`, or whose code starts with it, retired ones included.

    The division table is public reference data, so the search is not limited to a
    user's scope: a clerk reading an old ID card looks up a code their county no
    longer has. At most SEARCH_LIMIT divisions, by code, each with its parents, its
    key-county standing and its resettlement sites loaded.
    """
    text = text.strip()
    if not text:
        return []
    regions = Region.objects.search(text)
    if level in Level.values:
        regions = regions.filter(level=level)
    if current_only:
        regions = regions.current()
    return list(
        regions.select_related("parent__parent", "key_county")
        .prefetch_related("resettlement_sites")
        .order_by("code")[:SEARCH_LIMIT]
    )
