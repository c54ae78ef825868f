"""The pages of a mark sheet's spreadsheet: who downloads, who uploads, the preview and the
confirmation, and the refusals shown on the page (nothing written)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massar.accounts.models import Role
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import UserFactory
from massar.assessment.models import MarkRow, MarkSheet, SheetStatus
from massar.assessment.spreadsheets import CONTENT_TYPE
from massar.assessment.tests.builders import class_world, fill_sheet, open_entry, sheet_for

from .spreadsheet_helpers import edited, pupil_row, upload, visible_rows

pytestmark = pytest.mark.django_db

READERS = [
    "teacher_a1",
    "director_a1",
    "staff_a1",
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
]
WRITERS = ["teacher_a1", "director_a1", "staff_a1"]
OFFICERS = ["national_admin", "academy_officer_a", "directorate_officer_a1"]
NOBODY = [
    "director_a2",
    "academy_officer_b",
    "directorate_officer_b1",
    "student_a1",
    "parent_a1",
    "outsider",
]


@pytest.fixture
def world(cast):
    world = class_world(cast)
    open_entry(world.establishment, world.school_class.school_year)
    return world


@pytest.fixture
def sheet(world):
    sheet = sheet_for(world, "MATH")
    fill_sheet(sheet, {world.enrolments[0].pk: (12.5, "ABS", 14)})
    return sheet


@pytest.fixture
def physics_teacher(cast, world):
    """A teacher of the class in another subject (PC), with a login."""
    user = UserFactory(username="pc-teacher")
    role_assign(user=user, role=Role.TEACHER, establishment=cast.school_a1)
    teacher = world.others["PC"]
    teacher.user = user
    teacher.save(update_fields=["user"])
    return user


def url(name: str, world, subject: str = "MATH", semester: int = 1) -> str:
    return reverse(
        f"assessment:marks_spreadsheet_{name}",
        args=[world.school_class.public_id, subject, semester],
    )


def code(world, index: int) -> str:
    return world.enrolments[index].student.code_massar


def download(client, world) -> bytes:
    response = client.get(url("download", world))
    assert response.status_code == 200
    return response.content


def versions(sheet) -> list[int]:
    return list(
        MarkRow.objects.filter(sheet=sheet).order_by("pk").values_list("version", flat=True)
    )


# --- download ---------------------------------------------------------------------------------


@pytest.mark.parametrize("member", READERS)
def test_the_sheet_downloads_for_its_readers(
    client, cast, world, sheet, member, django_assert_max_num_queries
):
    client.force_login(getattr(cast, member))
    with django_assert_max_num_queries(25):
        response = client.get(url("download", world))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="marks-11565V-tcs-1-math-s1.xlsx"'
    )
    rows = visible_rows(response.content)
    assert pupil_row(rows, code(world, 0))[4:] == [12.5, "غ", 14.0]


@pytest.mark.parametrize("member", NOBODY)
def test_the_sheet_does_not_download_for_anyone_else(client, cast, world, sheet, member):
    client.force_login(getattr(cast, member))
    assert client.get(url("download", world)).status_code == 404


def test_the_teacher_of_another_subject_gets_404(client, world, sheet, physics_teacher):
    client.force_login(physics_teacher)
    assert client.get(url("download", world)).status_code == 404
    assert client.get(url("upload", world)).status_code == 404
    assert client.get(url("download", world, subject="PC")).status_code == 200


@pytest.mark.parametrize(
    ("subject", "semester"), [("TECH", 1), ("NOPE", 1), ("MATH", 3), ("MATH", 0)]
)
def test_a_subject_not_taught_or_a_semester_that_does_not_exist_is_404(
    client, cast, world, subject, semester
):
    client.force_login(cast.director_a1)
    assert client.get(url("download", world, subject, semester)).status_code == 404
    assert client.get(url("upload", world, subject, semester)).status_code == 404


def test_the_download_opens_a_sheet_not_yet_used(client, cast, world):
    client.force_login(cast.teacher_a1)
    content = download(client, world)
    assert MarkSheet.objects.filter(school_class=world.school_class, semester=1).count() == 1
    assert len([row for row in visible_rows(content) if row[0].startswith("Q")]) == 6


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get(url("download", world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- upload page ------------------------------------------------------------------------------


@pytest.mark.parametrize("member", WRITERS)
def test_the_upload_page_is_offered_to_the_teacher_and_the_school(
    client, cast, world, sheet, member, django_assert_max_num_queries
):
    client.force_login(getattr(cast, member))
    with django_assert_max_num_queries(20):
        response = client.get(url("upload", world))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="upload-form"' in page
    assert f'href="{url("download", world)}"' in page
    assert str(_("Empty cells in the file leave the marks on Massar as they are")) in page


@pytest.mark.parametrize("member", OFFICERS + NOBODY)
def test_officers_and_anyone_else_cannot_upload(client, cast, world, sheet, member):
    client.force_login(getattr(cast, member))
    assert client.get(url("upload", world)).status_code == 404
    response = client.post(url("upload", world), {"file": upload(b"x")})
    assert response.status_code == 404
    assert client.post(url("confirm", world), {"plan": "x"}).status_code == 404


def test_a_locked_sheet_says_so_and_offers_no_form(client, cast, world, sheet):
    sheet.status = SheetStatus.VALIDATED
    sheet.save(update_fields=["status"])
    client.force_login(cast.teacher_a1)
    message = _(
        "This sheet was validated and locked by the director: a file cannot be imported into it. "
        "Ask the director for a change instead."
    )
    page = client.get(url("upload", world)).content.decode()
    assert 'id="upload-blocked"' in page
    assert message in page
    assert 'id="upload-form"' not in page
    before = versions(sheet)
    response = client.post(url("upload", world), {"file": upload(download(client, world))})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert versions(sheet) == before


# --- preview and confirmation -----------------------------------------------------------------


def _edit(world):
    def edit(rows):
        pupil_row(rows, code(world, 1))[4] = "13,25"
        pupil_row(rows, code(world, 2))[6] = "ABS"

    return edit


def test_upload_preview_then_confirm_saves_the_marks(
    client, cast, world, sheet, django_assert_max_num_queries
):
    client.force_login(cast.teacher_a1)
    content = edited(download(client, world), _edit(world))
    before = versions(sheet)
    with django_assert_max_num_queries(25):
        response = client.post(url("upload", world), {"file": upload(content)})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="preview-change"') == 2
    assert f'data-code="{code(world, 1)}" data-field="test_1"' in page
    assert '<bdi class="preview-before">—</bdi>' in page
    assert '<bdi class="preview-after">13,25</bdi>' in page
    assert f'<bdi class="preview-after">{_("ABS")}</bdi>' in page
    assert 'id="confirm-form"' in page
    assert versions(sheet) == before  # nothing written by the preview
    plan = response.context["plan"]

    with django_assert_max_num_queries(40):
        response = client.post(url("confirm", world), {"plan": plan})

    assert response.status_code == 302
    assert response["Location"] == url("upload", world)
    second = MarkRow.objects.get(sheet=sheet, enrolment=world.enrolments[1])
    third = MarkRow.objects.get(sheet=sheet, enrolment=world.enrolments[2])
    assert (second.test_1, third.activities_absent) == (Decimal("13.25"), True)
    page = client.get(url("upload", world)).content.decode()
    saved = ngettext(
        "The marks of %(count)s pupil were saved.", "The marks of %(count)s pupils were saved.", 2
    )
    assert saved % {"count": 2} in page


def test_a_preview_with_errors_lists_them_and_cannot_be_confirmed(client, cast, world, sheet):
    client.force_login(cast.director_a1)

    def edit(rows):
        pupil_row(rows, code(world, 1))[4] = 21
        pupil_row(rows, code(world, 2))[4] = "12"

    response = client.post(
        url("upload", world), {"file": upload(edited(download(client, world), edit))}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="preview-errors"' in page
    assert 'data-row="14" data-code="out_of_range" data-field="test_1"' in page
    assert (_("A mark is between 0 and %(scale)s.") % {"scale": 20}) in page
    assert 'id="confirm-form"' not in page
    assert response.context["plan"] == ""


def test_a_bad_file_is_refused_on_the_upload_page(client, cast, world, sheet):
    client.force_login(cast.staff_a1)
    response = client.post(url("upload", world), {"file": upload(b"", "vide.xlsx")})
    # Django refuses an empty upload itself; a file with only spaces is ours to refuse.
    assert response.status_code == 400
    response = client.post(url("upload", world), {"file": upload(b"   \n", "vide.csv")})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="upload-error" data-code="file_empty"' in page
    assert _("The file is empty.") in page


def test_a_file_without_export_information_is_flagged_on_the_preview(client, cast, world, sheet):
    client.force_login(cast.teacher_a1)
    content = edited(download(client, world), _edit(world), keep_meta=False)
    response = client.post(url("upload", world), {"file": upload(content)})
    assert response.status_code == 200
    assert 'id="preview-untracked"' in response.content.decode()


def test_a_stale_confirmation_saves_nothing_and_says_why(client, cast, world, sheet):
    client.force_login(cast.teacher_a1)
    content = edited(download(client, world), _edit(world))
    plan = client.post(url("upload", world), {"file": upload(content)}).context["plan"]
    MarkRow.objects.filter(sheet=sheet, enrolment=world.enrolments[1]).update(version=7)
    before = versions(sheet)
    response = client.post(url("confirm", world), {"plan": plan})
    assert response.status_code == 409
    assert 'data-code="conflict"' in response.content.decode()
    assert versions(sheet) == before


def test_a_forged_confirmation_is_refused(client, cast, world, sheet):
    client.force_login(cast.teacher_a1)
    response = client.post(url("confirm", world), {"plan": "forged"})
    assert response.status_code == 400
    assert _("This preview is not valid: send the file again.") in response.content.decode()


def test_the_confirmation_only_accepts_post(client, cast, world, sheet):
    client.force_login(cast.teacher_a1)
    assert client.get(url("confirm", world)).status_code == 405
