"""IPT protocols as data, and the phase arithmetic of a course.

Pure Python: no Django. The numbers follow §0 of the IPT protocol reference
(/work/shared/domain/ipt-protocol.md), which is binding for IPTCare:

* Standard IPT: 16 planned sessions (a clinic may set 12-20), initial phase sessions 1-3,
  termination the last 3.
* Brief IPT: 8 sessions, initial 1-2, termination the last 2.
* IPT-A: 12 sessions, ages 12-18 by default (the clinic sets its own range), parent or
  guardian involved, limited sick role, 1-10 mood rating and a suicide-risk check every
  session.
* Maintenance IPT: monthly, open-ended, reviewed every 6 sessions.
* Group IPT (WHO): one individual pre-group meeting plus 8 group sessions. Defined but not
  available yet.

Phases. Every protocol uses the same three phases (initial, middle, termination) so that
every screen, gate and report handles one set. Maintenance IPT is open-ended: session 1 is
its initial phase (a new contract after the acute course: frequency, focus, review date) and
every later session is its middle phase. It has no termination phase by count; ending it is a
clinical decision taken at a review (every 6 sessions, see `is_review_session`).

Extensions. A course's planned length is agreed in the contract and checked with
`validate_planned`. Extending it needs a recorded reason (the caller's business); the phase
functions then take the extended planned length, which may exceed the protocol's maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from iptcare.core import dates

__all__ = [
    "PHASE_GATES",
    "PROTOCOLS",
    "AdolescentRules",
    "AgendaStep",
    "Frequency",
    "Gate",
    "GateFacts",
    "GateState",
    "GroupFormat",
    "MoodScale",
    "Phase",
    "Protocol",
    "ProtocolError",
    "SickRole",
    "available_protocols",
    "gate_states",
    "get",
    "is_ending",
    "is_review_session",
    "open_gates",
    "phase_bounds",
    "phase_for",
    "session_label",
    "validate_age",
    "validate_planned",
]


class ProtocolError(ValueError):
    """A protocol rule is broken: unknown protocol, bad planned length, session out of range."""


class Phase(StrEnum):
    INITIAL = "initial"
    MIDDLE = "middle"
    TERMINATION = "termination"

    @property
    def label(self) -> str:
        return f"{self.value} phase"


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class SickRole(StrEnum):
    # Full: excused from some duties while working at recovery. Limited (IPT-A): keeps going
    # to school and normal activities.
    FULL = "full"
    LIMITED = "limited"


@dataclass(frozen=True)
class MoodScale:
    """Session mood rating; `high` is always the best mood."""

    low: int
    high: int

    def __contains__(self, rating: object) -> bool:
        return (
            isinstance(rating, int)
            and not isinstance(rating, bool)
            and self.low <= rating <= self.high
        )

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high} ({self.high} = best)"


@dataclass(frozen=True)
class AgendaStep:
    phase: Phase
    key: str
    label: str
    optional: bool = False


@dataclass(frozen=True)
class AdolescentRules:
    """IPT-A specifics. The age range is a default; each clinic sets its own."""

    default_min_age: int
    default_max_age: int
    parent_involved: bool
    closeness_circle: bool


@dataclass(frozen=True)
class GroupFormat:
    pre_group_meetings: int
    group_sessions: int


@dataclass(frozen=True)
class Protocol:
    code: str
    name: str
    # None for open-ended protocols (maintenance): there is no planned length.
    default_planned: int | None
    min_planned: int | None
    max_planned: int | None
    initial_sessions: int
    termination_sessions: int
    mood_scale: MoodScale
    default_frequency: Frequency
    routine: tuple[AgendaStep, ...]
    sick_role: SickRole = SickRole.FULL
    suicide_check_every_session: bool = False
    # What the optional between-session task is called with the client.
    task_name: str = "between-session task"
    review_every: int | None = None
    adolescent: AdolescentRules | None = None
    group: GroupFormat | None = None
    available: bool = True

    @property
    def open_ended(self) -> bool:
        return self.default_planned is None

    def agenda_for(self, phase: Phase) -> tuple[AgendaStep, ...]:
        """The ordered agenda of one session in `phase`."""
        return tuple(step for step in self.routine if step.phase is phase)


# --- Per-session routines (§1 initial tasks, §7 routine, §1 termination tasks) -------------


def _steps(phase: Phase, *steps: tuple[str, str] | tuple[str, str, bool]) -> list[AgendaStep]:
    return [AgendaStep(phase, *step) for step in steps]


_MEASURE_ADULT = ("measure", "Symptom measure (PHQ-9 or the clinic's scale)")
# IPT-A opens every session with the mood rating and the suicide-risk check.
_MOOD_TEEN = ("mood_rating", "Mood rating 1–10 (10 = best)")
_SUICIDE_CHECK = ("suicide_risk_check", "Suicide-risk check")

_MIDDLE_CORE: tuple[tuple[str, str] | tuple[str, str, bool], ...] = (
    ("link_mood_to_events", "Link mood to interpersonal events since the last session"),
    (
        "focal_work",
        "Focal work: analyse one recent charged encounter, then options, decisions, role-play",
    ),
)

_TERMINATION_CORE: tuple[tuple[str, str] | tuple[str, str, bool], ...] = (
    ("session_number", "Session number: how many sessions are left"),
    ("name_the_ending", "Say explicitly that therapy is ending; talk about the ending itself"),
    ("review_gains", "Review gains and ask why the client got better (credit their skills)"),
    ("review_focus", "Review how the focus problem was resolved"),
    ("warning_signs", "Warning signs and a plan for recurrence"),
    (
        "next_steps",
        "Next steps: a maintenance contract, or another proven treatment if no response",
        True,
    ),
)


def _acute_routine() -> tuple[AgendaStep, ...]:
    return tuple(
        _steps(
            Phase.INITIAL,
            ("review_symptoms", "Review symptoms and give the diagnosis, with a symptom measure"),
            ("psychoeducation", "Psychoeducation: depression is common and treatable"),
            ("sick_role", "Give the sick role: excused from some duties, working at recovery"),
            ("inventory", "Interpersonal inventory"),
            ("focus_areas", "Link the onset to relationship changes; choose 1–2 focus areas"),
            ("formulation", "Interpersonal formulation, agreed by the client"),
            ("contract", "Contract: number and frequency of sessions, focus, roles"),
        )
        + _steps(
            Phase.MIDDLE,
            ("interval_question", "Interval question: “How have you been since we last met?”"),
            _MEASURE_ADULT,
            *_MIDDLE_CORE,
            ("task", "Between-session task", True),
            ("session_number", "Note the session number within the contract (e.g. 9 of 16)"),
        )
        + _steps(Phase.TERMINATION, _MEASURE_ADULT, *_TERMINATION_CORE)
    )


_ADOLESCENT_ROUTINE: Final = tuple(
    _steps(
        Phase.INITIAL,
        _MOOD_TEEN,
        _SUICIDE_CHECK,
        ("review_symptoms", "Review symptoms and give the diagnosis, with a symptom measure"),
        ("psychoeducation", "Psychoeducation for the young person and parent or guardian"),
        ("sick_role", "Give the limited sick role: keep going to school and usual activities"),
        ("closeness_circle", "Closeness circle"),
        ("inventory", "Interpersonal inventory"),
        ("focus_areas", "Link the onset to relationship changes; choose 1–2 focus areas"),
        ("formulation", "Interpersonal formulation, agreed by the young person"),
        ("contract", "Contract: sessions, frequency, focus, the parent's or guardian's part"),
    )
    + _steps(
        Phase.MIDDLE,
        _MOOD_TEEN,
        _SUICIDE_CHECK,
        ("interval_question", "Interval question: “How have you been since we last met?”"),
        ("symptom_review", "Symptom review"),
        *_MIDDLE_CORE,
        ("task", "Interpersonal experiment", True),
        ("session_number", "Note the session number within the contract (e.g. 9 of 12)"),
    )
    + _steps(
        Phase.TERMINATION,
        _MOOD_TEEN,
        _SUICIDE_CHECK,
        *_TERMINATION_CORE[:3],
        ("generalise_skills", "Generalise the skills to other relationships"),
        *_TERMINATION_CORE[3:],
    )
)

_MAINTENANCE_ROUTINE: Final = tuple(
    _steps(
        Phase.INITIAL,
        _MEASURE_ADULT,
        ("review_acute_course", "Review the acute course and what has kept the client well"),
        ("warning_signs", "Warning signs of recurrence"),
        ("contract", "Maintenance contract: monthly sessions, focus, review every 6 sessions"),
    )
    + _steps(
        Phase.MIDDLE,
        ("interval_question", "Interval question: “How have you been since we last met?”"),
        _MEASURE_ADULT,
        *_MIDDLE_CORE,
        ("task", "Between-session task", True),
        ("session_number", "Note the session number and when the next review is due"),
    )
)

_GROUP_ROUTINE: Final = tuple(
    # [U] WHO Group IPT: the pre-group meeting and group session 1 form the initial phase.
    _steps(
        Phase.INITIAL,
        ("review_symptoms", "Symptom questionnaire (PHQ-9 based)"),
        ("focus_areas", "Problem area: grief, disputes, life changes, loneliness"),
        ("contract", "Explain the group and agree to take part"),
    )
    + _steps(
        Phase.MIDDLE,
        ("measure", "Symptom questionnaire (PHQ-9 based)"),
        ("link_mood_to_events", "Each member links symptom change to the week's events"),
        ("focal_work", "Members generate options for each other, identify allies, rehearse"),
        ("task", "Between-session task", True),
        ("session_number", "Note the session number (e.g. 5 of 9)"),
    )
    + _steps(
        Phase.TERMINATION, ("measure", "Symptom questionnaire (PHQ-9 based)"), *_TERMINATION_CORE
    )
)

_ADULT_MOOD: Final = MoodScale(0, 10)

STANDARD: Final = Protocol(
    code="standard",
    name="Standard IPT",
    default_planned=16,
    min_planned=12,
    max_planned=20,
    initial_sessions=3,
    termination_sessions=3,
    mood_scale=_ADULT_MOOD,
    default_frequency=Frequency.WEEKLY,
    routine=_acute_routine(),
)

BRIEF: Final = Protocol(
    code="brief",
    name="Brief IPT",
    # §0 gives one count for Brief IPT; a longer course is an extension with a reason.
    default_planned=8,
    min_planned=8,
    max_planned=8,
    initial_sessions=2,
    termination_sessions=2,
    mood_scale=_ADULT_MOOD,
    default_frequency=Frequency.WEEKLY,
    routine=_acute_routine(),
)

IPT_A: Final = Protocol(
    code="ipt_a",
    name="IPT for adolescents (IPT-A)",
    default_planned=12,
    min_planned=12,
    max_planned=12,
    initial_sessions=3,
    termination_sessions=3,
    mood_scale=MoodScale(1, 10),
    default_frequency=Frequency.WEEKLY,
    routine=_ADOLESCENT_ROUTINE,
    sick_role=SickRole.LIMITED,
    suicide_check_every_session=True,
    task_name="interpersonal experiment",
    adolescent=AdolescentRules(
        default_min_age=12, default_max_age=18, parent_involved=True, closeness_circle=True
    ),
)

MAINTENANCE: Final = Protocol(
    code="maintenance",
    name="Maintenance IPT",
    default_planned=None,
    min_planned=None,
    max_planned=None,
    initial_sessions=1,
    termination_sessions=0,
    mood_scale=_ADULT_MOOD,
    default_frequency=Frequency.MONTHLY,
    routine=_MAINTENANCE_ROUTINE,
    review_every=6,
)

GROUP: Final = Protocol(
    code="group",
    name="Group IPT",
    # Counted as one course: session 1 is the individual pre-group meeting, 2-9 the group.
    default_planned=9,
    min_planned=9,
    max_planned=9,
    initial_sessions=2,
    termination_sessions=1,  # [U] the WHO manual's last group session
    mood_scale=_ADULT_MOOD,
    default_frequency=Frequency.WEEKLY,
    routine=_GROUP_ROUTINE,
    group=GroupFormat(pre_group_meetings=1, group_sessions=8),
    available=False,
)

PROTOCOLS: Final = MappingProxyType(
    {p.code: p for p in (STANDARD, BRIEF, IPT_A, MAINTENANCE, GROUP)}
)


def get(code: str) -> Protocol:
    """Any known protocol, available or not (old courses must stay readable)."""
    try:
        return PROTOCOLS[code]
    except KeyError:
        known = ", ".join(PROTOCOLS)
        raise ProtocolError(f"Unknown protocol {code!r} (known: {known})") from None


def available_protocols() -> list[Protocol]:
    """The protocols a new course may use, in display order."""
    return [p for p in PROTOCOLS.values() if p.available]


# --- Planned length and age ---------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_planned(
    protocol: Protocol,
    planned: int | None,
    clinic_min: int | None = None,
    clinic_max: int | None = None,
) -> int | None:
    """Check the planned length agreed in a new contract; return it.

    The clinic's own range may only narrow the protocol's range. Maintenance IPT is
    open-ended, so its planned length must be None.
    """
    if not protocol.available:
        raise ProtocolError(f"{protocol.name} is not available yet")
    if protocol.open_ended:
        if planned is not None:
            raise ProtocolError(
                f"{protocol.name} is open-ended: leave the planned sessions empty "
                f"(it is reviewed every {protocol.review_every} sessions)"
            )
        return None
    assert protocol.min_planned is not None and protocol.max_planned is not None
    if planned is None:
        raise ProtocolError(f"{protocol.name}: the number of planned sessions is required")
    if not _is_int(planned):
        raise ProtocolError(f"{protocol.name}: planned sessions must be a whole number")

    low, high = protocol.min_planned, protocol.max_planned
    if clinic_min is not None:
        if clinic_min < low:
            raise ProtocolError(
                f"{protocol.name}: the clinic minimum {clinic_min} is below "
                f"the protocol minimum {low}"
            )
        low = clinic_min
    if clinic_max is not None:
        if clinic_max > high:
            raise ProtocolError(
                f"{protocol.name}: the clinic maximum {clinic_max} is above "
                f"the protocol maximum {high}"
            )
        high = clinic_max
    if low > high:
        raise ProtocolError(
            f"{protocol.name}: the clinic range {low}–{high} is empty (minimum above maximum)"
        )
    if not low <= planned <= high:
        if (clinic_min, clinic_max) == (None, None):
            allowed = f"exactly {low}" if low == high else f"between {low} and {high}"
            raise ProtocolError(
                f"{protocol.name}: planned sessions must be {allowed} (got {planned})"
            )
        allowed = str(low) if low == high else f"{low}–{high}"
        raise ProtocolError(
            f"{protocol.name}: this clinic allows {allowed} planned sessions (got {planned})"
        )
    return planned


def validate_age(
    protocol: Protocol,
    age: int,
    clinic_min: int | None = None,
    clinic_max: int | None = None,
) -> int:
    """Check a client's age for an adolescent protocol (no-op for adult protocols).

    The clinic sets its own range (the seed clinic uses 13-18); without one, the protocol
    default applies.
    """
    rules = protocol.adolescent
    if rules is None:
        return age
    low = rules.default_min_age if clinic_min is None else clinic_min
    high = rules.default_max_age if clinic_max is None else clinic_max
    if not low <= age <= high:
        raise ProtocolError(f"{protocol.name} is for ages {low}–{high} (client is {age})")
    return age


# --- Phase arithmetic ---------------------------------------------------------------------


def _check_course(protocol: Protocol, planned: int | None) -> None:
    if protocol.open_ended:
        if planned is not None:
            raise ProtocolError(f"{protocol.name} is open-ended: pass planned_sessions=None")
        return
    if planned is None or not _is_int(planned):
        raise ProtocolError(f"{protocol.name}: planned sessions must be a whole number")
    # Structural minimum, not the contract range: an extended course may exceed the maximum.
    shortest = protocol.initial_sessions + 1 + protocol.termination_sessions
    if planned < shortest:
        raise ProtocolError(
            f"{protocol.name}: {planned} planned sessions leave no middle phase "
            f"(at least {shortest} needed)"
        )


def _check_session(protocol: Protocol, session_number: int, planned: int | None) -> None:
    _check_course(protocol, planned)
    if not _is_int(session_number) or session_number < 1:
        raise ProtocolError(f"Session number must be 1 or more (got {session_number!r})")
    if planned is not None and session_number > planned:
        raise ProtocolError(
            f"Session {session_number} is past the {planned} planned sessions of "
            f"{protocol.name}; extend the contract (with a recorded reason) first"
        )


def phase_for(protocol: Protocol, session_number: int, planned_sessions: int | None) -> Phase:
    """The phase of session `session_number` in a course of `planned_sessions`.

    `planned_sessions` is None for open-ended protocols, and the extended length when a
    course has been extended.
    """
    _check_session(protocol, session_number, planned_sessions)
    if session_number <= protocol.initial_sessions:
        return Phase.INITIAL
    if planned_sessions is not None and (
        session_number > planned_sessions - protocol.termination_sessions
    ):
        return Phase.TERMINATION
    return Phase.MIDDLE


def phase_bounds(protocol: Protocol, planned: int | None) -> dict[Phase, tuple[int, int | None]]:
    """First and last session of each phase; last is None for an open-ended middle phase."""
    _check_course(protocol, planned)
    bounds: dict[Phase, tuple[int, int | None]] = {Phase.INITIAL: (1, protocol.initial_sessions)}
    if planned is None:
        bounds[Phase.MIDDLE] = (protocol.initial_sessions + 1, None)
        return bounds
    first_termination = planned - protocol.termination_sessions + 1
    bounds[Phase.MIDDLE] = (protocol.initial_sessions + 1, first_termination - 1)
    if protocol.termination_sessions:
        bounds[Phase.TERMINATION] = (first_termination, planned)
    return bounds


def is_ending(protocol: Protocol, session_number: int, planned: int | None) -> bool:
    """True in the termination phase (the last 3 sessions; the last 2 for Brief IPT)."""
    return phase_for(protocol, session_number, planned) is Phase.TERMINATION


def is_review_session(protocol: Protocol, session_number: int) -> bool:
    """True when an open-ended course is due its review (every 6th maintenance session)."""
    if protocol.review_every is None:
        return False
    _check_session(protocol, session_number, None)
    return session_number % protocol.review_every == 0


def session_label(n: int, planned: int | None, phase: Phase) -> str:
    """The course position shown on every page: "Session 5 of 16 · middle phase"."""
    of_planned = f" of {planned}" if planned is not None else ""
    return f"Session {n}{of_planned} · {phase.label}"


# --- Phase gates (§0: warn, don't block) --------------------------------------------------


@dataclass(frozen=True)
class Gate:
    key: str
    label: str


PHASE_GATES: Final[tuple[Gate, ...]] = (
    Gate("symptom_measure", "Symptom measure"),
    Gate("inventory", "Inventory"),
    Gate("focus_areas", "Focus areas"),
    Gate("formulation", "Formulation agreed"),
    Gate("contract", "Contract"),
)
_GATES_BY_KEY: Final = {gate.key: gate for gate in PHASE_GATES}


@dataclass
class GateFacts:
    """What the course has recorded so far, gathered by the caller."""

    has_symptom_measure: bool
    inventory_people: int
    focus_areas: int
    formulation_agreed_on: date | None
    contract_agreed: bool

    def __post_init__(self) -> None:
        for name in ("inventory_people", "focus_areas"):
            value = getattr(self, name)
            if not _is_int(value) or value < 0:
                raise ProtocolError(f"{name} must be a whole number, 0 or more (got {value!r})")


@dataclass(frozen=True)
class GateState:
    gate: Gate
    is_open: bool
    text: str

    @property
    def key(self) -> str:
        return self.gate.key


_DONE: Final = " ✓"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def gate_states(facts: GateFacts) -> list[GateState]:
    """Every gate before the middle phase, in order, open or closed, with its text."""
    g = _GATES_BY_KEY

    def state(key: str, done: bool, detail: str) -> GateState:
        return GateState(g[key], not done, f"{g[key].label}: {detail}{_DONE if done else ''}")

    if facts.focus_areas == 0:
        focus = state("focus_areas", False, "none chosen yet")
    elif facts.focus_areas <= 2:
        focus = state("focus_areas", True, f"{facts.focus_areas} chosen")
    else:
        focus = state("focus_areas", False, f"{facts.focus_areas} chosen, choose 1 or 2")

    agreed_on = facts.formulation_agreed_on
    return [
        state(
            "symptom_measure",
            facts.has_symptom_measure,
            "recorded" if facts.has_symptom_measure else "not yet",
        ),
        state(
            "inventory",
            facts.inventory_people > 0,
            _plural(facts.inventory_people, "person", "people")
            if facts.inventory_people
            else "not yet",
        ),
        focus,
        state(
            "formulation",
            agreed_on is not None,
            dates.day_short(agreed_on) if agreed_on else "not yet",
        ),
        state("contract", facts.contract_agreed, "agreed" if facts.contract_agreed else "not yet"),
    ]


def open_gates(facts: GateFacts) -> list[GateState]:
    """The gates still open: IPTCare warns about these (and shows them to the supervisor)."""
    return [s for s in gate_states(facts) if s.is_open]
