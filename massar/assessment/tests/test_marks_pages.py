"""The mark-entry pages, with the cast: who reads and who edits (everyone else gets 404, the other
school's director included), a row saved in place (htmx) or the whole sheet (no script), bad
marks shown beside their cells, a conflict shown with both sides and resolved by the teacher, a
pasted column, the number of tests, the director's validation board, corrections of a locked
sheet, marks shown with a decimal comma, and bounded queries whatever the size of the class."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape

from massar.accounts.models import Role
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import UserFactory
from massar.assessment import forms_marks
from massar.assessment import services_marks as marks
from massar.assessment.models import (
    ChangeRequest,
    ChangeRequestStatus,
    EntryWindow,
    MarkRow,
    MarkSheet,
    SheetStatus,
)
from massar.assessment.services_marks import RowChange
from massar.assessment.tests.builders import class_world, fill_sheet, open_entry, other_world
from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import enrol_pupils

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EDITORS = ["teacher_a1", "staff_a1", "director_a1"]
READERS = ["academy_officer_a", "directorate_officer_a1", "national_admin"]
NOBODY = ["director_a2", "academy_officer_b", "outsider", "student_a1", "parent_a1"]


@pytest.fixture
def world(cast):
    world = class_world(cast, pupils=4)
    open_entry(cast.school_a1, world.school_class.school_year)
    return world


@pytest.fixture
def sheet(cast, world):
    return marks.sheet_open(
        actor=cast.teacher_a1,
        school_class=world.school_class,
        subject=world.subjects["MATH"],
        semester=1,
    )


def login(client, user):
    client.force_login(user)
    return client


def shown(message: str, **params) -> str:
    """``message`` as the page shows it: in Arabic (the default language), HTML-escaped."""
    with translation.override("ar"):
        text = translation.gettext(message)
    return escape(text % params if params else text)


def literal(message: str) -> str:
    """A message a template writes with ``{% translate %}`` (not escaped), in Arabic."""
    with translation.override("ar"):
        return translation.gettext(message)


def teacher_of_subject(cast, world, code: str):
    user = UserFactory(username=f"teacher-{code.lower()}")
    role_assign(user=user, role=Role.TEACHER, establishment=cast.school_a1)
    staff = world.others[code]
    staff.user = user
    staff.save(update_fields=["user"])
    return user


def code_of(enrolment) -> str:
    return enrolment.student.code_massar


def row_of(sheet, enrolment) -> MarkRow:
    return MarkRow.objects.get(sheet=sheet, enrolment=enrolment)


def row_data(sheet, enrolment, **cells) -> dict:
    """What the page sends for one row: its version and marks as loaded, and ``cells`` typed."""
    row = row_of(sheet, enrolment)
    code = code_of(enrolment)
    data = {f"{code}.version": str(row.version), f"{code}.was": forms_marks.encode_was(row)}
    for name in ("test_1", "test_2", "activities", "appreciation"):
        if name == "appreciation":
            data[f"{code}.{name}"] = cells.get(name, row.appreciation)
        else:
            current = forms_marks.show_mark(getattr(row, name), getattr(row, marks.ABSENT_OF[name]))
            data[f"{code}.{name}"] = cells.get(name, current)
    return data


def whole_form(sheet, world, changes: dict | None = None) -> dict:
    """The whole sheet form (no script): every row, ``changes`` = {enrolment: {cell: typed}}."""
    data = {"whole": "1"}
    for enrolment in world.enrolments:
        data.update(row_data(sheet, enrolment, **(changes or {}).get(enrolment, {})))
    return data


def sheet_url(sheet) -> str:
    return reverse("assessment:marks_sheet", args=[sheet.public_id])


def save_url(sheet) -> str:
    return reverse("assessment:marks_save", args=[sheet.public_id])


# --- who reads, who edits ---------------------------------------------------------------------


@pytest.mark.parametrize("member", EDITORS)
def test_the_teacher_and_the_school_edit_the_sheet(client, cast, world, sheet, member):
    login(client, getattr(cast, member))
    page = client.get(sheet_url(sheet))
    assert page.status_code == 200
    html = page.content.decode()
    first = code_of(world.enrolments[0])
    assert f'name="{first}.test_1"' in html
    assert 'inputmode="decimal"' in html
    response = client.post(save_url(sheet), row_data(sheet, world.enrolments[0], test_1="13,5"))
    assert response.status_code == 302
    row = row_of(sheet, world.enrolments[0])
    assert (row.test_1, row.version, row.updated_by) == (Decimal("13.50"), 2, getattr(cast, member))


@pytest.mark.parametrize("member", READERS)
def test_officers_of_the_area_read_the_sheet_without_editing(client, cast, world, sheet, member):
    fill_sheet(sheet, {world.enrolments[0].pk: (12.5, "ABS", 9)})
    login(client, getattr(cast, member))
    page = client.get(sheet_url(sheet))
    assert page.status_code == 200
    html = page.content.decode()
    assert "12,50" in html
    assert "<input" not in html.split('id="marks-table"')[1]
    response = client.post(save_url(sheet), row_data(sheet, world.enrolments[0], test_1="20"))
    assert response.status_code == 404
    assert row_of(sheet, world.enrolments[0]).test_1 == Decimal("12.50")
    board = client.get(reverse("assessment:marks_school", args=[cast.school_a1.code]))
    assert board.status_code == 200
    assert str(sheet.public_id) in board.content.decode()


@pytest.mark.parametrize("member", NOBODY)
def test_everyone_else_gets_404_on_every_page(client, cast, world, sheet, member):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    login(client, getattr(cast, member))
    enrolment = world.enrolments[0]
    code = code_of(enrolment)
    gets = [
        sheet_url(sheet),
        reverse("assessment:marks_row", args=[sheet.public_id, code]),
        reverse("assessment:marks_school", args=[cast.school_a1.code]),
        reverse("assessment:marks_corrections", args=[cast.school_a1.code]),
        reverse("assessment:marks_correction", args=[sheet.public_id])
        + f"?pupil={code}&field=test_1",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (save_url(sheet), row_data(sheet, enrolment, test_1="19")),
        (reverse("assessment:marks_tests", args=[sheet.public_id]), {"test_count": "3"}),
        (reverse("assessment:marks_validate", args=[sheet.public_id]), {}),
        (
            reverse(
                "assessment:marks_start",
                args=[world.school_class.public_id, "MATH", 2],
            ),
            {},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    sheet.refresh_from_db()
    assert (sheet.status, sheet.test_count) == (SheetStatus.OPEN, 2)
    assert MarkSheet.objects.count() == 1
    assert row_of(sheet, enrolment).test_1 == Decimal("10.00")


def test_the_teacher_of_another_subject_of_the_class_gets_404_on_this_sheet(
    client, cast, world, sheet
):
    physics = teacher_of_subject(cast, world, "PC")
    login(client, physics)
    assert client.get(sheet_url(sheet)).status_code == 404
    enrolment = world.enrolments[0]
    response = client.post(save_url(sheet), row_data(sheet, enrolment, test_1="19"))
    assert response.status_code == 404
    start = reverse("assessment:marks_start", args=[world.school_class.public_id, "MATH", 2])
    assert client.post(start).status_code == 404
    assert row_of(sheet, enrolment).test_1 is None
    # Their own subject's sheet is theirs to start.
    own = reverse("assessment:marks_start", args=[world.school_class.public_id, "PC", 1])
    response = client.post(own)
    pc_sheet = MarkSheet.objects.get(subject__code="PC")
    assert response.url == sheet_url(pc_sheet)


def test_another_school_s_sheet_is_not_found_for_this_school(client, cast, world):
    other = other_world(cast)
    open_entry(cast.school_a2, other.school_class.school_year)
    foreign = marks.sheet_open(
        actor=cast.director_a2,
        school_class=other.school_class,
        subject=other.subjects["MATH"],
        semester=1,
    )
    for member in ("director_a1", "staff_a1", "teacher_a1"):
        login(client, getattr(cast, member))
        assert client.get(sheet_url(foreign)).status_code == 404
        assert client.post(save_url(foreign), {}).status_code == 404


# --- my sheets and the school's board ---------------------------------------------------------


def test_a_teacher_lists_their_sheets_per_semester_and_starts_one(client, cast, world, sheet):
    fill_sheet(sheet, {world.enrolments[0].pk: (12, None, None)})
    login(client, cast.teacher_a1)
    page = client.get(reverse("assessment:marks_home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-sheet="TCS-1-MATH-') == 2
    assert html.count('data-sheet="TCS-1-FR-') == 2
    assert sheet_url(sheet) in html
    start = reverse("assessment:marks_start", args=[world.school_class.public_id, "FR", 1])
    assert start in html
    response = client.post(start)
    french = MarkSheet.objects.get(subject__code="FR", semester=1)
    assert response.status_code == 302
    assert response.url == sheet_url(french)
    assert french.rows.count() == 4


def test_a_director_of_one_school_goes_straight_to_its_sheets(client, cast, world):
    login(client, cast.director_a1)
    response = client.get(reverse("assessment:marks_home"))
    assert response.status_code == 302
    assert response.url == reverse("assessment:marks_school", args=[cast.school_a1.code])


def test_someone_without_sheets_is_told_so(client, cast):
    login(client, cast.outsider)
    page = client.get(reverse("assessment:marks_home"))
    assert page.status_code == 200
    assert 'id="no-sheet"' in page.content.decode()


def test_the_board_counts_empty_cells_and_waiting_corrections_per_sheet(client, cast, world, sheet):
    first, second, *rest = world.enrolments
    fill_sheet(sheet, {first.pk: (10, None, "ABS"), second.pk: (None, None, None)})
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in rest})
    login(client, cast.director_a1)
    page = client.get(reverse("assessment:marks_school", args=[cast.school_a1.code]))
    assert page.status_code == 200
    html = page.content.decode()
    math_line = html.split('data-subject="MATH"')[1].split("</tr>")[0]
    cells = [part.split("</td>")[0] for part in math_line.split('<td class="number">')[1:]]
    assert cells == ["4", "4", "0"]  # pupils, empty cells, corrections waiting
    assert f'id="validate-{sheet.public_id}"' in math_line
    # Subjects without a sheet are listed, not started.
    assert 'data-subject="PC"' in html
    semester_two = client.get(
        reverse("assessment:marks_school", args=[cast.school_a1.code]) + "?semester=2"
    ).content.decode()
    assert str(sheet.public_id) not in semester_two


def test_a_teacher_is_not_sent_to_the_school_s_pages(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    html = client.get(sheet_url(sheet)).content.decode()
    assert 'id="sheet-board"' not in html
    assert 'id="sheet-back"' in html
    board = reverse("assessment:marks_school", args=[cast.school_a1.code])
    assert client.get(board).status_code == 404


def test_only_the_director_sees_the_validate_buttons(client, cast, world, sheet):
    login(client, cast.staff_a1)
    html = client.get(reverse("assessment:marks_school", args=[cast.school_a1.code])).content
    assert f'id="validate-{sheet.public_id}"' not in html.decode()
    assert 'id="sheet-validate"' not in client.get(sheet_url(sheet)).content.decode()


# --- saving in place (htmx) -------------------------------------------------------------------


def test_a_row_saved_in_place_answers_its_new_version(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    enrolment = world.enrolments[0]
    code = code_of(enrolment)
    response = client.post(
        save_url(sheet),
        row_data(sheet, enrolment, test_1="12,5", test_2="abs", appreciation="Bon travail"),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<span id="meta-{code}" hx-swap-oob="true">' in html
    assert f'name="{code}.version" value="2"' in html
    # test 1 to 4, activities, appreciation
    assert f'name="{code}.was" value="12.50|ABS||||Bon travail"' in html
    assert shown("Saved") in html
    assert "<tr" not in html  # the inputs being typed in are left alone
    row = row_of(sheet, enrolment)
    assert (row.test_1, row.test_2, row.absent_2) == (Decimal("12.50"), None, True)
    assert row.appreciation == "Bon travail"
    assert row.version == 2


def test_a_bad_mark_is_shown_beside_its_row_and_nothing_is_saved(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    enrolment = world.enrolments[0]
    code = code_of(enrolment)
    response = client.post(
        save_url(sheet), row_data(sheet, enrolment, test_1="14", test_2="21"), **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f'<div id="st-{code}" class="marks-status" hx-swap-oob="true" data-invalid="test_2">'
        in (html)
    )
    assert shown("A mark is between 0 and %(scale)s.", scale=20) in html
    assert shown("Some marks are not valid: nothing was saved.") in html
    assert f'id="meta-{code}"' not in html  # the version the page edits from stays
    row = row_of(sheet, enrolment)
    assert (row.test_1, row.version) == (None, 1)


def test_a_conflict_shows_the_other_person_s_marks_and_keeps_the_typed_ones(
    client, cast, world, sheet
):
    enrolment = world.enrolments[0]
    code = code_of(enrolment)
    loaded = row_data(sheet, enrolment, test_1="15")  # the teacher's page, loaded at version 1
    marks.marks_save(
        actor=cast.staff_a1,
        sheet=sheet,
        changes=[RowChange(enrolment.pk, 1, {"test_1": "9,5", "test_2": "ABS"})],
    )
    login(client, cast.teacher_a1)
    response = client.post(save_url(sheet), loaded, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert literal("Someone else saved this pupil's marks meanwhile:") in html
    assert "9,50" in html
    assert f"{shown('Test 2')}: {shown('ABS')}" in html
    assert f'name="{code}.confirm" value="2"' in html
    assert reverse("assessment:marks_row", args=[sheet.public_id, code]) in html
    # Nothing was overwritten.
    row = row_of(sheet, enrolment)
    assert (row.test_1, row.absent_2, row.version) == (Decimal("9.50"), True, 2)
    # The teacher keeps their mark: only the cell they changed is written over.
    kept = client.post(save_url(sheet), {**loaded, f"{code}.confirm": "2", "whole": "1"}, **HTMX)
    assert kept.status_code == 200
    row = row_of(sheet, enrolment)
    assert (row.test_1, row.absent_2, row.version) == (Decimal("15.00"), True, 3)
    assert f'<tr id="row-{code}"' in kept.content.decode()


def test_their_marks_are_taken_by_reloading_the_row(client, cast, world, sheet):
    enrolment = world.enrolments[1]
    code = code_of(enrolment)
    fill_sheet(sheet, {enrolment.pk: (7, "ABS", 8)})
    login(client, cast.teacher_a1)
    url = reverse("assessment:marks_row", args=[sheet.public_id, code]) + "?n=2"
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="row-{code}"')
    assert '<span class="marks-number">2</span>' in html
    assert f'value="{forms_marks.show_mark(Decimal("7.00"), False)}"' in html
    # Without htmx, the link leads back to the sheet.
    plain = client.get(url)
    assert plain.status_code == 302
    assert plain.url == sheet_url(sheet) + f"#row-{code}"


def test_a_full_page_conflict_answers_409_with_both_sides(client, cast, world, sheet):
    enrolment = world.enrolments[0]
    code = code_of(enrolment)
    form = whole_form(sheet, world, {enrolment: {"test_1": "15"}})
    marks.marks_save(
        actor=cast.staff_a1, sheet=sheet, changes=[RowChange(enrolment.pk, 1, {"test_1": "9"})]
    )
    login(client, cast.teacher_a1)
    response = client.post(save_url(sheet), form)
    assert response.status_code == 409
    html = response.content.decode()
    assert f'name="{code}.test_1" id="m-{code}-test_1" value="15"' in html
    assert f'name="{code}.version" value="1"' in html
    assert f'name="{code}.confirm" value="2"' in html
    assert "9,00" in html
    assert row_of(sheet, enrolment).test_1 == Decimal("9.00")


def test_a_row_someone_else_saved_does_not_block_the_rows_the_teacher_changed(
    client, cast, world, sheet
):
    first, second = world.enrolments[:2]
    form = whole_form(sheet, world, {second: {"test_1": "16"}})
    marks.marks_save(
        actor=cast.staff_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": "9"})]
    )
    login(client, cast.teacher_a1)
    response = client.post(save_url(sheet), form)
    assert response.status_code == 302
    assert row_of(sheet, first).test_1 == Decimal("9.00")  # left as the staff saved it
    assert row_of(sheet, second).test_1 == Decimal("16.00")


# --- the whole sheet, without script ----------------------------------------------------------


def test_the_whole_form_saves_only_the_rows_that_changed(client, cast, world, sheet):
    first, second, third, fourth = world.enrolments
    fill_sheet(sheet, {fourth.pk: (11, None, None)})
    login(client, cast.teacher_a1)
    form = whole_form(
        sheet,
        world,
        {first: {"test_1": "8,25"}, second: {"activities": shown("ABS")}, third: {"test_2": "0"}},
    )
    response = client.post(save_url(sheet), form)
    assert response.status_code == 302
    assert response.url == sheet_url(sheet)
    versions = dict(sheet.rows.values_list("enrolment_id", "version"))
    assert versions == {first.pk: 2, second.pk: 2, third.pk: 2, fourth.pk: 1}
    assert row_of(sheet, first).test_1 == Decimal("8.25")
    assert row_of(sheet, second).activities_absent is True
    third_row = row_of(sheet, third)
    assert (third_row.test_2, third_row.absent_2) == (Decimal("0.00"), False)
    page = client.get(sheet_url(sheet)).content.decode()
    with translation.override("ar"):
        saved = translation.ngettext(
            "The marks of %(count)s pupil are saved.", "The marks of %(count)s pupils are saved.", 3
        ) % {"count": 3}
    assert escape(saved) in page
    assert f'id="m-{code_of(first)}-test_1" value="8,25"' in page
    assert f'id="m-{code_of(second)}-activities" value="{shown("ABS")}"' in page
    assert f'id="m-{code_of(third)}-test_2" value="0,00"' in page


def test_bad_marks_of_the_whole_form_are_listed_and_kept_and_nothing_is_saved(
    client, cast, world, sheet
):
    first, second = world.enrolments[:2]
    login(client, cast.teacher_a1)
    form = whole_form(sheet, world, {first: {"test_1": "12"}, second: {"test_2": "12,345"}})
    response = client.post(save_url(sheet), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="sheet-errors"' in html
    assert f'href="#m-{code_of(second)}-test_2"' in html
    assert shown("A mark has at most two decimals.") in html
    assert f'id="m-{code_of(first)}-test_1" value="12"' in html
    assert f'id="m-{code_of(second)}-test_2" value="12,345" aria-labelledby' in html
    assert 'aria-invalid="true"' in html
    assert not sheet.rows.filter(version__gt=1).exists()


def test_nothing_changed_is_said(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    response = client.post(save_url(sheet), whole_form(sheet, world))
    assert response.status_code == 302
    page = client.get(sheet_url(sheet)).content.decode()
    assert shown("Nothing was changed.") in page


# --- a pasted column --------------------------------------------------------------------------


def ordered(sheet):
    """The rows in the order of the page (by Arabic name, then code)."""
    from massar.assessment.selectors_marks import sheet_rows

    return [row.enrolment for row in sheet_rows(sheet)]


def test_a_pasted_column_is_saved_in_one_save(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    pupils = ordered(sheet)
    form = whole_form(sheet, world)
    form.update(paste_column="test_2", paste_values="12,5\r\nABS\r\n\r\n 7 \r\n\r\n")
    response = client.post(save_url(sheet), form)
    assert response.status_code == 302
    values = [(row_of(sheet, e).test_2, row_of(sheet, e).absent_2) for e in pupils]
    assert values == [
        (Decimal("12.50"), False),
        (None, True),
        (None, False),  # an empty line leaves the mark
        (Decimal("7.00"), False),
    ]
    assert row_of(sheet, pupils[2]).version == 1


def test_a_pasted_column_with_codes_goes_to_each_code(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    first, second = world.enrolments[:2]
    form = whole_form(sheet, world)
    form.update(
        paste_column="activities",
        paste_values=f"{code_of(second)}\tNom\t14\n{code_of(first).lower()};9,75\n",
    )
    response = client.post(save_url(sheet), form, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<tr id="row-{code_of(first)}"' in html
    assert f'<tr id="row-{code_of(second)}"' in html
    assert 'id="paste-block" hx-swap-oob="true"' in html
    assert row_of(sheet, first).activities == Decimal("9.75")
    assert row_of(sheet, second).activities == Decimal("14.00")


def test_a_bad_line_of_a_pasted_column_saves_nothing_and_shows_the_values(
    client, cast, world, sheet
):
    login(client, cast.teacher_a1)
    pupils = ordered(sheet)
    form = whole_form(sheet, world)
    form.update(paste_column="test_1", paste_values="10\n25\nx\n11")
    response = client.post(save_url(sheet), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="m-{code_of(pupils[1])}-test_1" value="25"' in html
    assert f'id="m-{code_of(pupils[2])}-test_1" value="x"' in html
    assert shown("A mark is between 0 and %(scale)s.", scale=20) in html
    assert (
        shown(
            "“%(text)s” is not a mark: write a number such as 12,5, or ABS for an absent pupil.",
            text="x",
        )
        in html
    )
    assert not sheet.rows.filter(test_1__isnull=False).exists()
    assert "10\n25\nx\n11</textarea>" in html


@pytest.mark.parametrize(
    ("values", "message", "params"),
    [
        (
            "1\n2\n3\n4\n5",
            "The pasted column has %(lines)s lines but the sheet has %(pupils)s pupils.",
            {"lines": 5, "pupils": 4},
        ),
        (
            "Q999999999\t12",
            "Line %(number)s: %(code)s is not a pupil of this sheet.",
            {"number": 1, "code": "Q999999999"},
        ),
        (
            "12\tx\n13",
            "Line %(number)s: give the code Massar and the mark, separated by a tab or “;”.",
            {"number": 2},
        ),
    ],
)
def test_a_pasted_column_that_does_not_fit_is_refused(
    client, cast, world, sheet, values, message, params
):
    login(client, cast.teacher_a1)
    form = whole_form(sheet, world)
    form.update(paste_column="test_1", paste_values=values)
    response = client.post(save_url(sheet), form)
    assert response.status_code == 400
    assert shown(message, **params) in response.content.decode()
    assert not sheet.rows.filter(version__gt=1).exists()


# --- number of tests, entry window, pupils placed since ---------------------------------------


def test_the_number_of_tests_changes_from_the_sheet(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    url = reverse("assessment:marks_tests", args=[sheet.public_id])
    response = client.post(url, {"test_count": "3"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.test_count == 3
    page = client.get(sheet_url(sheet)).content.decode()
    assert 'id="col-test_3"' in page
    with translation.override("ar"):
        now = translation.ngettext(
            "The sheet now has %(count)s test.", "The sheet now has %(count)s tests.", 3
        ) % {"count": 3}
    assert escape(now) in page
    fill_sheet(sheet, {world.enrolments[0].pk: (1, 2, 3, 4)})
    client.post(url, {"test_count": "2"})
    sheet.refresh_from_db()
    assert sheet.test_count == 3
    page = client.get(sheet_url(sheet)).content.decode()
    assert (
        shown("Test %(number)s already has marks: clear them before removing the column.", number=3)
        in page
    )


def test_a_closed_entry_window_makes_the_sheet_read_only(client, cast, world, sheet):
    EntryWindow.objects.filter(establishment=cast.school_a1).delete()  # the national one is past
    login(client, cast.teacher_a1)
    page = client.get(sheet_url(sheet)).content.decode()
    assert 'id="sheet-closed"' in page
    assert 'id="sheet-form"' not in page
    enrolment = world.enrolments[0]
    response = client.post(save_url(sheet), row_data(sheet, enrolment, test_1="12"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    national = EntryWindow.objects.get(establishment=None, semester=1)
    with translation.override("ar"):
        dates = {
            "opens": date_format(national.opens_on, "SHORT_DATE_FORMAT"),
            "closes": date_format(national.closes_on, "SHORT_DATE_FORMAT"),
        }
    closed = shown(
        "Marks of semester %(semester)s may be entered from %(opens)s to %(closes)s.",
        semester=1,
        **dates,
    )
    assert closed in html
    full = client.post(save_url(sheet), row_data(sheet, enrolment, test_1="12"))
    assert full.status_code == 400
    assert row_of(sheet, enrolment).test_1 is None


def test_pupils_placed_since_are_added_to_the_sheet(client, cast, world, sheet):
    newcomer = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")[0]
    ClassPlacement.objects.create(enrolment=newcomer, school_class=world.school_class)
    login(client, cast.teacher_a1)
    page = client.get(sheet_url(sheet)).content.decode()
    assert 'id="sheet-missing"' in page
    start = reverse("assessment:marks_start", args=[world.school_class.public_id, "MATH", 1])
    response = client.post(start)
    assert response.url == sheet_url(sheet)
    assert sheet.rows.filter(enrolment=newcomer).exists()
    assert 'id="sheet-missing"' not in client.get(sheet_url(sheet)).content.decode()


# --- marks in the active language -------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_marks_are_shown_with_a_decimal_comma_and_absent_in_the_language(
    client, cast, world, sheet, language
):
    first, second = world.enrolments[:2]
    fill_sheet(sheet, {first.pk: (12.5, "ABS", 9), second.pk: (0, 20, None)})
    login(client, cast.academy_officer_a)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    html = client.get(sheet_url(sheet)).content.decode()
    with translation.override(language):
        absent = translation.gettext("ABS")
    assert "12,50" in html
    assert "9,00" in html
    assert "0,00" in html
    assert "20,00" in html
    assert "12.50" not in html
    table = html.split('id="marks-table"')[1]
    assert f"<td>{escape(absent)}</td>" in table
    name = first.student.full_name_ar if language == "ar" else first.student.full_name_fr
    assert name in table


# --- validation and corrections ---------------------------------------------------------------


def test_the_director_validates_a_full_sheet_from_the_board(client, cast, world, sheet):
    fill_sheet(sheet, {e.pk: (10, "ABS", 12) for e in world.enrolments})
    login(client, cast.director_a1)
    response = client.post(
        reverse("assessment:marks_validate", args=[sheet.public_id]), {"from": "board"}
    )
    assert response.status_code == 302
    assert response.url == reverse("assessment:marks_school", args=[cast.school_a1.code]) + (
        "?semester=1"
    )
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.VALIDATED
    assert sheet.validated_by == cast.director_a1


def test_a_sheet_with_empty_cells_is_not_validated(client, cast, world, sheet):
    fill_sheet(sheet, {world.enrolments[0].pk: (10, 11, None)})
    login(client, cast.director_a1)
    client.post(reverse("assessment:marks_validate", args=[sheet.public_id]))
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN
    page = client.get(sheet_url(sheet)).content.decode()
    assert (
        shown(
            "%(count)s cells are empty: enter a mark or mark the pupil absent before validating.",
            count=10,
        )
        in page
    )


@pytest.mark.parametrize("member", ["staff_a1", "teacher_a1"])
def test_only_the_director_validates(client, cast, world, sheet, member):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    login(client, getattr(cast, member))
    response = client.post(reverse("assessment:marks_validate", args=[sheet.public_id]))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN
    page = client.get(sheet_url(sheet)).content.decode()
    assert shown("Only the director validates mark sheets.") in page


@pytest.fixture
def locked(cast, world, sheet):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    return marks.sheet_validate(actor=cast.director_a1, sheet=sheet)


def correction_url(sheet, enrolment, field="test_1") -> str:
    return (
        reverse("assessment:marks_correction", args=[sheet.public_id])
        + f"?pupil={code_of(enrolment)}&field={field}"
    )


def test_a_locked_sheet_is_read_only_with_a_correction_link_per_mark(client, cast, world, locked):
    login(client, cast.teacher_a1)
    html = client.get(sheet_url(locked)).content.decode()
    assert 'id="sheet-locked"' in html
    assert 'id="sheet-form"' not in html
    assert 'id="tests-form"' not in html
    code = code_of(world.enrolments[0])
    assert f'id="fix-{code}-test_1"' in html
    assert f'id="fix-{code}-activities"' in html


def test_a_teacher_asks_for_a_correction_and_the_director_approves_it(client, cast, world, locked):
    enrolment = world.enrolments[0]
    login(client, cast.teacher_a1)
    form = client.get(correction_url(locked, enrolment))
    assert form.status_code == 200
    assert "10,00" in form.content.decode()
    missing_reason = client.post(
        reverse("assessment:marks_correction", args=[locked.public_id]),
        {"pupil": code_of(enrolment), "field": "test_1", "value": "13,5", "reason": ""},
    )
    assert missing_reason.status_code == 400
    assert not ChangeRequest.objects.exists()
    response = client.post(
        reverse("assessment:marks_correction", args=[locked.public_id]),
        {
            "pupil": code_of(enrolment),
            "field": "test_1",
            "value": "13,5",
            "reason": "Erreur de report",
        },
    )
    assert response.status_code == 302
    request = ChangeRequest.objects.get()
    assert (request.new_value, request.reason, request.status) == (
        Decimal("13.50"),
        "Erreur de report",
        ChangeRequestStatus.PENDING,
    )
    sheet_page = client.get(sheet_url(locked)).content.decode()
    assert "→ 13,50" in sheet_page
    login(client, cast.director_a1)
    listing = client.get(reverse("assessment:marks_corrections", args=[cast.school_a1.code]))
    assert listing.status_code == 200
    assert f'id="approve-{request.public_id}"' in listing.content.decode()
    decide = reverse("assessment:marks_decide", args=[locked.public_id, request.public_id])
    response = client.post(decide, {"decision": "approve", "note": "Vu"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (ChangeRequestStatus.APPROVED, "Vu")
    row = row_of(locked, enrolment)
    assert (row.test_1, row.version) == (Decimal("13.50"), 2)
    assert row.history.first().history_user == cast.director_a1


def test_the_director_refuses_a_correction(client, cast, world, locked):
    enrolment = world.enrolments[1]
    request = marks.change_request_create(
        actor=cast.teacher_a1,
        sheet=locked,
        enrolment_id=enrolment.pk,
        field_name="activities",
        raw="ABS",
        reason="Absent",
    )
    login(client, cast.director_a1)
    decide = reverse("assessment:marks_decide", args=[locked.public_id, request.public_id])
    client.post(decide, {"decision": "refuse", "note": "Présent ce jour-là"})
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.REFUSED
    assert row_of(locked, enrolment).activities == Decimal("12.00")
    listing = client.get(reverse("assessment:marks_corrections", args=[cast.school_a1.code]))
    assert "Présent ce jour-là" in listing.content.decode()


@pytest.mark.parametrize("member", ["staff_a1", "teacher_a1", *NOBODY])
def test_only_the_director_decides_a_correction(client, cast, world, locked, member):
    request = marks.change_request_create(
        actor=cast.teacher_a1,
        sheet=locked,
        enrolment_id=world.enrolments[0].pk,
        field_name="test_1",
        raw="15",
        reason="x",
    )
    login(client, getattr(cast, member))
    decide = reverse("assessment:marks_decide", args=[locked.public_id, request.public_id])
    response = client.post(decide, {"decision": "approve"})
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    if member == "staff_a1":
        listing = client.get(reverse("assessment:marks_corrections", args=[cast.school_a1.code]))
        assert listing.status_code == 200
        assert f'id="approve-{request.public_id}"' not in listing.content.decode()


def test_a_correction_of_another_sheet_is_not_found_through_this_one(client, cast, world, locked):
    request = marks.change_request_create(
        actor=cast.teacher_a1,
        sheet=locked,
        enrolment_id=world.enrolments[0].pk,
        field_name="test_1",
        raw="15",
        reason="x",
    )
    french = marks.sheet_open(
        actor=cast.teacher_a1,
        school_class=world.school_class,
        subject=world.subjects["FR"],
        semester=1,
    )
    login(client, cast.director_a1)
    decide = reverse("assessment:marks_decide", args=[french.public_id, request.public_id])
    assert client.post(decide, {"decision": "approve"}).status_code == 404


def test_an_open_sheet_sends_corrections_back_to_the_sheet(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    response = client.get(correction_url(sheet, world.enrolments[0]))
    assert response.status_code == 302
    assert response.url == sheet_url(sheet)


def test_a_correction_of_an_unknown_pupil_or_column_is_not_found(client, cast, world, locked):
    login(client, cast.teacher_a1)
    base = reverse("assessment:marks_correction", args=[locked.public_id])
    assert client.get(base + "?pupil=Q999999999&field=test_1").status_code == 404
    assert client.get(correction_url(locked, world.enrolments[0], "test_4")).status_code == 404
    stranger = other_world(cast).enrolments[0]
    assert client.get(correction_url(locked, stranger)).status_code == 404


# --- bounded queries --------------------------------------------------------------------------


@pytest.mark.parametrize("pupils", [10, 40])
def test_the_sheet_page_and_a_row_save_run_a_bounded_number_of_queries(
    client, cast, pupils, django_assert_max_num_queries
):
    world = class_world(cast, pupils=pupils)
    open_entry(cast.school_a1, world.school_class.school_year)
    sheet = marks.sheet_open(
        actor=cast.teacher_a1,
        school_class=world.school_class,
        subject=world.subjects["MATH"],
        semester=1,
    )
    fill_sheet(sheet, {e.pk: (10, "ABS", 12) for e in world.enrolments})
    login(client, cast.teacher_a1)
    with django_assert_max_num_queries(11):
        page = client.get(sheet_url(sheet))
    assert page.content.decode().count('<tr id="row-') == pupils
    data = row_data(sheet, world.enrolments[-1], test_1="14,75")
    with django_assert_max_num_queries(20):
        response = client.post(save_url(sheet), data, **HTMX)
    assert response.status_code == 200
    assert row_of(sheet, world.enrolments[-1]).test_1 == Decimal("14.75")
    whole = whole_form(sheet, world, {e: {"test_2": "11"} for e in world.enrolments})
    with django_assert_max_num_queries(20):
        response = client.post(save_url(sheet), whole, **HTMX)
    assert response.status_code == 200
    assert sheet.rows.filter(test_2=Decimal("11")).count() == pupils


@pytest.mark.parametrize("pupils", [10, 40])
def test_the_lists_run_a_bounded_number_of_queries(
    client, cast, pupils, django_assert_max_num_queries
):
    world = class_world(cast, pupils=pupils)
    open_entry(cast.school_a1, world.school_class.school_year)
    for code in ("MATH", "FR"):
        marks.sheet_open(
            actor=cast.teacher_a1,
            school_class=world.school_class,
            subject=world.subjects[code],
            semester=1,
        )
    login(client, cast.teacher_a1)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("assessment:marks_home")).status_code == 200
    login(client, cast.director_a1)
    with django_assert_max_num_queries(10):
        board = client.get(reverse("assessment:marks_school", args=[cast.school_a1.code]))
    assert board.status_code == 200


# --- odd input --------------------------------------------------------------------------------


def test_a_mark_in_a_column_the_sheet_no_longer_has_is_refused_not_dropped(
    client, cast, world, sheet
):
    enrolment = world.enrolments[0]
    code = code_of(enrolment)
    login(client, cast.teacher_a1)
    data = row_data(sheet, enrolment, test_1="12")
    data[f"{code}.test_3"] = "14"  # typed on a page that still showed a third test
    response = client.post(save_url(sheet), data, **HTMX)
    assert response.status_code == 200
    assert (
        shown(
            "This sheet has %(count)s tests: “%(field)s” is not one of its columns.",
            count=2,
            field="test_3",
        )
        in response.content.decode()
    )
    assert row_of(sheet, enrolment).test_1 is None


def test_a_row_sent_without_script_and_refused_shows_the_whole_sheet(client, cast, world, sheet):
    enrolment = world.enrolments[2]
    login(client, cast.teacher_a1)
    response = client.post(save_url(sheet), row_data(sheet, enrolment, test_1="30"))
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('<tr id="row-') == 4
    assert f'id="m-{code_of(enrolment)}-test_1" value="30"' in html


def test_a_pupil_who_is_not_on_the_sheet_is_refused(client, cast, world, sheet):
    stranger = other_world(cast).enrolments[0]
    login(client, cast.teacher_a1)
    code = code_of(stranger)
    response = client.post(
        save_url(sheet), {f"{code}.version": "1", f"{code}.test_1": "12"}, **HTMX
    )
    assert response.status_code == 200
    expected = shown("%(code)s is not a pupil of this sheet.", code=code)
    assert expected in response.content.decode()
    assert not MarkRow.objects.filter(test_1__isnull=False).exists()


def test_the_sheet_links_to_its_spreadsheet(client, cast, world, sheet):
    login(client, cast.teacher_a1)
    html = client.get(sheet_url(sheet)).content.decode()
    args = [world.school_class.public_id, "MATH", 1]
    assert reverse("assessment:marks_spreadsheet_download", args=args) in html
    assert reverse("assessment:marks_spreadsheet_upload", args=args) in html
