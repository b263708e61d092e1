"""What the desk lists for a user, read as the desk reads it (accounts.desk.todos)."""

from __future__ import annotations

from django.test import RequestFactory

from skillaid.accounts.desk import todos


def items(user, group: str = "") -> dict[str, tuple[int, str]]:  # noqa: ANN001
    """label → (count, url) of the user's to-dos (of one group)."""
    request = RequestFactory().get("/")
    request.user = user
    return {
        t.label: (t.count, t.url) for t in todos(request, user) if not group or t.group == group
    }
