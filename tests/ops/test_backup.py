"""`skillaid backup` then `skillaid restore` into a new empty database gives back every row."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import TEST_ID_KEY

PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
CLI = [sys.executable, "-m", "skillaid"]


def skillaid(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"skillaid {' '.join(args)}: {done.stdout}{done.stderr}")
    return done


def environment(var: Path, url: str) -> dict:
    env = {**os.environ, "SKILLAID_VAR": str(var), "DATABASE_URL": url}
    env["SKILLAID_ID_KEY"] = TEST_ID_KEY
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


class Databases:
    """Scratch databases of the engine under test, made and dropped by the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path, self.made = tmp_path, []

    def url(self, name: str) -> str:
        if not PG:
            return f"sqlite:///{self.tmp_path / (name + '.sqlite3')}"
        import psycopg

        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        db = f"skillaid_backup_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{db}"')
        self.made.append((base, db))
        return f"{base}/{db}"

    def rows(self, url: str) -> dict[str, list[tuple]]:
        """Every row of every table, in a stable order."""
        if not PG:
            c = sqlite3.connect(url.removeprefix("sqlite:///"))
            tables = [
                n
                for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type='table'")
                if not n.startswith("sqlite_")
            ]
            out = {
                t: sorted(c.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
            }
            c.close()
            return out
        import psycopg

        with psycopg.connect(url) as c:
            tables = [
                n
                for (n,) in c.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            ]
            return {
                t: sorted(c.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
            }

    def drop(self) -> None:
        import psycopg

        for base, db in self.made:
            with psycopg.connect(base + "/postgres", autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture
def databases(tmp_path):
    dbs = Databases(tmp_path)
    yield dbs
    if PG:
        dbs.drop()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A SkillAid with people, users, reference data and an uploaded file (made once: slow)."""
    tmp_path = tmp_path_factory.mktemp("source")
    made = Databases(tmp_path)
    url = made.url("source")
    env = environment(tmp_path / "source", url)
    skillaid("setup", env=env)
    skillaid("demo-data", "--people", "120", env=env)
    media = tmp_path / "source" / "media" / "imports" / "202612"
    media.mkdir(parents=True)
    (media / "台账.xlsx").write_bytes(os.urandom(5000))
    yield env, url
    if PG:
        made.drop()


def test_backup_then_restore_into_a_new_database_gives_back_every_row_and_file(
    source, databases, tmp_path
):
    env, url = source
    backup = tmp_path / "backup.skb"
    done = skillaid("backup", "--output", str(backup), env=env)
    assert "sealed with ID key" in done.stdout
    assert backup.stat().st_mode & 0o077 == 0
    raw = backup.read_bytes()
    # Sealed, not merely packed: no table name nor division name shows through.
    assert (
        "马山县".encode() not in raw and b"CREATE TABLE" not in raw and b"people_person" not in raw
    )

    target_url = databases.url("target")
    target = environment(tmp_path / "target", target_url)
    done = skillaid("restore", str(backup), env=target)
    assert "checked against the manifest" in done.stdout
    before, after = databases.rows(url), databases.rows(target_url)
    assert before.keys() == after.keys()
    assert sum(len(r) for r in before.values()) > 7000
    for table in before:
        assert after[table] == before[table], table
    restored = tmp_path / "target" / "media" / "imports" / "202612" / "台账.xlsx"
    source_file = Path(env["SKILLAID_VAR"]) / "media" / "imports" / "202612" / "台账.xlsx"
    assert restored.read_bytes() == source_file.read_bytes()
    # The restored SkillAid finds its people with the same key.
    skillaid("export-ledger", str(tmp_path / "ledger.xlsx"), env=target)


def test_restore_refuses_a_database_that_is_not_empty(source, tmp_path):
    env, _ = source
    backup = tmp_path / "backup.skb"
    skillaid("backup", "--output", str(backup), env=env)
    done = skillaid("restore", str(backup), env=env, check=False)
    assert done.returncode != 0
    assert "不是空的" in done.stderr and "未做任何更改" in done.stderr


def test_a_backup_does_not_open_without_its_id_key_nor_when_altered(source, databases, tmp_path):
    env, _ = source
    backup = tmp_path / "backup.skb"
    skillaid("backup", "--output", str(backup), env=env)
    target = environment(tmp_path / "target", databases.url("target"))
    done = skillaid("restore", str(backup), env={**target, "SKILLAID_ID_KEY": "x"}, check=False)
    assert done.returncode != 0 and "打不开" in done.stderr
    altered = tmp_path / "altered.skb"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 1
    altered.write_bytes(bytes(data))
    done = skillaid("restore", str(altered), env=target, check=False)
    assert done.returncode != 0 and "损坏或被改动" in done.stderr
    cut = tmp_path / "cut.skb"
    cut.write_bytes(backup.read_bytes()[: len(data) - 100])
    done = skillaid("restore", str(cut), env=target, check=False)
    assert done.returncode != 0 and "未做任何更改" in done.stderr
