"""Migration 0003 chains the entries logged before it, and gives old tokens an expiry."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from skillaid.accounts.auditlog import audit_verify
from skillaid.accounts.models import ApiToken, AuditEntry, audit

BEFORE = [("accounts", "0002_audit_append_only")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_existing_entries_and_expires_existing_tokens(regions, wei, settings):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    with connection.cursor() as cursor:
        for n in range(3):
            cursor.execute(
                "INSERT INTO accounts_auditentry (at, actor_id, actor_name, channel, action, "
                "object_type, object_id, person_id, changes, note) "
                "VALUES (%s, NULL, '系统', 'page', 'update', 'person', %s, %s, %s, '')",
                [timezone.now() - dt.timedelta(days=n), str(n), n, '{"phone": ["1", "2"]}'],
            )
        cursor.execute(
            "INSERT INTO accounts_apitoken (user_id, name, key_hash, prefix, created_at) "
            "VALUES (%s, 'old', %s, 'sk_old', %s)",
            [wei.pk, "0" * 64, timezone.now()],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # Migration 0009 relabels the three and records that it did: one entry more.
    verdict = audit_verify()
    assert verdict.intact and verdict.entries == 4
    assert AuditEntry.objects.exclude(hash="").count() == 4
    audit(actor=None, channel="page", action="update", object_type="people.person")
    assert audit_verify().entries == 5
    token = ApiToken.objects.get()
    assert token.scope == "read_write"
    expected = timezone.now() + dt.timedelta(days=settings.SKILLAID_TOKEN_DAYS)
    assert abs(token.expires_at - expected) < dt.timedelta(minutes=5)
    if connection.vendor == "sqlite":
        # Rebuilding the table for the new column dropped the append-only trigger; it is back.
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert ("accounts_auditentry_no_update",) in cursor.fetchall()
