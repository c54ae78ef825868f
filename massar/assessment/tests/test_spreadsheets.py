"""Mark sheets in spreadsheets: the export (read back with calamine), the round trip through the
preview and the confirmation, and every bad file — each with its message, and nothing written."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import override
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from massar.assessment.marks_input import ABSENT, EMPTY, Cell
from massar.assessment.models import EntryWindow, MarkRow, SheetStatus
from massar.assessment.services_marks import RowChange, StaleMarks, marks_save, sheet_open
from massar.assessment.spreadsheets import (
    MAX_BYTES,
    META_SHEET,
    marks_import_confirm,
    marks_import_preview,
    sheet_export,
)
from massar.assessment.tests.builders import (
    class_world,
    fill_sheet,
    open_entry,
    other_world,
    sheet_for,
)
from massar.core.errors import NotFound, ValidationFailed

from .spreadsheet_helpers import (
    edited,
    header_index,
    pupil_row,
    read_book,
    upload,
    visible_rows,
    write_book,
)

pytestmark = pytest.mark.django_db

# Columns of the exported sheet (2 tests): code, name ar, name fr, birth date, test 1, test 2,
# activities.
TEST_1, TEST_2, ACTIVITIES, BIRTH = 4, 5, 6, 3


@pytest.fixture
def world(cast):
    world = class_world(cast)
    open_entry(world.establishment, world.school_class.school_year)
    return world


@pytest.fixture
def sheet(world):
    """MATH, semester 1, two tests: pupil 0 has 12,50 / ABS / 14; pupil 1 has 8 in test 1."""
    sheet = sheet_for(world, "MATH")
    first, second = world.enrolments[:2]
    fill_sheet(sheet, {first.pk: (12.5, "ABS", 14), second.pk: (8, None, None)})
    return sheet


def code(world, index: int) -> str:
    return world.enrolments[index].student.code_massar


def exported(cast, sheet, language: str = "ar") -> bytes:
    return sheet_export(actor=cast.teacher_a1, sheet=sheet, language=language).content


def snapshot(sheet) -> list[tuple]:
    return list(
        MarkRow.objects.filter(sheet=sheet)
        .order_by("enrolment_id")
        .values_list(
            "enrolment_id",
            "version",
            "test_1",
            "test_2",
            "absent_1",
            "absent_2",
            "activities",
            "activities_absent",
        )
    )


def preview(cast, sheet, content: bytes, *, name: str = "notes.xlsx", actor=None):
    return marks_import_preview(
        actor=actor or cast.teacher_a1, sheet=sheet, upload=upload(content, name)
    )


def refused(cast, sheet, content: bytes, code: str, *, name: str = "notes.xlsx") -> str:
    """The file is refused as a whole with ``code``; its message is returned."""
    with pytest.raises(ValidationFailed) as caught:
        preview(cast, sheet, content, name=name)
    assert caught.value.code == code, caught.value.message
    return str(caught.value.message)


def set_cells(code_massar: str, **cells):
    """An edit of the exported rows: ``set_cells(code, test_1="13,25")``."""
    positions = {"test_1": TEST_1, "test_2": TEST_2, "activities": ACTIVITIES, "birth": BIRTH}

    def edit(rows):
        row = pupil_row(rows, code_massar)
        for name, value in cells.items():
            row[positions[name]] = value

    return edit


def row_errors(result) -> list[tuple]:
    return [(e["row"], e["code_massar"], e["field"], e["code"], e["msg"]) for e in result.errors]


# --- export -----------------------------------------------------------------------------------


def test_the_export_has_the_header_block_the_columns_and_the_pupils(cast, world, sheet):
    content = exported(cast, sheet)
    rows = visible_rows(content)
    block = {row[0]: row[1] for row in rows[1:7]}
    assert block == {
        _("Establishment"): "ثانوية مولاي يوسف (11565V)",
        _("Class"): "TCS-1",
        _("Subject"): "الرياضيات (MATH)",
        _("Semester"): "1",
        _("Teacher"): world.teacher.display_name,
        _("School year"): "2025/2026",
    }
    start = header_index(rows)
    assert rows[start] == [
        "رمز التلميذ",
        "الاسم والنسب",
        "الاسم والنسب بالفرنسية",
        "تاريخ الازدياد",
        "الفرض 1",
        "الفرض 2",
        "الأنشطة المندمجة",
    ]
    assert rows[start + 1] == [
        "Code Massar",
        "Nom et prénom (arabe)",
        "Nom et prénom",
        "Date de naissance",
        "Devoir 1",
        "Devoir 2",
        "Activités intégrées",
    ]
    pupils = [row for row in rows[start + 2 :] if row[0]]
    assert len(pupils) == 6
    student = world.enrolments[0].student
    assert pupil_row(rows, student.code_massar) == [
        student.code_massar,
        f"{student.last_name_ar} {student.first_name_ar}",
        f"{student.last_name_fr} {student.first_name_fr}",
        date(2010, 1, 1),
        12.5,
        "غ",
        14.0,
    ]
    assert pupil_row(rows, code(world, 1))[TEST_1:] == [8.0, "", ""]


def test_the_export_writes_dates_dd_mm_yyyy_marks_with_two_decimals_right_to_left(cast, sheet):
    content = exported(cast, sheet)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        styles = archive.read("xl/styles.xml").decode()
        first_sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 'formatCode="dd-mm-yyyy"' in styles
    assert 'formatCode="0.00"' in styles
    assert 'rightToLeft="1"' in first_sheet


def test_the_export_keeps_each_row_s_version_and_marks_in_a_very_hidden_sheet(cast, world, sheet):
    MarkRow.objects.filter(sheet=sheet, enrolment=world.enrolments[0]).update(version=4)
    content = exported(cast, sheet)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    visibility = {item.name: item.visible for item in book.sheets_metadata}
    assert visibility[META_SHEET] == SheetVisibleEnum.VeryHidden
    meta = read_book(content)[META_SHEET]
    assert meta[0][:7] == [
        "massar-marks",
        1.0,
        str(sheet.public_id),
        str(world.school_class.public_id),
        "TCS-1",
        "MATH",
        1.0,
    ]
    rows = {row[0]: row[1:] for row in meta[1:]}
    assert rows[code(world, 0)] == [4.0, "12.50", "ABS", "", "", "14.00", ""]
    assert rows[code(world, 1)] == [1.0, "8.00", "", "", "", "", ""]


def test_the_french_export_runs_left_to_right_with_french_headers_first_and_abs(cast, world, sheet):
    with override("fr"):
        content = exported(cast, sheet, language="fr")
    rows = visible_rows(content)
    start = header_index(rows)
    assert rows[start][0] == "Code Massar"
    assert rows[start + 1][0] == "رمز التلميذ"
    assert pupil_row(rows, code(world, 0))[TEST_2] == "ABS"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "rightToLeft" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_only_current_pupils_are_exported(cast, world, sheet):
    world.enrolments[5].placement.delete()
    rows = visible_rows(exported(cast, sheet))
    codes = [row[0] for row in rows[header_index(rows) + 2 :] if row[0]]
    assert code(world, 5) not in codes
    assert len(codes) == 5


def test_the_export_is_refused_outside_the_actor_s_reach(cast, world, sheet):
    with pytest.raises(NotFound):
        sheet_export(actor=cast.director_a2, sheet=sheet, language="ar")


# --- the round trip ---------------------------------------------------------------------------


def test_export_edit_two_cells_import_preview_confirm_saves_them(cast, world, sheet):
    content = edited(
        exported(cast, sheet),
        lambda rows: (
            set_cells(code(world, 1), test_2="13,25")(rows),
            set_cells(code(world, 2), activities="غ")(rows),
        ),
    )
    result = preview(cast, sheet, content)
    assert result.errors == []
    assert result.tracked is True
    assert (result.pupils_in_file, result.pupils_missing, result.changes) == (6, 0, 2)
    assert [
        (row.code, [(c.field, c.before, c.after) for c in row.changes]) for row in result.rows
    ] == [
        (code(world, 1), [("test_2", EMPTY, Cell(value=Decimal("13.25")))]),
        (code(world, 2), [("activities", EMPTY, ABSENT)]),
    ]
    assert [(c.before_text, c.after_text) for c in result.rows[0].changes] == [("—", "13,25")]
    before = snapshot(sheet)
    assert snapshot(sheet) == before  # the preview writes nothing

    saved = marks_import_confirm(
        actor=cast.teacher_a1, sheet=sheet, token=result.plan(actor=cast.teacher_a1)
    )

    assert saved.saved_rows == 2
    second = MarkRow.objects.get(sheet=sheet, enrolment=world.enrolments[1])
    third = MarkRow.objects.get(sheet=sheet, enrolment=world.enrolments[2])
    assert (second.test_1, second.test_2, second.version) == (Decimal("8.00"), Decimal("13.25"), 2)
    assert (third.activities, third.activities_absent, third.version) == (None, True, 2)
    assert second.updated_by == cast.teacher_a1
    assert second.history.count() == 2
    first = MarkRow.objects.get(sheet=sheet, enrolment=world.enrolments[0])
    assert first.version == 1  # untouched


def test_an_unchanged_export_changes_nothing_and_cannot_be_confirmed(cast, sheet):
    result = preview(cast, sheet, exported(cast, sheet))
    assert (result.rows, result.errors, result.can_confirm) == ([], [], False)


def test_empty_cells_leave_the_marks_as_they_are(cast, world, sheet):
    content = edited(
        exported(cast, sheet),
        set_cells(code(world, 0), test_1="", test_2=None, activities="15"),
    )
    result = preview(cast, sheet, content)
    assert [(c.field, c.after) for c in result.rows[0].changes] == [
        ("activities", Cell(value=Decimal("15.00")))
    ]


def test_a_file_from_elsewhere_is_read_in_french_any_order_with_extra_rows_and_columns(
    cast, world, sheet
):
    rows = [
        ["Lycée Moulay Youssef — notes du 1er semestre"],
        [],
        ["N°", "Activités intégrées", "Nom", "CODE MASSAR", "Contrôle 1", "Date de naissance"],
        [1, 16, "Test Eleve3", code(world, 2), "11.75", "03/01/2010"],
        [],
        [2, None, "Test Eleve4", code(world, 3), "ABS", "2010-01-04"],
        [None, None, "Signature du professeur"],
    ]
    result = preview(cast, sheet, write_book({"Feuil1": rows}))
    assert result.errors == []
    assert result.tracked is False
    assert [
        (row.number, row.code, [(c.field, c.after) for c in row.changes]) for row in result.rows
    ] == [
        (
            4,
            code(world, 2),
            [
                ("test_1", Cell(value=Decimal("11.75"))),
                ("activities", Cell(value=Decimal("16.00"))),
            ],
        ),
        (6, code(world, 3), [("test_1", ABSENT)]),
    ]
    assert result.pupils_missing == 4


def test_a_csv_file_is_read(cast, world, sheet):
    text = f"Code Massar;Devoir 1;Devoir 2\n{code(world, 4)};9,5;10\n"
    result = preview(cast, sheet, text.encode("utf-8-sig"), name="notes.csv")
    assert [(c.field, c.after.value) for c in result.rows[0].changes] == [
        ("test_1", Decimal("9.50")),
        ("test_2", Decimal("10.00")),
    ]


def _ods(rows: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet (text cells)."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
            "</table:table-cell>"
            for value in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Notes">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_an_opendocument_file_is_read(cast, world, sheet):
    content = _ods([["رمز التلميذ", "الفرض 1"], [code(world, 5), "17,5"]])
    result = preview(cast, sheet, content, name="notes.ods")
    assert [(c.field, c.after.value) for c in result.rows[0].changes] == [
        ("test_1", Decimal("17.50"))
    ]


# --- bad files: refused as a whole ------------------------------------------------------------


def test_a_text_file_named_xlsx_is_refused(cast, sheet):
    message = refused(cast, sheet, b"code;note\nQ1;12\n", "file_malformed", name="notes.xlsx")
    assert message == _(
        "“%(name)s” cannot be read as a spreadsheet: it is damaged, protected by a password, or "
        "a file of another kind renamed. Save it from Excel or LibreOffice as an Excel workbook "
        "(.xlsx) and send it again."
    ) % {"name": "notes.xlsx"}


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04" + b"not a zip" * 30, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600],
    ids=["broken-zip", "broken-xls"],
)
def test_a_damaged_workbook_is_refused(cast, sheet, content):
    refused(cast, sheet, content, "file_malformed")


def test_a_pdf_is_refused(cast, sheet):
    refused(cast, sheet, b"%PDF-1.7\n" + b"x" * 100, "file_malformed", name="notes.pdf")


def test_an_empty_file_is_refused(cast, sheet):
    assert refused(cast, sheet, b"", "file_empty") == _("The file is empty.")


def test_a_file_over_the_size_limit_is_refused(cast, sheet):
    message = refused(cast, sheet, b"x" * (MAX_BYTES + 1), "file_too_large")
    assert message == _("The file is too large (%(size)s); a mark sheet is at most %(limit)s.") % {
        "size": filesizeformat(MAX_BYTES + 1),
        "limit": filesizeformat(MAX_BYTES),
    }


def test_a_zip_that_unpacks_to_far_more_than_a_sheet_is_refused(cast, sheet):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_BYTES
    refused(cast, sheet, buffer.getvalue(), "file_too_large")


def test_a_file_without_the_header_row_is_refused(cast, sheet):
    content = write_book({"Feuil1": [["Nom", "Note"], ["Test Eleve1", 12]]})
    message = refused(cast, sheet, content, "header_missing")
    assert message == _(
        "The header row was not found. The file needs a “%(code)s” column and at least one "
        "column of marks (e.g. “%(test)s” or “%(activities)s”), named in Arabic or in French."
    ) % {"code": "رمز التلميذ", "test": "الفرض 1", "activities": "الأنشطة المندمجة"}


def test_a_header_without_pupils_is_refused(cast, sheet):
    content = write_book({"Feuil1": [["Code Massar", "Devoir 1"]]})
    assert refused(cast, sheet, content, "file_no_rows") == _(
        "The file has a header row but no pupil."
    )


def test_a_column_twice_is_refused(cast, sheet):
    content = write_book({"Feuil1": [["Code Massar", "Devoir 1", "Contrôle 1"], ["Q1", 1, 2]]})
    refused(cast, sheet, content, "column_twice")


def test_the_exported_sheet_of_another_class_is_refused_in_one_message(cast, world, sheet):
    other = other_world(cast)
    open_entry(other.establishment, other.school_class.school_year)
    other_sheet = sheet_for(other, "MATH")
    content = sheet_export(actor=cast.director_a2, sheet=other_sheet, language="ar").content
    before = snapshot(sheet)
    message = refused(cast, sheet, content, "other_class")
    assert message == _(
        "This file is the sheet of another class (%(other)s), not of %(class)s: nothing was "
        "imported. Download the sheet of %(class)s and enter the marks in it."
    ) % {"other": "3AC-1", "class": "TCS-1"}
    assert snapshot(sheet) == before


def test_a_typed_file_of_another_school_s_class_is_refused_in_one_message(cast, world, sheet):
    other = other_world(cast)
    rows = [["Code Massar", "Devoir 1"]]
    rows += [[e.student.code_massar, 12] for e in other.enrolments]
    rows += [[code(world, 0), 13]]
    message = refused(cast, sheet, write_book({"Feuil1": rows}), "other_class")
    assert message == _(
        "This file is the sheet of another class: most of its pupils are not in %(class)s. "
        "Nothing was imported."
    ) % {"class": "TCS-1"}


def test_the_sheet_of_another_subject_of_the_class_is_refused(cast, world, sheet):
    french = sheet_for(world, "FR")
    content = exported(cast, french)
    message = refused(cast, sheet, content, "other_sheet")
    assert message == _(
        "This file is the sheet of %(subject)s, semester %(semester)s, not of this sheet: "
        "nothing was imported."
    ) % {"subject": "FR", "semester": 1}


def test_marks_in_a_test_column_the_sheet_does_not_have_are_refused(cast, world, sheet):
    content = write_book(
        {"Feuil1": [["Code Massar", "Devoir 1", "Devoir 3"], [code(world, 0), 12, 13]]}
    )
    message = refused(cast, sheet, content, "unknown_column")
    assert message == _(
        "The file has marks in the column “%(column)s” but this sheet has %(count)s tests: set "
        "the number of tests on the sheet first."
    ) % {"column": "Devoir 3", "count": 2}


def test_a_locked_sheet_takes_no_file(cast, world, sheet):
    content = edited(exported(cast, sheet), set_cells(code(world, 1), test_2="13"))
    sheet.status = SheetStatus.VALIDATED
    sheet.save(update_fields=["status"])
    assert refused(cast, sheet, content, "locked") == _(
        "This sheet was validated and locked by the director: a file cannot be imported into it. "
        "Ask the director for a change instead."
    )


def test_no_file_is_taken_when_the_entry_window_is_closed(cast, world, sheet):
    content = edited(exported(cast, sheet), set_cells(code(world, 1), test_2="13"))
    EntryWindow.objects.filter(establishment=world.establishment).update(
        opens_on=date(2025, 9, 8), closes_on=date(2025, 9, 9)
    )
    refused(cast, sheet, content, "entry_closed")


def test_an_officer_or_the_other_school_cannot_import(cast, world, sheet):
    content = exported(cast, sheet)
    for actor in (cast.academy_officer_a, cast.director_a2, cast.outsider):
        with pytest.raises(NotFound):
            preview(cast, sheet, content, actor=actor)


# --- bad rows: every error listed, nothing can be confirmed ------------------------------------


def test_every_row_error_is_listed_with_its_row_code_and_column(cast, world, sheet):
    other = other_world(cast)
    stranger = other.enrolments[0].student.code_massar

    def edit(rows):
        set_cells(code(world, 0), test_1=21)(rows)
        set_cells(code(world, 1), test_1=-1, test_2="douze")(rows)
        set_cells(code(world, 2), activities="12,125")(rows)
        set_cells(code(world, 3), birth="05-05-2011")(rows)
        rows.append([stranger, "x", "x", None, 12, None, None])
        rows.append([code(world, 4), "x", "x", None, 14, None, None])  # already on row 17
        rows.append(["", "x", "x", None, 15, None, None])

    content = edited(exported(cast, sheet), edit)
    before = snapshot(sheet)
    result = preview(cast, sheet, content)
    assert result.can_confirm is False
    scale = _("A mark is between 0 and %(scale)s.") % {"scale": 20}
    assert row_errors(result) == [
        (13, code(world, 0), "test_1", "out_of_range", scale),
        (14, code(world, 1), "test_1", "out_of_range", scale),
        (
            14,
            code(world, 1),
            "test_2",
            "not_a_mark",
            _("“%(text)s” is not a mark: write a number such as 12,5, or ABS for an absent pupil.")
            % {"text": "douze"},
        ),
        (
            15,
            code(world, 2),
            "activities",
            "too_many_decimals",
            _("A mark has at most two decimals."),
        ),
        (
            16,
            code(world, 3),
            "birth_date",
            "birth_date_mismatch",
            _(
                "The pupil %(code)s was born on %(born)s, not on %(written)s: check that this "
                "row is the right pupil."
            )
            % {"code": code(world, 3), "born": "04-01-2010", "written": "05-05-2011"},
        ),
        (
            19,
            stranger,
            "code_massar",
            "not_in_class",
            _("The pupil %(code)s is not in %(class)s.") % {"code": stranger, "class": "TCS-1"},
        ),
        (
            20,
            code(world, 4),
            "code_massar",
            "pupil_twice",
            _("The pupil %(code)s is already on row %(row)s.")
            % {"code": code(world, 4), "row": 17},
        ),
        (21, "", "code_massar", "code_missing", _("The code Massar is missing.")),
    ]
    assert result.errors[0]["column"] == "الفرض 1"  # the column as the file names it
    assert snapshot(sheet) == before


def test_a_birth_date_that_is_not_a_date_is_a_row_error(cast, world, sheet):
    content = edited(exported(cast, sheet), set_cells(code(world, 0), birth="hier"))
    result = preview(cast, sheet, content)
    assert [(e["field"], e["code"]) for e in result.errors] == [("birth_date", "bad_date")]


def test_a_birth_date_written_as_text_or_as_a_day_number_is_read(cast, world, sheet):
    def edit(rows):
        set_cells(code(world, 0), birth="01-01-2010")(rows)
        set_cells(code(world, 1), birth=40180)(rows)  # 2 January 2010 without its date format

    result = preview(cast, sheet, edited(exported(cast, sheet), edit))
    assert result.errors == []


# --- stale since the export -------------------------------------------------------------------


def test_a_mark_changed_on_massar_since_the_export_is_not_overwritten(cast, world, sheet):
    content = exported(cast, sheet)
    first = world.enrolments[0]
    marks_save(
        actor=cast.director_a1,
        sheet=sheet,
        changes=[RowChange(enrolment_id=first.pk, version=1, cells={"test_1": "15"})],
    )
    # The teacher's file still says 12,50 in test 1 and changes test 2.
    content = edited(content, set_cells(code(world, 0), test_2="9"))
    before = snapshot(sheet)

    result = preview(cast, sheet, content)

    assert row_errors(result) == [
        (
            13,
            code(world, 0),
            "test_1",
            "stale",
            _(
                "This mark was changed on Massar after the file was downloaded (it was "
                "%(then)s, it is now %(now)s): download the sheet again and enter your marks "
                "in it."
            )
            % {"then": "12,50", "now": "15,00"},
        ),
    ]
    assert result.can_confirm is False
    assert snapshot(sheet) == before


def test_a_row_saved_since_the_export_with_the_same_marks_goes_through(cast, world, sheet):
    content = exported(cast, sheet)
    first = world.enrolments[0]
    marks_save(
        actor=cast.director_a1,
        sheet=sheet,
        changes=[RowChange(enrolment_id=first.pk, version=1, appreciation="Bien")],
    )
    content = edited(content, set_cells(code(world, 0), test_2="9"))
    result = preview(cast, sheet, content)
    assert result.errors == []
    marks_import_confirm(
        actor=cast.teacher_a1, sheet=sheet, token=result.plan(actor=cast.teacher_a1)
    )
    row = MarkRow.objects.get(sheet=sheet, enrolment=first)
    assert (row.test_1, row.test_2, row.absent_2, row.appreciation, row.version) == (
        Decimal("12.50"),
        Decimal("9.00"),
        False,
        "Bien",
        3,
    )


def test_a_row_the_file_does_not_change_may_have_changed_on_massar(cast, world, sheet):
    content = exported(cast, sheet)
    first = world.enrolments[0]
    marks_save(
        actor=cast.director_a1,
        sheet=sheet,
        changes=[RowChange(enrolment_id=first.pk, version=1, cells={"test_1": "15"})],
    )
    # The file leaves pupil 0's test 1 empty: no conflict, pupil 1 is changed.
    content = edited(
        content,
        lambda rows: (
            set_cells(code(world, 0), test_1=None)(rows),
            set_cells(code(world, 1), test_2="11")(rows),
        ),
    )
    result = preview(cast, sheet, content)
    assert result.errors == []
    assert [row.code for row in result.rows] == [code(world, 1)]


def test_a_save_between_the_preview_and_the_confirmation_refuses_everything(cast, world, sheet):
    content = edited(
        exported(cast, sheet),
        lambda rows: (
            set_cells(code(world, 1), test_2="13")(rows),
            set_cells(code(world, 2), test_1="10")(rows),
        ),
    )
    result = preview(cast, sheet, content)
    marks_save(
        actor=cast.director_a1,
        sheet=sheet,
        changes=[RowChange(enrolment_id=world.enrolments[2].pk, version=1, cells={"test_1": "7"})],
    )
    before = snapshot(sheet)
    with pytest.raises(StaleMarks):
        marks_import_confirm(
            actor=cast.teacher_a1, sheet=sheet, token=result.plan(actor=cast.teacher_a1)
        )
    assert snapshot(sheet) == before


def test_a_sheet_locked_after_the_preview_takes_nothing(cast, world, sheet):
    content = edited(exported(cast, sheet), set_cells(code(world, 1), test_2="13"))
    result = preview(cast, sheet, content)
    sheet.status = SheetStatus.VALIDATED
    sheet.save(update_fields=["status"])
    before = snapshot(sheet)
    with pytest.raises(ValidationFailed) as caught:
        marks_import_confirm(
            actor=cast.teacher_a1, sheet=sheet, token=result.plan(actor=cast.teacher_a1)
        )
    assert caught.value.code == "locked"
    assert snapshot(sheet) == before


@pytest.mark.parametrize("tamper", ["altered", "other_actor", "other_sheet"])
def test_a_confirmation_that_is_not_the_preview_s_is_refused(cast, world, sheet, tamper):
    content = edited(exported(cast, sheet), set_cells(code(world, 1), test_2="13"))
    result = preview(cast, sheet, content)
    token = result.plan(actor=cast.teacher_a1)
    target, actor = sheet, cast.teacher_a1
    if tamper == "altered":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif tamper == "other_actor":
        actor = cast.director_a1
    else:
        target = sheet_open(
            actor=cast.director_a1,
            school_class=world.school_class,
            subject=world.subjects["MATH"],
            semester=2,
        )
    before = snapshot(sheet)
    with pytest.raises(ValidationFailed) as caught:
        marks_import_confirm(actor=actor, sheet=target, token=token)
    assert caught.value.code == "plan_invalid"
    assert snapshot(sheet) == before


# --- property: what is exported reads back as no change ---------------------------------------

_MARKS = st.one_of(
    st.none(),
    st.just("ABS"),
    st.integers(min_value=0, max_value=2000).map(lambda n: Decimal(n) / 100),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(marks=st.lists(st.tuples(_MARKS, _MARKS, _MARKS), min_size=6, max_size=6))
def test_any_exported_sheet_reads_back_as_no_change(cast, world, sheet, marks):
    fill_sheet(sheet, {e.pk: values for e, values in zip(world.enrolments, marks, strict=True)})
    for language in ("ar", "fr"):
        result = preview(cast, sheet, exported(cast, sheet, language))
        assert (result.rows, result.errors) == ([], [])
