"""One response per questionnaire and session, decided by the database.

Two tabs sending the same questionnaire at once could store it twice (with two risk
flags). Rows a past race left behind are kept: the first of a session stays its response
and the later ones are marked `duplicate_of` it, so the constraint holds and no answer or
flag is lost. Nothing is deleted; reversing drops the mark and the constraint only.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def mark_duplicates(apps, schema_editor):
    response = apps.get_model("measures", "QuestionnaireResponse")
    sessions = (
        response.objects.filter(duplicate_of__isnull=True)
        .values("course_id", "code", "session_number")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
    )
    for session in sessions:
        rows = list(
            response.objects.filter(
                duplicate_of__isnull=True,
                course_id=session["course_id"],
                code=session["code"],
                session_number=session["session_number"],
            )
            .order_by("submitted_at", "pk")
            .values_list("pk", flat=True)
        )
        response.objects.filter(pk__in=rows[1:]).update(duplicate_of_id=rows[0])


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="questionnaireresponse",
            name="duplicate_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="measures.questionnaireresponse",
            ),
        ),
        migrations.RunPython(mark_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="questionnaireresponse",
            constraint=models.UniqueConstraint(
                condition=models.Q(("duplicate_of__isnull", True)),
                fields=("course", "code", "session_number"),
                name="one_response_per_session",
            ),
        ),
    ]
