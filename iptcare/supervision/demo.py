"""The demo's supervision: Dr. Helen Park has returned one of Sam Rivera's notes with
comments, rated five of his sessions (one below the pass mark), and logged three
supervision meetings with agreed actions; Sam has rated one session himself, corrected the
length of one session, and his certification tracker counts one case of three. Loading
it twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

from iptcare.audit.services import Actor
from iptcare.clinic.selectors import clinic_today
from iptcare.courses.models import Course, SessionNote
from iptcare.supervision import selectors, services
from iptcare.supervision.models import NoteReview, SupervisionMeeting

SUPERVISOR = "supervisor@demo.iptcare.test"
STUDENT = "student@demo.iptcare.test"
RECORDING = "Recording held on the clinic's secure drive: 2026 practicum, Amira H., session 5"
# (client, session, score of every item): the supervisor's ratings, oldest first.
RATINGS = [
    ("Amira Haddad", 1, 4),
    ("Amira Haddad", 5, 4),
    ("Amira Haddad", 8, 5),
    ("Benjamin Cho", 3, 3),
    ("Benjamin Cho", 4, 2),  # below the pass mark: he drifted into general advice
]


def _rate(note: SessionNote, rater: Actor, kind: str, score: int, recording: str = "") -> None:
    scale = selectors.fidelity_scale_of(note.clinic_id)
    phase = selectors.note_phase(note).value
    services.fidelity_rate(
        actor=rater,
        note=note,
        kind=kind,
        scores={item.code: score for item in scale.items.all() if item.applies_to(phase)},
        recording_reference=recording,
    )


def load_demo(demo) -> None:
    supervisor, student = demo.users[SUPERVISOR], demo.users[STUDENT]
    if SupervisionMeeting.objects.filter(clinic=demo.clinic).exists():
        return
    courses = {
        course.client.legal_name: course
        for course in Course.objects.filter(clinic=demo.clinic, therapist=student).select_related(
            "client"
        )
    }
    if "Benjamin Cho" not in courses or "Amira Haddad" not in courses:
        return
    as_supervisor = Actor(user=supervisor, role="supervisor", request_id="demo-loader")
    as_student = Actor(user=student, role="therapist", request_id="demo-loader")
    notes = {
        (name, note.number): note
        for name, course in courses.items()
        for note in course.notes.filter(attendance=SessionNote.Attendance.ATTENDED)
    }

    # The latest note of Benjamin's course goes back to Sam with comments.
    waiting = (
        courses["Benjamin Cho"]
        .notes.filter(status=SessionNote.Status.AWAITING_COSIGNATURE)
        .order_by("-number")
        .first()
    )
    if waiting is not None and not NoteReview.objects.filter(note=waiting).exists():
        services.note_return(
            actor=as_supervisor,
            note=waiting,
            version=waiting.version,
            comment=(
                "Good session, Sam. Before I co-sign: say how the week's events link to his "
                "mood, and make the plan concrete."
            ),
            part_comments={
                "focus_work": "Which relationship did you work on? Name the pattern you "
                "explored (waiting for others to reach out) and what he tried.",
                "plan_next": "Make it specific: one invitation he will make, to whom.",
            },
        )

    for client, number, score in RATINGS:
        note = notes.get((client, number))
        if note is not None:
            _rate(note, as_supervisor, "supervisor", score, RECORDING if number == 5 else "")
    if ("Benjamin Cho", 4) in notes:
        _rate(notes[("Benjamin Cho", 4)], as_student, "self", 3)

    today = clinic_today(demo.clinic)
    meetings = [
        (42, 60, ["Amira Haddad"], "Amira's transition: the losses in the old role."),
        (14, 60, ["Amira Haddad", "Benjamin Cho"], "Amira's ending; Benjamin's inventory."),
        (3, 45, ["Benjamin Cho"], "Benjamin, session 4: advice-giving crept in."),
    ]
    for days_ago, minutes, clients, notes_text in meetings:
        services.meeting_log(
            actor=as_supervisor,
            date=today - timedelta(days=days_ago),
            minutes=minutes,
            kind="individual",
            supervisees=[student],
            chart_numbers=" ".join(courses[name].client.chart_number for name in clients),
            recordings_reviewed=RECORDING if days_ago == 14 else "",
            notes=notes_text,
            actions=[
                services.ActionIn(
                    text="Bring a communication analysis of one of his conversations.",
                    due_on=today + timedelta(days=4),
                    supervisee=student,
                )
            ]
            if days_ago == 3
            else [],
        )

    # Amira's first session ran long: the intake took 75 minutes.
    first = notes.get(("Amira Haddad", 1))
    if first is not None:
        services.hours_adjust(
            actor=as_student,
            note=first,
            minutes=75,
            reason="The first session ran long: intake and the safety plan took 75 minutes.",
            original_minutes=50,
        )
    demo.report.created.append("supervision: a returned note, ratings, meetings, hours")
