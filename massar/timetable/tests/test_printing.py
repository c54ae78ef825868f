"""Printable timetables: a class, a teacher, a room as PDF and spreadsheet, and every class of a
school as one PDF; who may print them."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from massar.accounts.models import Role
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import UserFactory
from massar.schooling.tests.factories import SchoolClassFactory
from massar.timetable.printing.week import class_sections
from massar.timetable.views_printing import PDF, XLSX

from .generation_school import small_school
from .test_generation_loading import session

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        [PDFTOTEXT, "-q", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def sheet_rows(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert len(book.sheet_names) == 1
    return book.get_sheet_by_index(0).to_python()


@pytest.fixture
def school(cast):
    """The small school with a hand-made week for TCS-1: mathematics Monday 1-2 in S1 (a block),
    French Monday 4 in S2, physics-chemistry Tuesday 5-6 in the laboratory."""
    school = small_school(cast.school_a1)
    tcs1 = school.classes[0]
    session(school.assignment(tcs1, "MATH"), weekday=1, period=1, length=2, room=school.rooms["S1"])
    session(school.assignment(tcs1, "FR"), weekday=1, period=4, length=1, room=school.rooms["S2"])
    session(school.assignment(tcs1, "PC"), weekday=2, period=5, length=2, room=school.rooms["LAB1"])
    return school


def test_the_class_week_lays_blocks_and_free_half_days_out(school):
    (section,) = class_sections([school.classes[0]])
    assert [column.number for column in section.columns] == [1, 2, 3, 4, 5, 6]
    assert section.columns[0].starts_at == "08:00"
    monday, tuesday, wednesday = section.rows[0], section.rows[1], section.rows[2]
    assert monday.day == {"ar": "الاثنين", "fr": "Lundi"}
    assert [cell.span for cell in monday.cells] == [2, 1, 1, 1, 1]
    assert monday.cells[0].entries == [
        [
            {"ar": "الرياضيات", "fr": "Mathématiques"},
            {"ar": "سميرة العلوي", "fr": "Samira Alaoui"},
            {"ar": "S1", "fr": "S1"},
        ]
    ]
    assert [cell.span for cell in tuesday.cells] == [1, 1, 1, 1, 2]
    assert [cell.closed for cell in wednesday.cells] == [False] * 4 + [True] * 2
    assert section.sessions == 3


def test_sessions_that_overlap_share_one_cell(school):
    tcs1 = school.classes[0]
    session(school.assignment(tcs1, "FR"), weekday=1, period=2, length=2)  # a clash left by hand
    (section,) = class_sections([tcs1])
    monday = section.rows[0]
    assert [cell.span for cell in monday.cells] == [3, 1, 1, 1]
    assert [entry[0]["fr"] for entry in monday.cells[0].entries] == [
        "Mathématiques",
        "Langue française",
    ]


def test_the_director_prints_a_class_as_pdf(client, cast, school):
    client.force_login(cast.director_a1)
    url = reverse("timetable:print_class_pdf", args=[school.classes[0].public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    assert response["Content-Disposition"] == 'attachment; filename="timetable-class-tcs-1.pdf"'
    assert response.content.startswith(b"%PDF-")
    if PDFTOTEXT:
        text = pdf_text(response.content)
        assert text.count("\f") == 1  # one page
        for expected in ("TCS-1", "Emploi du temps", "Mathématiques", "Lundi", "LAB1", "11565V"):
            assert expected in text


def test_the_director_prints_a_class_as_a_spreadsheet(client, cast, school):
    client.force_login(cast.director_a1)
    response = client.get(reverse("timetable:print_class_xlsx", args=[school.classes[0].public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = sheet_rows(response.content)
    header = rows[3]
    assert header[1:] == [
        "1\n08:00–09:00",
        "2\n09:00–10:00",
        "3\n10:00–11:00",
        "4\n11:00–12:00",
        "5\n14:00–15:00",
        "6\n15:00–16:00",
    ]
    monday = rows[4]
    assert monday[0] == "الاثنين"
    assert monday[2] == ""  # the second period of the block is merged into the first
    assert monday[1].split("\n")[-1] == "S1"
    assert monday[4].split("\n")[-1] == "S2"
    tuesday = rows[5]
    assert tuesday[5].split("\n")[-1] == "LAB1"
    assert len(rows) == 4 + 5  # headings, blank, period row, five days


def test_the_spreadsheet_is_in_the_readers_language(client, cast, school):
    client.force_login(cast.director_a1)
    url = reverse("timetable:print_class_xlsx", args=[school.classes[0].public_id])
    arabic = sheet_rows(client.get(url).content)
    assert arabic[4][0] == "الاثنين"
    assert arabic[4][1] == "الرياضيات\nسميرة العلوي\nS1"
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    french = sheet_rows(client.get(url).content)
    assert french[4][0] == "Lundi"
    assert french[4][1] == "Mathématiques\nSamira Alaoui\nS1"


def test_a_teacher_and_a_room_print(client, cast, school):
    client.force_login(cast.staff_a1)
    teacher_pdf = client.get(reverse("timetable:print_teacher_pdf", args=[school.math.public_id]))
    assert teacher_pdf.status_code == 200
    assert teacher_pdf.content.startswith(b"%PDF-")
    assert teacher_pdf["Content-Disposition"] == (
        'attachment; filename="timetable-teacher-alaoui-samira.pdf"'
    )
    teacher_rows = sheet_rows(
        client.get(reverse("timetable:print_teacher_xlsx", args=[school.math.public_id])).content
    )
    assert teacher_rows[4][1] == "الرياضيات\nTCS-1\nS1"
    lab = school.rooms["LAB1"]
    room_pdf = client.get(reverse("timetable:print_room_pdf", args=[lab.public_id]))
    assert room_pdf.status_code == 200
    assert room_pdf.content.startswith(b"%PDF-")
    room_rows = sheet_rows(
        client.get(reverse("timetable:print_room_xlsx", args=[lab.public_id])).content
    )
    assert room_rows[5][5] == "الفيزياء والكيمياء\nTCS-1\nنادية الإدريسي"
    if PDFTOTEXT:
        assert "Enseignant(e)" in pdf_text(teacher_pdf.content)
        assert "Salle" in pdf_text(room_pdf.content)


def test_a_teacher_prints_their_own_week(client, cast, school):
    school.math.user = cast.teacher_a1
    school.math.save()
    client.force_login(cast.teacher_a1)
    own = client.get(reverse("timetable:print_teacher_pdf", args=[school.math.public_id]))
    assert own.status_code == 200
    other = client.get(reverse("timetable:print_teacher_pdf", args=[school.french.public_id]))
    assert other.status_code == 404
    taught = client.get(reverse("timetable:print_class_pdf", args=[school.classes[0].public_id]))
    assert taught.status_code == 200
    room = client.get(reverse("timetable:print_room_pdf", args=[school.rooms["S1"].public_id]))
    assert room.status_code == 404


def test_every_class_of_a_school_in_one_pdf(client, cast, school, django_assert_max_num_queries):
    client.force_login(cast.directorate_officer_a1)
    url = reverse("timetable:print_school_classes", args=[cast.school_a1.code])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    assert response["Content-Disposition"] == (
        'attachment; filename="timetables-11565V-classes.pdf"'
    )
    if PDFTOTEXT:
        text = pdf_text(response.content)
        assert text.count("\f") == 2  # a page per class
        first, second = text.split("\f")[:2]
        assert "TCS-1" in first
        assert "TCS-2" in second
        assert "Aucune séance" in second  # TCS-2 has no session yet


def test_a_school_without_classes_has_nothing_to_print(client, cast, school):
    client.force_login(cast.director_a2)
    response = client.get(reverse("timetable:print_school_classes", args=[cast.school_a2.code]))
    assert response.status_code == 404
    assert response.templates[0].name == "timetable/printing/nothing.html"
    SchoolClassFactory(establishment=cast.school_a2, name="1APIC-1")
    response = client.get(reverse("timetable:print_school_classes", args=[cast.school_a2.code]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


PRINT_READERS = {
    "director_a1",
    "staff_a1",
    "directorate_officer_a1",
    "academy_officer_a",
    "national_admin",
}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("print_class_pdf", "class"),
        ("print_class_xlsx", "class"),
        ("print_teacher_pdf", "teacher"),
        ("print_teacher_xlsx", "teacher"),
        ("print_room_pdf", "room"),
        ("print_room_xlsx", "room"),
        ("print_school_classes", "school"),
    ],
)
def test_who_may_print(client, cast, school, name, kind):
    argument = {
        "class": school.classes[0].public_id,
        "teacher": school.math.public_id,
        "room": school.rooms["S1"].public_id,
        "school": cast.school_a1.code,
    }[kind]
    url = reverse(f"timetable:{name}", args=[argument])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for who, user in cast.everyone().items():
        client.force_login(user)
        expected = 200 if who in PRINT_READERS else 404
        assert client.get(url).status_code == expected, who


def test_a_missing_timetable_is_not_found(client, cast, school):
    client.force_login(cast.director_a1)
    for name in ("print_class_pdf", "print_teacher_xlsx", "print_room_pdf"):
        url = reverse(f"timetable:{name}", args=["00000000-0000-0000-0000-000000000000"])
        assert client.get(url).status_code == 404
    url = reverse("timetable:print_school_classes", args=["99999Z"])
    assert client.get(url).status_code == 404
    second_user = UserFactory(username="director-a2-bis")
    role_assign(user=second_user, role=Role.DIRECTOR, establishment=cast.school_a2)
    client.force_login(second_user)
    url = reverse("timetable:print_class_pdf", args=[school.classes[0].public_id])
    assert client.get(url).status_code == 404


def test_a_shared_teacher_prints_a_page_per_school_the_reader_sees(client, cast, school):
    from massar.staff.models import TeachingAssignment

    other = small_school(cast.school_a2)
    shared = TeachingAssignment.objects.get(pk=other.assignments[0].pk)
    shared.teacher = school.math
    shared.save()
    session(shared, weekday=3, period=1, length=2)
    school.math.user = cast.teacher_a1
    school.math.save()
    url = reverse("timetable:print_teacher_xlsx", args=[school.math.public_id])

    def headings(user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        return [row[0] for row in sheet_rows(response.content) if " · 2025/2026" in str(row[0])]

    schools_a1 = "ثانوية مولاي يوسف (11565V) · 2025/2026"
    schools_a2 = "الثانوية الإعدادية ابن خلدون (12001C) · 2025/2026"
    assert headings(cast.director_a1) == [schools_a1]
    assert headings(cast.director_a2) == [schools_a2]
    assert headings(cast.teacher_a1) == [schools_a1, schools_a2]  # her own week, everywhere
