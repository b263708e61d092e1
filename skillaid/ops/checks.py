"""Operational checks of `skillaid check --ops`: one line each, OK, WARN or FAIL.

They answer what a monitor asks of a running SkillAid: are the settings safe, do
the keys open the database, can it write where it must, is the database there
and migrated, are jobs waiting too long, is the disk filling. None of them
changes anything.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from skillaid.accounts import keys
from skillaid.accounts.models import IdKey, IdKeyState
from skillaid.lib.sealed import Key


class Status(IntEnum):
    OK = 0
    WARN = 1
    FAIL = 2


@dataclass(frozen=True)
class Result:
    status: Status
    name: str
    message: str

    def line(self) -> str:
        return f"{self.status.name:<4}  {self.name:<22}  {self.message}"


def check_debug() -> Result:
    if settings.DEBUG:
        return Result(Status.WARN, "settings.debug", "DEBUG 已开启：生产环境必须关闭（DEBUG=0）")
    return Result(Status.OK, "settings.debug", "DEBUG 已关闭")


def _secret_key() -> str:
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty one
        return ""


def check_secret_key() -> Result:
    if not _secret_key():
        return Result(Status.FAIL, "settings.secret_key", "SECRET_KEY 为空")
    where = (
        "环境变量" if os.environ.get("SECRET_KEY") else f"文件 {settings.VAR_DIR / 'secret_key'}"
    )
    return Result(Status.OK, "settings.secret_key", f"SECRET_KEY 已设置（{where}）")


def check_id_key_setting() -> Result:
    primary = keys.configured()
    if primary is None:
        return Result(
            Status.FAIL,
            "settings.id_key",
            f"未配置身份证号密钥：{keys.where_configured()} 都没有",
        )
    if primary.secret == _secret_key():
        return Result(
            Status.WARN,
            "settings.id_key",
            f"身份证号密钥（{primary.where}）与 SECRET_KEY 相同（旧版本沿用）：请用 "
            "skillaid rotate-id-key 换用独立密钥",
        )
    return Result(
        Status.OK, "settings.id_key", f"身份证号密钥已配置（{primary.where}），不同于 SECRET_KEY"
    )


def check_allowed_hosts() -> Result:
    hosts = settings.ALLOWED_HOSTS
    if not hosts:
        status = Status.WARN if settings.DEBUG else Status.FAIL
        return Result(status, "settings.allowed_hosts", "ALLOWED_HOSTS 为空：所有请求都会被拒绝")
    if "*" in hosts:
        return Result(
            Status.WARN, "settings.allowed_hosts", "ALLOWED_HOSTS 含 *：任何主机名都被接受"
        )
    return Result(Status.OK, "settings.allowed_hosts", "ALLOWED_HOSTS = " + ",".join(hosts))


def _writable(name: str, path: Path) -> Result:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return Result(Status.FAIL, name, f"{path} 不可写：{exc.strerror or exc}")
    return Result(Status.OK, name, f"{path} 可写")


def check_var_dir() -> Result:
    return _writable("dirs.var", Path(settings.VAR_DIR))


def check_media_dir() -> Result:
    return _writable("dirs.media", Path(settings.MEDIA_ROOT))


def check_disk() -> Result:
    try:
        free = shutil.disk_usage(settings.VAR_DIR).free // (1024 * 1024)
    except OSError as exc:
        return Result(Status.FAIL, "disk.free", f"{settings.VAR_DIR}：{exc.strerror or exc}")
    floor = settings.SKILLAID_CHECK_MIN_FREE_MB
    text = f"{settings.VAR_DIR} 所在磁盘剩余 {free} MB（下限 {floor} MB）"
    if free < floor:
        return Result(Status.FAIL, "disk.free", text)
    if free < 2 * floor:
        return Result(Status.WARN, "disk.free", text + "，已不足下限的两倍")
    return Result(Status.OK, "disk.free", text)


def check_database() -> Result:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Result(Status.FAIL, "database.reachable", f"连接失败：{exc}".strip())
    return Result(Status.OK, "database.reachable", f"{connection.vendor} 数据库可连接")


def check_migrations() -> Result:
    # Every migration on disk against those recorded: a plan to the leaves would miss one
    # that was skipped below an applied merge.
    loader = MigrationExecutor(connection).loader
    missing = sorted(set(loader.graph.nodes) - set(loader.applied_migrations))
    if missing:
        names = ", ".join(f"{app}.{name}" for app, name in missing[:5])
        return Result(
            Status.FAIL,
            "database.migrations",
            f"{len(missing)} 个迁移未应用（{names}）：请运行 skillaid setup",
        )
    return Result(Status.OK, "database.migrations", "所有迁移均已应用")


def check_id_key() -> Result:
    """Read-only: the configured key against the stored check value (start-up would refuse)."""
    name = "keys.id_key"
    primary, old = keys.configured(), keys.configured_old()
    rows = {k.state: k for k in IdKey.objects.exclude(state=IdKeyState.RETIRED)}
    current, upcoming = rows.get(IdKeyState.CURRENT), rows.get(IdKeyState.NEXT)
    sealed = keys.has_sealed_data()
    if primary is None:
        if sealed or current is not None:
            return Result(Status.FAIL, name, "数据库已有密钥校验值或加密数据，但未配置身份证号密钥")
        return Result(Status.WARN, name, "尚未配置身份证号密钥：skillaid setup 会生成")
    key = Key(primary.secret)
    if current is None:
        return Result(
            Status.WARN,
            name,
            "数据库中没有保存密钥校验值：下次启动时"
            + ("核对加密数据后保存（打不开则拒绝启动）" if sealed else "保存"),
        )
    if key.check == current.check_value:
        if upcoming is not None:
            return Result(
                Status.FAIL, name, f"正在轮换到密钥 {upcoming.key_id}，但配置的仍是旧密钥"
            )
        if old is not None:
            return Result(
                Status.WARN,
                name,
                f"密钥 {key.key_id} 与数据库相符；轮换已完成，可从配置中去掉旧密钥（SKILLAID_ID_KEY_OLD）",
            )
        return Result(Status.OK, name, f"密钥 {key.key_id} 与数据库的校验值相符")
    if old is not None and Key(old.secret).check == current.check_value:
        done = ", ".join(
            f"{m} 至 id {n}" for m, n in (upcoming.progress if upcoming else {}).items()
        )
        return Result(
            Status.WARN,
            name,
            f"正在从密钥 {current.key_id} 轮换到 {key.key_id}（{done or '尚未开始'}）：请运行 skillaid rotate-id-key 完成",
        )
    if not sealed:
        return Result(
            Status.WARN,
            name,
            "配置的密钥与校验值不符，但数据库中尚无加密数据：下次启动时改用配置的密钥",
        )
    return Result(
        Status.FAIL,
        name,
        f"配置的密钥 {key.key_id}（{primary.where}）与数据库的密钥 {current.key_id} 不符：SkillAid 会拒绝启动",
    )


def check_jobs() -> Result:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    minutes = settings.SKILLAID_CHECK_JOB_MINUTES
    now = timezone.now()
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lt=now - dt.timedelta(minutes=minutes)
    ).count()
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1)
    ).count()
    pending = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    text = f"{pending} 个任务排队，其中 {waiting} 个已等待超过 {minutes} 分钟；24 小时内失败 {failed} 个"
    if waiting:
        return Result(Status.WARN, "jobs.pending", text + "：任务进程（db_worker）可能未运行")
    if failed:
        return Result(Status.WARN, "jobs.pending", text)
    return Result(Status.OK, "jobs.pending", text)


LOCAL: list[Callable[[], Result]] = [
    check_debug,
    check_secret_key,
    check_id_key_setting,
    check_allowed_hosts,
    check_var_dir,
    check_media_dir,
    check_disk,
]
# Run only when the database answers.
DATABASE: list[tuple[str, Callable[[], Result]]] = [
    ("database.migrations", check_migrations),
    ("keys.id_key", check_id_key),
    ("jobs.pending", check_jobs),
]


def run_checks() -> list[Result]:
    results = [check() for check in LOCAL]
    reachable = check_database()
    results.append(reachable)
    for name, check in DATABASE:
        if reachable.status == Status.FAIL:
            results.append(Result(Status.FAIL, name, "数据库无法连接，未检查"))
            continue
        try:
            results.append(check())
        except DatabaseError as exc:
            results.append(Result(Status.FAIL, name, f"查询失败：{exc}".strip()))
    return results
