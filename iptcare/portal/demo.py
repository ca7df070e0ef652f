"""Demo portal data: Jordan Lee's mood log, people shared with them, and suggestions.
Placed relative to today; loading again changes nothing."""

from __future__ import annotations

from datetime import timedelta

from iptcare.clinic.demo import DemoContext
from iptcare.courses.selectors import clinic_today, current_courses_for_clients
from iptcare.formulation.models import InventoryPerson
from iptcare.portal.models import MoodEntry, PersonSuggestion

# (days ago, rating, note): a slow lift with a dip, like Jo's story in the course demo.
JORDAN_MOODS = [
    (20, 3, "Quiet weekend alone."),
    (18, 4, ""),
    (16, 4, "Team lunch felt awkward."),
    (14, 5, ""),
    (12, 5, "Video call with family."),
    (9, 4, "Missed Mum's birthday dinner."),
    (8, 5, ""),
    (6, 6, "Climbing with Dev."),
    (4, 6, ""),
    (2, 7, "Trivia night, enjoyed it."),
    (1, 6, ""),
]
SUGGESTIONS = {
    "Jordan Lee": ("Dev", "colleague, climbing partner", "We climb on Tuesdays now."),
    "Benjamin Cho": ("Mina", "cousin", "She asked me to her wedding in June."),
}
# Jo's therapist has shown them the closest people of their inventory.
SHARED_RINGS = (1, 2)


def load_demo(demo: DemoContext) -> None:
    clients = {name: demo.clients[name] for name in SUGGESTIONS if name in demo.clients}
    courses = current_courses_for_clients([c.pk for c in clients.values()])
    for name, client in clients.items():
        course = courses.get(client.pk)
        if course is None:
            continue
        if not PersonSuggestion.objects.filter(client=client).exists():
            person, relation, note = SUGGESTIONS[name]
            PersonSuggestion.objects.create(
                clinic=demo.clinic,
                client=client,
                course=course,
                name=person,
                relation=relation,
                note=note,
            )
            demo.report.created.append(f"person suggestion for {name}")
    jordan = clients.get("Jordan Lee")
    course = courses.get(jordan.pk) if jordan else None
    if jordan is None or course is None:
        return
    if not InventoryPerson.objects.filter(course=course, shared_with_client=True).exists():
        InventoryPerson.objects.filter(
            course=course, ring__in=SHARED_RINGS, archived_at__isnull=True
        ).update(shared_with_client=True)
    if MoodEntry.objects.filter(client=jordan).exists():
        return
    today = clinic_today(demo.clinic)
    scale = course.protocol_spec.mood_scale
    MoodEntry.objects.bulk_create(
        MoodEntry(
            clinic=demo.clinic,
            client=jordan,
            course=course,
            day=today - timedelta(days=days_ago),
            rating=rating,
            scale_low=scale.low,
            scale_high=scale.high,
            note=note,
        )
        for days_ago, rating, note in JORDAN_MOODS
    )
    demo.report.created.append("mood log for Jordan Lee")
