"""The database itself refuses to rewrite audit rows.

On PostgreSQL an update is always refused and a delete is refused for rows
younger than the six months the log must be kept (older rows may be archived
and pruned). SQLite, the embedded mode, refuses updates.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION skillaid_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR OLD.at > now() - interval '183 days' THEN
        RAISE EXCEPTION 'accounts_auditentry is append-only';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION skillaid_audit_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry;
DROP FUNCTION IF EXISTS skillaid_audit_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry
BEGIN SELECT RAISE(ABORT, 'accounts_auditentry is append-only'); END;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_auditentry_no_update")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
