# ruff: noqa: E501  (the demo is prose: one case per block reads better than wrapped strings)
"""Demo inventories, timelines, formulations and focus-area work for the demo courses.

Runs after the courses demo and finds its courses by client. Dates are relative to each
course's start so the demo always looks current. Loading twice changes nothing: a course
that already has an inventory is skipped. Synthetic people only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from iptcare.audit.services import Actor
from iptcare.courses.models import Course
from iptcare.formulation import services
from iptcare.formulation.catalogue import FocusArea
from iptcare.formulation.models import InventoryPerson, InventorySnapshot
from iptcare.formulation.selectors import focus_area_label


def person(
    name: str,
    relation: str,
    ring: int,
    practical: int,
    emotional: int,
    conflict: int,
    *,
    confidant: bool = False,
    status: str = "current",
    **text: str,
) -> dict[str, Any]:
    return dict(
        name=name,
        relation=relation,
        ring=ring,
        practical_support=practical,
        emotional_support=emotional,
        conflict=conflict,
        confidant=confidant,
        status=status,
        **text,
    )


@dataclass
class Case:
    """One demo course's interpersonal record. Days count from the course's start."""

    people: list[dict[str, Any]]
    onset_days: int  # days before the course started
    earlier_episodes: list[tuple[int, int]] = field(default_factory=list)  # (days, length)
    # (code, days before the start, length in days or 0, person names, title, notes)
    events: list[tuple[str, int, int, list[str], str, str]] = field(default_factory=list)
    areas: list[tuple[str, str, str]] = field(default_factory=list)  # (area, evidence, goals)
    formulation: str = ""
    agreed: bool = False
    workspaces: dict[FocusArea, dict[str, Any]] = field(default_factory=dict)
    stages: list[tuple[str, int, str]] = field(default_factory=list)  # (stage, day, note)
    analyses: list[dict[str, Any]] = field(default_factory=list)
    homework: list[tuple[str, int, str, str, list[tuple[str, str]]]] = field(
        default_factory=list
    )  # (text, set at, status, outcome, practice [(what, felt)])
    termination: dict[str, Any] | None = None
    inventory_changes: dict[str, dict[str, Any]] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "Jordan Lee": Case(
        people=[
            person(
                "Sam Lee",
                "sister",
                1,
                1,
                3,
                0,
                confidant=True,
                contact_frequency="Texts daily, calls weekly",
                shared_activities="Video calls, a shared playlist, gaming on Sundays",
                client_expects="To keep calling even when Jo is quiet",
                they_expect="That Jo tells her when things are bad",
                expectations_met="yes",
                good_aspects="Listens without judging; makes Jo laugh",
                changes_since_onset="Talk less since the move; Jo hides how low they feel",
                wanted_change="Tell Sam the truth about how hard the move has been",
            ),
            person(
                "Linda Lee",
                "mother",
                1,
                2,
                2,
                2,
                contact_frequency="Calls twice a week",
                client_expects="To accept the move as Jo's choice",
                they_expect="That Jo comes home most weekends and for every family dinner",
                expectations_met="no",
                good_aspects="Warm, proud of Jo's new job",
                difficult_aspects="Calls end in guilt: ‘you never come home’",
                changes_since_onset="Arguments about visits since the move",
                wanted_change="Visits agreed ahead, without guilt on either side",
            ),
            person(
                "Priti Shah",
                "colleague",
                2,
                2,
                1,
                0,
                contact_frequency="Daily at work",
                shared_activities="Lunch, climbing taster, trivia night",
                good_aspects="Invites Jo along; easy to talk to",
                wanted_change="See her outside work more",
            ),
            person(
                "Marcus Reid",
                "manager",
                3,
                2,
                0,
                1,
                contact_frequency="Weekly one-to-one",
                difficult_aspects="Brisk; Jo reads silence as disapproval",
            ),
            person(
                "Alex Moreau",
                "friend from home",
                2,
                0,
                2,
                0,
                contact_frequency="Every few weeks now",
                changes_since_onset="Drifted since the move",
                wanted_change="Keep in touch with a monthly call",
            ),
            person(
                "Chris Tan",
                "former partner",
                3,
                0,
                0,
                1,
                status="ended",
                difficult_aspects="Ended two years ago; still thinks of it on bad days",
            ),
        ],
        onset_days=200,
        earlier_episodes=[(2200, 150)],
        events=[
            (
                "new_job",
                250,
                0,
                ["Marcus Reid"],
                "New job in Toronto",
                "Promotion; first role leading a small team",
            ),
            (
                "moving_homes",
                240,
                0,
                [],
                "Moved to Toronto",
                "Left the family's city for the first time",
            ),
            (
                "ongoing_conflict",
                220,
                0,
                ["Linda Lee"],
                "Arguments about visits",
                "Mother upset Jo rarely comes home",
            ),
            ("relationship_breakdown", 760, 0, ["Chris Tan"], "Break-up with Chris", ""),
        ],
        areas=[
            (
                FocusArea.ROLE_TRANSITION,
                "Moved city for a new job six weeks before the onset; lost daily contact with family and friends.",
                "Build two friendships in Toronto\nFeel competent in the new role\nMourn the old life without idealising it",
            ),
            (
                FocusArea.ROLE_DISPUTE,
                "Repeated arguments with their mother about visits since the move; calls end in guilt.",
                "Say clearly what visits Jo can manage\nCalls that end without guilt",
            ),
        ],
        formulation=(
            "Jo has major depression (PHQ-9 16 at assessment). It began about six weeks after "
            "moving to Toronto for a new job: a role transition that took away daily contact "
            "with family and friends, while calls with their mother turned into arguments about "
            "visits. We agreed to work on the move and on the dispute with their mother."
        ),
        agreed=True,
        workspaces={
            FocusArea.ROLE_TRANSITION: dict(
                old_role="Living near family, Sunday dinners, a known city",
                new_role="Team lead in a new city, living alone",
                old_role_lost="Sunday dinners; dropping by Sam's place; feeling known",
                old_role_not_missed="Being treated as the ‘kid’; a dead-end job",
                new_role_gained="Responsibility, a better salary, a climbing gym",
                new_role_hard="Evenings alone; making friends from scratch",
                skills_needed="Starting conversations; asking to join plans",
                supports_needed="A weekly call with Sam; one local friend",
                feelings="Guilt at leaving; pride; loneliness on Sundays",
                clues="Low mood began six weeks after the move",
            ),
            FocusArea.ROLE_DISPUTE: dict(
                other_person="Linda Lee",
                before="Close; Jo came for dinner every Sunday",
                what_changed="The move: visits now cost a day's travel",
                issues="How often Jo comes home",
                client_expects="Accept that monthly visits are what Jo can manage",
                other_expects="Weekend visits, and every family dinner",
                wished_change="Plan visits ahead; calls without guilt",
                blocks="Jo goes quiet instead of saying what they can do; mother fills the silence with guilt",
                options="Agree a monthly visit; invite mother to Toronto; a standing Sunday call",
                chosen_plan="Propose a monthly visit and a Sunday video call, said directly",
            ),
        },
        stages=[
            ("impasse", 10, "Jo stopped raising visits; calls kept short"),
            ("renegotiation", 45, "Jo raised the monthly-visit idea on a call"),
        ],
        analyses=[
            dict(
                title="Sunday call with Mum about the birthday dinner",
                session=6,
                with_person="Linda Lee",
                context="Jo had just said they could not come for her birthday dinner.",
                turns=[
                    dict(
                        speaker="Mum",
                        said="So you're not coming. Again.",
                        tone="flat, hurt",
                        felt="guilty",
                        meant="",
                        hoped="that she would understand",
                    ),
                    dict(
                        speaker="Jo",
                        said="(silence) ...It's a busy week.",
                        tone="quiet",
                        felt="cornered",
                        meant="I can't afford two days of travel every month",
                        hoped="to end the call",
                    ),
                    dict(
                        speaker="Mum",
                        said="Your sister manages.",
                        tone="sharp",
                        felt="angry and small",
                        meant="",
                        hoped="",
                    ),
                    dict(
                        speaker="Jo",
                        said="Fine. I have to go.",
                        tone="cold",
                        felt="guilty",
                        meant="I'm hurt",
                        hoped="that she would call back",
                    ),
                ],
                outcome="Call ended abruptly; neither called back for a week. Jo's mood dropped.",
                problems=["closing_silence", "indirect_words", "assumed_understood"],
                alternatives="“I miss you too. I can't come every month, but I can come on the 14th, and I'd love a video call on your birthday.”",
                plan="Practise saying what Jo can do, before saying what they can't.",
                roleplay=dict(
                    how_it_went="Second try was clearer; Jo noticed the urge to go quiet.",
                    try_in_life="Call Mum on Sunday and propose the 14th.",
                ),
            ),
            dict(
                title="Team lunch",
                session=4,
                with_person="Priti Shah",
                context="Jo ate alone after assuming they were not wanted at the team lunch.",
                turns=[
                    dict(
                        speaker="Priti",
                        said="We're heading to the food court.",
                        tone="casual",
                        felt="unsure",
                        meant="",
                        hoped="to be asked directly",
                    ),
                    dict(
                        speaker="Jo",
                        said="(nodded, stayed at the desk)",
                        tone="",
                        felt="left out",
                        meant="I'd like to come",
                        hoped="that Priti would insist",
                    ),
                ],
                outcome="Ate alone; felt rejected all afternoon.",
                problems=["indirect_signal", "assumed_understanding"],
                alternatives="“Mind if I join you?”",
                plan="Ask to join next time.",
            ),
        ],
        homework=[
            (
                "Ask one colleague for a coffee this week.",
                5,
                "done",
                "Coffee with Priti; easier than expected.",
                [
                    (
                        "Asked Priti for coffee on Wednesday; we talked about climbing.",
                        "Nervous before, relieved after",
                    )
                ],
            ),
            (
                "Try the climbing gym again with the colleague.",
                6,
                "done",
                "Went twice.",
                [("Climbed with Priti and her friend Dev on Saturday.", "Good; tired but happy")],
            ),
            ("Call Mum on Sunday and propose visiting on the 14th.", 7, "open", "", []),
        ],
    ),
    "Benjamin Cho": Case(
        people=[
            person(
                "Grace Cho",
                "mother",
                1,
                3,
                1,
                1,
                contact_frequency="Dinner every Sunday",
                good_aspects="Reliable; cooks for him",
                difficult_aspects="Worries aloud about his being single",
                wanted_change="Talk about more than work and food",
            ),
            person(
                "Kevin Liu",
                "university friend",
                2,
                0,
                1,
                0,
                confidant=True,
                contact_frequency="A text every month or two",
                changes_since_onset="Ben stopped replying for months",
                wanted_change="Reply, and suggest meeting",
            ),
            person(
                "Tom Hughes",
                "coworker",
                3,
                1,
                0,
                0,
                contact_frequency="Daily at work",
                good_aspects="Friendly; invited Ben to lunch",
            ),
            person(
                "Daniel Cho",
                "brother",
                3,
                0,
                0,
                2,
                contact_frequency="Holidays only",
                difficult_aspects="Teases Ben; Ben avoids him",
            ),
            person(
                "Mia Park",
                "former friend",
                3,
                0,
                0,
                0,
                status="ended",
                changes_since_onset="Drifted apart after graduation",
            ),
        ],
        onset_days=1500,
        events=[
            ("moving_homes", 2100, 0, [], "Moved back home after university", ""),
            ("new_job", 900, 0, ["Tom Hughes"], "Data-entry job", "Works alone most of the day"),
        ],
        areas=[
            (
                FocusArea.INTERPERSONAL_DEFICITS,
                "Long-standing loneliness since university; no acute event near the onset; one close person.",
                "Accept one invitation a week\nMake one invitation himself\nReconnect with Kevin",
            ),
        ],
        formulation=(
            "Ben has had persistent depression for about four years. It grew as friendships "
            "from university faded and he waited for others to reach out. We agreed to work on "
            "interpersonal sensitivity: starting and keeping relationships, step by step."
        ),
        agreed=True,
        workspaces={
            FocusArea.INTERPERSONAL_DEFICITS: dict(
                starting_relationships="Waits to be invited; declines when he is",
                keeping_relationships="Stops replying when low; friendships fade",
                expressing_feelings="Says he is ‘fine’",
                saying_needs="Rarely asks for anything",
                withdrawal="Evenings alone online",
                past_patterns="Friendships faded after each move; Mia stopped calling after graduation",
                with_therapist="Apologises for ‘taking up time’; checks whether he is boring",
                social_goals="Two people to see outside work",
                graded_steps="Reply to Kevin with a question\nSay yes to the next lunch invitation\nInvite Kevin for coffee\nGo to a board-game meetup for an hour",
            ),
        },
        analyses=[
            dict(
                title="Turning down Tom's lunch invitation",
                session=3,
                with_person="Tom Hughes",
                context="Tom asked Ben to lunch on Tuesday.",
                turns=[
                    dict(
                        speaker="Tom",
                        said="Want to grab lunch?",
                        tone="friendly",
                        felt="panicky",
                        meant="",
                        hoped="",
                    ),
                    dict(
                        speaker="Ben",
                        said="I'm busy, sorry.",
                        tone="hurried",
                        felt="relief, then regret",
                        meant="I'd like to but I'm nervous",
                        hoped="that Tom would ask again",
                    ),
                ],
                outcome="Ate at his desk; regretted it.",
                problems=["indirect_words", "assumed_understood"],
                alternatives="“Not today, but Thursday?”",
                plan="Say yes, or offer another day.",
                roleplay=dict(
                    how_it_went="Ben managed ‘Thursday?’ on the second try.",
                    try_in_life="Offer Tom a day this week.",
                ),
            ),
        ],
        homework=[
            (
                "Reply to the friend's message with a question.",
                3,
                "done",
                "Replied; Kevin answered the same day.",
                [],
            ),
            ("Say yes to the next lunch invitation.", 4, "open", "", []),
        ],
    ),
    "Maria Santos": Case(
        people=[
            person(
                "Carlos Santos",
                "father",
                1,
                0,
                3,
                0,
                confidant=True,
                status="deceased",
                good_aspects="Her greatest supporter",
                difficult_aspects="Stubborn about his illness",
            ),
            person(
                "Miguel Santos",
                "husband",
                1,
                3,
                2,
                1,
                contact_frequency="Lives together",
                changes_since_onset="She withdrew; he feels shut out",
                wanted_change="Talk with him about her father",
            ),
            person("Ana Santos", "sister", 1, 1, 3, 0, confidant=True, contact_frequency="Weekly"),
            person(
                "Teresa Gomez",
                "book-club friend",
                2,
                0,
                2,
                0,
                changes_since_onset="Maria stopped going",
                wanted_change="Go back",
            ),
            person("Lucia Ruiz", "friend", 2, 1, 2, 0, contact_frequency="Monthly"),
        ],
        onset_days=150,
        events=[
            (
                "illness_injury",
                420,
                180,
                ["Carlos Santos"],
                "Father's cancer",
                "Diagnosed in the spring",
            ),
            ("death", 200, 0, ["Carlos Santos"], "Father died", "In hospital; Maria was not there"),
        ],
        areas=[
            (
                FocusArea.GRIEF,
                "Her father died seven weeks before the onset; she avoids talking about him.",
                "Talk about her father, good and hard, without avoiding it\nReturn to her book club and friends",
            ),
        ],
        formulation=(
            "Maria's depression began weeks after her father's death, which she has not been "
            "able to mourn. We agreed to work on grief."
        ),
        agreed=True,
        workspaces={
            FocusArea.GRIEF: dict(
                lost_person="Carlos Santos",
                who="Her father, Carlos",
                loss_type="death",
                how="Cancer; died in hospital at night",
                relationship_good="Her greatest supporter; taught her to cook",
                relationship_difficult="Stubborn; refused treatment at first",
                avoided="His photos; the hospital street",
                anniversaries="His birthday in March; the day he died",
                mourning_progress="Can now talk about him with her sister",
                new_relationships="Back at the book club; closer to her husband",
            ),
        },
        analyses=[
            dict(
                title="Telling Miguel about the photos",
                session=9,
                with_person="Miguel Santos",
                context="Miguel found her looking at her father's photos.",
                turns=[
                    dict(
                        speaker="Miguel",
                        said="Are you OK?",
                        tone="worried",
                        felt="exposed",
                        meant="",
                        hoped="",
                    )
                ],
                outcome="She said she was fine and put the photos away.",
                problems=["indirect_words", "closing_silence"],
                alternatives="“I miss him. Can I show you this one?”",
                plan="Share one photo with Miguel this week.",
            ),
        ],
        homework=[
            (
                "Call one friend she has not seen since the spring.",
                9,
                "done",
                "Met Teresa for coffee.",
                [],
            )
        ],
    ),
    "Chloe Tremblay": Case(
        people=[
            person(
                "Julie Tremblay",
                "mother",
                1,
                3,
                2,
                2,
                contact_frequency="Lives together",
                difficult_aspects="Arguments about school every morning",
            ),
            person("Monique Tremblay", "grandmother", 1, 1, 3, 0, confidant=True),
            person(
                "Léa Roy",
                "former best friend",
                3,
                0,
                0,
                1,
                status="ended",
                changes_since_onset="Friendship ended in the autumn",
            ),
            person("Zoé Martin", "classmate", 2, 0, 1, 0),
            person("Marc Tremblay", "father", 2, 1, 1, 1, contact_frequency="Every other weekend"),
        ],
        onset_days=90,
        events=[
            ("relationship_breakdown", 120, 0, ["Léa Roy"], "Friendship with Léa ended", ""),
            (
                "ongoing_conflict",
                80,
                0,
                ["Julie Tremblay"],
                "Arguments about school",
                "School refusal",
            ),
            ("starting_school", 140, 0, [], "Started secondary school", ""),
        ],
    ),
    "Ahmed Karimi": Case(
        people=[
            person(
                "Leila Karimi",
                "wife",
                1,
                3,
                1,
                3,
                contact_frequency="Lives together",
                client_expects="Share the cost of his mother's care",
                they_expect="Save for the children's education first",
                expectations_met="no",
                difficult_aspects="Arguments about money; long silences",
            ),
            person(
                "Soraya Karimi",
                "mother",
                2,
                0,
                2,
                1,
                contact_frequency="Visits weekly",
                changes_since_onset="Needs more care since her fall",
            ),
            person("Omar Karimi", "son", 1, 0, 2, 0),
            person("Reza Ahmadi", "friend", 2, 1, 2, 0, confidant=True),
            person(
                "Hassan Karimi",
                "brother",
                3,
                0,
                0,
                2,
                difficult_aspects="Does not help with their mother",
            ),
        ],
        onset_days=100,
        events=[
            ("illness_injury", 160, 0, ["Soraya Karimi"], "Mother's fall", "Hip fracture"),
            ("ongoing_conflict", 140, 0, ["Leila Karimi"], "Arguments about care costs", ""),
        ],
        areas=[
            (
                FocusArea.ROLE_DISPUTE,
                "Stalled arguments with his wife about paying for his mother's care since her fall.",
                "Agree a budget for his mother's care together\nTalk without long silences",
            ),
        ],
        formulation="Ahmed's depression followed months of stalled arguments with his wife about his mother's care.",
        agreed=True,
        workspaces={
            FocusArea.ROLE_DISPUTE: dict(
                other_person="Leila Karimi",
                issues="Money for his mother's care",
                client_expects="Leila to share the cost",
                other_expects="Ahmed to protect the children's savings",
                wished_change="Plan the budget together",
                blocks="He goes quiet; she feels shut out",
                options="A weekly planning talk; ask his brother to contribute",
                chosen_plan="Weekly 20-minute planning talk",
            ),
        },
        stages=[("renegotiation", 14, "Both still trying to talk")],
        analyses=[
            dict(
                title="Silence at dinner about the holidays",
                session=4,
                with_person="Leila Karimi",
                turns=[
                    dict(
                        speaker="Leila",
                        said="We can't afford both.",
                        tone="firm",
                        felt="unsupported",
                        meant="",
                        hoped="",
                    )
                ],
                outcome="Long silence for the rest of the evening.",
                problems=["closing_silence"],
                alternatives="“I feel alone with my mother's care. Can we plan it together?”",
                plan="Ask for a planning talk.",
            ),
        ],
        homework=[
            ("Weekly 20-minute planning talk with his wife.", 5, "partly", "One talk held.", [])
        ],
    ),
    "Liam O'Connor": Case(
        people=[
            person("Brenda O'Connor", "wife", 1, 3, 2, 1, confidant=True),
            person("Sean O'Connor", "son", 2, 1, 1, 0, contact_frequency="Monthly"),
            person(
                "Frank Doyle",
                "former colleague",
                3,
                0,
                1,
                0,
                changes_since_onset="Saw him daily at work; not since retiring",
            ),
        ],
        onset_days=60,
        events=[("retirement", 90, 0, ["Frank Doyle"], "Retired from the plant", "After 35 years")],
    ),
    "Ethan Brown": Case(
        people=[
            person(
                "Ryan Brown",
                "brother",
                1,
                0,
                3,
                1,
                status="deceased",
                good_aspects="Admired him",
                difficult_aspects="An old rivalry",
            ),
            person("Nora Brown", "mother", 1, 2, 2, 0),
            person("Jake Miller", "brother's friend", 3, 0, 1, 0),
            person("Kate Brown", "cousin", 3, 0, 1, 0),
            person("Dana Lee", "partner", 1, 2, 2, 2, changes_since_onset="Feels shut out"),
        ],
        onset_days=120,
        events=[("death", 160, 0, ["Ryan Brown"], "Brother died", "Car accident")],
        areas=[
            (
                FocusArea.GRIEF,
                "His brother's sudden death a month before the onset; avoids his messages.",
                "Mourn his brother\nReturn to the soccer league\nLet Dana in",
            ),
        ],
        formulation="Ethan's depression followed his brother's sudden death; we agreed to work on grief.",
        agreed=True,
        workspaces={
            FocusArea.GRIEF: dict(
                lost_person="Ryan Brown",
                who="His brother Ryan",
                loss_type="death",
                how="Car accident",
                relationship_good="Admiration; shared soccer",
                relationship_difficult="An old rivalry",
                avoided="Ryan's messages",
                mourning_progress="Read Ryan's messages in session; talks about him with Jake",
                new_relationships="The soccer team; his cousin Kate",
            ),
        },
        inventory_changes={
            "Jake Miller": dict(ring=2, emotional_support=2),
            "Kate Brown": dict(ring=2, emotional_support=2),
            "Dana Lee": dict(
                conflict=0, emotional_support=3, changes_since_onset="Talks with him about Ryan"
            ),
        },
        homework=[
            (
                "Spend time with one person who knew his brother.",
                8,
                "done",
                "Fishing with Jake.",
                [],
            )
        ],
        termination=dict(
            goals_review="Talks about Ryan, good and hard, without avoiding it. Back in the soccer league. Closer to Dana.",
            client_account="“Reading Ryan's messages here, and being allowed to be angry with him.”",
            warning_signs="Staying home on weekends; not answering Dana; sleeping in",
            recurrence_plan="Call Jake or Kate; book a session if two weeks go badly; family doctor.",
            recommendation="end",
            recommendation_note="Remitted (PHQ-9 5); no maintenance needed.",
        ),
    ),
    "Lucas Martin": Case(
        people=[
            person("Emma Martin", "sister", 1, 1, 3, 0, confidant=True),
            person("Paul Girard", "friend", 2, 1, 2, 0),
            person("Hélène Martin", "mother", 2, 2, 1, 1),
        ],
        onset_days=80,
        events=[("job_loss", 110, 0, [], "Laid off", "")],
        areas=[
            (
                FocusArea.ROLE_TRANSITION,
                "Job loss a month before the onset; a move for a new job coming.",
                "Weigh the move\nList supports in Calgary",
            ),
        ],
    ),
}


def _actor(course: Course) -> Actor:
    return Actor(user=course.therapist, role="therapist", request_id="demo-loader")


def _course_for(demo: Any, client_name: str) -> Course | None:
    client = demo.clients.get(client_name)
    if client is None:
        return None
    return (
        Course.objects.filter(client=client).select_related("client", "clinic", "therapist").first()
    )


def _session_cap(course: Course, number: int) -> int:
    return min(number, course.planned_sessions) if course.planned_sessions else number


def _load_case(course: Course, case: Case, today: date) -> None:
    actor = _actor(course)
    start = course.start_date
    people: dict[str, InventoryPerson] = {}
    for row in case.people:
        people[row["name"]] = services.person_create(actor=actor, course=course, **row)
    for days, length in case.earlier_episodes:
        services.episode_create(
            actor=actor,
            course=course,
            starts_on=start - timedelta(days=days),
            ends_on=start - timedelta(days=days - length),
            notes="Recovered without treatment.",
        )
    services.episode_create(
        actor=actor,
        course=course,
        starts_on=start - timedelta(days=case.onset_days),
        is_current=True,
        notes="Current episode.",
    )
    for code, days, length, names, title, notes in case.events:
        begins = start - timedelta(days=days)
        services.event_create(
            actor=actor,
            course=course,
            code=code,
            starts_on=begins,
            ends_on=begins + timedelta(days=length) if length else None,
            title=title,
            notes=notes,
            people=[people[n] for n in names],
        )
    for area, evidence, goals in case.areas:
        services.focus_area_choose(
            actor=actor, course=course, area=area, evidence=evidence, goals=goals
        )
    agreed_on = min(start + timedelta(days=14), today)
    if case.formulation:
        planned = course.planned_sessions
        services.formulation_save(
            actor=actor,
            course=course,
            version=None,
            text=case.formulation,
            agreed_on=agreed_on if case.agreed else None,
            contract_sessions=planned,
            contract_frequency="weekly",
            contract_focus=", ".join(focus_area_label(a, course.clinic) for a, _, _ in case.areas),
            missed_session_policy="Cancel 24 hours ahead where possible; a missed session still counts.",
            contract_agreed_on=agreed_on if case.agreed else None,
        )
    if case.formulation or case.termination:
        services.snapshot_take(
            actor=actor,
            course=course,
            kind=InventorySnapshot.Kind.INITIAL,
            taken_on=min(start + timedelta(days=14), today),
        )
    for area, fields in case.workspaces.items():
        values = dict(fields)
        for key in ("lost_person", "other_person"):
            if key in values:
                values[key] = people[values[key]]
        services.workspace_save(
            actor=actor,
            course=course,
            area=area,
            version=None,
            session_number=_session_cap(course, 4),
            **values,
        )
    for stage, day, note in case.stages:
        services.dispute_stage_change(
            actor=actor,
            course=course,
            stage=stage,
            changed_on=min(start + timedelta(days=day), today),
            note=note,
        )
    for row in case.analyses:
        data = dict(row)
        roleplay = data.pop("roleplay", None)
        session = _session_cap(course, data.pop("session"))
        with_person = people.get(data.pop("with_person", ""))
        analysis = services.analysis_create(
            actor=actor,
            course=course,
            session_number=session,
            with_person=with_person,
            happened_on=min(start + timedelta(days=7 * (session - 1) - 2), today),
            **data,
        )
        if roleplay:
            played = services.analysis_to_roleplay(
                actor=actor, analysis=analysis, session_number=session
            )
            services.roleplay_update(actor=actor, roleplay=played, version=None, **roleplay)
    client_user = course.client.user
    for text, set_at, status, outcome, practice in case.homework:
        set_at = _session_cap(course, set_at)
        due = (
            set_at + 1 if not course.planned_sessions or set_at < course.planned_sessions else None
        )
        task = services.homework_create(
            actor=actor,
            course=course,
            text=text,
            set_at_session=set_at,
            due_session=due,
            status="open",
            outcome="",
            visible_to_client=True,
        )
        if client_user is not None:
            client_actor = Actor(user=client_user, role="client", request_id="demo-loader")
            for what, felt in practice:
                services.homework_report(
                    actor=client_actor, homework=task, what_happened=what, how_i_felt=felt
                )
        if status != "open":
            services.homework_update(
                actor=actor, homework=task, version=None, status=status, outcome=outcome
            )
    for name, changes in case.inventory_changes.items():
        services.person_update(actor=actor, person=people[name], version=None, **changes)
    if case.termination is not None:
        ended = course.ended_on or today
        services.snapshot_take(
            actor=actor, course=course, kind=InventorySnapshot.Kind.TERMINATION, taken_on=ended
        )
        services.termination_save(
            actor=actor, course=course, version=None, completed_on=ended, **case.termination
        )


def load_demo(demo: Any) -> None:
    today = timezone.localdate()
    for client_name, case in CASES.items():
        course = _course_for(demo, client_name)
        if course is None or InventoryPerson.objects.filter(course=course).exists():
            continue
        _load_case(course, case, today)
        demo.report.created.append(f"formulation for {client_name}")
