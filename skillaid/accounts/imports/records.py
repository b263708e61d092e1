"""The history of imports: who imported which file when, what it did, and its report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportRecord(models.Model):
    """One import of one file, by page, job or command, kept after its files are purged.

    The counts and the first problems stay for good; the report workbook is deleted with
    the job's files after SKILLAID_FILE_RETENTION_DAYS (`skillaid purge-files`).
    """

    kind = models.CharField("类型", max_length=32)
    label = models.CharField("导入", max_length=32)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField("导入人", max_length=150, blank=True)
    # The owner's scope at the time (see jobs.scope_of), so the record is listed within it.
    scope_region = models.CharField("范围", max_length=12, blank=True, db_index=True)
    scope_institution = models.PositiveIntegerField("范围（院校）", null=True, blank=True)
    job = models.ForeignKey(
        "accounts.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField("渠道", max_length=16)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    dry_run = models.BooleanField("试导入", default=False)
    started_at = models.DateTimeField("开始时间", default=timezone.now, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    counts = models.JSONField("结果", default=dict, blank=True)
    # The first problems, each with row, column, person, message and whether it was refused.
    problems = models.JSONField(default=list, blank=True)
    report = models.FileField("问题行报告", max_length=255, blank=True)
    error = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"

    def __str__(self) -> str:
        return f"{self.label} {self.filename} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def problem_count(self) -> int:
        return int(self.counts.get("rejected", 0)) + int(self.counts.get("warnings", 0))

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def report_open_to(self, user) -> bool:  # noqa: ANN001
        """Whether `user` may take the problem-row report. It holds whole ID numbers as the
        clerk typed them, so they can fix the rows: its owner may, and those whose role
        sees whole ID numbers. Others in scope see the record and its counts only."""
        return bool(self.report) and (self.owner_id == user.pk or user.can_reveal_ids)
