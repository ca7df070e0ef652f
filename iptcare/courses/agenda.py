"""The agenda a new session note starts with. Pure Python: no Django.

Drawn from the protocol's routine for the session's phase, the course's focus areas,
the termination tasks near the end, and what is still open from the last note.
"""

from __future__ import annotations

from collections.abc import Sequence

from iptcare.courses import protocols
from iptcare.courses.protocols import Phase, Protocol


def ending_notice(protocol: Protocol, number: int, planned: int | None) -> str:
    """ "Ending: 3 sessions left, this one included" in the termination phase, else ""."""
    if planned is None or not protocols.is_ending(protocol, number, planned):
        return ""
    left = planned - number + 1
    if left == 1:
        return "Last session of the course: say goodbye and agree what comes next"
    return f"Ending phase: {left} sessions left, this one included. Name the ending"


def session_agenda(
    protocol: Protocol,
    number: int,
    planned: int | None,
    *,
    focus_labels: Sequence[str] = (),
    open_homework: str = "",
    last_plan: str = "",
) -> list[str]:
    """The ordered agenda of session `number` (raises ProtocolError past the plan)."""
    phase = protocols.phase_for(protocol, number, planned)
    items: list[str] = []
    notice = ending_notice(protocol, number, planned)
    if notice:
        items.append(notice)
    if protocols.is_review_session(protocol, number):
        items.append(
            f"Review session (every {protocol.review_every}): continue, change or end "
            "maintenance IPT"
        )
    if last_plan.strip():
        items.append(f"Plan from last time: {last_plan.strip()}")
    if open_homework.strip():
        items.append(f"Review the {protocol.task_name} set last time: {open_homework.strip()}")
    focus = ", ".join(focus_labels)
    for step in protocol.agenda_for(phase):
        label = step.label
        if step.key == "focal_work" and focus:
            label = f"{label} ({focus})"
        if step.optional:
            label = f"{label} (optional)"
        items.append(label)
    if phase is Phase.MIDDLE and not focus:
        items.append("No focus area is recorded yet: agree one before the middle phase")
    return items
