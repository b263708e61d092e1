"""Audit entries name what they are about by model label (people.person), no longer by a word.

The object_type is one of the fields each entry's chained hash covers, so the
entries still in the table (those after the newest archive anchor) are relabelled
and their hashes recomputed, in id order, from the same starting hash: an archive
written before still links on. Each entry's old link is checked as it goes; one
that was already broken gets a hash that stays broken, so `skillaid audit verify`
reports the same entry after the upgrade as before it. An entry appended at the
end records how many entries were relabelled and the chain's old and new last
hashes, for whoever kept the old last hash somewhere else.

The chain's serialisation is written out here, as it stood at this migration, so
that a later change to the model cannot change what this migration computes.
"""

import hashlib
import json

from django.db import migrations
from django.utils import timezone

from skillaid.lib import chain

# The words the log used before, and the model each named.
LEGACY = {
    "person": "people.person",
    "household": "people.household",
    "class": "training.trainingclass",
    "enrolment": "training.enrolment",
    "demand_entry": "catalogue.demandentry",
    "certificate": "evaluation.certificate",
    "institution": "institutions.institution",
    "capacity": "institutions.capacity",
    "pairing": "pairings.pairing",
    "work_plan": "pairings.workplan",
    "pairing_summary": "pairings.pairingsummary",
    "user": "accounts.user",
    "api_token": "accounts.apitoken",
    "audit_log": "accounts.auditentry",
    "import": "accounts.importrecord",
}
FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "channel",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "changes",
    "note",
    "hash",
)
SQLITE_TRIGGER = """
CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry
BEGIN SELECT RAISE(ABORT, 'accounts_auditentry is append-only'); END;
"""
UPDATE = "UPDATE accounts_auditentry SET object_type = %s, hash = %s WHERE id = %s"


def _fields(at, actor_id, name, channel, action, kind, oid, person, changes, note):
    return [
        chain.moment(at),
        actor_id,
        name,
        channel,
        action,
        kind,
        str(oid),
        person,
        chain.canonical_json(json.loads(json.dumps(changes))),
        note,
    ]


def relabel(apps, schema_editor):
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    AuditAnchor = apps.get_model("accounts", "AuditAnchor")
    anchor = AuditAnchor.objects.order_by("-last_id").first()
    entries = AuditEntry.objects.order_by("id")
    if anchor is not None:
        # Entries at or before the anchor are reported by verify as strays; left as found.
        entries = entries.filter(id__gt=anchor.last_id)
    if not entries.filter(object_type__in=LEGACY).exists():
        return
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE accounts_auditentry DISABLE TRIGGER accounts_auditentry_append_only"
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_auditentry_no_update")
    old_previous = new_previous = anchor.last_hash if anchor is not None else chain.GENESIS
    relabelled, broken, last_id = 0, None, None
    updates = []
    with schema_editor.connection.cursor() as cursor:
        for pk, *values, stored in entries.values_list(*FIELDS).iterator(chunk_size=5000):
            intact = chain.link(_fields(*values), old_previous) == stored
            old_previous = stored
            kind = LEGACY.get(values[5], values[5])
            values[5] = kind
            if intact:
                digest = chain.link(_fields(*values), new_previous)
            else:
                # Broken before the upgrade: a hash no link can produce keeps it broken.
                digest = hashlib.sha256(f"broken before relabelling:{stored}".encode()).hexdigest()
                broken = broken or pk
            new_previous, last_id = digest, pk
            relabelled += 1
            updates.append([kind, digest, pk])
            if len(updates) >= 5000:
                cursor.executemany(UPDATE, updates)
                updates = []
        if updates:
            cursor.executemany(UPDATE, updates)
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE accounts_auditentry ENABLE TRIGGER accounts_auditentry_append_only"
        )
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)
    changes = {"relabelled": relabelled, "last_hash": [old_previous, new_previous]}
    note = "审计对象改以模型标签记载，链式哈希已重算"
    if broken is not None:
        note += f"；迁移前链已在条目 {broken} 断开"
    at = timezone.now()
    row = [at, None, "系统", "command", "update", "accounts.auditentry", last_id, None, changes, note]
    AuditEntry.objects.create(
        at=at,
        actor_id=None,
        actor_name="系统",
        channel="command",
        action="update",
        object_type="accounts.auditentry",
        object_id=str(last_id),
        person_id=None,
        changes=changes,
        note=note,
        hash=chain.link(_fields(*row), new_previous),
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_review_steps")]

    operations = [
        # Going back leaves the labels: the code before this migration shows them as stored.
        migrations.RunPython(relabel, migrations.RunPython.noop),
    ]
