"""The formulation pages in the permission matrix (see tests/matrix.py).

Pages of a course: the care team reads them (the supervisor too), only the treating
therapist opens the forms that create records; POST-only actions answer 405 to a GET.
Everybody else, the administrator included, gets 404 (the record stays hidden).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import Cast
from iptcare.courses.tests.permissions import target_course
from iptcare.formulation.models import (
    CommunicationAnalysis,
    Episode,
    FocusAreaChoice,
    HomeworkTask,
    InventoryPerson,
    LifeEvent,
    RolePlay,
)
from tests.matrix import Expectation, api_record, logged_in, record_page

READ = record_page(on_team=200)
CREATE = record_page(on_team=403, treating=200)
POST_ONLY = logged_in(lambda role: 405)

EXPECTED: dict[str, Expectation] = {
    "formulation:inventory": READ,
    "formulation:person_create": CREATE,
    "formulation:person_edit": READ,
    "formulation:person_archive": POST_ONLY,
    "formulation:snapshot_take": POST_ONLY,
    "formulation:inventory_compare": READ,
    "formulation:timeline": READ,
    "formulation:event_create": CREATE,
    "formulation:event_edit": READ,
    "formulation:event_archive": POST_ONLY,
    "formulation:episode_create": CREATE,
    "formulation:episode_edit": READ,
    "formulation:episode_archive": POST_ONLY,
    "formulation:formulation": READ,
    "formulation:formulation_edit": READ,
    "formulation:focus_area_create": CREATE,
    "formulation:focus_area_edit": READ,
    "formulation:focus_area_remove": POST_ONLY,
    "formulation:focus": READ,
    "formulation:grief": READ,
    "formulation:role_dispute": READ,
    "formulation:dispute_stage": POST_ONLY,
    "formulation:role_transition": READ,
    "formulation:deficits": READ,
    "formulation:analysis_create": CREATE,
    "formulation:analysis": READ,
    "formulation:analysis_roleplay": POST_ONLY,
    "formulation:roleplay_create": CREATE,
    "formulation:roleplay": READ,
    "formulation:homework": READ,
    "formulation:homework_create": CREATE,
    "formulation:homework_edit": READ,
    "formulation:termination": READ,
    "api:inventory_get": api_record(on_team=200, admin=404),
    "api:timeline_get": api_record(on_team=200, admin=404),
    "api:formulation_get": api_record(on_team=200, admin=404),
}


def _first(model: Any) -> Callable[[Cast, str], int]:
    def pick(cast: Cast, target: str) -> int:
        record = model.objects.filter(course=target_course(cast, target)).order_by("pk").first()
        assert record is not None, f"the matrix built no {model.__name__} for {target}"
        return int(record.pk)

    return pick


# "course_id" comes from the courses app's permissions module.
KWARGS: dict[str, Callable[[Cast, str], object]] = {
    "person_id": _first(InventoryPerson),
    "event_id": _first(LifeEvent),
    "episode_id": _first(Episode),
    "focus_id": _first(FocusAreaChoice),
    "analysis_id": _first(CommunicationAnalysis),
    "roleplay_id": _first(RolePlay),
    "homework_id": _first(HomeworkTask),
}
