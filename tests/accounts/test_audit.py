import pytest
from django.db import DatabaseError, connection, transaction

from skillaid.accounts.models import AppendOnlyError, AuditEntry, audit


def test_the_audit_log_refuses_changes_and_deletions(db):
    entry = audit(
        actor=None,
        channel="page",
        action="update",
        object_type="people.person",
        object_id=1,
        changes={"a": [1, 2]},
    )
    entry.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    # bulk_create would append entries outside the hash chain.
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(channel="page", action="update")])


def test_the_database_refuses_them_too(db):
    entry = audit(
        actor=None, channel="page", action="update", object_type="people.person", object_id=1
    )
    table = AuditEntry._meta.db_table
    statements = [f"UPDATE {table} SET note = 'x' WHERE id = %s"]
    if connection.vendor == "postgresql":
        # SQLite keeps DELETE for the test database flush; PostgreSQL flushes with TRUNCATE.
        statements.append(f"DELETE FROM {table} WHERE id = %s")
    for sql in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).note == ""
