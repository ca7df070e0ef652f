"""Test data, built the way production builds it: through the apps' services wherever
one exists, so every object is valid as in real use.

Plain typed functions, no factory library: each takes what it needs (a clinic, a client,
a course) and returns the saved object. Names and emails are plainly test data. The demo
clinic (`iptcare.clinic.demo`) is never used here: editing the demo must break only the
demo's own tests.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clients.services import client_create
from iptcare.clinic.models import Clinic, SupervisionLink, TherapistProfile
from iptcare.clinic.selectors import primary_supervisor_of
from iptcare.clinic.services import supervision_link_add
from iptcare.courses.models import ClinicCourseSettings, Course, SessionNote
from iptcare.courses.selectors import clinic_course_settings, clinic_today
from iptcare.courses.services import (
    course_end,
    course_open,
    course_settings_update,
    note_cosign,
    note_open,
    note_sign,
    note_update,
)
from iptcare.formulation import services as formulation_services
from iptcare.formulation.models import (
    CommunicationAnalysis,
    DisputeStageChange,
    Episode,
    FocusAreaChoice,
    Formulation,
    HomeworkTask,
    InventoryPerson,
    InventorySnapshot,
    LifeEvent,
    RolePlay,
)
from iptcare.intake import services as intake_services
from iptcare.intake.models import IntakeRequest, PublicSite, SelfReflection
from iptcare.measures.models import QuestionnaireResponse
from iptcare.measures.services import response_submit
from iptcare.portal import services as portal_services
from iptcare.portal.models import MoodEntry, PersonSuggestion
from iptcare.scheduling import services as scheduling_services
from iptcare.scheduling.models import (
    Appointment,
    AvailabilityException,
    Fee,
    Invoice,
    Payment,
    SchedulingSettings,
    WeeklyAvailability,
)
from iptcare.supervision import selectors as supervision_selectors
from iptcare.supervision import services as supervision_services
from iptcare.supervision.models import FidelityRating

# Every login the factories make has this password unless a test gives another.
PASSWORD = "test-password-not-secret"
SYSTEM = Actor(user=None, role="system", request_id="test")

_serial = itertools.count(1)


def serial() -> int:
    """A number no other object of this test run has had (for unique names and emails)."""
    return next(_serial)


def actor(user: User, role: str) -> Actor:
    return Actor(user=user, role=role, request_id="test")


def therapist_actor(user: User) -> Actor:
    return actor(user, "therapist")


# --- Clinics and people ------------------------------------------------------------------


def clinic(name: str | None = None, *, time_zone: str = "America/Toronto", **fields: Any) -> Clinic:
    """A clinic. Two-step sign-in is off: it has its own tests
    (iptcare/accounts/tests/test_two_factor.py), and every other test logs in directly."""
    fields.setdefault("require_staff_two_factor", False)
    return Clinic.objects.create(
        name=name or f"Test Clinic {serial()}", time_zone=time_zone, **fields
    )


def _email(prefix: str) -> str:
    return f"{prefix}-{serial()}@factory.test"


def staff(
    clinic: Clinic,
    *,
    full_name: str = "Test Staff",
    email: str | None = None,
    password: str | None = PASSWORD,
    admin: bool = False,
    supervisor: bool = False,
) -> User:
    """A staff login without a therapist profile (administrator and/or supervisor)."""
    return User.objects.create_user(
        email=email or _email("staff"),
        password=password,
        full_name=full_name,
        clinic=clinic,
        is_clinic_admin=admin,
        is_supervisor=supervisor,
    )


def administrator(clinic: Clinic, **fields: Any) -> User:
    fields.setdefault("full_name", "Test Administrator")
    return staff(clinic, admin=True, **fields)


def supervisor(clinic: Clinic, **fields: Any) -> User:
    fields.setdefault("full_name", "Test Supervisor")
    return staff(clinic, supervisor=True, **fields)


def therapist(
    clinic: Clinic,
    *,
    full_name: str = "Test Therapist",
    email: str | None = None,
    password: str | None = PASSWORD,
    practicum_supervisor: User | None = None,
    **profile: Any,
) -> User:
    """A therapist with a profile checked by the model's own rules: registered (with a
    registration number) unless a practicum supervisor is given, who then becomes their
    primary supervisor (a SupervisionLink from `LINKS_START`)."""
    user = User.objects.create_user(
        email=email or _email("therapist"),
        password=password,
        full_name=full_name,
        clinic=clinic,
        is_therapist=True,
    )
    practicum = practicum_supervisor is not None
    profile.setdefault("credentials", "BSW" if practicum else "MSW, RSW")
    if not practicum:
        profile.setdefault("registration_number", f"9{serial():05d}")
    record = TherapistProfile(
        clinic=clinic,
        user=user,
        kind=TherapistProfile.Kind.PRACTICUM if practicum else TherapistProfile.Kind.REGISTERED,
        **profile,
    )
    record.full_clean()
    record.save()
    if practicum_supervisor is not None:
        supervision_link(supervisee=user, supervisor=practicum_supervisor, is_primary=True)
    return user


def student(clinic: Clinic, *, supervisor: User, **fields: Any) -> User:
    """A practicum student whose primary supervisor is `supervisor`."""
    fields.setdefault("full_name", "Test Student")
    return therapist(clinic, practicum_supervisor=supervisor, **fields)


# Links start long before any moment a test pins the clock to, so the cast's student is
# supervised whatever day a test travels to.
LINKS_START = date(2000, 1, 1)


def supervision_link(
    *,
    supervisee: User,
    supervisor: User,
    is_primary: bool = False,
    starts_on: date = LINKS_START,
    ends_on: date | None = None,
    by: User | None = None,
) -> SupervisionLink:
    """`supervisor` supervises `supervisee` from `starts_on` (to `ends_on`), through the
    clinic's service (so its checks hold)."""
    return supervision_link_add(
        actor=actor(by, "administrator") if by is not None else SYSTEM,
        supervisee=supervisee,
        supervisor=supervisor,
        is_primary=is_primary,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def client(
    clinic: Clinic,
    *,
    therapists: Sequence[User] = (),
    legal_name: str | None = None,
    date_of_birth: date = date(1990, 5, 1),
    status: str = "active",
    portal_email: str | None = None,
    password: str | None = PASSWORD,
    **fields: Any,
) -> Client:
    """A client through `client_create`; with `portal_email`, also their portal login
    (linked as an accepted invitation would leave it)."""
    if portal_email is not None:
        fields.setdefault("email", portal_email)
    made = client_create(
        actor=SYSTEM,
        clinic=clinic,
        legal_name=legal_name or f"Test Client {serial()}",
        date_of_birth=date_of_birth,
        therapists=list(therapists),
        status=status,
        **fields,
    )
    if portal_email is not None:
        made.user = User.objects.create_user(
            email=portal_email,
            password=password,
            full_name=made.legal_name,
            clinic=clinic,
            is_client=True,
        )
        made.save(update_fields=["user"])
    return made


_new_client = client  # for functions whose `client` argument hides this one


def adolescent(clinic: Clinic, *, age: int = 15, **fields: Any) -> Client:
    """A client `age` years old (and a month) today, in the clinic's time zone."""
    return client(clinic, date_of_birth=birthday_years_ago(clinic, age), **fields)


def birthday_years_ago(clinic: Clinic, years: int) -> date:
    """A birth date `years` years (and a month) before the clinic's today; a 29 February
    today falls back to the 28th in a common year."""
    today = clinic_today(clinic)
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=30)


# --- Courses and session notes -----------------------------------------------------------


def course_settings(clinic: Clinic, **choices: int | bool) -> ClinicCourseSettings:
    """The clinic's own course settings (`course_settings_update`); what is not given
    keeps the protocols' defaults (Standard IPT 12-20, usually 16; IPT-A ages 12-18)."""
    current = clinic_course_settings(clinic.pk)
    values: dict[str, Any] = {
        "default_planned_standard": current.default_planned_standard,
        "min_planned_standard": current.min_planned_standard,
        "max_planned_standard": current.max_planned_standard,
        "ipt_a_min_age": current.ipt_a_min_age,
        "ipt_a_max_age": current.ipt_a_max_age,
        "confirm_identity_at_signing": current.confirm_identity_at_signing,
        **choices,
    }
    return course_settings_update(
        actor=SYSTEM, clinic_id=clinic.pk, version=current.version, **values
    )


def open_course(
    client: Client | None = None,
    *,
    therapist: User | None = None,
    protocol: str = "standard",
    planned: int | None = 16,
    weeks_ago: int = 10,
    start_date: date | None = None,
    frequency: str = "weekly",
) -> Course:
    """A new open course through `course_open`, started `weeks_ago` weeks ago (or on
    `start_date`), with no notes yet. The therapist defaults to the client's first one;
    without a client, a new client of `therapist` is made first."""
    if client is None:
        if therapist is None:
            raise ValueError("open_course needs a client or a therapist")
        client = _new_client(therapist.home_clinic, therapists=[therapist])
    if therapist is None:
        therapist = client.therapists.order_by("pk").first()
        if therapist is None:
            raise ValueError(f"{client} has no therapist to open a course with")
    if start_date is None:
        start_date = clinic_today(client.clinic) - timedelta(weeks=weeks_ago)
    return course_open(
        actor=therapist_actor(therapist),
        client=client,
        protocol=protocol,
        therapist=therapist,
        start_date=start_date,
        planned_sessions=planned,
        frequency=frequency,
    )


def note(
    course: Course,
    *,
    day: date | None = None,
    attendance: str = "attended",
    author: User | None = None,
    **changes: object,
) -> SessionNote:
    """The next session's draft note (`note_open`), dated `day` (default: a week after
    the last note, or the course's start); `changes` are saved to the draft
    (`note_update`), as a therapist part-way through writing it."""
    if day is None:
        last = course.notes.order_by("-number").first()
        day = last.date + timedelta(days=7) if last else course.start_date
    writer = therapist_actor(author or course.therapist)
    draft = note_open(actor=writer, course=course, date=day, attendance=attendance)
    if changes:
        draft = note_update(actor=writer, note=draft, version=draft.version, changes=changes)
    return draft


SIGNED_NOTE = {
    "mood_rating": 5,
    "since_last_met": "A steady week.",
    "focus_work": "Reviewed the week and the focus.",
    "risk_check": SessionNote.RiskCheck.NONE_INDICATED,
    "plan_next": "Carry on with the focus.",
}


def signed_note(
    course: Course,
    *,
    day: date | None = None,
    author: User | None = None,
    **changes: object,
) -> SessionNote:
    """The next session's note, filled in and signed (`note_sign`); a practicum
    student's then waits for the co-signature."""
    draft = note(course, day=day, author=author)
    fields: dict[str, object] = {**SIGNED_NOTE, **changes}
    return note_sign(
        actor=therapist_actor(author or course.therapist),
        note=draft,
        version=draft.version,
        changes=fields,
    )


def signed_notes(course: Course, count: int, **changes: Any) -> list[SessionNote]:
    """`count` weekly signed notes from the course's start."""
    return [signed_note(course, **changes) for _ in range(count)]


def cosign(note: SessionNote, *, supervisor: User | None = None) -> SessionNote:
    """The supervisor's co-signature of a practicum student's note (`note_cosign`)."""
    if supervisor is None:
        supervisor = primary_supervisor_of(note.author)
    assert supervisor is not None, f"{note.author} has no supervisor"
    return note_cosign(actor=actor(supervisor, "supervisor"), note=note)


def end_course(
    course: Course,
    status: str = "completed",
    *,
    reason: str = "",
    ended_on: date | None = None,
) -> Course:
    """Complete the course (or end it early, with a reason) through `course_end`, on the
    day of its last note unless told otherwise."""
    if ended_on is None:
        last = course.notes.order_by("-date").first()
        ended_on = last.date if last else course.start_date
    course.refresh_from_db()
    return course_end(
        actor=therapist_actor(course.therapist),
        course=course,
        status=status,
        reason=reason,
        ended_on=ended_on,
        version=course.version,
    )


# --- Questionnaire answers ---------------------------------------------------------------


def submit(
    course: Course,
    code: str,
    answers: Sequence[object],
    *,
    session_number: int = 1,
    extras: Mapping[str, object] | None = None,
    at: datetime | None = None,
    actor: Actor = SYSTEM,
    administered: str = "in_session",
) -> QuestionnaireResponse:
    """A submitted questionnaire (`response_submit`), scored and flagged as any other;
    `at` back-dates it."""
    submitted = response_submit(
        actor=actor,
        course=course,
        code=code,
        answers=list(answers),  # type: ignore[arg-type]  # positions are ints, "na" or None
        extras=dict(extras) if extras is not None else None,
        session_number=session_number,
        idempotency_key=idempotency_key(),
        administered=administered,
    )
    if at is not None:
        QuestionnaireResponse.objects.filter(pk=submitted.pk).update(submitted_at=at)
        submitted.refresh_from_db()
    return submitted


def idempotency_key() -> str:
    return uuid.uuid4().hex


def phq9_answers(total: int, item9: int = 0) -> list[int]:
    """Nine positions adding up to `total` (item 9 fixed), spread over items 1-8."""
    rest = total - item9
    assert 0 <= rest <= 24
    answers = [min(3, max(0, rest - 3 * i)) for i in range(8)]
    return answers + [item9]


def gad7_answers(total: int) -> list[int]:
    return [min(3, max(0, total - 3 * i)) for i in range(7)]


def days_ago(n: float) -> datetime:
    return timezone.now() - timedelta(days=n)


def local(clinic: Clinic, day: date, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on `day` in the clinic's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(clinic.time_zone))


# --- Inventory, timeline, formulation and focus-area work --------------------------------


def person(course: Course, name: str | None = None, **fields: Any) -> InventoryPerson:
    """Someone in the course's interpersonal inventory (`person_create`)."""
    fields.setdefault("relation", "friend")
    fields.setdefault("ring", 2)
    return formulation_services.person_create(
        actor=therapist_actor(course.therapist),
        course=course,
        name=name or f"Test Person {serial()}",
        **fields,
    )


def life_event(
    course: Course,
    code: str = "other",
    *,
    starts_on: date,
    people: Sequence[InventoryPerson] = (),
    **fields: Any,
) -> LifeEvent:
    return formulation_services.event_create(
        actor=therapist_actor(course.therapist),
        course=course,
        code=code,
        starts_on=starts_on,
        people=people,
        **fields,
    )


def episode(course: Course, *, starts_on: date, is_current: bool = True, **fields: Any) -> Episode:
    return formulation_services.episode_create(
        actor=therapist_actor(course.therapist),
        course=course,
        starts_on=starts_on,
        is_current=is_current,
        **fields,
    )


def focus_area(
    course: Course, area: str, *, evidence: str = "Test evidence.", goals: str = "Test goal"
) -> FocusAreaChoice:
    return formulation_services.focus_area_choose(
        actor=therapist_actor(course.therapist),
        course=course,
        area=area,
        evidence=evidence,
        goals=goals,
    )


def formulation(course: Course, *, agreed_on: date | None = None, **fields: Any) -> Formulation:
    """The course's formulation and contract (`formulation_save`); agreed (with the
    contract) on `agreed_on` when given."""
    fields.setdefault("text", "Test formulation: the low mood followed the changes found.")
    if agreed_on is not None:
        fields.setdefault("contract_sessions", course.planned_sessions)
        fields.setdefault("contract_frequency", "weekly")
        fields.setdefault("contract_agreed_on", agreed_on)
    return formulation_services.formulation_save(
        actor=therapist_actor(course.therapist),
        course=course,
        version=None,
        agreed_on=agreed_on,
        **fields,
    )


def dispute_stage(
    course: Course, stage: str, *, changed_on: date, note: str = ""
) -> DisputeStageChange:
    return formulation_services.dispute_stage_change(
        actor=therapist_actor(course.therapist),
        course=course,
        stage=stage,
        changed_on=changed_on,
        note=note,
    )


def analysis(
    course: Course, *, title: str = "Test interaction", **fields: Any
) -> CommunicationAnalysis:
    """A communication analysis (`analysis_create`); give `turns` as dicts of
    speaker/said/tone/felt/meant/hoped."""
    fields.setdefault("session_number", 1)
    return formulation_services.analysis_create(
        actor=therapist_actor(course.therapist), course=course, title=title, **fields
    )


def roleplay_from(
    analysis: CommunicationAnalysis, *, session_number: int | None = None
) -> RolePlay:
    return formulation_services.analysis_to_roleplay(
        actor=therapist_actor(analysis.course.therapist),
        analysis=analysis,
        session_number=session_number,
    )


def homework(course: Course, text: str = "Test task.", **fields: Any) -> HomeworkTask:
    """A homework task (`homework_create`), visible to the client unless told otherwise."""
    fields.setdefault("set_at_session", 1)
    fields.setdefault("visible_to_client", True)
    return formulation_services.homework_create(
        actor=therapist_actor(course.therapist), course=course, text=text, **fields
    )


def snapshot(
    course: Course, kind: str = "initial", *, taken_on: date | None = None
) -> InventorySnapshot:
    return formulation_services.snapshot_take(
        actor=therapist_actor(course.therapist), course=course, kind=kind, taken_on=taken_on
    )


# --- A course in its middle phase, with its records ----------------------------------------


@dataclass
class WorkedCourse:
    """What `course_in_middle_phase` built, by name, for tests to point at."""

    course: Course
    people: dict[str, InventoryPerson]
    notes: list[SessionNote]
    draft: SessionNote | None
    event: LifeEvent
    episode: Episode
    areas: list[FocusAreaChoice]
    analysis: CommunicationAnalysis
    roleplay: RolePlay
    homework: HomeworkTask


def course_in_middle_phase(
    client: Client, *, held: int = 5, draft_today: bool = True
) -> WorkedCourse:
    """A Standard IPT course (16 sessions) with `held` weekly signed notes, the last a
    week ago, and (with `draft_today`) today's note still a draft; and the records of a
    course at that point: an inventory of four, a current episode and one life event, two
    focus areas (role transition, role dispute) in an agreed formulation and contract, the
    dispute's stage history (impasse, then renegotiation), a communication analysis with
    the mother turned into a role-play, and an open task the client sees."""
    today = clinic_today(client.clinic)
    first = today - timedelta(weeks=held if draft_today else held - 1)

    def week(n: int) -> date:  # n weeks after the first session, never after today
        return min(first + timedelta(weeks=n), today)

    course = open_course(client, start_date=first)
    notes = [signed_note(course, day=week(n)) for n in range(held)]
    draft = note(course, day=today, mood_rating=6) if draft_today else None
    people = {
        "mother": person(
            course,
            "Pat Parent",
            relation="mother",
            ring=1,
            practical_support=2,
            emotional_support=1,
            conflict=2,
        ),
        "sister": person(
            course,
            "Sam Sibling",
            relation="sister",
            ring=1,
            emotional_support=3,
            confidant=True,
        ),
        "colleague": person(
            course,
            "Cam Colleague",
            relation="colleague",
            ring=2,
            practical_support=1,
        ),
        "old_friend": person(
            course,
            "Fran Friend",
            relation="old friend",
            ring=3,
            emotional_support=1,
        ),
    }
    onset = first - timedelta(weeks=6)
    current = episode(course, starts_on=onset, notes="Current episode.")
    moved = life_event(
        course,
        "moving_homes",
        starts_on=onset - timedelta(weeks=6),
        title="Moved city for a new job",
        people=[people["sister"]],
    )
    areas = [
        focus_area(course, "role_transition", evidence="The move.", goals="Two new friends"),
        focus_area(course, "role_dispute", evidence="Calls with mother.", goals="Calm calls"),
    ]
    agreed_on = week(2)
    formulation(course, agreed_on=agreed_on, contract_focus="Role transition, Role dispute")
    snapshot(course, taken_on=agreed_on)
    dispute_stage(course, "impasse", changed_on=week(1))
    dispute_stage(course, "renegotiation", changed_on=week(3))
    call = analysis(
        course,
        title="Sunday call with mother",
        session_number=max(held, 1),
        with_person=people["mother"],
        happened_on=week(held - 1),
        turns=[
            {"speaker": "Mother", "said": "You never visit.", "felt": "guilty"},
            {"speaker": "Client", "said": "I have to go.", "felt": "cornered"},
        ],
        problems=["closing_silence"],
        alternatives="“I can come on the 14th.”",
        plan="Say what I can do first.",
    )
    played = roleplay_from(call)
    task = homework(
        course,
        "Call mother on Sunday and propose a date.",
        set_at_session=max(held - 1, 1),
        due_session=max(held - 1, 1) + 1,
    )
    course.refresh_from_db()
    return WorkedCourse(
        course=course,
        people=people,
        notes=notes,
        draft=draft,
        event=moved,
        episode=current,
        areas=areas,
        analysis=call,
        roleplay=played,
        homework=task,
    )


# --- Intake, scheduling and the portal -----------------------------------------------------


LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">'
    b'<rect width="8" height="8" fill="#1d4f91"/></svg>'
)


def public_site(clinic: Clinic, **changes: Any) -> PublicSite:
    """The clinic's public pages (`public_site_update`)."""
    changes.setdefault("tagline", "Test clinic: feel more like yourself again")
    return intake_services.public_site_update(actor=SYSTEM, clinic=clinic, **changes)


INTAKE_FIELDS: dict[str, object] = {
    "preferred_contact": "email",
    "age_group": "adult",
    "therapist_preference": "either",
    "consent_to_contact": True,
    "concerns": "Low mood since a change at work.",
}


def intake_request(
    clinic: Clinic, *, full_name: str = "Test Newcomer", **fields: Any
) -> IntakeRequest:
    """A request from the public form (`intake_submit`), still new."""
    fields.setdefault("email", f"newcomer-{serial()}@example.test")
    return intake_services.intake_submit(
        clinic=clinic, ip=None, full_name=full_name, **{**INTAKE_FIELDS, **fields}
    )


def self_reflection(
    client: Client,
    *,
    impact: Mapping[str, int] | None = None,
    distress: Mapping[str, int] | None = None,
    finished: bool = True,
    **answers: str,
) -> SelfReflection:
    """The client's self-reflection before the first session (`reflection_save`, as the
    client), shared with the therapist unless `finished` is False."""
    assert client.user is not None, f"{client} has no portal login"
    return intake_services.reflection_save(
        actor=actor(client.user, "client"),
        client=client,
        impact=dict(impact or {}),
        distress=dict(distress or {}),
        finished=finished,
        **answers,
    )


def scheduling_settings(
    clinic: Clinic,
    *,
    video_link: str = "https://video.factory.test/room",
    notice_hours: int = 24,
    practicum_rate: Decimal = Decimal("40.00"),
) -> SchedulingSettings:
    """The clinic's booking settings (`scheduling_settings_update`)."""
    return scheduling_services.scheduling_settings_update(
        actor=SYSTEM,
        clinic=clinic,
        video_link=video_link,
        notice_hours=notice_hours,
        practicum_rate=practicum_rate,
    )


def weekly_hours(
    therapist: User, windows: Sequence[tuple[int, int, int, str]]
) -> list[WeeklyAvailability]:
    """Weekly hours (weekday, start hour, end hour, location) through `availability_add`."""
    return [
        scheduling_services.availability_add(
            actor=SYSTEM,
            therapist=therapist,
            weekday=weekday,
            starts=time(start),
            ends=time(end),
            location=location,
        )
        for weekday, start, end, location in windows
    ]


def time_off(
    clinic: Clinic,
    *,
    starts_on: date,
    ends_on: date,
    therapist: User | None = None,
    reason: str = "Test closure",
) -> AvailabilityException:
    """Days off for a therapist, or (without one) for the whole clinic (`time_off_add`)."""
    exception, _affected = scheduling_services.time_off_add(
        actor=SYSTEM,
        clinic=clinic,
        therapist=therapist,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )
    return exception


def fee(therapist: User, kind: str = "session", amount: str = "150") -> Fee:
    """The therapist's fee for a kind of appointment (`fee_set`)."""
    made = scheduling_services.fee_set(
        actor=SYSTEM, therapist=therapist, kind=kind, amount=Decimal(amount)
    )
    assert made is not None
    return made


def appointment(
    client: Client,
    *,
    starts_at: datetime,
    therapist: User | None = None,
    kind: str = "session",
) -> Appointment:
    """A booked appointment (`appointment_book`, as staff book it)."""
    therapist = therapist or client.therapists.order_by("pk").first()
    assert therapist is not None, f"{client} has no therapist"
    return scheduling_services.appointment_book(
        actor=SYSTEM, client=client, therapist=therapist, kind=kind, starts_at=starts_at
    )


def past_appointment(
    client: Client,
    *,
    starts_at: datetime,
    outcome: str = "attended",
    therapist: User | None = None,
) -> tuple[Appointment, Invoice | None]:
    """An appointment that already happened, marked with its outcome (`appointment_mark`,
    which bills it when billable). The booking rules refuse the past, so it is booked
    under a clock set to a week before."""
    with time_machine.travel(starts_at - timedelta(days=7), tick=False):
        booked = appointment(client, starts_at=starts_at, therapist=therapist)
    with time_machine.travel(starts_at + timedelta(hours=1), tick=False):
        invoice = scheduling_services.appointment_mark(
            actor=therapist_actor(booked.therapist), appointment=booked, outcome=outcome
        )
    booked.refresh_from_db()
    return booked, invoice


@contextmanager
def clock_at(clinic: Clinic, day: date, hour: int = 12) -> Iterator[None]:
    """Run what follows as if it were `hour` o'clock on `day` at the clinic (to back-date
    records that services date with today)."""
    with time_machine.travel(local(clinic, day, hour), tick=False):
        yield


def payment(
    invoice: Invoice, *, by: User, method: str = "etransfer", received_on: date | None = None
) -> Payment:
    """The invoice paid in full (`payment_record`), recorded by `by` (an administrator)."""
    return scheduling_services.payment_record(
        actor=actor(by, "administrator"),
        invoice=invoice,
        amount=invoice.amount,
        method=method,
        received_on=received_on or clinic_today(invoice.clinic),
    )


def mood_entry(client: Client, rating: int, *, note: str = "") -> MoodEntry:
    """Today's mood in the portal (`mood_record`, as the client)."""
    assert client.user is not None, f"{client} has no portal login"
    return portal_services.mood_record(
        actor=actor(client.user, "client"), client=client, rating=rating, note=note
    )


def suggestion(client: Client, name: str = "Test Suggested", **fields: Any) -> PersonSuggestion:
    """Someone the client suggests for their inventory (`person_suggest`)."""
    assert client.user is not None, f"{client} has no portal login"
    fields.setdefault("relation", "friend")
    return portal_services.person_suggest(
        actor=actor(client.user, "client"), client=client, name=name, **fields
    )


# --- Supervision -------------------------------------------------------------------------


def fidelity_rating(
    note: SessionNote,
    rater: User,
    score: int | None = 4,
    *,
    kind: str = "supervisor",
    **fields: Any,
) -> FidelityRating:
    """A fidelity rating of the session (`fidelity_rate`) on the clinic's scale, every item
    of the session's phase given `score` (None: not applicable)."""
    scale = supervision_selectors.fidelity_scale_of(note.clinic_id)
    phase = supervision_selectors.note_phase(note).value
    return supervision_services.fidelity_rate(
        actor=actor(rater, "supervisor" if kind == "supervisor" else "therapist"),
        note=note,
        kind=kind,
        scores={item.code: score for item in scale.items.all() if item.applies_to(phase)},
        **fields,
    )
