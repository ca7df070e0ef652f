"""The interpersonal inventory, the timeline and the formulation in the JSON API, read
through the course's choke point (the care team; an administrator after breaking the glass).
Archived records are left out, as on the pages."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from iptcare.audit.services import actor_from_request
from iptcare.courses.selectors import course_get_for
from iptcare.formulation import selectors

router = Router(tags=["formulation"])


class PersonOut(Schema):
    id: int
    name: str
    relation: str
    ring: int
    status: str
    contact_frequency: str
    practical_support: int
    emotional_support: int
    confidant: bool
    conflict: int
    expectations_met: str
    good_aspects: str
    difficult_aspects: str
    changes_since_onset: str
    wanted_change: str


class EventOut(Schema):
    id: int
    code: str
    label: str
    starts_on: date
    ends_on: date | None
    people: list[int]
    notes: str


class EpisodeOut(Schema):
    id: int
    starts_on: date
    ends_on: date | None
    is_current: bool
    notes: str


class TimelineOut(Schema):
    onset: date | None
    events: list[EventOut]
    episodes: list[EpisodeOut]


class FocusAreaOut(Schema):
    area: str
    label: str
    evidence: str
    goals: list[str]


class FormulationOut(Schema):
    focus_areas: list[FocusAreaOut]
    text: str
    agreed_on: date | None
    contract_sessions: int | None
    contract_frequency: str
    contract_focus: str
    missed_session_policy: str
    contract_agreed_on: date | None


@router.get(
    "/courses/{int:course_id}/inventory", response=list[PersonOut], url_name="inventory_get"
)
def inventory(request, course_id: int):
    """The significant people of the client's interpersonal inventory."""
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    return list(selectors.inventory_people(course).order_by("ring", "name", "pk"))


@router.get("/courses/{int:course_id}/timeline", response=TimelineOut, url_name="timeline_get")
def timeline(request, course_id: int):
    """Life events (with the people involved) and episodes of distress."""
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    episodes = selectors.episodes(course)
    return TimelineOut(
        onset=next((e.starts_on for e in episodes if e.is_current), None),
        events=[
            EventOut(
                id=e.pk,
                code=e.code,
                label=e.label,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                people=[p.pk for p in e.people.all()],
                notes=e.notes,
            )
            for e in selectors.timeline_events(course)
        ],
        episodes=[
            EpisodeOut(
                id=e.pk,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                is_current=e.is_current,
                notes=e.notes,
            )
            for e in episodes
        ],
    )


@router.get(
    "/courses/{int:course_id}/formulation", response=FormulationOut, url_name="formulation_get"
)
def formulation(request, course_id: int):
    """The chosen focus areas (at most two) and the formulation with its treatment contract."""
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    written = selectors.formulation_for(course)
    return FormulationOut(
        focus_areas=[
            FocusAreaOut(
                area=choice.area,
                label=selectors.focus_area_label(choice.area, course.clinic),
                evidence=choice.evidence,
                goals=[line.strip() for line in choice.goals.splitlines() if line.strip()],
            )
            for choice in selectors.focus_areas(course)
        ],
        text=written.text if written else "",
        agreed_on=written.agreed_on if written else None,
        contract_sessions=written.contract_sessions if written else None,
        contract_frequency=written.contract_frequency if written else "",
        contract_focus=written.contract_focus if written else "",
        missed_session_policy=written.missed_session_policy if written else "",
        contract_agreed_on=written.contract_agreed_on if written else None,
    )
