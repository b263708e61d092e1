"""Notices of work falling due (到期提醒), recorded once each by `skillaid notices-due`,
which the scheduler runs daily: the county bureau's employment follow-ups due this week or
overdue (a count per county and day, never the people's names), and a school's pairing
summaries falling due within 30 days or overdue (pairings.selectors.summaries_owed, the rule
of Pairing.summary_dues). Each notice has a key, so a second run the same day records
nothing more. Report deadlines are recorded by `skillaid deadlines-notify`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from skillaid.accounts.models import Role, User
from skillaid.accounts.notices import NoticeKind, notify
from skillaid.employment.followups import week_of
from skillaid.employment.models import FollowUp
from skillaid.pairings.models import Pairing
from skillaid.pairings.selectors import summaries_owed


def _users(**where: object):  # noqa: ANN202
    return User.objects.filter(is_active=True, **where).values_list("pk", flat=True)


def followups_due_notices(today: dt.date) -> int:
    """One notice a day to each county clerk whose county has follow-ups overdue or due
    by Sunday."""
    _, sunday = week_of(today)
    rows = (
        FollowUp.objects.filter(done_on__isnull=True, due_on__lte=sunday)
        .values("county_id", "county__name")
        .annotate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            week=Count("pk", filter=Q(due_on__gte=today)),
        )
        .order_by("county_id")
    )
    url = reverse("employment_followups")
    sent = 0
    for row in rows:
        parts = []
        if row["overdue"]:
            parts.append(f"{row['overdue']}人已逾期")
        if row["week"]:
            parts.append(f"{row['week']}人本周（{sunday.month}月{sunday.day}日前）应回访")
        text = f"{row['county__name']}的就业回访：" + "，".join(parts)
        clerks = _users(role=Role.COUNTY_CLERK, region_id=row["county_id"])
        key = f"due:followups:{row['county_id']}:{today.isoformat()}"
        anchor = "#overdue" if row["overdue"] else "#week"
        sent += notify(clerks, NoticeKind.DUE, text, url=url + anchor, key=key)
    return sent


def summaries_due_notices(today: dt.date) -> int:
    """To each paired school's officers, once for a summary coming due within 30 days and
    once more when it is overdue."""
    pairings = Pairing.objects.select_related("school", "county", "site")
    sent = 0
    for pairing, due in summaries_owed(pairings, today):
        state = "overdue" if due.overdue else "soon"
        when = f"{due.due.year}年{due.due.month}月{due.due.day}日"
        text = f"{pairing.school.name}与{pairing.partner_name}结对的{due.label}" + (
            f"已于{when}到期，尚未报送" if due.overdue else f"将于{when}到期，请按时报送"
        )
        officers = _users(role=Role.SCHOOL_OFFICER, institution_id=pairing.school_id)
        key = f"due:summary:{pairing.pk}:{due.due.isoformat()}:{state}"
        url = reverse("pairing_summary", args=[pairing.pk])
        sent += notify(officers, NoticeKind.DUE, text, url=url, key=key)
    return sent


def notices_due(today: dt.date) -> dict[str, int]:
    return {
        "followups": followups_due_notices(today),
        "summaries": summaries_due_notices(today),
    }
