"""On PostgreSQL the database itself refuses to change or remove audit rows."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION skillaid_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_auditentry is append-only';
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
SQLITE_FORWARD_2 = """
CREATE TRIGGER accounts_auditentry_no_delete BEFORE DELETE ON accounts_auditentry
BEGIN SELECT RAISE(ABORT, 'accounts_auditentry is append-only'); END;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
        schema_editor.execute(SQLITE_FORWARD_2)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_auditentry_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_auditentry_no_delete")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
