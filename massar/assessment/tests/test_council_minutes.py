"""The minutes of a class council as PDF: the school, the class (its stream's Arabic name), the
period, the date, the members and every pupil with average and decision, read back with
``pdftotext``."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from massar.assessment.councils_pdf import mark, minutes_pdf
from massar.assessment.models import Period
from massar.assessment.selectors_councils import council_rows
from massar.assessment.services_councils import council_decision_save, council_validate
from massar.assessment.tests.builders import class_world, other_world
from massar.assessment.tests.test_council_builders import (
    capacity,
    dec,
    open_year_council,
    set_results,
)
from massar.curriculum.models import Stream
from massar.students.models import Student

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


BIDI_AND_SPACE = re.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def squeezed(text: str) -> str:
    """``text`` without spaces and bidi marks: pdftotext sometimes splits an Arabic word where
    the font's glyphs are spaced apart, so Arabic is compared without spaces."""
    return BIDI_AND_SPACE.sub("", text)


def text_of(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "minutes.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


@pytest.fixture
def council(cast):
    world = class_world(cast, pupils=3)
    pupils = world.enrolments
    Student.objects.filter(pk=pupils[0].student_id).update(
        first_name_ar="ياسين", last_name_ar="العلوي", first_name_fr="Yassine", last_name_fr="Alaoui"
    )
    set_results(world, Period.YEAR, dict(zip(pupils, ["14.25", "9.50", "11.00"], strict=True)))
    capacity(cast.school_a1, "1BAC-SEX", 5)
    council = open_year_council(cast, world)
    for enrolment, decision, code, reason in [
        (pupils[0], "pass", "1BAC-SEX", ""),
        (pupils[1], "pass", "1BAC-SEX", "Progrès au second semestre"),
        (pupils[2], "pass", "1BAC-SEX", ""),
    ]:
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=council.decisions.get(enrolment=enrolment),
            decision=decision,
            reason=reason,
            appreciation="honour_roll" if enrolment == pupils[0] else "",
            next_stream=Stream.objects.get(code=code),
        )
    council_validate(actor=cast.director_a1, council=council)
    council.refresh_from_db()
    return council


def test_a_mark_has_a_decimal_comma():
    assert (mark(dec("9.5")), mark(dec("14.25")), mark(None)) == ("9,50", "14,25", "")


@needs_pdftotext
def test_the_minutes_show_the_school_class_pupils_and_decisions(council):
    pdf = minutes_pdf(council, council_rows(council))
    assert pdf.startswith(b"%PDF")
    text = squeezed(text_of(pdf))
    for expected in [
        "محضر مجلس القسم",
        "Procès-verbal du conseil de classe",
        "ثانوية مولاي يوسف",  # the school in Arabic
        "الجذع المشترك العلمي",  # the class's stream in Arabic
        "TCS-1",
        "2025/2026",
        "30/06/2026",
        "ياسين",
        "Yassine Alaoui",
        "14,25",
        "9,50",
        "Progrès au second semestre",
        "Admis(e)",
        "Tableau d'honneur",
        "العلوم التجريبية",  # the next stream
        "Mme Directrice",
        "Validé",
    ]:
        assert squeezed(expected) in text, expected
    for row in council.decisions.select_related("enrolment__student"):
        assert row.enrolment.student.code_massar in text


@needs_pdftotext
def test_a_draft_semester_council_prints_without_decisions(cast):
    from datetime import date

    from massar.assessment.services_councils import council_open

    world = other_world(cast, pupils=2)
    set_results(world, Period.FIRST, dict(zip(world.enrolments, ["12", None], strict=True)))
    council = council_open(
        actor=cast.director_a2,
        school_class=world.school_class,
        period=1,
        held_on=date(2026, 2, 5),
    )
    text = text_of(minutes_pdf(council, council_rows(council)))
    assert "Brouillon" in text
    assert "Premier semestre" in text
    assert "12,00" in text
    assert "Décision" not in text


def test_the_minutes_are_downloaded_by_the_council_s_readers(client, cast, council):
    client.force_login(cast.teacher_a1)  # teaches the class
    response = client.get(reverse("assessment:council_minutes", args=[council.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="council-11565V-')
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("member", ["director_a2", "outsider", "parent_a1", "student_a1"])
def test_the_minutes_are_not_found_for_others(client, cast, council, member):
    client.force_login(getattr(cast, member))
    response = client.get(reverse("assessment:council_minutes", args=[council.public_id]))
    assert response.status_code == 404
