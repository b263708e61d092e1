"""One file holding the database and the media folder, sealed with a key derived from the ID key.

The file is a tar stream sealed chunk by chunk (skillaid.lib.sealed.SealedWriter):
the database (SQLite's online backup, or `pg_dump --format=custom` on PostgreSQL),
every file under MEDIA_ROOT, and last a manifest with what restore checks: the
sha256 of every file and the row count of every table. Neither side holds the
database in memory; both work through a temporary folder under SKILLAID_VAR.
Without the ID key the file opens to nobody, by design: the ID numbers it holds
are the reason it is sealed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from skillaid.accounts import keys
from skillaid.lib.sealed import SealedFileError, SealedReader, SealedWriter, Sealer

PG_BIN = Path("/usr/lib/postgresql/15/bin")
MANIFEST = "manifest.json"
FORMAT = 1


class RestoreError(CommandError):
    """A backup that cannot be restored here; what was restored so far is said in the message."""


def pg_tool(name: str) -> str:
    found = shutil.which(name) or (str(PG_BIN / name) if (PG_BIN / name).is_file() else None)
    if found is None:
        raise CommandError(f"找不到 {name}：请安装 PostgreSQL 15 客户端（postgresql-client-15）")
    return found


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return [*args, "--dbname", str(db["NAME"])], env


def user_tables(cursor=None) -> list[str]:  # noqa: ANN001
    return sorted(
        t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")
    )


def count_rows(cursor, tables: list[str], quote=connection.ops.quote_name) -> dict[str, int]:  # noqa: ANN001
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _dump_database(folder: Path) -> tuple[Path, dict[str, int]]:
    """The database copied into `folder`, and the row count of each table in that copy."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = folder / "db.sqlite3"
        copy = sqlite3.connect(target)
        try:
            # The online backup API: a consistent copy while others keep writing.
            connection.connection.backup(copy)
            tables = sorted(
                name
                for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if not name.startswith("sqlite_")
            )
            counts = count_rows(copy.cursor(), tables, lambda t: '"' + t.replace('"', '""') + '"')
        finally:
            copy.close()
        return target, counts
    if connection.vendor == "postgresql":
        target = folder / "db.pgdump"
        args, env = _pg_args()
        # The counts and the dump read one snapshot: the counts are the dump's own.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = count_rows(cursor, user_tables(cursor))
            subprocess.run(
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target),
                    *args,
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        return target, counts
    raise CommandError(f"不支持备份 {connection.vendor} 数据库")


class _Hashing:
    """A file read through once, its sha256 taken on the way."""

    def __init__(self, f) -> None:  # noqa: ANN001
        self._f, self.sha256 = f, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._f.read(size)
        self.sha256.update(data)
        return data


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(
        (path.relative_to(root).as_posix(), path) for path in root.rglob("*") if path.is_file()
    )


def backup_write(output: Path) -> dict:
    """Write the backup to `output` (through a temporary name); returns the manifest."""
    box = keys.id_key_ready()
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix="backup-") as tmp:
        dump, counts = _dump_database(Path(tmp))
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "skillaid_version": importlib.metadata.version("skillaid"),
            "database": {"engine": connection.vendor, "file": f"database/{dump.name}"},
            "id_key": box.key_id,
            "migrations": _applied_migrations(),
            "tables": counts,
            "files": [],
        }
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as raw:
            sealed = SealedWriter(raw, box.key)
            with tarfile.open(fileobj=sealed, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                entries = [(f"database/{dump.name}", dump)]
                entries += [(f"media/{name}", path) for name, path in _media_files()]
                for name, path in entries:
                    info = tar.gettarinfo(str(path), arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with path.open("rb") as f:
                        hashing = _Hashing(f)
                        tar.addfile(info, hashing)
                    manifest["files"].append(
                        {"path": name, "size": info.size, "sha256": hashing.sha256.hexdigest()}
                    )
                text = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = (
                    len(text),
                    0o600,
                    int(dt.datetime.now().timestamp()),
                )
                tar.addfile(info, _Hashing(_Bytes(text)))
            sealed.close()
            raw.flush()
            os.fsync(raw.fileno())
    partial.replace(output)
    return manifest


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._pos + size
        chunk, self._pos = self._data[self._pos : end], min(end, len(self._data))
        return chunk


def _configured_sealer() -> Sealer:
    """The configured keys, without asking the (empty) database anything."""
    primary, old = keys.configured(), keys.configured_old()
    if primary is None:
        raise RestoreError(
            "恢复备份需要加密它的身份证号密钥：请设置环境变量 SKILLAID_ID_KEY 或放回文件 "
            f"{settings.SKILLAID_ID_KEY_FILE}。未做任何更改。"
        )
    return Sealer(primary.secret, *([old.secret] if old else []))


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise RestoreError(f"备份中的文件名不安全：{name}。未做任何更改。")
    return path


def backup_restore(path: Path) -> dict:
    """Restore a backup into this empty database and media folder; returns the manifest."""
    box = _configured_sealer()
    connection.ensure_connection()
    present = user_tables()
    if present:
        raise RestoreError(
            f"目标数据库不是空的（已有 {len(present)} 张表，例如 {present[0]}）：restore 只恢复到"
            "空数据库，以免覆盖现有数据。请新建一个空数据库（DATABASE_URL）后再试。未做任何更改。"
        )
    media = Path(settings.MEDIA_ROOT)
    if _media_files():
        raise RestoreError(
            f"媒体文件夹 {media} 中已有文件：restore 不覆盖它们，请换用空文件夹（SKILLAID_VAR）。"
            "未做任何更改。"
        )
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix="restore-") as tmp:
        staging = Path(tmp)
        hashes = _unpack(Path(path), box, staging)
        manifest = json.loads((staging / MANIFEST).read_text())
        _check_files(manifest, hashes)
        if manifest["database"]["engine"] != connection.vendor:
            raise RestoreError(
                f"这是 {manifest['database']['engine']} 数据库的备份，不能恢复到 "
                f"{connection.vendor} 数据库。未做任何更改。"
            )
        _load_database(staging / manifest["database"]["file"])
        for entry in manifest["files"]:
            name = PurePosixPath(entry["path"])
            if name.parts[0] == "media":
                target = media.joinpath(*name.parts[1:])
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staging / name, target)
    with connection.cursor() as cursor:
        counts = count_rows(cursor, user_tables(cursor))
    if counts != manifest["tables"]:
        wrong = sorted(
            t
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        )
        raise RestoreError(
            "恢复后的行数与备份清单不符："
            + "、".join(
                f"{t}（清单 {manifest['tables'].get(t)}，实际 {counts.get(t)}）" for t in wrong
            )
        )
    keys.forget()
    keys.id_key_ready()
    return manifest


def _unpack(path: Path, box: Sealer, staging: Path) -> dict[str, str]:
    hashes = {}
    try:
        with path.open("rb") as raw:
            reader = SealedReader(raw, box)
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for member in tar:
                    name = _safe_name(member.name)
                    if not member.isfile():
                        raise RestoreError(
                            f"备份中有不是普通文件的条目：{member.name}。未做任何更改。"
                        )
                    target = staging.joinpath(*name.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256()
                    source = tar.extractfile(member)
                    with target.open("wb") as out:
                        while block := source.read(1 << 20):
                            digest.update(block)
                            out.write(block)
                    hashes[member.name] = digest.hexdigest()
    except SealedFileError as exc:
        raise RestoreError(f"{path}：{exc}。未做任何更改。") from exc
    except tarfile.TarError as exc:
        raise RestoreError(f"{path}：备份内容无法读取（{exc}）。未做任何更改。") from exc
    if MANIFEST not in hashes:
        raise RestoreError(f"{path}：备份中没有清单 {MANIFEST}。未做任何更改。")
    return hashes


def _check_files(manifest: dict, hashes: dict[str, str]) -> None:
    listed = {e["path"]: e["sha256"] for e in manifest["files"]}
    found = {k: v for k, v in hashes.items() if k != MANIFEST}
    wrong = sorted(n for n in set(listed) | set(found) if listed.get(n) != found.get(n))
    if wrong:
        raise RestoreError(
            "备份中的文件与清单的 sha256 不符：" + "、".join(wrong[:10]) + "。未做任何更改。"
        )


def _load_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        # Into a new file rather than the open, empty one: the copy then takes the page
        # size of the backup, which a database already in WAL mode could not.
        target = Path(connection.settings_dict["NAME"])
        connection.close()
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        source, copy = sqlite3.connect(dump), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return
    args, env = _pg_args()
    connection.close()
    done = subprocess.run(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            *args,
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RestoreError(f"pg_restore 失败，数据库未改动：{done.stderr.strip()[-2000:]}")
