from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptcare.courses import protocols
from iptcare.courses.protocols import (
    PHASE_GATES,
    GateFacts,
    Phase,
    ProtocolError,
    gate_states,
    get,
    is_ending,
    is_review_session,
    open_gates,
    phase_bounds,
    phase_for,
    session_label,
    validate_age,
    validate_planned,
)

INITIAL, MIDDLE, TERMINATION = Phase.INITIAL, Phase.MIDDLE, Phase.TERMINATION

# (protocol, planned, {phase: (first, last)}) — §0 of the IPT protocol reference.
BOUNDS = [
    ("standard", 12, {INITIAL: (1, 3), MIDDLE: (4, 9), TERMINATION: (10, 12)}),
    ("standard", 16, {INITIAL: (1, 3), MIDDLE: (4, 13), TERMINATION: (14, 16)}),
    ("standard", 20, {INITIAL: (1, 3), MIDDLE: (4, 17), TERMINATION: (18, 20)}),
    ("brief", 8, {INITIAL: (1, 2), MIDDLE: (3, 6), TERMINATION: (7, 8)}),
    ("ipt_a", 12, {INITIAL: (1, 3), MIDDLE: (4, 9), TERMINATION: (10, 12)}),
    ("maintenance", None, {INITIAL: (1, 1), MIDDLE: (2, None)}),
    ("group", 9, {INITIAL: (1, 2), MIDDLE: (3, 8), TERMINATION: (9, 9)}),
]


@pytest.mark.parametrize(("code", "planned", "expected"), BOUNDS)
def test_phase_bounds_follow_the_protocol(code, planned, expected):
    assert phase_bounds(get(code), planned) == expected


# Every boundary session: the first and last of each phase, and its neighbours.
PHASES = [
    ("standard", 12, 1, INITIAL),
    ("standard", 12, 3, INITIAL),
    ("standard", 12, 4, MIDDLE),
    ("standard", 12, 9, MIDDLE),
    ("standard", 12, 10, TERMINATION),
    ("standard", 12, 12, TERMINATION),
    ("standard", 16, 1, INITIAL),
    ("standard", 16, 3, INITIAL),
    ("standard", 16, 4, MIDDLE),
    ("standard", 16, 13, MIDDLE),
    ("standard", 16, 14, TERMINATION),
    ("standard", 16, 16, TERMINATION),
    ("standard", 20, 3, INITIAL),
    ("standard", 20, 4, MIDDLE),
    ("standard", 20, 17, MIDDLE),
    ("standard", 20, 18, TERMINATION),
    ("standard", 20, 20, TERMINATION),
    ("brief", 8, 1, INITIAL),
    ("brief", 8, 2, INITIAL),
    ("brief", 8, 3, MIDDLE),
    ("brief", 8, 6, MIDDLE),
    ("brief", 8, 7, TERMINATION),
    ("brief", 8, 8, TERMINATION),
    ("ipt_a", 12, 1, INITIAL),
    ("ipt_a", 12, 3, INITIAL),
    ("ipt_a", 12, 4, MIDDLE),
    ("ipt_a", 12, 9, MIDDLE),
    ("ipt_a", 12, 10, TERMINATION),
    ("ipt_a", 12, 12, TERMINATION),
    ("maintenance", None, 1, INITIAL),
    ("maintenance", None, 2, MIDDLE),
    ("maintenance", None, 6, MIDDLE),
    ("maintenance", None, 60, MIDDLE),
    ("group", 9, 2, INITIAL),
    ("group", 9, 3, MIDDLE),
    ("group", 9, 9, TERMINATION),
    # An extended course: the caller passes the extended length.
    ("standard", 18, 16, TERMINATION),
    ("standard", 18, 15, MIDDLE),
    ("standard", 22, 19, MIDDLE),
    ("brief", 10, 9, TERMINATION),
    ("brief", 10, 8, MIDDLE),
]


@pytest.mark.parametrize(("code", "planned", "session", "expected"), PHASES)
def test_phase_for_each_boundary_session(code, planned, session, expected):
    assert phase_for(get(code), session, planned) is expected


@pytest.mark.parametrize(
    ("code", "planned", "session", "expected"),
    [
        ("standard", 16, 13, False),
        ("standard", 16, 14, True),
        ("standard", 12, 10, True),
        ("brief", 8, 6, False),
        ("brief", 8, 7, True),
        ("ipt_a", 12, 9, False),
        ("ipt_a", 12, 10, True),
        ("maintenance", None, 6, False),
        ("maintenance", None, 600, False),
    ],
)
def test_is_ending_in_the_last_sessions_only(code, planned, session, expected):
    assert is_ending(get(code), session, planned) is expected


@pytest.mark.parametrize(
    ("code", "planned", "session", "message"),
    [
        ("standard", 16, 17, "Session 17 is past the 16 planned sessions of Standard IPT"),
        ("brief", 8, 9, "Session 9 is past the 8 planned sessions of Brief IPT"),
        ("ipt_a", 12, 13, "past the 12 planned sessions"),
        ("standard", 16, 0, "Session number must be 1 or more"),
        ("standard", 16, -2, "Session number must be 1 or more"),
        ("standard", 16, True, "Session number must be 1 or more"),
        ("standard", None, 3, "planned sessions must be a whole number"),
        ("standard", 6, 1, r"6 planned sessions leave no middle phase \(at least 7 needed\)"),
        ("brief", 4, 1, "at least 5 needed"),
        ("maintenance", 12, 1, "open-ended: pass planned_sessions=None"),
    ],
)
def test_phase_for_rejects_sessions_outside_the_course(code, planned, session, message):
    with pytest.raises(ProtocolError, match=message):
        phase_for(get(code), session, planned)


def test_a_session_past_the_plan_is_fine_once_the_course_is_extended():
    standard = get("standard")
    with pytest.raises(ProtocolError, match="extend the contract"):
        phase_for(standard, 17, 16)
    assert phase_for(standard, 17, 18) is TERMINATION


@pytest.mark.parametrize(
    ("code", "planned", "clinic_min", "clinic_max", "message"),
    [
        ("standard", 11, None, None, r"Standard IPT: planned sessions must be between 12 and 20"),
        ("standard", 21, None, None, r"between 12 and 20 \(got 21\)"),
        ("standard", None, None, None, "the number of planned sessions is required"),
        ("standard", 16.0, None, None, "must be a whole number"),
        ("standard", True, None, None, "must be a whole number"),
        ("standard", 13, 14, 18, r"this clinic allows 14–18 planned sessions \(got 13\)"),
        ("standard", 19, 14, 18, r"this clinic allows 14–18 planned sessions \(got 19\)"),
        ("standard", 16, 10, None, "the clinic minimum 10 is below the protocol minimum 12"),
        ("standard", 16, None, 24, "the clinic maximum 24 is above the protocol maximum 20"),
        ("standard", 16, 18, 14, "the clinic range 18–14 is empty"),
        ("brief", 7, None, None, r"Brief IPT: planned sessions must be exactly 8 \(got 7\)"),
        ("brief", 12, None, None, "must be exactly 8"),
        ("ipt_a", 16, None, None, "must be exactly 12"),
        ("maintenance", 6, None, None, "Maintenance IPT is open-ended: leave the planned"),
        ("group", 9, None, None, "Group IPT is not available yet"),
    ],
)  # fmt: skip
def test_validate_planned_rejects_bad_lengths(code, planned, clinic_min, clinic_max, message):
    with pytest.raises(ProtocolError, match=message):
        validate_planned(get(code), planned, clinic_min, clinic_max)


@pytest.mark.parametrize(
    ("code", "planned", "clinic_min", "clinic_max"),
    [
        ("standard", 12, None, None),
        ("standard", 16, None, None),
        ("standard", 20, None, None),
        ("standard", 14, 14, 18),
        ("standard", 18, 14, 18),
        ("standard", 16, 16, 16),
        ("brief", 8, None, None),
        ("ipt_a", 12, None, None),
        ("maintenance", None, None, None),
    ],
)
def test_validate_planned_accepts_lengths_in_range(code, planned, clinic_min, clinic_max):
    assert validate_planned(get(code), planned, clinic_min, clinic_max) == planned


def test_protocol_errors_are_value_errors():
    assert issubclass(ProtocolError, ValueError)


def test_get_names_the_known_protocols_when_the_code_is_unknown():
    with pytest.raises(ProtocolError, match="Unknown protocol 'cbt' .*standard, brief"):
        get("cbt")


def test_group_ipt_is_defined_but_not_offered():
    group = get("group")
    assert group.available is False
    assert group.group is not None
    assert (group.group.pre_group_meetings, group.group.group_sessions) == (1, 8)
    assert [p.code for p in protocols.available_protocols()] == [
        "standard",
        "brief",
        "ipt_a",
        "maintenance",
    ]


@pytest.mark.parametrize(
    ("code", "default", "low", "high", "mood", "frequency"),
    [
        ("standard", 16, 12, 20, (0, 10), "weekly"),
        ("brief", 8, 8, 8, (0, 10), "weekly"),
        ("ipt_a", 12, 12, 12, (1, 10), "weekly"),
        ("maintenance", None, None, None, (0, 10), "monthly"),
    ],
)
def test_protocol_numbers_match_the_clinic_rules(code, default, low, high, mood, frequency):
    protocol = get(code)
    assert (protocol.default_planned, protocol.min_planned, protocol.max_planned) == (
        default,
        low,
        high,
    )
    assert (protocol.mood_scale.low, protocol.mood_scale.high) == mood
    assert protocol.default_frequency == frequency


def test_ipt_a_specifics():
    ipt_a = get("ipt_a")
    assert ipt_a.adolescent is not None
    assert (ipt_a.adolescent.default_min_age, ipt_a.adolescent.default_max_age) == (12, 18)
    assert ipt_a.adolescent.parent_involved
    assert ipt_a.sick_role == "limited"
    assert ipt_a.suicide_check_every_session
    assert ipt_a.task_name == "interpersonal experiment"
    assert 1 in ipt_a.mood_scale and 0 not in ipt_a.mood_scale and 10 in ipt_a.mood_scale
    for phase in Phase:
        keys = [step.key for step in ipt_a.agenda_for(phase)]
        assert keys[:2] == ["mood_rating", "suicide_risk_check"], phase


def test_adult_protocols_do_not_require_a_suicide_check_every_session():
    assert not get("standard").suicide_check_every_session
    assert get("standard").sick_role == "full"
    assert 0 in get("standard").mood_scale


def test_middle_phase_routine_follows_the_session_template():
    keys = [step.key for step in get("standard").agenda_for(MIDDLE)]
    assert keys == [
        "interval_question",
        "measure",
        "link_mood_to_events",
        "focal_work",
        "task",
        "session_number",
    ]
    task = get("standard").agenda_for(MIDDLE)[4]
    assert task.optional


def test_initial_and_termination_routines_hold_the_phase_tasks():
    standard = get("standard")
    initial = [step.key for step in standard.agenda_for(INITIAL)]
    assert initial == [
        "review_symptoms",
        "psychoeducation",
        "sick_role",
        "inventory",
        "focus_areas",
        "formulation",
        "contract",
    ]
    ending = [step.key for step in standard.agenda_for(TERMINATION)]
    for key in ("name_the_ending", "review_gains", "review_focus", "warning_signs"):
        assert key in ending
    assert get("maintenance").agenda_for(TERMINATION) == ()


@pytest.mark.parametrize(
    ("session", "expected"), [(1, False), (5, False), (6, True), (7, False), (12, True)]
)
def test_maintenance_is_reviewed_every_sixth_session(session, expected):
    assert is_review_session(get("maintenance"), session) is expected


def test_acute_protocols_have_no_review_sessions():
    assert not is_review_session(get("standard"), 6)


@pytest.mark.parametrize(
    ("n", "planned", "phase", "label"),
    [
        (5, 16, MIDDLE, "Session 5 of 16 · middle phase"),
        (1, 8, INITIAL, "Session 1 of 8 · initial phase"),
        (12, 12, TERMINATION, "Session 12 of 12 · termination phase"),
        (7, None, MIDDLE, "Session 7 · middle phase"),
    ],
)
def test_session_label(n, planned, phase, label):
    assert session_label(n, planned, phase) == label


@pytest.mark.parametrize(
    ("age", "clinic_min", "clinic_max", "ok"),
    [
        (12, None, None, True),
        (18, None, None, True),
        (11, None, None, False),
        (19, None, None, False),
        (12, 13, 18, False),
        (13, 13, 18, True),
    ],
)
def test_validate_age_for_ipt_a_uses_the_clinic_range(age, clinic_min, clinic_max, ok):
    ipt_a = get("ipt_a")
    if ok:
        assert validate_age(ipt_a, age, clinic_min, clinic_max) == age
    else:
        with pytest.raises(ProtocolError, match=f"IPT-A.* is for ages .*client is {age}"):
            validate_age(ipt_a, age, clinic_min, clinic_max)


def test_validate_age_ignores_adult_protocols():
    assert validate_age(get("standard"), 70) == 70


# --- phase gates ----------------------------------------------------------------------------

NOTHING_YET = GateFacts(
    has_symptom_measure=False,
    inventory_people=0,
    focus_areas=0,
    formulation_agreed_on=None,
    contract_agreed=False,
)
ALL_DONE = GateFacts(
    has_symptom_measure=True,
    inventory_people=6,
    focus_areas=1,
    formulation_agreed_on=date(2025, 3, 12),
    contract_agreed=True,
)


def test_gates_are_data_with_keys_and_labels():
    assert [(g.key, g.label) for g in PHASE_GATES] == [
        ("symptom_measure", "Symptom measure"),
        ("inventory", "Inventory"),
        ("focus_areas", "Focus areas"),
        ("formulation", "Formulation agreed"),
        ("contract", "Contract"),
    ]


def test_every_gate_is_open_before_anything_is_recorded():
    assert [s.text for s in open_gates(NOTHING_YET)] == [
        "Symptom measure: not yet",
        "Inventory: not yet",
        "Focus areas: none chosen yet",
        "Formulation agreed: not yet",
        "Contract: not yet",
    ]


def test_no_gate_is_open_when_everything_is_recorded():
    assert open_gates(ALL_DONE) == []
    assert [s.text for s in gate_states(ALL_DONE)] == [
        "Symptom measure: recorded ✓",
        "Inventory: 6 people ✓",
        "Focus areas: 1 chosen ✓",
        "Formulation agreed: 12 Mar 2025 ✓",
        "Contract: agreed ✓",
    ]


@pytest.mark.parametrize(
    ("changes", "key", "is_open", "text"),
    [
        ({"inventory_people": 1}, "inventory", False, "Inventory: 1 person ✓"),
        ({"inventory_people": 0}, "inventory", True, "Inventory: not yet"),
        ({"focus_areas": 2}, "focus_areas", False, "Focus areas: 2 chosen ✓"),
        ({"focus_areas": 3}, "focus_areas", True, "Focus areas: 3 chosen, choose 1 or 2"),
        ({"focus_areas": 0}, "focus_areas", True, "Focus areas: none chosen yet"),
        (
            {"formulation_agreed_on": None},
            "formulation",
            True,
            "Formulation agreed: not yet",
        ),
        ({"contract_agreed": False}, "contract", True, "Contract: not yet"),
        ({"has_symptom_measure": False}, "symptom_measure", True, "Symptom measure: not yet"),
    ],
)
def test_gate_state_texts(changes, key, is_open, text):
    facts = GateFacts(**{**vars(ALL_DONE), **changes})
    state = next(s for s in gate_states(facts) if s.key == key)
    assert (state.is_open, state.text) == (is_open, text)
    assert [s.key for s in open_gates(facts)] == ([key] if is_open else [])


def test_gate_facts_reject_negative_counts():
    with pytest.raises(ProtocolError, match="inventory_people"):
        GateFacts(False, -1, 0, None, False)


# --- properties over every course length ----------------------------------------------------

FIXED = [code for code, protocol in protocols.PROTOCOLS.items() if not protocol.open_ended]


@given(code=st.sampled_from(FIXED), extra=st.integers(min_value=0, max_value=30))
def test_phases_are_contiguous_and_agree_with_bounds(code, extra):
    protocol = get(code)
    planned = protocol.initial_sessions + 1 + protocol.termination_sessions + extra
    phases = [phase_for(protocol, n, planned) for n in range(1, planned + 1)]
    assert phases == sorted(phases, key=list(Phase).index)
    assert phases.count(INITIAL) == protocol.initial_sessions
    assert phases.count(TERMINATION) == protocol.termination_sessions
    for phase, (first, last) in phase_bounds(protocol, planned).items():
        assert last is not None
        assert phases[first - 1 : last] == [phase] * (last - first + 1)
    assert [is_ending(protocol, n, planned) for n in range(1, planned + 1)] == [
        p is TERMINATION for p in phases
    ]
