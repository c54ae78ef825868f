"""Spreadsheet import of a school's pupils and export of class and level lists, and the COPY
bulk loader of the national load."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.utils import timezone, translation
from django.utils.html import escape
from python_calamine import CalamineWorkbook

from massar.core.errors import PermissionDenied, ValidationFailed
from massar.curriculum.models import Level, Stream
from massar.students.bulk import BulkPupil, copy_pupils, name_keys
from massar.students.duplicates import Identity, likely_duplicates, set_name_keys
from massar.students.models import CodeSeries, Enrolment, Student
from massar.students.services import student_register
from massar.students.spreadsheets import students_import
from massar.students.spreadsheets.reading import decode_csv
from massar.students.tests.factories import current_year, placement, register, student_data
from massar.territory.models import SchoolYear

pytestmark = pytest.mark.django_db

FRENCH = [
    "Code Massar",
    "Nom (arabe)",
    "Prénom (arabe)",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Sexe",
    "Niveau",
    "Classe",
    "Filière",
]
ARABIC = [
    "رمز التلميذ",
    "النسب",
    "الاسم",
    "النسب بالفرنسية",
    "الاسم بالفرنسية",
    "تاريخ الازدياد",
    "النوع",
    "المستوى",
    "القسم",
    "الشعبة",
]
PUPILS = [
    ["", "بناني", "سلمى", "Bennani", "Salma", "14-03-2010", "أنثى", "TC", "TCS-1", ""],
    [
        "",
        "الإدريسي",
        "عمر",
        "Idrissi",
        "Omar",
        "02/11/2009",
        "ذكر",
        "الجذع المشترك",
        "TC-2",
        "TCLSH",
    ],
    ["", "التازي", "ليلى", "Tazi", "Leila", "2008-07-30", "F", "1BAC", "SM-1", "1BAC-SM"],
]


def xlsx_upload(rows, headers=FRENCH, name="eleves.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, headers)
    for index, row in enumerate(rows, start=1):
        for position, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(index, position, value, date_format)
            elif isinstance(value, float | int):
                sheet.write_number(index, position, value)
            else:
                sheet.write_string(index, position, value)
    workbook.close()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def csv_upload(rows, headers=ARABIC, *, encoding="utf-8", delimiter=",", name="eleves.csv"):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def run_import(cast, upload, actor=None, establishment=None, school_year=None):
    return students_import(
        actor=actor or cast.director_a1,
        establishment=establishment or cast.school_a1,
        upload=upload,
        school_year=school_year or current_year(),
    )


def snapshot() -> tuple[int, int, int]:
    return (
        Student.objects.count(),
        Enrolment.objects.count(),
        CodeSeries.objects.get(is_active=True).next_number,
    )


def refused(cast, upload, code: str, **kwargs) -> ValidationFailed:
    """The import fails with ``code`` and nothing at all is written."""
    before = snapshot()
    with pytest.raises(ValidationFailed) as error:
        run_import(cast, upload, **kwargs)
    assert error.value.code == code
    assert snapshot() == before
    return error.value


def row_errors(error: ValidationFailed) -> list[tuple[int, str, str]]:
    return [(d["row"], d["column"], d["code"]) for d in error.details]


ROWS_FAILED = (
    "%(count)s row has errors; nothing was imported.",
    "%(count)s rows have errors; nothing was imported.",
)


def rows_failed(language: str, count: int) -> str:
    """The import's summary when ``count`` rows have errors, as the code words it."""
    with translation.override(language):
        return translation.ngettext(*ROWS_FAILED, count) % {"count": count}


def translated(language: str, message: str, **params) -> str:
    """``message`` in ``language``, its parameters (names of places) shown in that language."""
    with translation.override(language):
        return translation.gettext(message) % {key: str(value) for key, value in params.items()}


# --- good files -----------------------------------------------------------------------------


def test_a_good_xlsx_file_registers_every_pupil_in_one_write(cast):
    series = CodeSeries.objects.get(is_active=True)
    first = series.next_number
    rows = [list(row) for row in PUPILS]
    rows[0][5] = date(2010, 3, 14)  # a real date cell

    result = run_import(cast, xlsx_upload(rows))

    assert (result.created, result.reregistered, result.total) == (3, 0, 3)
    codes = [f"{series.letter}{n:09d}" for n in range(first, first + 3)]
    assert list(result.codes) == codes
    salma = Student.objects.get(code_massar=codes[0])
    assert (salma.first_name_ar, salma.last_name_fr, salma.sex, salma.birth_date) == (
        "سلمى",
        "Bennani",
        "F",
        date(2010, 3, 14),
    )
    assert salma.establishment == cast.school_a1
    assert salma.search_name == "سلمي بناني salma bennani"
    assert salma.history.get().history_user == cast.director_a1
    placements = {
        e.student.code_massar: (e.level.code, e.stream.code, e.class_label, e.kind, e.status)
        for e in Enrolment.objects.select_related("student", "level", "stream")
    }
    assert placements == {
        codes[0]: ("TC", "TCS", "TCS-1", "new", "registered"),
        codes[1]: ("TC", "TCLSH", "TC-2", "new", "registered"),
        codes[2]: ("1BAC", "1BAC-SM", "SM-1", "new", "registered"),
    }
    assert Enrolment.history.count() == 3
    series.refresh_from_db()
    assert series.next_number == first + 3


def test_a_good_csv_file_with_bom_semicolons_and_arabic_headers(cast):
    upload = csv_upload(PUPILS, encoding="utf-8-sig", delimiter=";")
    result = run_import(cast, upload)
    assert result.created == 3
    assert set(Student.objects.values_list("last_name_fr", flat=True)) == {
        "Bennani",
        "Idrissi",
        "Tazi",
    }


def test_a_csv_without_bom_and_with_commas_is_read(cast):
    assert run_import(cast, csv_upload(PUPILS[:1])).created == 1


def test_an_arabic_windows_1256_csv_is_decoded(cast):
    result = run_import(cast, csv_upload(PUPILS, encoding="cp1256"))
    assert result.created == 3
    assert Student.objects.filter(last_name_ar="الإدريسي", first_name_ar="عمر").exists()


def test_a_code_of_the_national_system_is_kept(cast):
    rows = [["d166027860", *PUPILS[0][1:]]]
    result = run_import(cast, xlsx_upload(rows))
    assert result.codes == ()
    assert Student.objects.get().code_massar == "D166027860"


def test_a_file_of_this_school_not_enrolled_this_year_is_re_registered(cast):
    previous = SchoolYear.objects.create(
        code="2024-2025", starts_on=date(2024, 9, 1), ends_on=date(2025, 6, 30)
    )
    student = register(cast.director_a1, cast.school_a1, class_label="TCS-3")
    student.enrolments.update(school_year=previous)
    row = [
        student.code_massar.lower(),
        "العلوى",  # a spelling variant of the same name
        "يوسف",
        "Alaoui",
        "Youssef",
        "14-03-2009",
        "M",
        "TC",
        "TCS-1",
        "",
    ]
    result = run_import(cast, xlsx_upload([row, PUPILS[0]]))
    assert (result.created, result.reregistered) == (1, 1)
    enrolment = student.enrolments.get(school_year=current_year())
    assert (enrolment.kind, enrolment.is_repeating, enrolment.class_label) == (
        "continuing",
        True,
        "TCS-1",
    )
    student.refresh_from_db()
    assert student.last_name_ar == "العلوي"  # the file's identity is not changed by an import


# --- bad files: each one is refused and nothing is written ------------------------------------


def test_a_damaged_xlsx_file_is_refused(cast):
    upload = SimpleUploadedFile("eleves.xlsx", b"PK\x03\x04" + b"not really a zip" * 20)
    error = refused(cast, upload, "file_malformed")
    assert "xlsx" in str(error.message)


def test_a_file_of_another_type_is_refused(cast):
    upload = SimpleUploadedFile("eleves.xlsx", b"%PDF-1.7\n" + b"x" * 200)
    refused(cast, upload, "file_type")


def test_an_old_xls_file_is_refused_with_the_way_out(cast):
    upload = SimpleUploadedFile("eleves.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    refused(cast, upload, "file_type")


def test_an_empty_file_is_refused(cast):
    refused(cast, SimpleUploadedFile("eleves.csv", b"  \n"), "file_empty")


def test_a_csv_with_a_header_and_no_pupil_is_refused(cast):
    refused(cast, csv_upload([]), "file_no_rows")


def test_a_latin_1_csv_is_refused_as_wrongly_encoded(cast):
    rows = [["", "Bennani", "Salma", "Bennani", "Sélma", "14-03-2010", "F", "TC", "TCS-1", ""]]
    error = refused(cast, csv_upload(rows, FRENCH, encoding="latin-1"), "file_encoding")
    assert "UTF-8" in str(error.message)


def test_a_utf_16_csv_is_refused_as_wrongly_encoded(cast):
    refused(cast, csv_upload(PUPILS, encoding="utf-16"), "file_encoding")


def test_a_missing_required_column_is_named(cast):
    headers = [h for h in FRENCH if h != "Date de naissance"]
    rows = [[v for i, v in enumerate(row) if i != 5] for row in PUPILS]
    error = refused(cast, xlsx_upload(rows, headers), "column_missing")
    assert [d["fr"] for d in error.details] == ["Date de naissance"]
    assert "تاريخ الازدياد" in str(error.message)  # named in the active language (Arabic)


def test_a_column_given_twice_is_refused(cast):
    headers = [*FRENCH, "Sexe"]
    refused(cast, xlsx_upload([[*PUPILS[0], "F"]], headers), "column_twice")


@pytest.mark.parametrize("junk", ["12.5", 12.5, "15/20", "31-02-2010", "2010"])
def test_a_mark_like_junk_birth_date_is_refused_with_its_row_and_column(cast, junk):
    rows = [list(row) for row in PUPILS]
    rows[1][5] = junk
    error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [(3, "Date de naissance", "bad_date")]


def test_a_birth_date_in_the_future_is_refused(cast):
    rows = [list(PUPILS[0])]
    rows[0][5] = (timezone.localdate() + timedelta(days=3)).strftime("%d-%m-%Y")
    error = refused(cast, csv_upload(rows), "import_rows")
    assert row_errors(error) == [(2, "تاريخ الازدياد", "birth_date_future")]


def test_an_age_outside_the_level_range_is_refused(cast):
    rows = [list(PUPILS[0])]
    rows[0][5] = "01-05-2018"  # 7 years old in the tronc commun
    error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [(2, "Date de naissance", "age_out_of_range")]


@pytest.mark.parametrize("code", ["D16602786", "11660278601", "DD66027860", "code?"])
def test_a_malformed_code_is_refused(cast, code):
    rows = [[code, *PUPILS[0][1:]]]
    error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [(2, "Code Massar", "code_format")]


def test_the_same_code_twice_in_the_file_is_refused(cast):
    rows = [["D166027860", *PUPILS[0][1:]], ["D166027860", *PUPILS[1][1:]]]
    error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [(3, "Code Massar", "code_twice")]
    assert "2" in error.details[0]["msg"]


def test_a_likely_duplicate_of_an_existing_child_is_refused(cast):
    existing = register(cast.director_a2, cast.school_a2, level_code="3AC")
    row = ["", "العلوى", "يُوسُف", "El Alaoui", "Yusuf", "14/03/2009", "ذكر", "TC", "TCS-1", ""]
    before = snapshot()
    with pytest.raises(ValidationFailed) as error:
        run_import(cast, xlsx_upload([PUPILS[0], row]))
    assert row_errors(error.value) == [(3, "Nom (arabe)", "likely_duplicate")]
    assert existing.code_massar in error.value.details[0]["msg"]
    assert snapshot() == before


def test_the_same_child_twice_in_the_file_is_refused(cast):
    twin = list(PUPILS[0])
    twin[3] = "Benani"
    error = refused(cast, xlsx_upload([PUPILS[0], twin]), "import_rows")
    assert row_errors(error) == [(3, "Nom (arabe)", "same_child_in_file")]


def test_a_level_the_school_does_not_teach_is_refused(cast):
    rows = [list(PUPILS[0])]
    rows[0][5:10] = ["01-06-2018", "F", "1AP", "1AP-1", ""]
    error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [(2, "Niveau", "level_not_taught")]


def test_an_unknown_level_is_refused(cast):
    rows = [list(PUPILS[0])]
    rows[0][7] = "Terminale"
    error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [(2, "Niveau", "unknown_level")]


def test_a_stream_of_another_level_or_none_where_needed_is_refused(cast):
    rows = [list(PUPILS[0]), list(PUPILS[1])]
    rows[0][9] = "1BAC-SM"
    rows[1][8:10] = ["A-1", ""]
    error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [(2, "Filière", "unknown_stream"), (3, "Filière", "unknown_stream")]


def test_names_in_the_wrong_script_and_missing_values_are_refused(cast):
    rows = [list(PUPILS[0])]
    rows[0][1:5] = ["Bennani", "", "بناني", "Salma"]
    rows[0][6] = "X"
    error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [
        (2, "Nom (arabe)", "script"),
        (2, "Prénom (arabe)", "required"),
        (2, "Nom", "script"),
        (2, "Sexe", "bad_sex"),
    ]


def test_a_code_of_a_pupil_of_another_school_is_refused(cast):
    other = register(cast.director_a2, cast.school_a2, level_code="3AC")
    rows = [[other.code_massar, "العلوي", "يوسف", "Alaoui", "Youssef", "14-03-2009", "M", "TC"]]
    error = refused(cast, xlsx_upload([[*rows[0], "TCS-1", ""]]), "import_rows")
    assert row_errors(error) == [(2, "Code Massar", "held_elsewhere")]


def test_a_code_of_a_pupil_already_enrolled_this_year_is_refused(cast):
    student = register(cast.director_a1, cast.school_a1)
    row = [student.code_massar, "العلوي", "يوسف", "Alaoui", "Youssef", "14-03-2009", "M", "TC"]
    error = refused(cast, xlsx_upload([[*row, "TCS-1", ""]]), "import_rows")
    assert row_errors(error) == [(2, "Code Massar", "already_enrolled")]


def test_a_code_of_this_school_with_another_child_s_identity_is_refused(cast):
    student = register(cast.director_a1, cast.school_a1)
    student.enrolments.update(status="left", left_on=timezone.localdate())
    error = refused(cast, xlsx_upload([[student.code_massar, *PUPILS[0][1:]]]), "import_rows")
    assert row_errors(error) == [(2, "Code Massar", "code_other_child")]


def test_one_bad_row_among_good_ones_writes_nothing(cast):
    rows = [list(row) for row in PUPILS]
    rows[2][5] = "30-02-2008"
    with translation.override("ar"):  # the default language, as on a page without a choice
        error = refused(cast, xlsx_upload(rows), "import_rows")
    assert row_errors(error) == [(4, "Date de naissance", "bad_date")]
    assert str(error.message) == rows_failed("ar", 1)


@pytest.mark.parametrize("member", ["teacher_a1", "parent_a1", "director_a2", "outsider"])
def test_only_the_school_imports_its_pupils(cast, member):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        run_import(cast, xlsx_upload(PUPILS), actor=getattr(cast, member))
    assert snapshot() == before


def test_the_csv_decoder_refuses_control_characters():
    with pytest.raises(ValidationFailed) as error:
        decode_csv(b"a,b\x01c\n")
    assert error.value.code == "file_type"


# --- pages ------------------------------------------------------------------------------------


def test_the_import_page_is_offered_to_the_director(client, cast, django_assert_max_num_queries):
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(12):
        response = client.get("/students/import/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="import-form"' in body
    assert 'name="establishment" value="11565V"' in body  # one school: a hidden field
    assert 'id="export-form"' in body


def test_a_director_of_two_schools_chooses_the_establishment(client, cast):
    client.force_login(cast.director_b1)
    response = client.get("/students/import/")
    assert response.status_code == 200
    choices = response.context["form"].fields["establishment"].widget.choices
    assert [code for code, _label in choices] == ["21010B", "21011S"]


@pytest.mark.parametrize(
    "member", ["teacher_a1", "parent_a1", "student_a1", "directorate_officer_a1", "outsider"]
)
def test_the_import_page_is_refused_to_others(client, cast, member):
    client.force_login(getattr(cast, member))
    assert client.get("/students/import/").status_code == 404
    response = client.post(
        "/students/import/", {"establishment": "11565V", "file": xlsx_upload(PUPILS)}
    )
    assert response.status_code == 404
    assert not Student.objects.exists()


def test_the_import_page_needs_a_login(client, cast):
    response = client.get("/students/import/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_good_file_is_imported_from_the_page(client, cast, django_assert_max_num_queries):
    client.force_login(cast.staff_a1)
    with django_assert_max_num_queries(40):
        response = client.post(
            "/students/import/", {"establishment": "11565V", "file": xlsx_upload(PUPILS)}
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="import-summary"' in body
    assert '<dd id="import-created">3</dd>' in body
    assert "/students/?establishment=11565V" in body
    assert Student.objects.count() == 3


def test_row_errors_are_shown_in_a_table_in_the_user_s_language(client, cast):
    client.force_login(cast.director_a1)
    client.cookies["massar_language"] = "fr"
    rows = [list(row) for row in PUPILS]
    rows[0][5] = "12.5"
    rows[2][7] = "6AP"
    response = client.post(
        "/students/import/", {"establishment": "11565V", "file": xlsx_upload(rows)}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="import-error">{escape(rows_failed("fr", 2))}</p>' in body
    assert 'id="import-error-table"' in body
    assert 'data-row="2" data-code="bad_date"' in body
    assert 'data-row="4" data-code="level_not_taught"' in body
    assert "Lycée Moulay Youssef" in body  # the school's name in French
    not_taught = translated(
        "fr",
        "%(school)s does not teach %(level)s.",
        school=cast.school_a1,
        level=Level.objects.get(code="6AP"),
    )
    assert f"<td>{escape(not_taught)}</td>" in body
    assert not Student.objects.exists()


def test_a_file_level_error_is_shown_without_a_table(client, cast):
    client.force_login(cast.director_a1)
    upload = SimpleUploadedFile("eleves.pdf", b"%PDF-1.4 something")
    response = client.post("/students/import/", {"establishment": "11565V", "file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="import-error"' in body
    assert 'id="import-error-table"' not in body


def test_importing_into_another_school_is_not_found(client, cast):
    client.force_login(cast.director_a1)
    response = client.post(
        "/students/import/", {"establishment": "12001C", "file": xlsx_upload(PUPILS)}
    )
    assert response.status_code == 404
    assert not Student.objects.exists()


def test_a_post_without_a_file_shows_the_form_error(client, cast):
    client.force_login(cast.director_a1)
    response = client.post("/students/import/", {"establishment": "11565V"})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


# --- export -----------------------------------------------------------------------------------


def sheet_rows(response) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return workbook.get_sheet_by_index(0).to_python()


def imported_school(cast):
    run_import(cast, xlsx_upload(PUPILS))
    return {s.last_name_fr: s.code_massar for s in Student.objects.all()}


def test_the_export_lists_the_school_s_pupils(client, cast, django_assert_max_num_queries):
    codes = imported_school(cast)
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(10):
        response = client.get("/students/export/?establishment=11565v")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="pupils-11565V-2025-2026.xlsx"' in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[0] == ARABIC
    assert rows[1:] == [
        [
            codes["Idrissi"],
            "الإدريسي",
            "عمر",
            "Idrissi",
            "Omar",
            date(2009, 11, 2),
            "ذكر",
            "TC",
            "TC-2",
            "TCLSH",
        ],
        [
            codes["Bennani"],
            "بناني",
            "سلمى",
            "Bennani",
            "Salma",
            date(2010, 3, 14),
            "أنثى",
            "TC",
            "TCS-1",
            "TCS",
        ],
        [
            codes["Tazi"],
            "التازي",
            "ليلى",
            "Tazi",
            "Leila",
            date(2008, 7, 30),
            "أنثى",
            "1BAC",
            "SM-1",
            "1BAC-SM",
        ],
    ]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert 'rightToLeft="1"' in archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_export_of_one_class_in_french_runs_left_to_right(client, cast):
    codes = imported_school(cast)
    client.force_login(cast.staff_a1)
    client.cookies["massar_language"] = "fr"
    response = client.get("/students/export/?establishment=11565V&level=tc&class=tcs-1")
    assert response.status_code == 200
    assert 'filename="pupils-11565V-2025-2026-TC-tcs-1.xlsx"' in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[0] == FRENCH
    assert [row[0] for row in rows[1:]] == [codes["Bennani"]]
    assert rows[1][6] == "F"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "rightToLeft" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_export_of_one_level(client, cast):
    codes = imported_school(cast)
    client.force_login(cast.directorate_officer_a1)
    response = client.get("/students/export/?establishment=11565V&level=1BAC")
    assert [row[0] for row in sheet_rows(response)[1:]] == [codes["Tazi"]]


@pytest.mark.parametrize(
    "member",
    ["director_a2", "academy_officer_b", "teacher_a1", "parent_a1", "student_a1", "outsider"],
)
def test_the_export_of_another_school_is_not_found(client, cast, member):
    imported_school(cast)
    client.force_login(getattr(cast, member))
    assert client.get("/students/export/?establishment=11565V").status_code == 404


@pytest.mark.parametrize("query", ["", "establishment=99999Z", "establishment=11565V&level=XYZ"])
def test_an_export_of_nothing_known_is_not_found(client, cast, query):
    client.force_login(cast.national_admin)
    assert client.get(f"/students/export/?{query}").status_code == 404


def test_an_exported_file_imports_back_as_it_was(client, cast):
    imported_school(cast)
    fields = ["code_massar", "first_name_ar", "last_name_ar", "first_name_fr", "last_name_fr"]
    before = sorted(Student.objects.values_list(*fields, "sex", "birth_date"))
    placements = sorted(
        Enrolment.objects.values_list("student__code_massar", "level", "stream", "class_label")
    )
    for language in ("ar", "fr"):
        client.force_login(cast.director_a1)
        client.cookies["massar_language"] = language
        exported = client.get("/students/export/?establishment=11565V").content
        Student.objects.all().delete()

        result = run_import(cast, SimpleUploadedFile("export.xlsx", exported))

        assert (result.created, result.codes) == (3, ())
        assert sorted(Student.objects.values_list(*fields, "sex", "birth_date")) == before
        assert (
            sorted(
                Enrolment.objects.values_list(
                    "student__code_massar", "level", "stream", "class_label"
                )
            )
            == placements
        )


def test_an_exported_file_re_registers_the_pupils_the_next_year(client, cast):
    imported_school(cast)
    client.force_login(cast.director_a1)
    exported = client.get("/students/export/?establishment=11565V").content
    next_year = SchoolYear.objects.create(
        code="2026-2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30)
    )
    result = run_import(cast, SimpleUploadedFile("export.xlsx", exported), school_year=next_year)
    assert (result.created, result.reregistered) == (0, 3)
    assert set(
        Enrolment.objects.filter(school_year=next_year).values_list("kind", "is_repeating")
    ) == {("continuing", True)}


# --- COPY bulk loader (national load, PostgreSQL) ---------------------------------------------


def bulk_pupils(cast, count: int) -> list[BulkPupil]:
    level = Level.objects.get(code="TC")
    stream = Stream.objects.get(code="TCS")
    return [
        BulkPupil(
            code_massar=f"B{index:09d}",
            establishment_id=cast.school_a1.pk,
            first_name_ar="سلمى",
            last_name_ar="بناني",
            first_name_fr="Salma",
            last_name_fr=f"Bennani{'x' * index}",
            sex="F",
            birth_date=date(2010, 1, 1) + timedelta(days=index),
            level_id=level.pk,
            stream_id=stream.pk,
            class_label="TCS-1",
        )
        for index in range(count)
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's bulk path")
def test_the_copy_loader_writes_files_enrolments_and_history(cast):
    loaded = copy_pupils(
        bulk_pupils(cast, 3), school_year=current_year(), history_user=cast.national_admin
    )
    assert loaded == 3
    student = Student.objects.get(code_massar="B000000001")
    expected = Student(
        **{
            f: getattr(student, f)
            for f in ("first_name_ar", "last_name_ar", "first_name_fr", "last_name_fr")
        }
    )
    set_name_keys(expected)
    assert (student.name_key_ar, student.name_key_latin, student.search_name) == (
        expected.name_key_ar,
        expected.name_key_latin,
        expected.search_name,
    )
    assert student.public_id is not None
    assert student.history.get().history_user == cast.national_admin
    enrolment = student.enrolments.get()
    assert (
        enrolment.level.code,
        enrolment.stream.code,
        enrolment.class_label,
        enrolment.status,
    ) == (
        "TC",
        "TCS",
        "TCS-1",
        "registered",
    )
    assert enrolment.history.count() == 1
    identity = Identity(
        first_name_ar="سلمى",
        last_name_ar="بناني",
        first_name_fr="Salma",
        last_name_fr="Bennanix",
        birth_date=date(2010, 1, 2),
    )
    assert list(likely_duplicates(identity)) == [student]
    # The sequences moved on: an ordinary registration right after gets fresh keys.
    registered = register(cast.director_a1, cast.school_a1)
    assert registered.pk > student.pk
    assert registered.enrolments.get().pk > enrolment.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's bulk path")
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_massar": "B000000000"}, ValueError),  # twice in the input
        ({"code_massar": "b123"}, ValueError),
        ({"sex": "X"}, ValueError),
        ({"code_massar": "D166027860"}, IntegrityError),  # already a file: the table refuses
        ({"stream_id": 999_999}, IntegrityError),
    ],
)
def test_the_copy_loader_writes_nothing_when_a_row_is_wrong(cast, change, error):
    student_register(
        actor=cast.director_a2,
        data=student_data(),
        placement=placement(cast.school_a2, "3AC"),
        code_massar="D166027860",
    )
    pupils = bulk_pupils(cast, 3)
    pupils[2] = BulkPupil(**{**{f: getattr(pupils[2], f) for f in BulkPupil.__slots__}, **change})
    with pytest.raises(error):
        copy_pupils(pupils, school_year=current_year(), chunk_size=2)
    assert list(Student.objects.values_list("code_massar", flat=True)) == ["D166027860"]
    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize(
    "names",
    [
        ("يوسف", "العلوي", "Youssef", "Alaoui"),
        ("إِبْراهيم", "عبد الله", "Ibrahim", "El Abdellah"),
        ("آية", "ٔبناني", "Aya", "Bennani-Tazi"),  # a combining hamza first: the slow path
        ("سلمى", "", "Sélma", "  D'Ouazzani  "),
        ("Yasmine", "ياسمين", "ياسمين", "O'Brien Al Fassi"),
    ],
)
def test_the_bulk_name_keys_are_those_of_every_other_write(names):
    student = Student(
        first_name_ar=names[0], last_name_ar=names[1], first_name_fr=names[2], last_name_fr=names[3]
    )
    set_name_keys(student)
    assert name_keys(*names) == (student.name_key_ar, student.name_key_latin, student.search_name)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal elsewhere")
def test_the_copy_loader_says_it_needs_postgresql(cast):
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        copy_pupils(bulk_pupils(cast, 1), school_year=current_year())
    assert not Student.objects.exists()
