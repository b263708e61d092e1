"""Checking the audit log's hash chain, and moving entries past their keeping time to a file."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from skillaid.lib import chain

from .models import (
    CHAINED_FIELDS,
    Action,
    AuditAnchor,
    AuditEntry,
    Channel,
    User,
    audit,
    chain_head,
    chained_values,
)

ARCHIVE_KIND = "skillaid-audit-archive"
_VALUES = ("id", *CHAINED_FIELDS, "hash")


@dataclass
class Broken:
    entry_id: int
    at: str
    reason: str


@dataclass
class Verdict:
    entries: int
    start: str  # where the walk began: the beginning, or after an archive anchor
    last_hash: str
    broken: Broken | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def report(self) -> str:
        if self.broken is None:
            return f"intact, {self.entries} entries ({self.start}); last hash {self.last_hash}"
        b = self.broken
        return (
            f"broken at entry {b.entry_id} ({b.at}): {b.reason}; "
            f"{self.entries} entries before it are intact ({self.start})"
        )


def _walk(rows: Iterator[dict], previous: str, start: str) -> Verdict:
    n = 0
    for row in rows:
        if chain.link(chained_values(row), previous) != row["hash"]:
            at = row["at"] if isinstance(row["at"], str) else chain.moment(row["at"])
            reason = (
                "its hash does not match its fields and the hash before it: the entry was "
                "changed, or an entry before it was removed or inserted"
            )
            return Verdict(n, start, previous, Broken(row["id"], at, reason))
        previous = row["hash"]
        n += 1
    return Verdict(n, start, previous)


def audit_verify() -> Verdict:
    """Walk the chain in id order from the newest archive anchor (or the beginning)."""
    anchor = AuditAnchor.objects.order_by("-last_id").first()
    entries = AuditEntry.objects.order_by("id")
    if anchor is None:
        previous, start = chain.GENESIS, "from the first entry"
    else:
        previous = anchor.last_hash
        start = f"after entry {anchor.last_id}, archived to {anchor.file}"
        # An entry at or before the anchor should have left with the archive.
        stray = entries.filter(id__lte=anchor.last_id).values("id", "at").first()
        if stray is not None:
            reason = "it is older than the last archived entry, yet still in the table"
            broken = Broken(stray["id"], chain.moment(stray["at"]), reason)
            return Verdict(0, start, previous, broken)
        entries = entries.filter(id__gt=anchor.last_id)
    verdict = _walk(entries.values(*_VALUES).iterator(chunk_size=5000), previous, start)
    if anchor is not None and verdict.intact and not _confirmed(anchor, entries):
        # An anchor is a row anyone with write access could add after deleting the oldest
        # entries; the archiving itself is logged in the chain, so the two must agree.
        reason = "the archive anchor is not confirmed by a logged archiving of the same entries"
        verdict.broken = Broken(anchor.last_id, chain.moment(anchor.last_at), reason)
    return verdict


def _confirmed(anchor: AuditAnchor, entries) -> bool:  # noqa: ANN001
    """Whether the chain after `anchor` holds the entry `audit_archive` wrote for it."""
    for changes in entries.filter(
        object_type="accounts.auditentry", action=Action.DELETE, object_id=str(anchor.last_id)
    ).values_list("changes", flat=True):
        if (
            changes.get("last_id") == anchor.last_id
            and changes.get("archived") == anchor.entries
            and changes.get("last_hash") == anchor.last_hash
        ):
            return True
    return False


def archive_verify(path: Path) -> Verdict:
    """Walk the chain inside an archive file written by `audit_archive`."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        header = json.loads(f.readline())
        if header.get("kind") != ARCHIVE_KIND:
            raise ValueError(f"{path} is not an audit archive")
        start = f"archive of entries {header['first_id']} to {header['last_id']}"
        verdict = _walk((json.loads(line) for line in f), header["previous_hash"], start)
    if verdict.intact and verdict.entries != header["entries"]:
        reason = f"the archive says {header['entries']} entries but holds {verdict.entries}"
        verdict.broken = Broken(header["last_id"], "", reason)
    return verdict


class ArchiveRefused(Exception):
    pass


def audit_archive(*, before: dt.date, output: Path, actor: User) -> AuditAnchor | None:
    """Move the entries older than `before` to `output` (gzip, JSON lines) and delete them.

    Only entries kept SKILLAID_AUDIT_KEEP_DAYS (at least six months) may go. The
    archive holds each entry's hash and the hash before the first, so it verifies
    on its own; an AuditAnchor keeps the last archived hash, where the table's chain
    now begins. Entries go in id order, up to the first one that is not old enough.
    Returns None if nothing is old enough.
    """
    keep = settings.SKILLAID_AUDIT_KEEP_DAYS
    newest_allowed = timezone.localdate() - dt.timedelta(days=keep)
    if before > newest_allowed:
        raise ArchiveRefused(
            f"entries are kept at least {keep} days: --before may be {newest_allowed} at the latest"
        )
    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=timezone.get_current_timezone())
    if output.exists():
        raise ArchiveRefused(f"{output} exists; choose a new file")
    with transaction.atomic():
        previous = chain_head()  # holds the chain's lock: no entry is written meanwhile
        anchor = AuditAnchor.objects.order_by("-last_id").first()
        entries = AuditEntry.objects.order_by("id")
        if anchor is not None:
            entries = entries.filter(id__gt=anchor.last_id)
        young = entries.filter(at__gte=cutoff).values_list("id", flat=True).first()
        if young is not None:
            entries = entries.filter(id__lt=young)
        first = entries.values("id", "at").first()
        if first is None:
            return None
        previous = anchor.last_hash if anchor is not None else chain.GENESIS
        last = entries.order_by("-id").values("id", "at", "hash").first()
        count = entries.count()
        partial = output.with_name(output.name + ".partial")
        with gzip.open(partial, "wt", encoding="utf-8") as f:
            header = {
                "kind": ARCHIVE_KIND,
                "previous_hash": previous,
                "first_id": first["id"],
                "last_id": last["id"],
                "entries": count,
                "written_at": timezone.now().isoformat(),
            }
            f.write(json.dumps(header, ensure_ascii=False) + "\n")
            for row in entries.values(*_VALUES).iterator(chunk_size=5000):
                line = dict(
                    zip(_VALUES, [row["id"], *chained_values(row), row["hash"]], strict=True)
                )
                line["changes"] = row["changes"]
                if chain.link(chained_values(line), previous) != row["hash"]:
                    partial.unlink()
                    raise ArchiveRefused(
                        f"the chain is broken at entry {row['id']}; run `skillaid audit verify` "
                        "and find out why before archiving"
                    )
                previous = row["hash"]
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        partial.rename(output)
        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        with connection.cursor() as cursor:
            # The ORM refuses deletes from the log; archiving is the one sanctioned way out.
            cursor.execute(
                f"DELETE FROM {table} WHERE id >= %s AND id <= %s", [first["id"], last["id"]]
            )
        anchor = AuditAnchor.objects.create(
            last_id=last["id"],
            last_at=last["at"],
            last_hash=last["hash"],
            entries=count,
            file=str(output)[:255],
        )
        audit(
            actor=actor,
            channel=Channel.COMMAND,
            action=Action.DELETE,
            object_type="accounts.auditentry",
            object_id=last["id"],
            changes={
                "archived": count,
                "first_id": first["id"],
                "last_id": last["id"],
                "last_hash": last["hash"],
                "before": before.isoformat(),
                "file": str(output),
            },
        )
    return anchor
