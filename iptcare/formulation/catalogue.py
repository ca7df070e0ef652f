"""The life-event catalogue and the IPT focus areas, as data.

Pure Python: no Django. The timeline records events by these codes; the focus-area
suggestion (suggest.py) reads each event's kind and weights. docs/focus-suggestion.md has
the same table for readers.

Weights say how much one event of that type, just before the onset, points to each focus
area (0..1). Per §0 of the IPT protocol reference grief records a loss type: a death is the
classic grief event; other losses (miscarriage, infertility, a relationship, health) count
as grief with a lower weight, because only some clinics define grief that broadly; the
classic manuals put them under role transitions, so they carry a transition weight too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

__all__ = [
    "EVENT_TYPES",
    "FOCUS_AREA_LABELS",
    "FOCUS_AREA_ORDER",
    "EventKind",
    "EventType",
    "FocusArea",
    "LossType",
    "event_type",
    "focus_area_label",
]


class FocusArea(StrEnum):
    GRIEF = "grief"
    ROLE_DISPUTE = "role_dispute"
    ROLE_TRANSITION = "role_transition"
    INTERPERSONAL_DEFICITS = "interpersonal_deficits"


# The protocol's order; also the tie-break order of suggestions. Deficits come last because
# the protocol chooses them only when the other three areas are absent.
FOCUS_AREA_ORDER: Final[tuple[FocusArea, ...]] = tuple(FocusArea)

FOCUS_AREA_LABELS: Final = MappingProxyType(
    {
        FocusArea.GRIEF: "Grief",
        FocusArea.ROLE_DISPUTE: "Role dispute",
        FocusArea.ROLE_TRANSITION: "Role transition",
        FocusArea.INTERPERSONAL_DEFICITS: "Interpersonal deficits",
    }
)


def focus_area_label(area: FocusArea, clinic_labels: dict[str, str] | None = None) -> str:
    """The area's label; a clinic may relabel the fourth ("interpersonal sensitivity")."""
    if clinic_labels and area.value in clinic_labels:
        return clinic_labels[area.value]
    return FOCUS_AREA_LABELS[area]


class EventKind(StrEnum):
    LOSS = "loss"
    CHANGE = "change"
    CONFLICT = "conflict"
    OTHER = "other"


class LossType(StrEnum):
    DEATH = "death"
    OTHER = "other"


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    kind: EventKind
    grief: float = 0.0
    transition: float = 0.0
    dispute: float = 0.0
    loss_type: LossType | None = None

    def weight(self, area: FocusArea) -> float:
        return {
            FocusArea.GRIEF: self.grief,
            FocusArea.ROLE_TRANSITION: self.transition,
            FocusArea.ROLE_DISPUTE: self.dispute,
        }.get(area, 0.0)


_LOSS, _CHANGE = EventKind.LOSS, EventKind.CHANGE
_OTHER_LOSS = LossType.OTHER

EVENT_TYPES: Final = MappingProxyType(
    {
        t.code: t
        for t in (
            EventType("death", "Death", _LOSS, grief=1.0, loss_type=LossType.DEATH),
            EventType(
                "miscarriage", "Miscarriage", _LOSS, grief=0.6, transition=0.5,
                loss_type=_OTHER_LOSS,
            ),
            EventType("pregnancy", "Pregnancy", _CHANGE, transition=1.0),
            EventType("birth", "Birth of a child", _CHANGE, transition=1.0),
            EventType(
                "infertility", "Infertility", _LOSS, grief=0.6, transition=0.5,
                loss_type=_OTHER_LOSS,
            ),
            EventType(
                "illness_injury", "Illness or injury", _CHANGE, grief=0.3, transition=1.0,
                loss_type=_OTHER_LOSS,
            ),
            EventType("job_loss", "Job loss", _CHANGE, transition=1.0),
            EventType("new_job", "New job", _CHANGE, transition=1.0),
            EventType("retirement", "Retirement", _CHANGE, transition=1.0),
            EventType("starting_school", "Starting school", _CHANGE, transition=1.0),
            EventType("moving_homes", "Moving homes", _CHANGE, transition=1.0),
            EventType("marriage", "Marriage", _CHANGE, transition=1.0),
            EventType(
                "separation_divorce", "Separation or divorce", _CHANGE, grief=0.3,
                transition=1.0, loss_type=_OTHER_LOSS,
            ),
            EventType(
                "relationship_breakdown", "Relationship breakdown", _LOSS, grief=0.5,
                transition=0.7, loss_type=_OTHER_LOSS,
            ),
            EventType("ongoing_conflict", "Ongoing conflict", EventKind.CONFLICT, dispute=0.8),
            EventType("other", "Other event", EventKind.OTHER),
        )
    }
)  # fmt: skip


def event_type(code: str) -> EventType:
    """Raise KeyError for an unknown code; callers turn it into their own error."""
    return EVENT_TYPES[code]
