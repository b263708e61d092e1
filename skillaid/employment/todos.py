"""What of the employment services waits for the county bureau (the 就业服务 page's figures
and each desk's to-dos, accounts.desk): follow-ups overdue and due this week, seekers owed
referrals, placements to confirm. Counted once here, from the selectors of the lists they
link to (followups_due, short_of_referrals, placement_list)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.desk import Todo
from skillaid.accounts.models import User

from .followups import followups_due
from .placements import PlacementFilters, placement_list
from .referrals import short_of_referrals

GROUP = "就业"


def work_counts(user: User, *, on: dt.date) -> dict[str, int]:
    """overdue, week (due from `on` to Sunday), short (owed referrals), unconfirmed."""
    work = followups_due(user, on=on)
    return {
        "short": short_of_referrals(user, on=on).count(),
        "overdue": work.overdue.count(),
        "week": work.week.count(),
        "unconfirmed": placement_list(user, filters=PlacementFilters(confirmed="0")).count(),
    }


def employment_todos(request: HttpRequest, user: User) -> list[Todo]:
    follows, confirms = can(user, "seeker.edit"), can(user, "placement.confirm")
    if not (follows or confirms):
        return []
    counts = work_counts(user, on=timezone.localdate())
    items = []
    if follows:
        followups = reverse("employment_followups")
        items += [
            Todo("人就业回访已逾期", counts["overdue"], f"{followups}#overdue", True, GROUP),
            Todo("人本周应回访", counts["week"], f"{followups}#week", group=GROUP),
            Todo("人推介岗位不足3个", counts["short"], reverse("employment_short"), group=GROUP),
        ]
    if confirms:
        items.append(
            Todo(
                "条就业登记待核实",
                counts["unconfirmed"],
                f"{reverse('employment_placements')}?confirmed=0",
                group=GROUP,
            )
        )
    return items
