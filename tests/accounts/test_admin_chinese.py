"""/admin/ in Chinese: the third-party apps (axes, django-tasks-db, django-otp) included, with
English for a user whose browser asks for it; the shipped catalogue is the compiled .po."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape as html_unescape
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

import skillaid

pytestmark = pytest.mark.django_db

LOCALE = Path(skillaid.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
# Words that are names, not English: the user's login, and what axes records of a request
# without those headers (<unknown>).
NAMES = {"zhou", "unknown", "ID", "IP", "SkillAid", "sha", "HTTP", "Accept", "GET", "POST", "Unix"}

# What the rows below hold: a task's path, arguments and backend, a user name.
DATA = {"nobody", "default", "skillaid", "accounts", "jobs", "run", "job", "args", "kwargs"}


def visible_words(html: str) -> set[str]:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    text = html_unescape(re.sub(r"<[^>]+>", " ", text))
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - NAMES - DATA
    return {w for w in words if not re.fullmatch(r"[0-9a-f]+", w)}  # bar a UUID's pieces


def changelists() -> list[str]:
    return ["/admin/"] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]


def rows_of_every_kind(user) -> None:
    """A row in each third-party table, so that the lists show their columns and filters."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks_db.models import DBTaskResult

    seen = {"ip_address": "10.0.0.8", "username": "nobody", "user_agent": "", "path_info": "/"}
    AccessAttempt.objects.create(
        **seen, http_accept="", get_data="", post_data="", failures_since_start=3
    )
    AccessFailureLog.objects.create(**seen, http_accept="", locked_out=True)
    AccessLog.objects.create(**seen, http_accept="")
    TOTPDevice.objects.get_or_create(user=user, name="手机")
    StaticDevice.objects.get_or_create(user=user, name="备用")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="skillaid.accounts.jobs.run_job",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


def test_every_admin_list_and_record_is_in_chinese(client, zhou):
    rows_of_every_kind(zhou)
    client.force_login(zhou)
    for url in changelists():
        page = client.get(url)
        assert page.status_code == 200, url
        assert not visible_words(page.content.decode()), url
    for model in admin.site._registry:
        if model._meta.app_label not in {"axes", "otp_totp", "otp_static", "django_tasks_database"}:
            continue
        row = model._default_manager.first()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk]
        )
        assert not visible_words(client.get(url).content.decode()), url
    index = client.get("/admin/").content.decode()
    for name in ("登录防护", "登录尝试", "后台任务结果", "动态口令设备", "备用验证码"):
        assert name in index


def test_a_user_who_chooses_english_gets_the_admin_in_english(client, zhou):
    client.force_login(zhou)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Access attempts" in index and "Task Results" in index and "登录尝试" not in index


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_the_shipped_catalogue_is_the_compiled_po(tmp_path):
    built = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(built), str(LOCALE / "django.po")], check=True)
    assert built.read_bytes() == (LOCALE / "django.mo").read_bytes(), "run `make messages`"
