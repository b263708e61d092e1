"""Wiring of the random inspections: the pages an inspector's account may open."""

from __future__ import annotations

from skillaid.accounts.middleware import inspector_pages_register


def ready() -> None:
    inspector_pages_register("inspection_item", "inspection_public", home="inspector_home")
