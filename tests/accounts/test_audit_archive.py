"""`skillaid audit archive`: old entries to a verifiable file, the table's chain still whole."""

import datetime as dt
import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from skillaid.accounts.auditlog import archive_verify, audit_verify
from skillaid.accounts.models import AuditAnchor, AuditEntry, audit


def entry_at(at: dt.datetime, n: int) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        actor_name="韦丽",
        channel="page",
        action="update",
        object_type="people.person",
        object_id=str(n),
        changes={"phone": ["1", str(n)]},
    )
    entry.save()
    return entry


@pytest.fixture
def history(db):
    now = timezone.now()
    old = [entry_at(now - dt.timedelta(days=400 - i), i) for i in range(3)]
    young = [entry_at(now - dt.timedelta(days=10), 10), entry_at(now, 11)]
    return old, young


def test_archiving_moves_old_entries_to_a_file_that_verifies_and_keeps_the_chain(history, tmp_path):
    old, young = history
    before = timezone.localdate() - dt.timedelta(days=300)
    out = StringIO()
    call_command(
        "audit",
        "archive",
        "--before",
        before.isoformat(),
        "--output",
        str(tmp_path / "a.jsonl.gz"),
        stdout=out,
    )
    assert "archived 3 entries" in out.getvalue()
    remaining = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    # The young entries stay, and the archiving is itself logged.
    assert remaining[:2] == [young[0].pk, young[1].pk] and len(remaining) == 3
    anchor = AuditAnchor.objects.get()
    assert (anchor.last_id, anchor.last_hash, anchor.entries) == (old[-1].pk, old[-1].hash, 3)
    verdict = audit_verify()
    assert verdict.intact and verdict.entries == 3 and f"after entry {old[-1].pk}" in verdict.start
    archived = archive_verify(tmp_path / "a.jsonl.gz")
    assert archived.intact and archived.entries == 3
    with gzip.open(tmp_path / "a.jsonl.gz", "rt") as f:
        lines = [json.loads(line) for line in f]
    assert [line["hash"] for line in lines[1:]] == [e.hash for e in old]


def test_entries_younger_than_six_months_are_never_archived(history, tmp_path):
    too_late = timezone.localdate() - dt.timedelta(days=100)
    with pytest.raises(CommandError, match="kept at least 183 days"):
        call_command(
            "audit", "archive", "--before", too_late.isoformat(), "--output", str(tmp_path / "x.gz")
        )
    assert AuditEntry.objects.count() == 5 and not (tmp_path / "x.gz").exists()


def test_a_second_archive_continues_from_the_first(history, tmp_path):
    old, _ = history
    first_cut = timezone.localdate() - dt.timedelta(days=399)  # only the first old entry
    call_command(
        "audit", "archive", "--before", first_cut.isoformat(), "--output", str(tmp_path / "1.gz")
    )
    assert AuditAnchor.objects.get().last_id == old[0].pk
    call_command(
        "audit",
        "archive",
        "--before",
        (first_cut + dt.timedelta(days=90)).isoformat(),
        "--output",
        str(tmp_path / "2.gz"),
    )
    with gzip.open(tmp_path / "2.gz", "rt") as f:
        header = json.loads(f.readline())
    assert header["previous_hash"] == old[0].hash and header["entries"] == 2
    assert archive_verify(tmp_path / "2.gz").intact
    assert audit_verify().intact
    audit(actor=None, channel="page", action="update", object_type="people.person")
    assert audit_verify().intact


def test_an_altered_archive_file_fails_its_check(history, tmp_path):
    before = timezone.localdate() - dt.timedelta(days=300)
    path = tmp_path / "a.gz"
    call_command("audit", "archive", "--before", before.isoformat(), "--output", str(path))
    with gzip.open(path, "rt") as f:
        lines = f.readlines()
    changed = json.loads(lines[2])
    changed["note"] = "edited"
    lines[2] = json.dumps(changed, ensure_ascii=False) + "\n"
    with gzip.open(path, "wt") as f:
        f.writelines(lines)
    verdict = archive_verify(path)
    assert not verdict.intact and verdict.broken.entry_id == changed["id"]
    with pytest.raises(SystemExit) as exit_code:
        call_command("audit", "verify", "--archive", str(path), stderr=StringIO())
    assert exit_code.value.code == 1


def test_an_anchor_added_by_hand_after_deleting_old_entries_is_reported(history):
    """Deleting the oldest entries and adding an anchor where they ended is not an archiving:
    the archiving is logged in the chain itself, and verify wants the two to agree."""
    from django.db import connection

    old, young = history
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id <= %s", [old[-1].pk])
    AuditAnchor.objects.create(
        last_id=old[-1].pk,
        last_at=old[-1].at,
        last_hash=old[-1].hash,
        entries=3,
        file="/nonexistent.jsonl.gz",
    )
    verdict = audit_verify()
    assert not verdict.intact
    assert verdict.broken.entry_id == old[-1].pk and "not confirmed" in verdict.broken.reason
