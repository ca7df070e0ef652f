"""On PostgreSQL the database itself refuses two overlapping appointments of one therapist.

The statuses listed are Appointment.HOLDING. Other databases rely on the booking service,
which locks the therapist's row (SQLite: IMMEDIATE transactions serialise writers).
Creating btree_gist needs a role allowed to create extensions (the database owner on
PostgreSQL 13+ for trusted extensions; btree_gist is trusted).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_therapist_no_overlap
    EXCLUDE USING gist (
        therapist_id WITH =,
        tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (status IN ('pending', 'booked', 'attended', 'no_show'));
"""

DROP = """
ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appointment_therapist_no_overlap;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
