"""Divisions over HTTP: the same search as the look-up page."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from .models import Region
from .selectors import search_regions

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    full_name: str
    is_current: bool
    valid_to: int | None
    history: str
    key_county_category: str | None
    resettlement_sites: list[str]


def _out(region: Region) -> RegionOut:
    key = getattr(region, "key_county", None)
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        parent_code=region.parent_id,
        full_name=region.full_name,
        is_current=region.is_current,
        valid_to=region.valid_to,
        history=region.history,
        key_county_category=key.category if key else None,
        resettlement_sites=[s.name for s in region.resettlement_sites.all()],
    )


@router.get("", response=list[RegionOut])
def regions(request: HttpRequest, q: str, level: str = "", current: bool = False):  # noqa: ANN201
    """Divisions whose name contains `q` or whose code starts with it (at most 100, by code).

    Retired codes are included unless `current` is true; `level` is province, city or county.
    """
    return [_out(r) for r in search_regions(q, level=level, current_only=current)]
