"""Courses in the JSON API, read through the same choke point as the pages."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema

from iptcare.audit.services import actor_from_request
from iptcare.courses.selectors import course_get_for, notes_of_course
from iptcare.overview.selectors import course_overview

router = Router(tags=["courses"])


class GateOut(Schema):
    key: str
    open: bool
    text: str


class CourseOut(Schema):
    id: int
    client_id: int
    protocol: str
    therapist: str
    status: str
    start_date: date
    planned_sessions: int | None
    frequency: str
    session_number: int
    sessions_held: int
    phase: str
    label: str
    is_ending: bool
    focus_areas: list[str]
    gates: list[GateOut]
    version: int


class NoteOut(Schema):
    id: int
    number: int
    date: date
    attendance: str
    mood_rating: int | None
    status: str
    author: str
    signed_at: datetime | None
    cosigned_by: str | None
    amendments: int


@router.get("/{int:course_id}", response=CourseOut, url_name="course_get")
def course_get(request, course_id: int):
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    overview = course_overview(course)
    position = overview.position
    return CourseOut(
        id=course.pk,
        client_id=course.client_id,
        protocol=course.protocol,
        therapist=course.therapist.full_name,
        status=course.status,
        start_date=course.start_date,
        planned_sessions=course.planned_sessions,
        frequency=course.frequency,
        session_number=position.number,
        sessions_held=position.held,
        phase=position.phase.value,
        label=position.label,
        is_ending=position.is_ending,
        focus_areas=[label for _code, label in overview.focus_areas],
        gates=[GateOut(key=g.key, open=g.is_open, text=g.text) for g in overview.gates],
        version=course.version,
    )


@router.get("/{int:course_id}/notes", response=list[NoteOut], url_name="course_notes")
def course_notes(request, course_id: int):
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    return [
        NoteOut(
            id=note.pk,
            number=note.number,
            date=note.date,
            attendance=note.attendance,
            mood_rating=note.mood_rating,
            status=note.status,
            author=note.author.full_name,
            signed_at=note.signed_at,
            cosigned_by=note.cosigned_by.full_name if note.cosigned_by else None,
            amendments=note.amendment_count,  # type: ignore[attr-defined]  # annotated or prefetched by the query that fetched it
        )
        for note in notes_of_course(course)
    ]
