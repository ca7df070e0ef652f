from __future__ import annotations

import pytest

from iptcare.courses.agenda import ending_notice, session_agenda
from iptcare.courses.protocols import ProtocolError, get


def test_an_initial_session_agenda_holds_the_initial_tasks():
    items = session_agenda(get("standard"), 1, 16)
    assert items[0].startswith("Review symptoms")
    assert any("Interpersonal inventory" in item for item in items)
    assert not any("Ending" in item for item in items)


def test_a_middle_session_names_the_focus_areas_in_the_focal_work():
    items = session_agenda(get("standard"), 6, 16, focus_labels=["Grief", "Role dispute"])
    assert any(item.startswith("Focal work") and "(Grief, Role dispute)" in item for item in items)
    assert "Between-session task (optional)" in items


def test_a_middle_session_without_a_focus_says_so():
    items = session_agenda(get("standard"), 6, 16)
    assert items[-1] == "No focus area is recorded yet: agree one before the middle phase"


def test_open_homework_and_the_last_plan_are_carried_forward_first():
    items = session_agenda(
        get("standard"), 6, 16, open_homework="Call Sam", last_plan="Role-play the talk"
    )
    assert items[:2] == [
        "Plan from last time: Role-play the talk",
        "Review the between-session task set last time: Call Sam",
    ]


def test_ipt_a_calls_homework_an_interpersonal_experiment():
    items = session_agenda(get("ipt_a"), 5, 12, open_homework="Talk to Mum")
    assert "Review the interpersonal experiment set last time: Talk to Mum" in items
    assert items[1].startswith("Mood rating 1–10")


@pytest.mark.parametrize(
    ("code", "planned", "number", "notice"),
    [
        ("standard", 16, 13, ""),
        ("standard", 16, 14, "Ending phase: 3 sessions left, this one included. Name the ending"),
        ("standard", 16, 15, "Ending phase: 2 sessions left, this one included. Name the ending"),
        ("standard", 16, 16, "Last session of the course: say goodbye and agree what comes next"),
        ("brief", 8, 6, ""),
        ("brief", 8, 7, "Ending phase: 2 sessions left, this one included. Name the ending"),
        ("standard", 20, 18, "Ending phase: 3 sessions left, this one included. Name the ending"),
        ("maintenance", None, 30, ""),
    ],
)
def test_the_ending_notice_starts_three_sessions_before_the_end_two_for_brief(
    code, planned, number, notice
):
    assert ending_notice(get(code), number, planned) == notice
    items = session_agenda(get(code), number, planned)
    assert (items[0] == notice) if notice else not any("Ending" in i for i in items)


def test_termination_agenda_lists_the_termination_tasks():
    items = session_agenda(get("standard"), 15, 16)
    assert any("Warning signs" in item for item in items)
    assert any("Review gains" in item for item in items)


def test_maintenance_review_sessions_say_so():
    assert session_agenda(get("maintenance"), 12, None)[0].startswith("Review session (every 6)")
    assert not session_agenda(get("maintenance"), 11, None)[0].startswith("Review session")


def test_a_session_past_the_plan_has_no_agenda():
    with pytest.raises(ProtocolError, match="past the 16 planned sessions"):
        session_agenda(get("standard"), 17, 16)
