"""Notices (消息提醒): what happened that a user should know of, shown on their desk and
kept in their list of notices.

A notice is recorded when something of theirs is returned, approved, published, paid,
falls due, or a job of theirs finishes. Apps at any layer call `notify()`; the review
mechanism (accounts.review) does so itself for every return and approval. A notice names
a record and links to it; it never carries a whole ID number, and it goes only to users
who may open the record it links to (the caller's duty: the maker, the record's county).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone


class NoticeKind(models.TextChoices):
    RETURNED = "returned", "退回"
    APPROVED = "approved", "审核通过"
    PUBLISHED = "published", "公示"
    PAID = "paid", "发放"
    DUE = "due", "到期提醒"
    FINISHED = "finished", "任务完成"
    ASSIGNED = "assigned", "指派"


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField("类型", max_length=16, choices=NoticeKind.choices)
    text = models.CharField("内容", max_length=255)
    url = models.CharField("链接", max_length=255, blank=True)
    # A notice that must be recorded once (a deadline falling due): the same key for the
    # same user is refused by the database, so a job run twice records it once.
    key = models.CharField(max_length=128, blank=True, default="")
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "消息提醒"
        verbose_name_plural = "消息提醒"
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notice_key_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text}"


def notify(users: Iterable[object], kind: str, text: str, *, url: str = "", key: str = "") -> int:
    """Record one notice for each of `users` (users or user ids); returns how many were
    recorded. With a `key`, a user who already has that key's notice gets no second one."""
    count = 0
    seen: set[int] = set()
    for user in users:
        user_id = getattr(user, "pk", user)
        if user_id is None or user_id in seen:
            continue
        seen.add(user_id)
        notice = Notice(user_id=user_id, kind=kind, text=text[:255], url=url[:255], key=key)
        if key:
            try:
                with transaction.atomic():
                    notice.save()
            except IntegrityError:
                continue
        else:
            notice.save()
        count += 1
    return count


def notices_of(user: object) -> models.QuerySet[Notice]:
    return Notice.objects.filter(user_id=getattr(user, "pk", user))


def unread_count(user: object) -> int:
    return notices_of(user).filter(read_at__isnull=True).count()
