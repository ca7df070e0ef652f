"""Questionnaires given in session and filed under the next session go back to their own.

Until this release a questionnaire given with "hand the device to the client" was filed
under "sessions held + 1". A note starts as a draft marked "attended", so once the
therapist had opened session 1's note, a PHQ-9 given in that session was stored as session
2, and session 1's signed note said no questionnaire was answered.

A response is moved from session N to N - 1 only where the evidence is unambiguous:
* it was given in session (not in the portal) and is its session's response (not a marked
  duplicate);
* the course has an attended note of session N - 1 dated the day it was given (in the
  clinic's time zone) and created before it was given;
* no note of session N is dated that day (then it may have been given in session N);
* session N - 1 has no response to the same questionnaire (one response per session).
Each move leaves an entry in the access log ("update", by the system). Nothing is deleted.
"""

from zoneinfo import ZoneInfo

from django.db import migrations

REQUEST_ID = "migration"


def refile(apps, schema_editor):
    response_model = apps.get_model("measures", "QuestionnaireResponse")
    note_model = apps.get_model("courses", "SessionNote")
    entry_model = apps.get_model("audit", "AccessEntry")
    candidates = list(
        response_model.objects.filter(
            administered="in_session", duplicate_of__isnull=True, session_number__gt=1
        )
        .order_by("course_id", "code", "session_number", "pk")
        .values(
            "pk",
            "clinic_id",
            "client_id",
            "course_id",
            "code",
            "session_number",
            "submitted_at",
            "course__clinic__time_zone",
        )
    )
    if not candidates:
        return
    course_ids = {row["course_id"] for row in candidates}
    notes = {}  # (course, number) -> [(date, attended, created_at)]
    for row in note_model.objects.filter(course_id__in=course_ids).values(
        "course_id", "number", "date", "attendance", "created_at"
    ):
        notes.setdefault((row["course_id"], row["number"]), []).append(
            (row["date"], row["attendance"] == "attended", row["created_at"])
        )
    taken = set(
        response_model.objects.filter(course_id__in=course_ids, duplicate_of__isnull=True)
        .values_list("course_id", "code", "session_number")
        .distinct()
    )
    entries = []
    # In session order, so that a move out of session N frees it for one out of N + 1.
    for row in candidates:
        course_id, code, number = row["course_id"], row["code"], row["session_number"]
        given = row["submitted_at"]
        day = given.astimezone(ZoneInfo(row["course__clinic__time_zone"])).date()
        earlier = notes.get((course_id, number - 1), [])
        if not any(d == day and attended and made <= given for d, attended, made in earlier):
            continue
        if any(d == day for d, _, _ in notes.get((course_id, number), [])):
            continue
        if (course_id, code, number - 1) in taken:
            continue
        response_model.objects.filter(pk=row["pk"]).update(session_number=number - 1)
        taken.discard((course_id, code, number))
        taken.add((course_id, code, number - 1))
        entries.append(
            entry_model(
                clinic_id=row["clinic_id"],
                user=None,
                acting_role="system",
                action="update",
                client_id=row["client_id"],
                object_type="measures.questionnaireresponse",
                object_id=str(row["pk"]),
                detail=(
                    f"refiled from session {number} to session {number - 1}: "
                    f"given in session {number - 1} (note of the same day)"
                ),
                request_id=REQUEST_ID,
            )
        )
    entry_model.objects.bulk_create(entries)


def keep_refiled(apps, schema_editor):
    """Nothing to undo: the old session numbers were wrong, and moving the answers back
    would detach them again from the session they were given in (and from its signed
    note). The access log keeps each move with the number it had before."""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_entry_times_and_every_action"),
        ("courses", "0002_cliniccoursesettings_sessionnote_noteamendment_and_more"),
        ("measures", "0002_one_response_per_session"),
    ]

    operations = [migrations.RunPython(refile, keep_refiled, elidable=False)]
