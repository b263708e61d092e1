"""What of the pairings waits for a school on its desk (accounts.desk): the half-year and
annual summaries (结对工作总结) falling due within 30 days or overdue, by the one rule of
their due dates (Pairing.summary_dues)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.desk import Todo
from skillaid.accounts.models import User

from .selectors import pairings_visible_to, summaries_owed


def pairing_todos(request: HttpRequest, user: User) -> list[Todo]:
    if not can(user, "pairing.report"):
        return []
    owed = summaries_owed(pairings_visible_to(user), timezone.localdate())
    overdue = [o for o in owed if o[1].overdue]
    soon = [o for o in owed if not o[1].overdue]
    url = reverse("pairings")
    first = min((d.due for _, d in soon), default=None)
    return [
        Todo(
            "份结对工作总结已逾期未报送",
            len(overdue),
            f"{url}?summary=overdue",
            urgent=True,
            group="结对帮扶",
        ),
        Todo(
            "份结对工作总结30天内到期",
            len(soon),
            f"{url}?summary=due",
            group="结对帮扶",
            note=f"最早于{first.month}月{first.day}日到期" if first else "",
        ),
    ]
