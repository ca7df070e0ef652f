"""What a course's pages show that gathers courses, formulation and measures.

The callers have fetched the course through `course_get_for` (rules and the access log);
these only read what belongs to it, with a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from iptcare.courses import protocols
from iptcare.courses.agenda import ending_notice
from iptcare.courses.models import Course
from iptcare.courses.selectors import (
    CourseHeader,
    CoursePosition,
    PhaseSegment,
    course_position,
    phase_segments,
)
from iptcare.formulation.selectors import (
    focus_areas_by_course,
    formulation_summaries,
    gate_facts,
)
from iptcare.measures.selectors import symptom_measure_course_ids


def course_header_for(course: Course, *, position: CoursePosition | None = None) -> CourseHeader:
    """The header of a course's pages: where it stands (now, unless the page shows the
    course at another session, as a note does) and its focus areas. Two queries at most."""
    return CourseHeader(
        course=course,
        position=position or course_position(course),
        focus_areas=focus_areas_by_course([course.pk])[course.pk],
    )


@dataclass(frozen=True)
class CourseOverview:
    """The course page: the header, the phase gates and the phase bar."""

    header: CourseHeader
    gates: list[protocols.GateState]
    open_gates: list[protocols.GateState]
    gate_warning: bool
    ending_notice: str
    segments: list[PhaseSegment]
    marker_percent: float
    held_percent: float

    @property
    def position(self) -> CoursePosition:
        return self.header.position

    @property
    def focus_areas(self) -> list[tuple[str, str]]:
        return self.header.focus_areas


def course_overview(course: Course) -> CourseOverview:
    """Everything the course page shows about the course itself (five queries)."""
    position = course_position(course)
    summary = formulation_summaries([course.pk]).get(course.pk)
    measured = course.pk in symptom_measure_course_ids([course.pk])
    gates = protocols.gate_states(gate_facts(summary, measured))
    open_gates = [gate for gate in gates if gate.is_open]
    segments, marker, held = phase_segments(
        course.protocol_spec, course.planned_sessions, position.number, position.held
    )
    return CourseOverview(
        header=CourseHeader(
            course=course,
            position=position,
            focus_areas=summary.focus_areas if summary else [],
        ),
        gates=gates,
        open_gates=open_gates,
        gate_warning=bool(open_gates) and position.phase is not protocols.Phase.INITIAL,
        ending_notice=(
            ending_notice(course.protocol_spec, position.number, course.planned_sessions)
            if course.is_open
            else ""
        ),
        segments=segments,
        marker_percent=marker,
        held_percent=held,
    )
