"""The user's own imports and other jobs that finished in the last seven days, on their desk
(accounts.desk), so that a clerk who closed the tab finds the result again: one job links to
its page, several to 我的任务 (`job_list`) cut to the jobs that ended these days."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from .desk import Todo
from .jobs import Job, JobState

DAYS = 7


def finished_jobs(user: object, *, now: dt.datetime | None = None):  # noqa: ANN201
    since = (now or timezone.now()) - dt.timedelta(days=DAYS)
    return Job.objects.filter(
        owner_id=getattr(user, "pk", None),
        state__in=(JobState.DONE, JobState.FAILED),
        created_at__gte=since - dt.timedelta(days=1),
        finished_at__gte=since,
    )


def job_todos(request: HttpRequest, user: object) -> list[Todo]:
    jobs = finished_jobs(user)
    count = jobs.count()
    if not count:
        return []
    url = f"{reverse('job_list')}?finished=1"
    if count == 1:
        url = reverse("job", args=[jobs.values_list("pk", flat=True).get()])
    failed = jobs.filter(state=JobState.FAILED).count()
    return [
        Todo(
            f"项导入或任务近{DAYS}天已结束",
            count,
            url,
            group="导入与任务",
            note=f"其中{failed}项失败" if failed else "",
        )
    ]
