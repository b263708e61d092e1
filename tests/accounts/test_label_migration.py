"""Migration 0009 names audit objects by model label and keeps the chain verifiable."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from skillaid.accounts.auditlog import audit_verify
from skillaid.accounts.models import AuditEntry

BEFORE_CHAIN = [("accounts", "0005_user_security")]
CHAINED = [("accounts", "0006_tokens_audit_chain")]
OLD_WORDS = ["person", "class", "pairing", "audit_log", "ledger", "household"]


def _log_old_entries() -> None:
    """Entries as the log held them before 0009, chained by 0006."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_CHAIN)
    with connection.cursor() as cursor:
        for n, word in enumerate(OLD_WORDS):
            cursor.execute(
                "INSERT INTO accounts_auditentry (at, actor_id, actor_name, channel, action, "
                "object_type, object_id, person_id, changes, note) "
                "VALUES (%s, NULL, '系统', 'page', 'update', %s, %s, NULL, %s, '')",
                [timezone.now() - dt.timedelta(days=10 - n), word, str(n), '{"a": [1, 2]}'],
            )
    executor = MigrationExecutor(connection)
    executor.migrate(CHAINED)


def _upgrade() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_words_become_model_labels_and_the_chain_still_verifies(regions):
    _log_old_entries()
    old_head = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    _upgrade()

    kinds = list(AuditEntry.objects.order_by("id").values_list("object_type", flat=True))
    assert kinds == [
        "people.person",
        "training.trainingclass",
        "pairings.pairing",
        "accounts.auditentry",
        "ledger",  # an export of households and people: one of the few documents
        "people.household",
        "accounts.auditentry",  # the migration's own record
    ]
    verdict = audit_verify()
    assert verdict.intact and verdict.entries == 7
    record = AuditEntry.objects.order_by("-id").first()
    assert record.changes == {
        "relabelled": 6,
        "last_hash": [old_head, record.changes["last_hash"][1]],
    }
    assert record.changes["last_hash"][1] != old_head
    # PostgreSQL's jsonb keeps keys in its own order: compare the labels, not their order.
    assert sorted(c.label for c in record.change_list) == sorted(["改记条目数", "末条哈希"])
    assert record.object_label == "审计日志"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="raw rewrite on SQLite")
@pytest.mark.django_db(transaction=True)
def test_an_entry_broken_before_the_upgrade_is_still_reported_after_it(regions):
    _log_old_entries()
    third = AuditEntry.objects.order_by("id").values_list("id", flat=True)[2]
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER accounts_auditentry_no_update")
        cursor.execute("UPDATE accounts_auditentry SET note = 'rewritten' WHERE id = %s", [third])
        cursor.execute(
            "CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry "
            "BEGIN SELECT RAISE(ABORT, 'accounts_auditentry is append-only'); END;"
        )
    assert audit_verify().broken.entry_id == third
    _upgrade()

    verdict = audit_verify()
    assert verdict.broken.entry_id == third and verdict.entries == 2
    assert f"迁移前链已在条目 {third} 断开" in AuditEntry.objects.order_by("-id").first().note


@pytest.mark.django_db(transaction=True)
def test_a_database_logged_only_in_labels_is_left_as_it_is(regions):
    executor = MigrationExecutor(connection)
    executor.migrate(CHAINED)
    _upgrade()
    assert not AuditEntry.objects.exists()
