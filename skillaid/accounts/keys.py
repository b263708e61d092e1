"""The ID key: which key seals resident ID numbers, and the proof that it is the database's own.

A lost or wrong ID key must never pass unnoticed: with another key nothing opens,
look-ups find nobody and a re-import registers everyone a second time. So the
database keeps the check value of its key (`IdKey`), and `id_key_ready()`, run
when a process starts (the WSGI application, `skillaid serve`, `setup` through
migrate, the task worker, the import and export commands) and before the first
value a process seals or opens, refuses to go on with another key. It never
makes a new key while sealed data exists.

Apps with sealed columns name them with `register_sealed()` from their `ready()`,
so that this module (low in the stack) can tell whether anything is sealed, and
`skillaid rotate-id-key` knows what to re-seal.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from skillaid.lib.sealed import Key, Sealer

from .models import IdKey, IdKeyState


@dataclass(frozen=True)
class SealedColumn:
    model: str  # app label and model name, "people.Person"
    sealed: str  # field holding Sealer tokens
    index: str  # field holding the blind index of the same value ("" if none)


SEALED: list[SealedColumn] = []


def register_sealed(model: str, sealed: str, index: str = "") -> None:
    column = SealedColumn(model, sealed, index)
    if column not in SEALED:
        SEALED.append(column)


class IdKeyError(CommandError):
    """The configured ID key does not open this database; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__("SkillAid 拒绝启动：" + message + "未生成新密钥，未改动任何数据。")


@dataclass(frozen=True)
class Configured:
    secret: str
    where: str  # for messages: the environment variable or the file


def configured() -> Configured | None:
    """The ID key from SKILLAID_ID_KEY, else from the key file; None if neither is set."""
    return _configured(settings.SKILLAID_ID_KEY, "SKILLAID_ID_KEY", settings.SKILLAID_ID_KEY_FILE)


def configured_old() -> Configured | None:
    """The key a rotation replaces, from SKILLAID_ID_KEY_OLD or its file."""
    return _configured(
        settings.SKILLAID_ID_KEY_OLD, "SKILLAID_ID_KEY_OLD", settings.SKILLAID_ID_KEY_OLD_FILE
    )


def _configured(value: str, variable: str, path: Path) -> Configured | None:
    if value:
        return Configured(value, f"环境变量 {variable}")
    path = Path(path)
    if path.is_file():
        text = path.read_text().strip()
        if text:
            return Configured(text, f"文件 {path}")
    return None


def where_configured() -> str:
    return f"环境变量 SKILLAID_ID_KEY 或文件 {settings.SKILLAID_ID_KEY_FILE}"


_ready: dict[tuple, Sealer] = {}
notes: list[str] = []  # what the last id_key_ready() did, for commands to print


def _settings_key() -> tuple:
    return (
        settings.SKILLAID_ID_KEY,
        str(settings.SKILLAID_ID_KEY_FILE),
        settings.SKILLAID_ID_KEY_OLD,
        str(settings.SKILLAID_ID_KEY_OLD_FILE),
        connection.settings_dict.get("NAME"),
    )


def sealer() -> Sealer:
    """The sealer of this process, checked once against the database's key."""
    box = _ready.get(_settings_key())
    if box is None:
        box = id_key_ready()
    return box


def forget() -> None:
    """Check the key again at the next use (after the key or the database changed)."""
    _ready.clear()


def has_sealed_data() -> bool:
    return any(apps.get_model(c.model).objects.exists() for c in SEALED)


def _sample() -> str | None:
    """One sealed value, to learn which key sealed the data when no check value is stored."""
    for c in SEALED:
        token = (
            apps.get_model(c.model).objects.order_by("pk").values_list(c.sealed, flat=True).first()
        )
        if token:
            return token
    return None


def _opens(key: Key, token: str) -> bool:
    return Sealer.of(key).opens(token)


def _write_key_file(path: Path, secret: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created with its final permissions, and never over an existing file: a key
    # file that is there is somebody's key.
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise IdKeyError(
            f"密钥文件 {path} 已存在但读不到密钥（文件为空，或另一个进程刚刚创建它）："
            "请检查该文件后重试。"
        ) from exc
    with os.fdopen(handle, "w") as f:
        f.write(secret + "\n")


def id_key_ready() -> Sealer:
    """Prove that the configured ID key is this database's, or refuse; the process's sealer.

    On a database with nothing sealed and no key configured, makes the key file.
    On a database sealed before the ID key had its own setting (with SECRET_KEY),
    adopts SECRET_KEY as the ID key by copying it to the key file. Stores the check
    value when none is stored. Raises IdKeyError in every other case where the key
    does not fit, saying which key is expected and where it is configured.
    """
    notes.clear()
    with transaction.atomic():
        box = _id_key_ready()
    _ready[_settings_key()] = box
    return box


def _id_key_ready() -> Sealer:
    rows = {k.state: k for k in IdKey.objects.exclude(state=IdKeyState.RETIRED)}
    current, upcoming = rows.get(IdKeyState.CURRENT), rows.get(IdKeyState.NEXT)
    sealed = has_sealed_data()
    primary, old = configured(), configured_old()

    if primary is None:
        legacy = settings.SECRET_KEY and Key(settings.SECRET_KEY)
        if current is None and not sealed:
            secret = secrets.token_urlsafe(32)
            _write_key_file(settings.SKILLAID_ID_KEY_FILE, secret)
            notes.append(
                f"已生成身份证号密钥并保存到 {settings.SKILLAID_ID_KEY_FILE}，请与备份分开妥善保管。"
            )
        elif legacy and (
            (current is not None and legacy.check == current.check_value)
            or (current is None and (token := _sample()) is not None and _opens(legacy, token))
        ):
            # Databases sealed before the ID key had its own setting used SECRET_KEY.
            _write_key_file(settings.SKILLAID_ID_KEY_FILE, settings.SECRET_KEY)
            notes.append(
                f"数据库中的身份证号由 SECRET_KEY 加密：已将其复制为身份证号密钥 "
                f"{settings.SKILLAID_ID_KEY_FILE}（标识 {legacy.key_id}）。此后更换 SECRET_KEY "
                "不影响身份证号；建议用 skillaid rotate-id-key 换用独立密钥。"
            )
        else:
            known = f"（标识 {current.key_id}）" if current else ""
            raise IdKeyError(
                f"数据库中已有加密的身份证号{known}，但未配置身份证号密钥："
                f"环境变量 SKILLAID_ID_KEY 为空，文件 {settings.SKILLAID_ID_KEY_FILE} 不存在。"
                "请恢复该文件或设置 SKILLAID_ID_KEY 为原密钥。"
            )
        primary = configured()
        assert primary is not None
    box = Sealer(primary.secret, *([old.secret] if old else []))

    if current is None:
        if sealed:
            token = _sample()
            opener = next((k for k in box.keys if token and _opens(k, token)), None)
            if opener is None:
                raise IdKeyError(
                    f"数据库中已有加密的身份证号，但{primary.where}中的密钥（标识 {box.key_id}）"
                    f"打不开它们，数据库中也没有保存密钥校验值。请配置加密这些数据的原密钥（{where_configured()}）。"
                )
        else:
            opener = box.key
        current = IdKey.objects.create(
            key_id=opener.key_id,
            check_value=opener.check,
            state=IdKeyState.CURRENT,
            source=primary.where if opener is box.key else (old.where if old else ""),
        )

    if box.check == current.check_value:
        if upcoming is not None:
            raise IdKeyError(
                f"数据库正在轮换到标识为 {upcoming.key_id} 的身份证号密钥，部分数据已用新密钥加密，"
                f"但{primary.where}中仍是旧密钥（标识 {box.key_id}）。请将新密钥配置为 SKILLAID_ID_KEY、"
                "旧密钥配置为 SKILLAID_ID_KEY_OLD，再运行 skillaid rotate-id-key 完成轮换。"
            )
        return box
    if old is not None and box.older and box.older[0].check == current.check_value:
        # A rotation: the new key seals, the old one still opens.
        if upcoming is None:
            IdKey.objects.create(
                key_id=box.key_id,
                check_value=box.check,
                state=IdKeyState.NEXT,
                source=primary.where,
            )
        elif upcoming.check_value != box.check:
            raise IdKeyError(
                f"数据库正在轮换到标识为 {upcoming.key_id} 的身份证号密钥，而{primary.where}中的"
                f"新密钥标识为 {box.key_id}。请配置正在轮换的新密钥。"
            )
        return box
    if not sealed and upcoming is None:
        # Nothing is sealed yet: the configured key takes over from the one on record.
        IdKey.objects.filter(pk=current.pk).update(
            state=IdKeyState.RETIRED, retired_at=timezone.now()
        )
        IdKey.objects.filter(check_value=box.check).delete()
        IdKey.objects.create(
            key_id=box.key_id, check_value=box.check, state=IdKeyState.CURRENT, source=primary.where
        )
        return box
    retired = IdKey.objects.filter(check_value=box.check, state=IdKeyState.RETIRED).first()
    why = (
        f"它是 {retired.retired_at:%Y-%m-%d} 轮换后停用的旧密钥"
        if retired and retired.retired_at
        else "两者不是同一个密钥"
    )
    raise IdKeyError(
        f"身份证号密钥与数据库不符：数据库中的身份证号由标识为 {current.key_id} 的密钥加密，"
        f"而{primary.where}中的密钥标识为 {box.key_id}（{why}）。"
        f"请把标识为 {current.key_id} 的原密钥配置到{where_configured()}。"
    )


def id_key_at_start(stderr=None) -> Sealer:  # noqa: ANN001
    """`id_key_ready()` for a process that starts: what it did goes to `stderr`."""
    box = id_key_ready()
    for note in notes:
        (stderr or sys.stderr).write(note + "\n")
    return box


def rotation_in_progress() -> bool:
    """A rotation has started and not finished: some values are sealed under each key."""
    return IdKey.objects.filter(state=IdKeyState.NEXT).exists()
