"""Report cards as PDF: one pupil's card, a class's cards in one document, the year's card, and
class documents joined into one file; the text is read back with pdftotext."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from massar.assessment.models import CouncilDecision, PublishedReport
from massar.assessment.reportcards.merge import PdfMergeError, concatenate
from massar.assessment.reportcards.pdf import report_card_pdf, report_cards_pdf
from massar.curriculum.models import Stream

from .builders import class_world
from .test_publication import publish, semester_sheets, year_council

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed"),
]


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-q", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def pages(pdf: bytes) -> int:
    result = subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    line = next(line for line in result.stdout.decode().splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


@pytest.fixture
def world(cast):
    world = class_world(cast, pupils=4)
    student = world.enrolments[0].student
    student.first_name_ar, student.last_name_ar = "سلمى", "العلوي"
    student.first_name_fr, student.last_name_fr = "Salma", "Alaoui"
    student.save()
    return world


def test_one_card_carries_the_arabic_name_the_marks_and_the_french_labels(cast, world):
    semester_sheets(world, 1)
    publication = publish(cast, world, 1)
    report = PublishedReport.objects.select_related("publication").get(
        publication=publication, enrolment=world.enrolments[0]
    )

    pdf = report_card_pdf(report)

    assert pdf.startswith(b"%PDF-")
    assert pages(pdf) == 1
    text = pdf_text(pdf)
    for expected in (
        "سلمى",
        "العلوي",
        "Salma Alaoui",
        report.content["pupil"]["code_massar"],
        "مولاي يوسف",  # pdftotext splits "ثانوية" at a kerning pair
        "بيان النقط",
        "Bulletin de notes",
        "Premier semestre",
        "اللغة الفرنسية",
        "Mathématiques",
        "13,75",  # the mathematics mark, with a decimal comma
        "11,75",  # French
        "12,75",  # the average
        "16,00",  # the activities of mathematics
        "TCS-1",
        "2025/2026",
    ):
        assert expected in text, expected
    assert "12.75" not in text


def test_a_missed_test_prints_as_absent_not_as_zero(cast, world):
    semester_sheets(world, 1)
    publication = publish(cast, world, 1)
    report = PublishedReport.objects.select_related("publication").get(
        publication=publication, enrolment=world.enrolments[1]
    )
    text = pdf_text(report_card_pdf(report))
    assert "غ" in text
    assert "10,50" in text  # MATH: the missed test left out of the mean


def test_the_year_card_prints_the_decision_and_the_next_stream(cast, world):
    semester_sheets(world, 1)
    semester_sheets(world, 2)
    council = year_council(world, decisions={world.enrolments[0]: "pass"})
    CouncilDecision.objects.filter(council=council).update(
        appreciation="honour_roll", next_stream=Stream.objects.get(code="1BAC-SEX")
    )
    publication = publish(cast, world, 3)
    report = PublishedReport.objects.select_related("publication").get(
        publication=publication, enrolment=world.enrolments[0]
    )
    text = pdf_text(report_card_pdf(report))
    for expected in (
        "Bilan annuel",
        "لوحة الشرف",
        "Tableau d'honneur",
        "Admis",
        "العلوم التجريبية",
    ):
        assert expected in text, expected


def test_a_class_prints_as_one_document_a_page_per_pupil(cast, world):
    semester_sheets(world, 1)
    publication = publish(cast, world, 1)
    contents = list(
        PublishedReport.objects.filter(publication=publication)
        .order_by("pk")
        .values_list("content", flat=True)
    )
    pdf = report_cards_pdf(contents, publication=publication)
    assert pages(pdf) == 4
    text = pdf_text(pdf)
    for content in contents:
        assert content["pupil"]["code_massar"] in text


def test_a_name_with_typst_markup_is_printed_as_text(cast, world):
    student = world.enrolments[0].student
    student.first_name_fr = "#set page(width: 1cm) [*x*]"
    student.save()
    semester_sheets(world, 1)
    publication = publish(cast, world, 1)
    report = PublishedReport.objects.select_related("publication").get(
        publication=publication, enrolment=world.enrolments[0]
    )
    text = pdf_text(report_card_pdf(report))
    assert "#set page(width: 1cm) [*x*]" in text


def test_class_documents_join_into_one_file_in_order(cast, world):
    semester_sheets(world, 1)
    publication = publish(cast, world, 1)
    contents = list(
        PublishedReport.objects.filter(publication=publication)
        .order_by("pk")
        .values_list("content", flat=True)
    )
    first = report_cards_pdf(contents[:1], publication=publication)
    rest = report_cards_pdf(contents[1:], publication=publication)

    joined = concatenate([first, rest], title="Bulletins")

    assert pages(joined) == 4
    text = pdf_text(joined)
    codes = [content["pupil"]["code_massar"] for content in contents]
    positions = [text.index(code) for code in codes]
    assert positions == sorted(positions)


def test_what_cannot_be_joined_safely_is_refused():
    with pytest.raises(PdfMergeError):
        concatenate([b"not a pdf"])
    with pytest.raises(PdfMergeError):
        concatenate([])
