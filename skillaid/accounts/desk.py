"""What waits for a user (待办事项): each app says, for a user, what of its work waits for
them, and the desk (reports.desk) shows the lot with links into the lists behind them.

An app registers a provider from its ready(): a plain function of the user returning
`Todo` items, read only when the desk is drawn. A provider counts with indexed queries on
its own work tables (claims under review, follow-ups due), never a scan of people, and
counts only what lies in the user's scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Todo:
    label: str  # 待审核的培训班
    count: int
    url: str  # the list behind the count, filtered to exactly these items
    urgent: bool = False  # overdue or falling due: shown first and marked
    group: str = ""  # 培训 / 补贴 / 就业 … (the desk groups by it)
    note: str = ""  # one short line more: 最早一项于 12月15日 到期


Provider = Callable[[HttpRequest, object], Iterable[Todo]]
_PROVIDERS: list[tuple[int, str, Provider]] = []


def todo_register(provider: Provider, *, order: int = 100) -> None:
    """Add a provider: `provider(request, user)` gives that user's `Todo` items."""
    name = f"{provider.__module__}.{provider.__qualname__}"
    _PROVIDERS[:] = [p for p in _PROVIDERS if p[1] != name]
    _PROVIDERS.append((order, name, provider))
    _PROVIDERS.sort(key=lambda p: (p[0], p[1]))


def todos(request: HttpRequest, user: object) -> list[Todo]:
    """Every provider's items with something in them, urgent first, then in provider order."""
    items = [t for _, _, provider in _PROVIDERS for t in provider(request, user) if t.count]
    return sorted(items, key=lambda t: not t.urgent)
