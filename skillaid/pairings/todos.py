"""What of the pairings waits for a school on its desk (accounts.desk): the half-year and
annual summaries (结对工作总结) falling due within 30 days or overdue, by the one rule of
their due dates (Pairing.summary_dues)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.desk import Todo
from skillaid.accounts.models import User

from .models import Pairing, SummaryDue
from .selectors import pairings_visible_to

AHEAD_DAYS = 30


def summaries_owed(
    pairings: object, today: dt.date, *, ahead: int = AHEAD_DAYS
) -> list[tuple[Pairing, SummaryDue]]:
    """Each summary not yet submitted (nor waived) that fell due before `today` (this year's
    or last year's) or falls due within `ahead` days, with its pairing."""
    horizon = today + dt.timedelta(days=ahead)
    rows = pairings.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=dt.date(today.year - 1, 1, 1))
    ).prefetch_related("summaries")
    owed = []
    for pairing in rows:
        began = pairing.signed_on or timezone.localdate(pairing.created_at)
        for year in (today.year - 1, today.year):
            for due in pairing.summary_dues(year, today):
                if due.summary is not None or due.waived or due.due > horizon:
                    continue
                if due.due < began:
                    continue  # due before the pairing began: not one of its summaries
                owed.append((pairing, due))
    return owed


def pairing_todos(request: HttpRequest, user: User) -> list[Todo]:
    if not can(user, "pairing.report"):
        return []
    owed = summaries_owed(pairings_visible_to(user), timezone.localdate())
    overdue = [o for o in owed if o[1].overdue]
    soon = [o for o in owed if not o[1].overdue]
    url = f"{reverse('pairings')}?status=active"
    first = min((d.due for _, d in soon), default=None)
    return [
        Todo("份结对工作总结已逾期未报送", len(overdue), url, urgent=True, group="结对帮扶"),
        Todo(
            "份结对工作总结30天内到期",
            len(soon),
            url,
            group="结对帮扶",
            note=f"最早于{first.month}月{first.day}日到期" if first else "",
        ),
    ]
