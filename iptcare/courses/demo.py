"""Demo courses: one in each phase, with notes, dated relative to today so the demo
always looks current. Loading twice changes nothing (a client with a course is skipped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from iptcare.audit.services import Actor
from iptcare.clinic.selectors import primary_supervisor_of
from iptcare.courses import agenda
from iptcare.courses.models import ClinicCourseSettings, Course, SessionNote
from iptcare.courses.selectors import clinic_today
from iptcare.courses.services import (
    course_end,
    course_open,
    note_cosign,
    note_open,
    note_sign,
    note_update,
)

T = SessionNote.Technique


@dataclass
class Story:
    client: str
    therapist: str
    protocol: str
    planned: int | None
    focus: str  # the label the agenda shows (the formulation demo records the choice)
    held: int  # signed notes
    events: list[str]
    work: list[str]
    homework: list[str]
    moods: list[int]
    draft: bool = False  # one more note, left as a draft for today
    ended: tuple[str, str] | None = None  # (status, reason)
    weeks_ago_ended: int = 0
    extra_techniques: list[str] = field(default_factory=list)


INITIAL_WORK = [
    "Reviewed symptoms with the PHQ-9; gave the diagnosis of major depression and explained "
    "it as a common, treatable illness. Gave the sick role.",
    "Interpersonal inventory: went through the people closest to the client, their support "
    "and what has changed since the low mood began.",
    "Linked the onset to the changes found; agreed the focus and the formulation; contract: "
    "weekly sessions, the planned number, and what happens if a session is missed.",
]

STORIES = [
    Story(
        client="Jordan Lee",
        therapist="therapist@demo.iptcare.test",
        protocol="standard",
        planned=16,
        focus="Role transition",
        held=8,
        draft=True,
        events=[
            "Quiet weekend alone; called their sister once. Mood lowest on Sunday evening.",
            "Team lunch at work felt awkward; mood dipped after eating alone on Thursday.",
            "Video call with family went well and mood lifted for a day.",
            "Joined a climbing gym taster session with a colleague; mood better all week.",
            "Missed their mother's birthday dinner back home; felt guilty and low.",
            "Colleague invited them to trivia night; went and enjoyed it.",
        ],
        work=[
            "Old role (near family, known city) versus new role (new job, new city): what was "
            "lost and what is gained. Jo named missing Sunday dinners most.",
            "Skills the new role needs: starting conversations at work, asking to join plans.",
            "Communication analysis of the team lunch: assumed others did not want them there.",
            "Role-play: asking a colleague to climb again next week.",
            "Reviewed gains in the new role: two people Jo now texts outside work.",
        ],
        homework=[
            "Ask one colleague for a coffee this week.",
            "Try the climbing gym again with the colleague.",
            "Write down one good and one hard moment of the new city each day.",
        ],
        moods=[3, 3, 4, 4, 5, 4, 5, 6, 6],
    ),
    Story(
        client="Benjamin Cho",
        therapist="student@demo.iptcare.test",
        protocol="standard",
        planned=16,
        focus="Interpersonal sensitivity",
        held=5,
        events=[
            "Stayed in most evenings; texted an old university friend once.",
            "A coworker asked him to lunch; he said he was busy and regretted it.",
            "Went to a board-game café meetup; stayed 30 minutes.",
        ],
        work=[
            "Past relationship patterns: friendships faded after moves; he waits for others to "
            "reach out.",
            "Graded social steps: accept one invitation, then make one.",
            "What happens here with the therapist: he apologises for 'taking up time'.",
        ],
        homework=[
            "Reply to the friend's message with a question.",
            "Say yes to the next lunch invitation.",
        ],
        moods=[2, 3, 3, 4, 4],
    ),
    Story(
        client="Maria Santos",
        therapist="therapist2@demo.iptcare.test",
        protocol="standard",
        planned=16,
        focus="Grief",
        held=13,
        events=[
            "Looked at photos of her father with her sister; cried, then felt lighter.",
            "Skipped a friend's birthday; mood low all weekend.",
            "Went back to her book club for the first time since the funeral.",
            "The anniversary of the diagnosis; talked about it with her husband.",
        ],
        work=[
            "Reconstructed the relationship with her father, good and hard sides.",
            "The days around his death: what she did and did not say.",
            "Guilt about the last visit; what she would say to him now.",
            "Reconnecting: friends she pulled away from and who she misses most.",
            "Reviewed how her mourning has moved: she can talk about him without avoiding it.",
        ],
        homework=[
            "Call one friend she has not seen since the spring.",
            "Write a letter to her father she does not send.",
            "Plan a visit to the cemetery with her sister.",
        ],
        moods=[2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 7],
    ),
    Story(
        client="Chloe Tremblay",
        therapist="therapist2@demo.iptcare.test",
        protocol="ipt_a",
        planned=12,
        focus="Role dispute",
        held=2,
        events=[
            "Did not go to school on Monday; argued with her mother about it.",
            "Saw her former friend at the bus stop; looked away.",
        ],
        work=[
            "Psychoeducation with Chloe and her mother; limited sick role: keep going to school.",
            "Closeness circle: mother and grandmother closest; the former friend outermost.",
        ],
        homework=["Go to school every day this week; note mood each evening (1–10)."],
        moods=[3, 4],
    ),
    Story(
        client="Ahmed Karimi",
        therapist="therapist@demo.iptcare.test",
        protocol="brief",
        planned=8,
        focus="Role dispute",
        held=6,
        events=[
            "Argument with his wife about paying for his mother's care.",
            "A calm talk about the budget on Sunday; mood better.",
            "Long silence at dinner after a disagreement about the holidays.",
        ],
        work=[
            "Dispute stage: renegotiation; both still trying.",
            "Communication analysis: he went quiet instead of saying he felt unsupported.",
            "Role-play: asking his wife for 20 minutes to plan the week together.",
        ],
        homework=["Weekly 20-minute planning talk with his wife."],
        moods=[4, 4, 5, 5, 6, 6],
    ),
    Story(
        client="Liam O'Connor",
        therapist="therapist@demo.iptcare.test",
        protocol="standard",
        planned=16,
        focus="Role transition",
        held=1,
        events=["First weeks after retiring: sleeps late, no plans most days."],
        work=[],
        homework=["Note what he did each day and how his mood was."],
        moods=[4],
    ),
    Story(
        client="Ethan Brown",
        therapist="therapist@demo.iptcare.test",
        protocol="standard",
        planned=16,
        focus="Grief",
        held=16,
        ended=("completed", ""),
        weeks_ago_ended=10,
        events=[
            "First month after his brother's death anniversary; stayed home.",
            "Went fishing with his brother's friend; talked about him.",
            "Returned to the Sunday soccer league.",
        ],
        work=[
            "The relationship with his brother: admiration and an old rivalry.",
            "Avoidance: he had not opened his brother's messages; read some in session.",
            "New and revived relationships: the soccer team, his cousin.",
        ],
        homework=["Spend time with one person who knew his brother."],
        moods=[2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8],
    ),
    Story(
        client="Lucas Martin",
        therapist="student@demo.iptcare.test",
        protocol="standard",
        planned=16,
        focus="Role transition",
        held=5,
        ended=("ended_early", "Moved out of province for work; referred to a clinic there."),
        weeks_ago_ended=20,
        events=["Packing for the move; mixed feelings about leaving."],
        work=["Old and new roles: leaving friends, a new job in Calgary."],
        homework=["List supports he can contact after the move."],
        moods=[4, 4, 5, 5, 5],
    ),
    Story(
        client="Amira Haddad",
        therapist="student@demo.iptcare.test",
        protocol="brief",
        planned=8,
        focus="Role transition",
        held=8,
        ended=("completed", "Completed Brief IPT: the PHQ-9 fell from 16 to 6."),
        weeks_ago_ended=6,
        events=[
            "Back at work three days a week; mornings with the baby are rushed.",
            "Asked her partner to take the Tuesday drop-off; he agreed.",
            "Lunch with a colleague who also returned from leave.",
        ],
        work=[
            "The old role and the new: what she misses about work and what she does not.",
            "New skills: asking for help at home; planning the week with her partner.",
        ],
        homework=["Ask for one specific kind of help this week."],
        moods=[3, 4, 4, 5, 6, 6, 7, 7],
    ),
]

RISK_NOTES = "Asked about thoughts of self-harm or suicide: none. Knows the 9-8-8 line."


def _actor(demo, email: str) -> Actor:
    return Actor(user=demo.users[email], role="therapist", request_id="demo-loader")


def _techniques(number: int, phase_initial: bool) -> list[str]:
    if phase_initial:
        return [T.EXPLORATORY, T.PSYCHOEDUCATION, T.CLARIFICATION]
    cycle = [
        [T.EXPLORATORY, T.AFFECT, T.COMMUNICATION_ANALYSIS],
        [T.CLARIFICATION, T.ROLE_PLAY, T.HOMEWORK],
        [T.AFFECT, T.DECISION_ANALYSIS, T.HOMEWORK],
    ]
    return [str(t) for t in cycle[number % len(cycle)]]


def _story_course(demo, story: Story, today: date) -> None:
    client = demo.clients[story.client]
    if Course.objects.filter(client=client).exists():
        return
    actor = _actor(demo, story.therapist)
    sessions = story.held + (1 if story.draft else 0)
    step = 7
    end_gap = story.weeks_ago_ended * 7
    # Sessions weekly, the last one today (or before the course ended).
    first_day = today - timedelta(days=end_gap + step * (sessions - 1) if sessions else 0)
    course = course_open(
        actor=actor,
        client=client,
        protocol=story.protocol,
        therapist=demo.users[story.therapist],
        start_date=first_day,
        planned_sessions=story.planned,
        frequency="weekly",
    )
    spec = course.protocol_spec
    supervisor = primary_supervisor_of(demo.users[story.therapist])
    for index in range(sessions):
        number = index + 1
        day = first_day + timedelta(days=step * index)
        note = note_open(actor=actor, course=course, date=day)
        initial = number <= spec.initial_sessions
        # The formulation demo runs after this one: give the agenda the story's focus.
        previous = course.notes.filter(number=number - 1).first()
        items = agenda.session_agenda(
            spec,
            number,
            course.planned_sessions,
            focus_labels=[story.focus] if number > 1 else [],
            open_homework=previous.homework_set if previous else "",
            last_plan=previous.plan_next if previous else "",
        )
        SessionNote.objects.filter(pk=note.pk).update(agenda=items)
        note.refresh_from_db()
        changes = {
            "mood_rating": max(story.moods[index % len(story.moods)], spec.mood_scale.low),
            "since_last_met": story.events[index % len(story.events)],
            "focus_work": (
                INITIAL_WORK[index % len(INITIAL_WORK)]
                if initial or not story.work
                else story.work[index % len(story.work)]
            ),
            "techniques": _techniques(number, initial),
            "homework_set": story.homework[index % len(story.homework)],
            "risk_check": SessionNote.RiskCheck.NONE_INDICATED,
            "risk_notes": RISK_NOTES,
            "plan_next": (
                "Continue the inventory and agree the focus."
                if initial
                else f"Carry on with the {story.focus.lower()} work; review the homework."
            ),
        }
        if story.draft and number == sessions:
            # Today's session, still being written.
            changes = {
                "mood_rating": changes["mood_rating"],
                "since_last_met": changes["since_last_met"],
            }
            note_update(actor=actor, note=note, version=note.version, changes=changes)
            continue
        signed = note_sign(actor=actor, note=note, version=note.version, changes=changes)
        signed_at = datetime.combine(day, time(17, 30), tzinfo=ZoneInfo(demo.clinic.time_zone))
        SessionNote.objects.filter(pk=signed.pk).update(signed_at=signed_at)
        if signed.status == SessionNote.Status.AWAITING_COSIGNATURE and (
            (number < sessions or story.ended) and supervisor is not None
        ):
            # The supervisor has co-signed all but an open course's latest note.
            cosigner = Actor(user=supervisor, role="supervisor", request_id="demo")
            note_cosign(actor=cosigner, note=signed)
            SessionNote.objects.filter(pk=signed.pk).update(
                cosigned_at=signed_at + timedelta(days=2)
            )
    if story.ended:
        course.refresh_from_db()
        status, reason = story.ended
        course_end(
            actor=actor,
            course=course,
            status=status,
            reason=reason,
            ended_on=today - timedelta(days=end_gap),
            version=course.version,
        )
    demo.report.created.append(f"course for {story.client}")


def load_demo(demo) -> None:
    if not ClinicCourseSettings.objects.filter(clinic=demo.clinic).exists():
        # The seed clinic offers Standard IPT in 16–20 sessions, usually 16; IPT-A 13–18.
        ClinicCourseSettings.objects.create(
            clinic=demo.clinic,
            default_planned_standard=16,
            min_planned_standard=16,
            max_planned_standard=20,
            ipt_a_min_age=13,
            ipt_a_max_age=18,
        )
        demo.report.created.append("course settings")
    today = clinic_today(demo.clinic)
    for story in STORIES:
        _story_course(demo, story, today)
