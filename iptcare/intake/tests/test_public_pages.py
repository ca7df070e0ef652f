"""The public pages: open to everyone, in the clinic's words and colours."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from conftest import Cast
from iptcare.audit.services import Actor
from iptcare.clinic.services import clinic_update
from iptcare.intake import services
from iptcare.intake.colours import contrast_ratio, validate_primary_colour
from iptcare.intake.models import PublicSite
from iptcare.intake.selectors import public_clinic
from tests import factories

PUBLIC = ["root", "about", "therapists", "fees", "contact", "request", "request_thanks"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_page_opens_without_logging_in(cast: Cast, name: str) -> None:
    response = cast.http(None).get(reverse(f"intake:{name}"))
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.clinic.name in body
    assert "9-8-8" in body  # crisis help on every public page
    assert "Book a consultation" in body


def test_about_page_explains_ipt_with_the_clinics_fourth_focus_area(cast: Cast) -> None:
    admin = Actor(user=cast.users["admin"], role="administrator")
    clinic_update(
        actor=admin, clinic=cast.clinic, fourth_focus_area_label="Interpersonal sensitivity"
    )
    factories.course_settings(cast.clinic, ipt_a_min_age=13, ipt_a_max_age=18)
    body = cast.http(None).get(reverse("intake:about")).content.decode()
    for words in [
        "12 to 20",
        "first 1 to 3 sessions",
        "Grief",
        "Role disputes",
        "Role transitions",
        "Interpersonal sensitivity",
        "IPT-A",
        "13 to 18",
    ]:
        assert words in body, words
    assert "Interpersonal deficits" not in body


def test_therapists_page_shows_credentials_registration_and_supervision(cast: Cast) -> None:
    body = cast.http(None).get(reverse("intake:therapists")).content.decode()
    therapist, student = cast.users["therapist"], cast.users["student"]
    profile = therapist.therapist_profile
    assert therapist.full_name in body and profile.credentials in body
    assert profile.registration_number in body
    assert student.full_name in body and "Practicum student" in body
    assert f"Supervised by {cast.users['supervisor'].full_name}" in body
    assert cast.users["admin"].full_name not in body  # the administrator is not a therapist


def test_public_pages_do_not_grow_queries_with_therapists(
    cast: Cast, django_assert_max_num_queries
) -> None:
    browser = cast.http(None)
    with django_assert_max_num_queries(14):
        assert browser.get(reverse("intake:therapists")).status_code == 200


def test_the_clinics_colour_reaches_the_theme_stylesheet(cast: Cast) -> None:
    PublicSite.objects.filter(clinic=cast.clinic).update(primary_colour="#2f5d50")
    response = cast.http(None).get(reverse("intake:theme_css"))
    assert response["Content-Type"].startswith("text/css")
    assert "--primary: #2f5d50" in response.content.decode()


def test_the_logo_is_served_so_that_it_cannot_run_scripts(cast: Cast) -> None:
    factories.public_site(cast.clinic, logo=factories.LOGO_SVG)
    response = cast.http(None).get(reverse("intake:logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_single_public_site_answers_on_any_host_and_a_registered_host_wins(
    cast: Cast, rf
) -> None:
    assert public_clinic(rf.get("/")) == cast.clinic
    PublicSite.objects.create(clinic=cast.other_clinic, host="lakeshore.test")
    with override_settings(ALLOWED_HOSTS=["testserver", "lakeshore.test"]):
        assert public_clinic(rf.get("/", HTTP_HOST="lakeshore.test:8000")) == cast.other_clinic


def test_the_public_clinic_setting_chooses_between_clinics(cast: Cast, rf) -> None:
    PublicSite.objects.create(clinic=cast.other_clinic)
    with override_settings(PUBLIC_CLINIC_ID=cast.other_clinic.pk):
        assert public_clinic(rf.get("/")) == cast.other_clinic
    with pytest.raises(Exception, match="No public site"):
        public_clinic(rf.get("/"))


@pytest.mark.parametrize(
    ("colour", "ok"),
    [
        ("#1d4f91", True),
        ("#000000", True),
        ("#7fb3ff", False),
        ("#ffffff", False),
        ("1d4f91", False),
        ("#12345g", False),
        ("red", False),
    ],
)
def test_a_primary_colour_must_be_hex_and_readable_under_white_text(colour: str, ok: bool) -> None:
    if ok:
        validate_primary_colour(colour)
    else:
        with pytest.raises(ValidationError):
            validate_primary_colour(colour)


def test_contrast_ratio_matches_wcag_extremes() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert contrast_ratio("#777777", "#ffffff") < 4.5 < contrast_ratio("#767676", "#ffffff") + 0.1


def test_administrator_edits_the_public_pages(cast: Cast) -> None:
    browser = cast.http("admin")
    page = browser.get(reverse("intake:site_edit"))
    assert page.status_code == 200
    data = {
        name: value for name, value in page.context["form"].initial.items() if value is not None
    }
    data |= {"tagline": "IPT in the heart of Toronto", "primary_colour": "#2f5d50"}
    data.pop("logo_file", None)
    response = browser.post(reverse("intake:site_edit"), data)
    assert response.status_code == 302
    assert "IPT in the heart of Toronto" in cast.http(None).get("/").content.decode()


def test_an_unreadable_colour_or_unsafe_logo_changes_nothing(cast: Cast) -> None:
    browser = cast.http("admin")
    before = PublicSite.objects.get(clinic=cast.clinic)
    data = {
        name: value
        for name, value in browser.get(reverse("intake:site_edit")).context["form"].initial.items()
        if value is not None
    }
    response = browser.post(
        reverse("intake:site_edit"), data | {"primary_colour": "#ffee00", "tagline": "Changed"}
    )
    assert response.status_code == 400
    assert "contrast" in response.content.decode()
    after = PublicSite.objects.get(clinic=cast.clinic)
    assert (after.primary_colour, after.tagline) == (before.primary_colour, before.tagline)


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><a x:href="https://evil.test">x</a></svg>',
        b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"GIF89a not an image we take",
        b"",
    ],
)
def test_unsafe_or_unknown_logo_files_are_refused(svg: bytes) -> None:
    with pytest.raises(services.LogoError):
        services.logo_check(svg)


def test_a_small_png_logo_is_accepted(cast: Cast) -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "#1d4f91").save(buffer, format="PNG")
    site = services.public_site_update(
        actor=Actor(user=cast.users["admin"], role="administrator"),
        clinic=cast.clinic,
        logo=buffer.getvalue(),
    )
    assert site.logo_content_type == "image/png"
    assert cast.http(None).get(reverse("intake:logo"))["Content-Type"] == "image/png"


def test_only_administrators_edit_the_public_pages(cast: Cast) -> None:
    assert cast.http("therapist").get(reverse("intake:site_edit")).status_code == 403
    assert (
        cast.http("client").post(reverse("intake:site_edit"), {"tagline": "x"}).status_code == 403
    )


def test_every_fee_of_a_practicum_student_is_marked_reduced_even_one_set_for_them(
    cast: Cast,
) -> None:
    factories.fee(cast.users["student"], "session", "70")  # set for them, not the clinic's rate
    factories.fee(cast.users["therapist"], "session", "150")
    body = cast.http(None).get(reverse("intake:fees")).content.decode()
    student_rows = body.split(cast.users["student"].full_name, 1)[1].split("</tbody>", 1)[0]
    assert "$70" in student_rows
    assert student_rows.count("<td>") == student_rows.count("Reduced fee") > 1
    therapist_rows = body.split(cast.users["therapist"].full_name, 1)[1].split("</tbody>", 1)[0]
    assert "$150" in therapist_rows and "Reduced fee" not in therapist_rows


def test_the_fees_page_leads_to_the_intake_form(cast: Cast) -> None:
    body = cast.http(None).get(reverse("intake:fees")).content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    assert f'<a class="btn btn--primary public-cta" href="{reverse("intake:request")}">' in main
    assert reverse("scheduling:public_book") not in main
