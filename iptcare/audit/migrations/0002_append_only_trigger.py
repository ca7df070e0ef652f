"""On PostgreSQL the database itself refuses UPDATE and DELETE on the access log.

TRUNCATE is a separate event and stays possible for the test suite's table flushes;
the application never issues it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_accessentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_accessentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_accessentry_append_only ON audit_accessentry;
CREATE TRIGGER audit_accessentry_append_only
    BEFORE UPDATE OR DELETE ON audit_accessentry
    FOR EACH ROW EXECUTE FUNCTION audit_accessentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_accessentry_append_only ON audit_accessentry;
DROP FUNCTION IF EXISTS audit_accessentry_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
