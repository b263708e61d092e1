"""What of the training work waits for a user on their desk (accounts.desk): classes to
review for the bureaus, and for a school's officer the classes returned to them and the
classes whose sessions are over with completion still to record. Each count is of the
same classes the list it links to shows (training.selectors)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.desk import Todo

from .models import ClassStatus
from .selectors import classes_visible_to, completion_due

GROUP = "培训"


def training_todos(request: HttpRequest, user: object) -> list[Todo]:
    items = []
    classes = reverse("classes")
    if can(user, "class.review"):
        declared = classes_visible_to(user).filter(status=ClassStatus.DECLARED).count()
        items.append(
            Todo("个培训班待审核开班", declared, f"{classes}?status=declared", group=GROUP)
        )
    if can(user, "class.declare") and getattr(user, "institution_id", None):
        own = classes_visible_to(user)
        returned = own.filter(status=ClassStatus.RETURNED).count()
        items.append(
            Todo(
                "个培训班被退回，待修改后重新申报",
                returned,
                f"{classes}?status=returned",
                urgent=True,
                group=GROUP,
            )
        )
        ended = completion_due(own, timezone.now()).count()
        items.append(
            Todo(
                "个培训班课程已结束，待登记结业",
                ended,
                f"{classes}?step=completion",
                urgent=True,
                group=GROUP,
            )
        )
    return items
