from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptcare.formulation.catalogue import (
    EVENT_TYPES,
    FOCUS_AREA_ORDER,
    EventKind,
    FocusArea,
    focus_area_label,
)
from iptcare.formulation.suggest import (
    Case,
    Suggestion,
    SuggestionInputError,
    parse_case,
    suggest,
)

GRIEF = FocusArea.GRIEF
DISPUTE = FocusArea.ROLE_DISPUTE
TRANSITION = FocusArea.ROLE_TRANSITION
DEFICITS = FocusArea.INTERPERSONAL_DEFICITS

ASSESSED = "2025-03-01"
ONSET = "2024-12-01"

# A well-connected inventory, so that deficits evidence only comes from what a test adds.
CONNECTED = [
    {"name": "Sam", "relation": "partner", "closeness": 1, "conflict": 0, "support": 3},
    {"name": "Lea", "relation": "sister", "closeness": 1, "support": 2},
    {"name": "Kim", "relation": "friend", "closeness": 2, "support": 2},
]


def case(**fields: Any) -> dict[str, Any]:
    return {"assessed_on": ASSESSED, "onset": ONSET, "people": CONNECTED, **fields}


def run(data: dict[str, Any]) -> list[Suggestion]:
    return suggest(parse_case(data))


def scores(data: dict[str, Any]) -> dict[FocusArea, float]:
    return {s.area: s.score for s in run(data)}


def reasons(data: dict[str, Any], area: FocusArea) -> str:
    return "\n".join(next(s for s in run(data) if s.area is area).reasons)


def top(data: dict[str, Any], n: int = 1) -> list[FocusArea]:
    return [s.area for s in run(data)[:n]]


# --- one clear case per area ------------------------------------------------------------------

CLEAR_GRIEF = case(
    events=[{"type": "death", "date": "2024-10-20", "person": "Mum"}],
    people=[*CONNECTED, {"name": "Mary", "relation": "mother", "closeness": 1, "deceased": True}],
    narrative="Since the funeral I can't stop crying; I miss her.",
)
CLEAR_TRANSITION = case(
    events=[{"type": "retirement", "date": "2024-10-31"}],
    narrative="Since my retirement I don't know who I am. Struggling to adjust.",
)
CLEAR_DISPUTE = case(
    events=[{"type": "ongoing_conflict", "date": "2024-08-01", "person": "Sam"}],
    people=[{**CONNECTED[0], "conflict": 3}, *CONNECTED[1:]],
    narrative="We argue every night and it feels stuck.",
)
CLEAR_DEFICITS = {
    "assessed_on": ASSESSED,
    "onset": None,
    "people": [{"name": "Mo", "relation": "mother", "closeness": 2, "support": 1}],
    "narrative": "I have always been lonely. I never had friends.",
}


@pytest.mark.parametrize(
    ("data", "area"),
    [
        (CLEAR_GRIEF, GRIEF),
        (CLEAR_TRANSITION, TRANSITION),
        (CLEAR_DISPUTE, DISPUTE),
        (CLEAR_DEFICITS, DEFICITS),
    ],
)
def test_a_clear_case_puts_its_area_first_by_a_wide_margin(data, area):
    first, second, *_ = run(data)
    assert first.area is area
    assert first.score >= 0.75
    assert first.score - second.score >= 0.4


def test_grief_reasons_name_the_person_timing_and_closeness():
    text = reasons(CLEAR_GRIEF, GRIEF)
    assert "Death of Mary (mother) 6 weeks before onset" in text
    assert "closeness 1 in the inventory, marked deceased" in text
    assert "Narrative mentions “funeral”, “miss her”" in text


def test_dispute_reasons_name_the_conflict_and_closeness():
    text = reasons(CLEAR_DISPUTE, DISPUTE)
    assert "Current conflict with Sam (partner): conflict 3 of 3, a close tie (closeness 1)" in text
    assert "Ongoing conflict with Sam (partner) since 1 Aug 2024, 4 months before onset" in text
    assert "“argue”" in text and "“stuck”" in text


def test_deficits_reasons_say_why():
    text = reasons(CLEAR_DEFICITS, DEFICITS)
    assert "Nobody at closeness 1 in the inventory" in text
    assert "No onset recorded" in text
    assert "“always”, “lonely”, “never had friends”" in text


# --- ambiguous cases --------------------------------------------------------------------------

DEATH_AND_JOB_LOSS = case(
    events=[
        {"type": "death", "date": "2024-09-20", "person": "Dad"},
        {"type": "job_loss", "date": "2024-10-25"},
    ],
    people=[*CONNECTED, {"name": "Tom", "relation": "father", "closeness": 2, "deceased": True}],
)
CONFLICT_AND_MOVE = case(
    events=[{"type": "moving_homes", "date": "2024-10-01"}],
    people=[{**CONNECTED[0], "conflict": 2}, *CONNECTED[1:]],
)


@pytest.mark.parametrize(
    ("data", "pair"),
    [
        (DEATH_AND_JOB_LOSS, {GRIEF, TRANSITION}),
        (CONFLICT_AND_MOVE, {DISPUTE, TRANSITION}),
    ],
)
def test_two_plausible_areas_get_close_scores_and_a_readable_trade_off(data, pair):
    first, second, third, _ = run(data)
    assert {first.area, second.area} == pair
    assert first.score - second.score <= 0.15
    assert third.score < 0.3
    assert any(r.startswith(f"Close call with {focus_area_label(second.area).lower()}")
               for r in first.reasons)  # fmt: skip
    assert any(r.startswith(f"Close call with {focus_area_label(first.area).lower()}")
               for r in second.reasons)  # fmt: skip


def test_the_close_call_names_the_other_areas_evidence():
    text = reasons(DEATH_AND_JOB_LOSS, GRIEF)
    assert "Close call with role transition" in text
    assert "Job loss 5 weeks before onset" in text
    assert "Death of Tom (father) 2 months before onset" in text


def test_a_miscarriage_counts_as_grief_broadly_and_as_a_transition_classically():
    data = case(events=[{"type": "miscarriage", "date": "2024-11-01"}])
    result = scores(data)
    assert top(data, 2) == [GRIEF, TRANSITION]
    assert result[GRIEF] < 0.85 * 0.7  # lower than a death would weigh
    assert "a loss other than a death" in reasons(data, GRIEF)
    assert "classic IPT treats a loss other than a death" in reasons(data, TRANSITION)


def test_a_death_outweighs_a_miscarriage_at_the_same_time():
    death = scores(case(events=[{"type": "death", "date": "2024-11-01"}]))
    miscarriage = scores(case(events=[{"type": "miscarriage", "date": "2024-11-01"}]))
    assert death[GRIEF] > miscarriage[GRIEF]


# --- timing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_date", "expected"),
    [
        ("2024-12-01", 0.85),  # at onset
        ("2024-11-10", 0.85),  # 3 weeks before
        ("2024-10-01", 0.77),  # 2 months before
        ("2024-07-01", 0.64),  # 5 months before
        ("2024-03-01", 0.34),  # 9 months before
        ("2023-06-01", 0.13),  # 18 months before
        ("2021-01-01", 0.0),  # years before
        ("2025-01-15", 0.43),  # 6 weeks after
        ("2025-02-28", 0.43),  # 3 months after
    ],
)
def test_a_life_change_weighs_by_how_close_it_is_to_the_onset(event_date, expected):
    result = scores(case(events=[{"type": "new_job", "date": event_date}]))
    assert result[TRANSITION] == expected


def test_after_onset_is_weaker_than_the_same_gap_before():
    before = scores(case(events=[{"type": "death", "date": "2024-10-15"}]))
    after = scores(case(events=[{"type": "death", "date": "2025-01-15"}]))
    assert after[GRIEF] < before[GRIEF]


def test_a_death_after_onset_says_it_did_not_start_the_depression():
    data = case(events=[{"type": "death", "date": "2025-01-15", "person": "Lea"}])
    text = reasons(data, GRIEF)
    assert "Death of Lea (sister) 6 weeks after onset" in text
    assert "may keep the depression going but did not start it" in text


def test_a_death_years_before_onset_does_not_suggest_grief():
    data = case(
        events=[{"type": "death", "date": "2020-01-15", "person": "Lea"}],
        people=[{**CONNECTED[1], "deceased": True}, CONNECTED[0]],
    )
    result = run(data)
    assert result[0].area is DEFICITS
    grief = next(s for s in result if s.area is GRIEF)
    assert grief.score == 0.0
    assert grief.reasons[0].startswith("Death of Lea (sister) 4 years before onset")
    assert grief.reasons[0].endswith("too long before onset to explain it")
    assert "No death or loss near the onset" in grief.reasons
    assert "No loss, change or conflict on the timeline near the onset" in reasons(data, DEFICITS)


def test_without_an_onset_events_are_timed_against_the_assessment_and_weaker():
    with_onset = scores(case(events=[{"type": "job_loss", "date": "2024-11-10"}]))
    data = case(onset=None, events=[{"type": "job_loss", "date": "2025-01-10"}])
    without = scores(data)
    assert top(data) == [TRANSITION]
    assert without[TRANSITION] < with_onset[TRANSITION]
    assert "Job loss 7 weeks before the assessment; no onset recorded, so weaker" in reasons(
        data, TRANSITION
    )
    assert "No onset recorded" in reasons(data, DEFICITS)


def test_a_long_standing_onset_points_to_deficits():
    data = case(onset="2019-05-01", people=[{"name": "Mo", "closeness": 2, "support": 1}])
    assert top(data) == [DEFICITS]
    assert "Onset 5 years before the assessment: long-standing" in reasons(data, DEFICITS)


# --- people and closeness ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ({"name": "Ana", "closeness": 1, "deceased": True}, 0.77),
        ({"name": "Ana", "closeness": 2}, 0.77),
        ({"name": "Ana"}, 0.61),
        ({"name": "Ana", "closeness": 3}, 0.46),
        (None, 0.61),
    ],
)
def test_a_death_weighs_more_when_the_person_was_close(person, expected):
    people = [*CONNECTED, person] if person else CONNECTED
    data = case(events=[{"type": "death", "date": "2024-10-01", "person": "Ana"}], people=people)
    assert scores(data)[GRIEF] == expected


def test_an_event_finds_the_person_by_everyday_relation_words():
    data = case(
        events=[{"type": "death", "date": "2024-10-01", "person": "my Gran"}],
        people=[*CONNECTED, {"name": "Rose", "relation": "grandmother", "closeness": 1}],
    )
    assert "Death of Rose (grandmother)" in reasons(data, GRIEF)


def test_someone_marked_deceased_without_a_dated_death_is_weak_grief_evidence():
    data = case(people=[*CONNECTED, {"name": "Rose", "closeness": 1, "deceased": True}])
    assert 0 < scores(data)[GRIEF] < 0.3
    assert "no dated death on the timeline: when did they die?" in reasons(data, GRIEF)


@pytest.mark.parametrize(
    ("change", "expected", "reason"),
    [
        ({"conflict": 3, "closeness": 1}, 0.85, "a close tie (closeness 1)"),
        ({"conflict": 2, "closeness": 2}, 0.54, "a close tie (closeness 2)"),
        ({"conflict": 3, "closeness": 3}, 0.34, "but not a close tie (closeness 3)"),
        ({"conflict": 3, "ended": True}, 0.0, "but the relationship has ended"),
        ({"conflict": 3, "deceased": True}, 0.0, "but they have died"),
        ({"conflict": 1}, 0.0, "No current conflict with a close person"),
    ],
)
def test_role_dispute_needs_a_current_conflict_with_a_close_person(change, expected, reason):
    data = case(people=[{**CONNECTED[0], **change}, *CONNECTED[1:]])
    assert scores(data)[DISPUTE] == expected
    assert reason in reasons(data, DISPUTE)


def test_an_ongoing_conflict_event_counts_even_when_it_began_long_ago():
    data = case(events=[{"type": "ongoing_conflict", "date": "2019-01-01", "person": "Sam"}])
    assert scores(data)[DISPUTE] == 0.34
    assert "long-running, still counted as current" in reasons(data, DISPUTE)


def test_few_close_relationships_point_to_deficits():
    data = case(people=[{"name": "Mo", "closeness": 2, "support": 1}])
    text = reasons(data, DEFICITS)
    assert "Nobody at closeness 1 in the inventory" in text
    assert "Only 1 current relationship in the inventory" in text
    assert "Nobody in the inventory gives much support (2+ of 3)" in text


def test_deficits_are_damped_when_another_area_has_strong_evidence():
    lonely = {"people": [{"name": "Mo", "closeness": 2, "support": 1}], "narrative": "lonely"}
    alone = scores(case(**lonely))
    bereaved = case(**lonely, events=[{"type": "death", "date": "2024-11-01", "person": "Mo"}])
    assert scores(bereaved)[DEFICITS] < alone[DEFICITS]
    assert "Damped by the evidence for grief" in reasons(bereaved, DEFICITS)
    assert "deficits is chosen only when the other three areas are absent" in reasons(
        bereaved, DEFICITS
    )


# --- narrative ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("narrative", "area", "quoted"),
    [
        ("We ARGUE about money.", DISPUTE, "“argue”"),
        ("She gives me the silent treatment.", DISPUTE, "“silent treatment”"),
        ("Since the move nothing feels right.", TRANSITION, "“since the move”"),
        ("I lost my job in May.", TRANSITION, "“lost my job”"),
        ("My father passed away.", GRIEF, "“passed away”"),
        ("Nobody to talk to, really.", DEFICITS, "“nobody to talk to”"),
    ],
)
def test_narrative_cues_add_modest_weight_and_are_quoted(narrative, area, quoted):
    data = case(narrative=narrative)
    assert 0 < scores(data)[area] <= 0.3
    assert quoted in reasons(data, area)


def test_narrative_cues_match_whole_words_only():
    data = case(narrative="The arrow grew; tomorrow is borrowed, unshy and misalignment.")
    assert not any("Narrative" in r for s in run(data) for r in s.reasons)


def test_narrative_cues_count_at_most_three():
    data = case(narrative="argue fight quarrel shout yell resent")
    assert scores(data)[DISPUTE] == 0.27
    assert "and 3 more" in reasons(data, DISPUTE)


# --- shape of the result ----------------------------------------------------------------------


def test_only_assessed_on_gives_four_weak_areas_each_with_a_reason():
    result = run({"assessed_on": ASSESSED})
    assert [s.area for s in result] == [DEFICITS, GRIEF, DISPUTE, TRANSITION]
    assert all(s.score <= 0.3 for s in result)
    assert all(s.reasons for s in result)
    by_area = {s.area: s.reasons for s in result}
    assert by_area[GRIEF] == ["No death or other loss on the timeline"]
    assert by_area[TRANSITION] == ["No life change on the timeline"]
    assert by_area[DISPUTE] == [
        "No inventory recorded, so no conflict with a close person to weigh"
    ]


def test_ties_keep_the_protocol_order():
    result = run(case())
    zero = [s.area for s in result if s.score == 0]
    assert zero == [a for a in FOCUS_AREA_ORDER if a in zero]
    assert zero[:3] == [GRIEF, DISPUTE, TRANSITION]


def test_an_other_event_near_onset_prompts_the_therapist_to_classify_it():
    data = case(events=[{"type": "other", "date": "2024-11-01", "note": "court case"}])
    assert "An 'other' event 4 weeks before onset (court case): is it a loss" in reasons(
        data, DEFICITS
    )


def test_the_catalogue_covers_the_required_codes_and_kinds():
    assert set(EVENT_TYPES) >= {
        "death", "miscarriage", "pregnancy", "birth", "infertility", "illness_injury",
        "job_loss", "new_job", "retirement", "starting_school", "moving_homes", "marriage",
        "separation_divorce", "relationship_breakdown", "ongoing_conflict", "other",
    }  # fmt: skip
    assert EVENT_TYPES["death"].kind is EventKind.LOSS
    assert EVENT_TYPES["job_loss"].kind is EventKind.CHANGE
    assert EVENT_TYPES["ongoing_conflict"].kind is EventKind.CONFLICT
    assert EVENT_TYPES["other"].kind is EventKind.OTHER
    assert [a.value for a in FOCUS_AREA_ORDER] == [
        "grief",
        "role_dispute",
        "role_transition",
        "interpersonal_deficits",
    ]


def test_a_clinic_may_relabel_the_fourth_area():
    assert focus_area_label(DEFICITS) == "Interpersonal deficits"
    relabelled = {"interpersonal_deficits": "Interpersonal sensitivity"}
    assert focus_area_label(DEFICITS, relabelled) == "Interpersonal sensitivity"


# --- parsing ------------------------------------------------------------------------------------


def test_parse_case_reads_every_field():
    parsed = parse_case(DEATH_AND_JOB_LOSS | {"narrative": "  hard year  "})
    assert isinstance(parsed, Case)
    assert parsed.onset is not None and parsed.onset.isoformat() == ONSET
    assert [e.type.code for e in parsed.events] == ["death", "job_loss"]
    assert parsed.events[0].person == "Dad"
    tom = parsed.people[-1]
    assert (tom.name, tom.relation, tom.closeness, tom.deceased, tom.ended) == (
        "Tom",
        "father",
        2,
        True,
        False,
    )
    assert parsed.narrative == "hard year"


def test_parse_case_accepts_nulls_for_optional_fields():
    parsed = parse_case(
        {
            "assessed_on": ASSESSED,
            "onset": None,
            "events": None,
            "people": [{"name": "Al", "relation": None, "closeness": None, "deceased": None}],
            "narrative": None,
        }
    )
    assert parsed.events == () and parsed.narrative == ""
    assert parsed.people[0].closeness is None and parsed.people[0].deceased is False


def good(**fields: Any) -> dict[str, Any]:
    return {"assessed_on": ASSESSED, **fields}


EVENT = {"type": "death", "date": "2024-11-01"}
PERSON = {"name": "Al"}

BAD_INPUT = [
    ([], "(top level)", "expected an object"),
    ({}, "assessed_on", "required"),
    ({"assessed_on": None}, "assessed_on", "required"),
    ({"assessed_on": "2025-3-1"}, "assessed_on", "not a date (YYYY-MM-DD)"),
    ({"assessed_on": 20250301}, "assessed_on", "not a date (YYYY-MM-DD)"),
    ({"assessed_on": "2025-02-30"}, "assessed_on", "not a date (YYYY-MM-DD)"),
    ({"assessed_on": "20250301"}, "assessed_on", "not a date (YYYY-MM-DD)"),
    (good(onset="last spring"), "onset", "not a date (YYYY-MM-DD)"),
    (good(onset="2025-03-02"), "onset", "after assessed_on (2025-03-01)"),
    (good(onsett="2024-01-01"), "onsett", "unknown field"),
    (good(events={}), "events", "expected a list"),
    (good(events=["death"]), "events[0]", "expected an object"),
    (good(events=[EVENT, EVENT, {**EVENT, "date": "1/11/2024"}]), "events[2].date",
     "not a date (YYYY-MM-DD)"),
    (good(events=[{"date": "2024-11-01"}]), "events[0].type", "required"),
    (good(events=[{**EVENT, "type": "divorce"}]), "events[0].type",
     "unknown event type 'divorce' (known: death, miscarriage"),
    (good(events=[{**EVENT, "type": 3}]), "events[0].type", "unknown event type 3"),
    (good(events=[{"type": "death"}]), "events[0].date", "required"),
    (good(events=[{**EVENT, "person": 5}]), "events[0].person", "expected text"),
    (good(events=[{**EVENT, "note": ["x"]}]), "events[0].note", "expected text"),
    (good(events=[{**EVENT, "when": "x"}]), "events[0].when", "unknown field"),
    (good(people="Al"), "people", "expected a list"),
    (good(people=[{}]), "people[0].name", "required"),
    (good(people=[{"name": "   "}]), "people[0].name", "required"),
    (good(people=[PERSON, {**PERSON, "closeness": 0}]), "people[1].closeness",
     "must be 1–3 (got 0)"),
    (good(people=[{**PERSON, "closeness": 4}]), "people[0].closeness", "must be 1–3 (got 4)"),
    (good(people=[{**PERSON, "closeness": "2"}]), "people[0].closeness",
     "expected a whole number 1–3"),
    (good(people=[{**PERSON, "closeness": 2.0}]), "people[0].closeness",
     "expected a whole number 1–3"),
    (good(people=[{**PERSON, "closeness": True}]), "people[0].closeness",
     "expected a whole number 1–3"),
    (good(people=[{**PERSON, "conflict": 4}]), "people[0].conflict", "must be 0–3 (got 4)"),
    (good(people=[{**PERSON, "support": -1}]), "people[0].support", "must be 0–3 (got -1)"),
    (good(people=[{**PERSON, "deceased": "yes"}]), "people[0].deceased",
     "expected true or false"),
    (good(people=[{**PERSON, "ended": 1}]), "people[0].ended", "expected true or false"),
    (good(people=[{**PERSON, "closenes": 1}]), "people[0].closenes", "unknown field"),
    (good(narrative=5), "narrative", "expected text"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "field", "problem"), BAD_INPUT)
def test_parse_errors_name_the_field(data, field, problem):
    with pytest.raises(SuggestionInputError) as caught:
        parse_case(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: {problem}")


def test_suggestion_input_errors_are_value_errors():
    assert issubclass(SuggestionInputError, ValueError)


# --- properties ---------------------------------------------------------------------------------

dates = st.dates().map(lambda d: d.isoformat())


def _onset_not_after_assessment(case: dict[str, Any]) -> bool:
    return bool((case.get("onset") or "") <= case["assessed_on"])


cases: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"assessed_on": st.just("2030-12-31")},
    optional={
        "onset": st.none() | dates,
        "events": st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(sorted(EVENT_TYPES)), "date": dates},
                optional={"person": st.sampled_from(["Al", "Bo", "Mum", "someone"])},
            ),
            max_size=6,
        ),
        "people": st.lists(
            st.fixed_dictionaries(
                {"name": st.sampled_from(["Al", "Bo", "Cy"])},
                optional={
                    "relation": st.sampled_from(["mother", "friend", "partner"]),
                    "closeness": st.integers(1, 3),
                    "conflict": st.integers(0, 3),
                    "support": st.integers(0, 3),
                    "deceased": st.booleans(),
                    "ended": st.booleans(),
                },
            ),
            max_size=6,
        ),
        "narrative": st.text(
            alphabet=st.sampled_from("always lonely argue stuck moved died ,."), max_size=60
        ),
    },
).filter(_onset_not_after_assessment)


@settings(max_examples=200, deadline=None)
@given(cases)
def test_every_case_ranks_all_four_areas_deterministically(data):
    result = run(data)
    assert sorted(s.area for s in result) == sorted(FOCUS_AREA_ORDER)
    assert all(0.0 <= s.score <= 1.0 and s.score == round(s.score, 2) for s in result)
    assert all(s.reasons and all(isinstance(r, str) and r for r in s.reasons) for s in result)
    keys = [(-s.score, FOCUS_AREA_ORDER.index(s.area)) for s in result]
    assert keys == sorted(keys)
    assert run(data) == result
