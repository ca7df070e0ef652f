"""A read is one entry per request and object, `times` counting the request's reads;
entries written before this read once each (1). Adding a column is no UPDATE of a row, so
PostgreSQL's append-only trigger (0002) lets it through. The actions get the names the
log page shows, and the ones already written (cosign, amend, archive, restore) a choice.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
    ]

    operations = [
        migrations.AddField(
            model_name='accessentry',
            name='times',
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name='accessentry',
            name='action',
            field=models.CharField(choices=[('read', 'Viewed'), ('create', 'Created'), ('update', 'Changed'), ('sign', 'Signed'), ('cosign', 'Co-signed'), ('amend', 'Amended'), ('archive', 'Archived'), ('restore', 'Restored'), ('export', 'Exported'), ('break_glass', 'Broke the glass')], max_length=20),
        ),
    ]
