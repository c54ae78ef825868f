"""Certificates: issue and revoke (services), the PDF, the pages on the student file, the public
verification page, and the API — with the cast, including the other schools."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.html import escape

from massar.core.errors import PermissionDenied, ValidationFailed
from massar.students.certificates.codes import (
    ALPHABET,
    LENGTH,
    format_verification_code,
    is_well_formed,
    mask_code_massar,
    new_verification_code,
    normalise_verification_code,
)
from massar.students.certificates.pdf import certificate_pdf
from massar.students.certificates.selectors import certificates_of, verify_certificate
from massar.students.certificates.services import certificate_issue, certificate_revoke
from massar.students.models import (
    Certificate,
    Enrolment,
    EnrolmentStatus,
    FileRead,
    Transfer,
    TransferStatus,
)
from massar.students.tests.factories import current_year, register
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(pdf: bytes, *options: str) -> str:
    result = subprocess.run(
        [PDFTOTEXT, "-q", *options, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


@pytest.fixture
def pupil(cast):
    """Salma El Idrissi, TC at school A1 (Lycée Moulay Youssef), class TCS-2."""
    return register(
        cast.director_a1,
        cast.school_a1,
        class_label="TCS-2",
        first_name_ar="سلمى",
        last_name_ar="الإدريسي",
        first_name_fr="Salma",
        last_name_fr="El Idrissi",
        sex="F",
        birth_date=date(2009, 5, 2),
        birth_place_ar="سلا",
        birth_place_fr="Salé",
    )


def enrolment_of(student) -> Enrolment:
    return Enrolment.objects.get(student=student)


def end_enrolment(student, status: str) -> Enrolment:
    enrolment = enrolment_of(student)
    enrolment.status = status
    enrolment.left_on = enrolment.entered_on
    enrolment.save()
    return enrolment


def transfer_out(cast, student) -> Enrolment:
    """What an accepted transfer leaves behind: the enrolment ended, the file at school A2."""
    enrolment = end_enrolment(student, EnrolmentStatus.TRANSFERRED_OUT)
    Transfer.objects.create(
        student=student,
        school_year=current_year(),
        from_establishment=cast.school_a1,
        to_establishment=cast.school_a2,
        status=TransferStatus.ACCEPTED,
        requested_by=cast.director_a2,
        decided_by=cast.director_a1,
        decided_at=timezone.now(),
        effective_on=enrolment.left_on,
    )
    student.establishment = cast.school_a2
    student.save(update_fields=["establishment"])
    return enrolment


# --- Codes ------------------------------------------------------------------------------------


def test_verification_codes_are_random_unambiguous_and_well_formed():
    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 12
        assert set(code) <= set(ALPHABET)
        assert is_well_formed(code)
    assert not set("0O1IL5S8B2Z") & set(ALPHABET)


def test_codes_are_normalised_formatted_and_code_massar_masked():
    assert normalise_verification_code(" acde-fghj kmnp ") == "ACDEFGHJKMNP"
    assert format_verification_code("ACDEFGHJKMNP") == "ACDE-FGHJ-KMNP"
    assert not is_well_formed("ACDEFGHJKMN")  # 11 characters
    assert not is_well_formed("ACDEFGHJKMN0")  # 0 is not in the alphabet
    assert mask_code_massar("D166027860") == "D1******60"
    assert mask_code_massar("") == ""


# --- Issuing (services) -----------------------------------------------------------------------


def test_a_school_certificate_freezes_what_it_says(cast, pupil):
    cast.director_a1.first_name, cast.director_a1.last_name = "Karim", "Bennani"
    cast.director_a1.first_name_ar, cast.director_a1.last_name_ar = "كريم", "بناني"
    cast.director_a1.save()
    enrolment = enrolment_of(pupil)

    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")

    assert certificate.kind == "school"
    assert certificate.establishment == cast.school_a1
    assert certificate.enrolment == enrolment
    assert certificate.issued_by == cast.director_a1
    assert certificate.revoked_at is None
    assert is_well_formed(certificate.verification_code)
    level, stream, school = enrolment.level, enrolment.stream, cast.school_a1
    assert certificate.content == {
        "version": 1,
        "kind": "school",
        "student": {
            "code_massar": pupil.code_massar,
            "first_name": {"ar": "سلمى", "fr": "Salma"},
            "last_name": {"ar": "الإدريسي", "fr": "El Idrissi"},
            "sex": "F",
            "birth_date": "2009-05-02",
            "birth_place": {"ar": "سلا", "fr": "Salé"},
        },
        "establishment": {
            "code": "11565V",
            "name": {"ar": "ثانوية مولاي يوسف", "fr": "Lycée Moulay Youssef"},
            "commune": {"ar": "الرباط أكدال", "fr": "Rabat-Agdal"},
        },
        "directorate": {
            "code": "0401",
            "name": {"ar": school.directorate.name_ar, "fr": school.directorate.name_fr},
        },
        "academy": {
            "code": "04",
            "name": {"ar": school.academy.name_ar, "fr": school.academy.name_fr},
        },
        "school_year": {"code": current_year().code, "label": current_year().label},
        "level": {"code": "TC", "name": {"ar": level.name_ar, "fr": level.name_fr}},
        "stream": {
            "code": stream.code,
            "name": {"ar": stream.name_ar, "fr": stream.name_fr},
            "is_general": stream.is_general,
        },
        "class_label": "TCS-2",
        "enrolment": {
            "status": "registered",
            "entered_on": enrolment.entered_on.isoformat(),
            "left_on": None,
        },
        "destination": None,
        "issued_by": {"ar": "كريم بناني", "fr": "Karim Bennani"},
        "issued_on": timezone.localdate().isoformat(),
    }
    assert school.academy.name_fr == "Rabat-Salé-Kénitra"
    assert school.directorate.name_fr == "Rabat"


def test_the_content_stays_as_issued_when_the_file_changes(cast, pupil):
    certificate = certificate_issue(actor=cast.staff_a1, student=pupil, kind="school")
    pupil.first_name_fr = "Selma"
    pupil.save()
    certificate.refresh_from_db()
    assert certificate.content["student"]["first_name"]["fr"] == "Salma"
    assert verify_certificate(certificate.verification_code).pupil_name_fr == "Salma El Idrissi"


def test_staff_issue_a_registration_receipt(cast, pupil):
    certificate = certificate_issue(actor=cast.staff_a1, student=pupil, kind="registration_receipt")
    assert (certificate.kind, certificate.establishment, certificate.enrolment) == (
        "registration_receipt",
        cast.school_a1,
        enrolment_of(pupil),
    )
    assert certificate.content["enrolment"]["status"] == "registered"


def test_every_certificate_gets_its_own_code(cast, pupil):
    issued = [
        certificate_issue(actor=cast.director_a1, student=pupil, kind="school") for _ in range(5)
    ]
    assert len({c.verification_code for c in issued}) == 5


def test_the_sending_school_issues_the_leaving_certificate_of_a_transferred_pupil(cast, pupil):
    enrolment = transfer_out(cast, pupil)

    # The transfers call it with the transferred enrolment, exactly so.
    certificate = certificate_issue(
        actor=cast.director_a1, student=pupil, kind="leaving", enrolment=enrolment
    )

    assert (certificate.kind, certificate.establishment, certificate.enrolment) == (
        "leaving",
        cast.school_a1,
        enrolment,
    )
    assert certificate.content["enrolment"]["status"] == "transferred_out"
    assert certificate.content["enrolment"]["left_on"] == enrolment.left_on.isoformat()
    assert certificate.content["destination"] == {
        "code": "12001C",
        "name": {"ar": "الثانوية الإعدادية ابن خلدون", "fr": "Collège Ibn Khaldoun"},
    }
    # The receiving school does not issue the leaving certificate of the school that was left.
    with pytest.raises(PermissionDenied):
        certificate_issue(
            actor=cast.director_a2, student=pupil, kind="leaving", enrolment=enrolment
        )
    assert Certificate.objects.count() == 1


def test_a_leaving_certificate_for_a_pupil_who_left_school(cast, pupil):
    enrolment = end_enrolment(pupil, EnrolmentStatus.LEFT)
    certificate = certificate_issue(actor=cast.staff_a1, student=pupil, kind="leaving")
    assert certificate.enrolment == enrolment
    assert certificate.content["destination"] is None
    assert certificate.content["enrolment"]["status"] == "left"


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("school", EnrolmentStatus.LEFT, "no_active_enrolment"),
        ("school", EnrolmentStatus.TRANSFERRED_OUT, "no_active_enrolment"),
        ("registration_receipt", EnrolmentStatus.LEFT, "no_enrolment"),
        ("leaving", EnrolmentStatus.REGISTERED, "not_left"),
        ("leaving", EnrolmentStatus.PRE_REGISTERED, "not_left"),
    ],
)
def test_a_certificate_needs_the_fitting_enrolment(cast, pupil, kind, status, code):
    if status in (EnrolmentStatus.LEFT, EnrolmentStatus.TRANSFERRED_OUT):
        end_enrolment(pupil, status)
    else:
        Enrolment.objects.filter(student=pupil).update(status=status)
    with pytest.raises(ValidationFailed) as error:
        certificate_issue(actor=cast.director_a1, student=pupil, kind=kind)
    assert error.value.code == code
    assert str(error.value.message)
    assert Certificate.objects.count() == 0


def test_a_school_certificate_is_refused_for_an_enrolment_of_a_past_year(cast, pupil):
    enrolment = enrolment_of(pupil)
    past = type(current_year()).objects.create(
        code="2019-2020", starts_on=date(2019, 9, 1), ends_on=date(2020, 7, 1)
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(school_year=past)
    with pytest.raises(ValidationFailed) as error:
        certificate_issue(actor=cast.director_a1, student=pupil, kind="school", enrolment=enrolment)
    assert error.value.code == "no_active_enrolment"
    assert Certificate.objects.count() == 0


def test_an_enrolment_of_another_pupil_is_refused(cast, pupil):
    other = register(
        cast.director_a1,
        cast.school_a1,
        first_name_ar="عمر",
        first_name_fr="Omar",
        birth_date=date(2010, 1, 9),
    )
    with pytest.raises(ValidationFailed) as error:
        certificate_issue(
            actor=cast.director_a1, student=pupil, kind="school", enrolment=enrolment_of(other)
        )
    assert error.value.code == "enrolment_mismatch"
    assert Certificate.objects.count() == 0


def test_an_unknown_kind_is_refused(cast, pupil):
    with pytest.raises(ValidationFailed) as error:
        certificate_issue(actor=cast.director_a1, student=pupil, kind="diploma")
    assert error.value.code == "certificate_kind"
    assert Certificate.objects.count() == 0


@pytest.mark.parametrize(
    "member",
    [
        "director_a2",
        "director_b1",
        "teacher_a1",
        "parent_a1",
        "student_a1",
        "directorate_officer_a1",
        "academy_officer_a",
        "national_admin",
        "outsider",
    ],
)
def test_only_the_director_and_staff_of_the_school_issue(cast, pupil, member):
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=getattr(cast, member), student=pupil, kind="school")
    assert Certificate.objects.count() == 0


def test_the_issuing_school_revokes_once(cast, pupil):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=cast.director_a2, certificate=certificate)
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=cast.teacher_a1, certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    certificate_revoke(actor=cast.staff_a1, certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    with pytest.raises(ValidationFailed) as error:
        certificate_revoke(actor=cast.director_a1, certificate=certificate)
    assert error.value.code == "already_revoked"


# --- PDF --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "title"),
    [
        ("school", None, "Certificat de scolarité"),
        ("registration_receipt", None, "Récépissé d'inscription"),
        ("leaving", EnrolmentStatus.LEFT, "Certificat de départ"),
    ],
)
def test_the_pdf_carries_the_code_and_the_bilingual_text(cast, pupil, kind, status, title):
    if status:
        end_enrolment(pupil, status)
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind=kind)

    pdf = certificate_pdf(certificate, base_url="https://massar.example.ma")

    assert pdf.startswith(b"%PDF-")
    assert certificate.verification_code.encode() in pdf  # the document's keywords
    if PDFTOTEXT:
        text = pdf_text(pdf)
        assert format_verification_code(certificate.verification_code) in text
        assert f"https://massar.example.ma/verify/{certificate.verification_code}/" in text
        assert pupil.code_massar in text
        assert "Royaume du Maroc" in text
        assert title.upper() in text
        assert "Salma El Idrissi" in text
        assert "Lycée Moulay Youssef" in text
        assert "ANNULÉ" not in pdf_text(pdf, "-raw")
        assert b"revoked" not in pdf
        assert re.search(r"[\u0600-\u06FF]", text)  # Arabic text is there, as text


def test_a_name_full_of_typst_markup_is_printed_as_it_is(cast):
    student = register(
        cast.director_a1,
        cast.school_a1,
        first_name_fr='Y#let x = 1 [*a*] $b$ "c" \\ _d_',
        first_name_ar="يوسف #[x]",
    )
    certificate = certificate_issue(actor=cast.director_a1, student=student, kind="school")
    pdf = certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF-")
    if PDFTOTEXT:
        text = pdf_text(pdf)
        assert '#let x = 1 [*a*] $b$ "c" \\ _d_' in text


def test_a_revoked_certificate_is_marked_on_the_pdf(cast, pupil):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    certificate_revoke(actor=cast.director_a1, certificate=certificate)
    pdf = certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF-")
    assert b"revoked" in pdf  # the document's keywords
    if PDFTOTEXT:
        assert "ANNULÉ" in pdf_text(pdf, "-raw")  # the mark across the page


# --- Pages on the student file ----------------------------------------------------------------


def issue_url(student) -> str:
    return f"/students/{student.code_massar}/certificates/issue/"


def pdf_url(certificate, code=None) -> str:
    code = code or certificate.student.code_massar
    return f"/students/{code}/certificates/{certificate.verification_code}.pdf"


def detail_url(student) -> str:
    return f"/students/{student.code_massar}/?tab=certificates"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def translated(language: str, message: str, **params) -> str:
    """``message`` as a page in ``language`` shows it, with the parameters the code gives."""
    with translation.override(language):
        text = translation.gettext(message)
        return text % {key: str(value) for key, value in params.items()} if params else text


def in_arabic(message: str, **params) -> str:
    return translated("ar", message, **params)


@pytest.mark.parametrize(("member", "language"), [("director_a1", None), ("staff_a1", "fr")])
def test_the_school_issues_a_certificate_from_the_file(
    client, cast, pupil, member, language, django_assert_max_num_queries
):
    client.force_login(getattr(cast, member))
    if language:
        client.cookies["massar_language"] = language
    with django_assert_max_num_queries(30):
        response = client.post(issue_url(pupil), {"kind": "school"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(pupil)
    certificate = Certificate.objects.get()
    assert (certificate.kind, certificate.student, certificate.issued_by) == (
        "school",
        pupil,
        getattr(cast, member),
    )
    # Arabic unless the user chose French; the kind is named in the same language.
    expected = translated(
        language or "ar",
        "%(kind)s issued. Verification code: %(code)s.",
        kind=certificate.get_kind_display(),
        code=format_verification_code(certificate.verification_code),
    )
    assert messages_of(response) == [expected]


@pytest.mark.parametrize("member", ["director_a2", "director_b1", "teacher_a1", "parent_a1"])
def test_other_schools_and_non_records_roles_get_404_on_issue(client, cast, pupil, member):
    client.force_login(getattr(cast, member))
    response = client.post(issue_url(pupil), {"kind": "school"})
    assert response.status_code == 404
    assert Certificate.objects.count() == 0


def test_an_officer_who_may_read_but_not_issue_gets_a_message(client, cast, pupil):
    client.force_login(cast.directorate_officer_a1)
    response = client.post(issue_url(pupil), {"kind": "school"})
    assert response.status_code == 302
    assert messages_of(response) == [
        in_arabic("Only the director and staff of the school can do this.")
    ]
    assert Certificate.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "diploma"}, "Choose a kind of certificate."),
        ({}, "Choose a kind of certificate."),
        (
            {"kind": "leaving"},
            "A leaving certificate is issued once the pupil has left the school "
            "(by transfer or leaving school): this pupil has not left.",
        ),
    ],
)
def test_bad_issue_requests_are_explained(client, cast, pupil, data, message):
    client.force_login(cast.director_a1)
    response = client.post(issue_url(pupil), data)
    assert response.status_code == 302
    assert messages_of(response) == [in_arabic(message)]
    assert Certificate.objects.count() == 0


def test_issue_needs_post_and_login(client, cast, pupil):
    response = client.post(issue_url(pupil), {"kind": "school"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(cast.director_a1)
    assert client.get(issue_url(pupil)).status_code == 405
    assert Certificate.objects.count() == 0


@pytest.mark.parametrize("member", ["director_a1", "staff_a1", "directorate_officer_a1"])
def test_the_pdf_is_downloaded_by_who_may_read_the_file(
    client, cast, pupil, member, django_assert_max_num_queries
):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    user = getattr(cast, member)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(pdf_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="school-{pupil.code_massar}-{certificate.verification_code}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    assert FileRead.objects.filter(student=pupil, user=user).count() == 1
    if PDFTOTEXT:
        assert f"http://testserver/verify/{certificate.verification_code}/" in pdf_text(
            response.content
        )


@pytest.mark.parametrize("member", ["director_a2", "director_b1", "teacher_a1", "parent_a1"])
def test_other_schools_get_404_on_the_pdf(client, cast, pupil, member):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    client.force_login(getattr(cast, member))
    assert client.get(pdf_url(certificate)).status_code == 404


def test_the_pdf_url_must_name_the_right_pupil_and_an_existing_code(client, cast, pupil):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    other = register(
        cast.director_a1, cast.school_a1, first_name_fr="Omar", birth_date=date(2010, 1, 9)
    )
    client.force_login(cast.director_a1)
    assert client.get(pdf_url(certificate, code=other.code_massar)).status_code == 404
    assert (
        client.get(f"/students/{pupil.code_massar}/certificates/ACDEFGHJKMNP.pdf").status_code
        == 404
    )
    assert (
        client.get(f"/students/{pupil.code_massar}/certificates/not-a-code.pdf").status_code == 404
    )


def test_the_sending_school_keeps_its_leaving_certificate_after_the_file_moved(client, cast, pupil):
    enrolment = transfer_out(cast, pupil)
    certificate = certificate_issue(
        actor=cast.director_a1, student=pupil, kind="leaving", enrolment=enrolment
    )
    for member, status in [("director_a1", 200), ("director_a2", 200), ("director_b1", 404)]:
        client.force_login(getattr(cast, member))
        assert client.get(pdf_url(certificate)).status_code == status, member


def test_the_school_revokes_from_the_file(client, cast, pupil):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    url = f"/students/{pupil.code_massar}/certificates/{certificate.verification_code}/revoke/"

    client.force_login(cast.director_b1)
    assert client.post(url).status_code == 404
    client.force_login(cast.directorate_officer_a1)
    response = client.post(url)
    assert messages_of(response) == [
        in_arabic("Only the director and staff of the school can do this.")
    ]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    client.force_login(cast.director_a1)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == detail_url(pupil)
    assert messages_of(response)[-1] == in_arabic(
        "The certificate %(code)s is revoked: the verification page now says so.",
        code=format_verification_code(certificate.verification_code),
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    response = client.post(url)
    assert messages_of(response)[-1] == in_arabic("This certificate is already revoked.")


def test_the_section_lists_certificates_and_offers_the_form_to_the_school(cast, pupil):
    valid = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    revoked = certificate_issue(actor=cast.director_a1, student=pupil, kind="registration_receipt")
    certificate_revoke(actor=cast.director_a1, certificate=revoked)
    request = RequestFactory().get("/")
    context = {"student": pupil, "certificates": list(certificates_of(pupil))}

    html = render_to_string(
        "students/certificates/_section.html", {**context, "can_write": True}, request=request
    )
    assert f'id="certificate-{valid.verification_code}"' in html
    assert f'id="certificate-{revoked.verification_code}"' in html
    assert html.count("certificate-status--valid") == 1
    assert html.count("certificate-status--revoked") == 1
    assert f'id="certificate-revoke-{valid.verification_code}"' in html
    assert f'id="certificate-revoke-{revoked.verification_code}"' not in html
    assert f'href="{pdf_url(valid)}"' in html
    assert 'id="certificate-issue-form"' in html

    html = render_to_string(
        "students/certificates/_section.html", {**context, "can_write": False}, request=request
    )
    assert 'id="certificate-issue-form"' not in html
    assert "certificate-revoke-" not in html
    assert f'href="{pdf_url(valid)}"' in html

    html = render_to_string(
        "students/certificates/_section.html",
        {"student": pupil, "certificates": [], "can_write": True},
        request=request,
    )
    assert 'id="no-certificate"' in html


def test_the_certificates_tab_of_the_file(client, cast, pupil, django_assert_max_num_queries):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(20):
        response = client.get(detail_url(pupil))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="certificate-{certificate.verification_code}"' in html
    assert 'id="certificate-issue-form"' in html


def test_certificates_of_lists_newest_first_in_one_query(cast, pupil, django_assert_num_queries):
    first = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    second = certificate_issue(actor=cast.director_a1, student=pupil, kind="registration_receipt")
    with django_assert_num_queries(1):
        rows = [(c.verification_code, c.establishment.code) for c in certificates_of(pupil)]
    assert rows == [(second.verification_code, "11565V"), (first.verification_code, "11565V")]


# --- Public verification page -----------------------------------------------------------------


def test_the_verification_form_needs_no_login(client, cast):
    response = client.get("/verify/")
    assert response.status_code == 200
    assert 'id="verify-form"' in response.content.decode()


def test_the_form_sends_to_the_code_page(client, cast):
    response = client.get("/verify/", {"code": " acde-fghj-kmnp "})
    assert response.status_code == 302
    assert response["Location"] == "/verify/ACDEFGHJKMNP/"


MALFORMED = "A verification code has %(length)s letters and digits, e.g. ACDE-FGHJ-KMNP."


@pytest.mark.parametrize(
    ("code", "message", "params"),
    [
        ("", "Type the verification code printed on the certificate.", {}),
        ("ABC", MALFORMED, {"length": LENGTH}),
        ("ACDE-FGHJ-KMN0", MALFORMED, {"length": LENGTH}),
    ],
)
def test_a_malformed_code_is_explained_on_the_form(client, cast, code, message, params):
    response = client.get("/verify/", {"code": code})
    assert response.status_code == 400
    html = response.content.decode()
    expected = escape(in_arabic(message, **params))
    assert f'<ul class="errorlist" id="verify-errors"><li>{expected}</li></ul>' in html


def test_a_valid_certificate_shows_the_minimum(client, cast, pupil, django_assert_max_num_queries):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    with django_assert_max_num_queries(2):
        response = client.get(f"/verify/{certificate.verification_code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "verification--valid" in html
    assert format_verification_code(certificate.verification_code) in html
    assert "Salma El Idrissi" in html
    assert "سلمى الإدريسي" in html
    assert mask_code_massar(pupil.code_massar) in html
    assert pupil.code_massar not in html  # never the whole code Massar
    assert "02/05/2009" not in html  # nor the birth date
    assert "Salé" not in html  # nor the birth place
    assert "11565V" in html
    assert current_year().label in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html
    assert 'id="verification-kind"' in html


def test_a_revoked_certificate_says_so(client, cast, pupil):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    certificate_revoke(actor=cast.director_a1, certificate=certificate)
    response = client.get(f"/verify/{certificate.verification_code.lower()}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "verification--revoked" in html
    assert "verification--valid" not in html


@pytest.mark.parametrize("code", ["ACDEFGHJKMNP", "not-a-code", "X" * 80])
def test_an_unknown_code_is_unknown(client, cast, pupil, code, django_assert_max_num_queries):
    certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    with django_assert_max_num_queries(1):
        response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "verification--unknown" in html
    assert "Salma" not in html


def test_a_malformed_code_does_not_reach_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert verify_certificate("<script>").status == "unknown"


def test_lookups_are_limited_per_address(client, cast, settings):
    settings.CERTIFICATE_VERIFY_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/verify/ACDEFGHJKMNP/").status_code == 404
    response = client.get("/verify/ACDEFGHJKMNP/")
    assert response.status_code == 429
    assert 'id="verify-throttled"' in response.content.decode()
    other = client.get("/verify/ACDEFGHJKMNP/", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 404


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_a_pupils_certificates(client, cast, pupil, django_assert_max_num_queries):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    certificate_revoke(actor=cast.director_a1, certificate=certificate)
    newer = certificate_issue(actor=cast.director_a1, student=pupil, kind="registration_receipt")
    headers = bearer(cast.director_a1)
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/students/{pupil.code_massar}/certificates", **headers)
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [(r["kind"], r["verification_code"], r["is_valid"]) for r in rows] == [
        ("registration_receipt", newer.verification_code, True),
        ("school", certificate.verification_code, False),
    ]
    assert rows[0]["establishment"] == "11565V"
    assert rows[0]["school_year"] == current_year().label
    assert rows[0]["revoked_at"] is None
    assert rows[1]["revoked_at"] is not None
    assert rows[0]["verify_url"] == f"/verify/{newer.verification_code}/"


@pytest.mark.parametrize(
    ("member", "status"),
    [
        ("director_a1", 200),
        ("staff_a1", 200),
        ("directorate_officer_a1", 200),
        ("academy_officer_a", 200),
        ("national_admin", 200),
        ("director_a2", 404),
        ("director_b1", 404),
        ("academy_officer_b", 404),
        ("teacher_a1", 404),
        ("parent_a1", 404),
        ("outsider", 404),
    ],
)
def test_the_api_list_is_scoped(client, cast, pupil, member, status):
    certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    response = client.get(
        f"/api/v1/students/{pupil.code_massar}/certificates", **bearer(getattr(cast, member))
    )
    if status == 404:
        assert_error(response, 404, "not_found")
    else:
        assert response.status_code == 200
        assert len(response.json()) == 1


def test_the_api_needs_a_token_except_to_verify(client, cast, pupil):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    assert_error(
        client.get(f"/api/v1/students/{pupil.code_massar}/certificates"), 401, "unauthenticated"
    )
    assert_error(
        client.get(
            f"/api/v1/students/{pupil.code_massar}/certificates/{certificate.verification_code}/pdf"
        ),
        401,
        "unauthenticated",
    )
    assert (
        client.get(f"/api/v1/certificates/verify/{certificate.verification_code}").status_code
        == 200
    )


def test_the_api_gives_the_pdf_in_scope_only(client, cast, pupil, django_assert_max_num_queries):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    url = f"/api/v1/students/{pupil.code_massar}/certificates/{certificate.verification_code}/pdf"
    headers = bearer(cast.staff_a1)
    with django_assert_max_num_queries(12):
        response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    for member in ["director_a2", "director_b1", "teacher_a1", "outsider"]:
        assert_error(client.get(url, **bearer(getattr(cast, member))), 404, "not_found")
    wrong = f"/api/v1/students/{pupil.code_massar}/certificates/ACDEFGHJKMNP/pdf"
    assert_error(client.get(wrong, **headers), 404, "not_found")


def test_the_public_api_check(client, cast, pupil):
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    url = f"/api/v1/certificates/verify/{format_verification_code(certificate.verification_code)}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {
        "status": "valid",
        "verification_code": certificate.verification_code,
        "kind": "school",
        "pupil_name_ar": "سلمى الإدريسي",
        "pupil_name_fr": "Salma El Idrissi",
        "code_massar_masked": mask_code_massar(pupil.code_massar),
        "establishment_code": "11565V",
        "establishment_name_ar": "ثانوية مولاي يوسف",
        "establishment_name_fr": "Lycée Moulay Youssef",
        "school_year": current_year().label,
        "issued_on": timezone.localdate().isoformat(),
        "revoked_at": None,
    }
    certificate_revoke(actor=cast.director_a1, certificate=certificate)
    body = client.get(url).json()
    assert body["status"] == "revoked"
    assert body["revoked_at"] is not None
    assert_error(client.get("/api/v1/certificates/verify/ACDEFGHJKMNP"), 404, "not_found")
    assert_error(client.get("/api/v1/certificates/verify/nonsense"), 404, "not_found")


def test_the_public_api_check_is_limited(client, cast, settings):
    settings.CERTIFICATE_VERIFY_PER_MINUTE = 2
    for _ in range(2):
        assert_error(client.get("/api/v1/certificates/verify/ACDEFGHJKMNP"), 404, "not_found")
    assert_error(client.get("/api/v1/certificates/verify/ACDEFGHJKMNP"), 429, "too_many_requests")


def test_issued_on_is_today_not_the_enrolment_date(cast, pupil):
    Enrolment.objects.filter(student=pupil).update(
        entered_on=timezone.localdate() - timedelta(days=30)
    )
    certificate = certificate_issue(actor=cast.director_a1, student=pupil, kind="school")
    assert certificate.content["issued_on"] == timezone.localdate().isoformat()
    assert (
        certificate.content["enrolment"]["entered_on"]
        == (timezone.localdate() - timedelta(days=30)).isoformat()
    )
