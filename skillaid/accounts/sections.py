"""Sections that an app higher in the stack adds to a page of a lower one.

A lower app's page may show what higher apps know of its object: the person page shows
the training record kept by `training`, a school's page its pairings kept by `pairings`.
The lower app never imports the higher one; the higher app registers a plain function
from its AppConfig.ready(), and the page renders whatever is registered for it, in order.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Section = Callable[[HttpRequest, object], str]

_SECTIONS: dict[str, list[tuple[int, Section]]] = {}


def section_register(page: str, render: Section, *, order: int = 100) -> None:
    """Add `render(request, obj) -> html` to `page`; registering the same function twice
    (a second ready() in tests) keeps one."""
    entries = _SECTIONS.setdefault(page, [])
    if all(fn is not render for _, fn in entries):
        entries.append((order, render))
        entries.sort(key=lambda e: e[0])


def sections(page: str, request: HttpRequest, obj: object) -> list[SafeString]:
    """The rendered sections of `page` for `obj`; a section with nothing to show returns ''."""
    out = []
    for _, render in _SECTIONS.get(page, []):
        html = render(request, obj)
        if html:
            out.append(mark_safe(html))  # noqa: S308 - rendered by our own templates
    return out
