"""Who sees which fidelity ratings: the author's supervisors and the author; an
administrator sees counts only (scores through break-the-glass); clients never."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from conftest import Cast
from iptcare.clients.models import BreakGlassAccess
from iptcare.courses.models import SessionNote
from iptcare.supervision.tests.permissions import EXPECTED
from iptcare.supervision.tests.test_fidelity_rating import rate, student_notes
from tests import factories

COMMENT = "Strong inventory work, keep going."


def _rated(cast: Cast) -> SessionNote:
    note = student_notes(cast, 1)[0]
    rate(cast, note, 4, comment=COMMENT)
    return note


def test_the_supervisor_and_the_author_see_the_ratings_others_do_not(cast: Cast) -> None:
    note = _rated(cast)
    url = f"/supervision/fidelity/notes/{note.pk}/"
    for role in ("supervisor", "student"):
        assert COMMENT in cast.http(role).get(url).content.decode(), role
    for role in ("therapist", "therapist2", "admin", "other_admin"):
        assert cast.http(role).get(url).status_code == 404, role
    assert cast.http("client").get(url).status_code == 403
    assert cast.http("client").get("/supervision/fidelity/mine/").status_code == 403


def test_an_administrator_sees_counts_not_scores_or_comments(cast: Cast) -> None:
    _rated(cast)
    html = cast.http("admin").get("/supervision/fidelity/scales/").content.decode()
    assert "Stu Student" in html and "Ratings done" in html
    assert COMMENT not in html and "4.00" not in html
    assert cast.http("admin").get("/api/v1/supervision/fidelity/ratings").json() == []


def test_an_administrator_who_broke_the_glass_reads_the_ratings_without_rating(cast: Cast) -> None:
    note = _rated(cast)
    BreakGlassAccess.objects.create(
        clinic=cast.clinic,
        client=cast.clients["student_client"],
        user=cast.users["admin"],
        reason="Complaint review requested by the client.",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    page = cast.http("admin").get(f"/supervision/fidelity/notes/{note.pk}/")
    assert page.status_code == 200 and COMMENT in page.content.decode()
    assert "Save the rating" not in page.content.decode()
    post = cast.http("admin").post(f"/supervision/fidelity/notes/{note.pk}/", {"version": "0"})
    assert post.status_code == 403


def test_the_api_lists_the_ratings_in_the_persons_scope(cast: Cast) -> None:
    note = _rated(cast)
    rate(cast, note, 5, role="student")
    ratings = cast.http("supervisor").get("/api/v1/supervision/fidelity/ratings").json()
    assert sorted(r["kind"] for r in ratings) == ["self", "supervisor"]
    assert ratings[0]["client_chart_number"] == cast.clients["student_client"].chart_number
    assert len(cast.http("student").get("/api/v1/supervision/fidelity/ratings").json()) == 2
    assert cast.http("therapist2").get("/api/v1/supervision/fidelity/ratings").json() == []
    assert cast.http("client").get("/api/v1/supervision/fidelity/ratings").status_code == 403
    assert cast.http(None).get("/api/v1/supervision/fidelity/ratings").status_code == 401
    one = f"/api/v1/supervision/fidelity/notes/{note.pk}/ratings"
    got = cast.http("supervisor").get(one).json()
    assert got[0]["kind"] == "self" and got[1]["comment"] == COMMENT
    assert {s["item"] for s in got[1]["scores"]} >= {"sick-role", "active"}
    assert cast.http("therapist2").get(one).status_code == 404
    assert (
        cast.http("supervisor")
        .get("/api/v1/supervision/fidelity/notes/999999999/ratings")
        .status_code
        == 404
    )


def test_the_routes_are_in_the_openapi_schema(cast: Cast) -> None:
    paths = cast.http(None).get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/supervision/fidelity/ratings" in paths
    assert "/api/v1/supervision/fidelity/notes/{note_id}/ratings" in paths


def test_every_fidelity_url_is_in_the_permission_matrix() -> None:
    names = {
        "supervision:fidelity_note",
        "supervision:fidelity_person",
        "supervision:fidelity_mine",
        "supervision:fidelity_scales",
        "api:fidelity_ratings",
        "api:fidelity_note_ratings",
    }
    assert names <= set(EXPECTED)
    assert EXPECTED["supervision:fidelity_note"]("supervisor", "student_client") == 200
    assert EXPECTED["supervision:fidelity_note"]("supervisor", "client") == 404
    assert EXPECTED["supervision:fidelity_person"]("therapist", "client") == 200
    assert EXPECTED["api:fidelity_ratings"]("client", "client") == 403


def test_a_therapist_not_supervised_sees_only_their_own_page(cast: Cast) -> None:
    student = cast.users["student"]
    assert (
        cast.http("therapist").get(f"/supervision/fidelity/people/{student.pk}/").status_code == 404
    )
    own = cast.http("therapist").get(f"/supervision/fidelity/people/{cast.users['therapist'].pk}/")
    assert own.status_code == 200
    other = factories.therapist(cast.other_clinic)
    assert (
        cast.http("supervisor").get(f"/supervision/fidelity/people/{other.pk}/").status_code == 404
    )
