"""Online pre-registration: parent accounts with a verified contact, requests during the window,
the school's review queue and decisions, and the messages sent to the parent in their language."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.html import escape

from massar.accounts.models import ContactVerification, Role, RoleAssignment, User
from massar.accounts.verification import (
    MAX_ATTEMPTS,
    contact_verification_check,
    contact_verification_start,
    is_contact_verified,
)
from massar.core.channels import console_outbox
from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.curriculum.models import Level
from massar.students import preregistration as prereg
from massar.students.models import (
    DuplicateConfirmation,
    Enrolment,
    LevelAgeRule,
    PreRegistration,
    PreRegistrationStatus,
    RegistrationCalendar,
    Student,
    StudentDocument,
)
from massar.students.services import LikelyDuplicate, student_register
from massar.students.tests.factories import placement, student_data
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REFERENCE = re.compile(r"^PR-[0-9]{2}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$")
PASSWORD = "a-long-pass-phrase-42"


def translated(language: str, message: str, **params) -> str:
    """``message`` as a page in ``language`` shows it (HTML-escaped), with the code's parameters;
    the parameters are turned into text in that language too (level names, file sizes)."""
    with translation.override(language):
        text = translation.gettext(message)
        if params:
            text = text % {key: str(value) for key, value in params.items()}
    return escape(text)


def in_arabic(message: str, **params) -> str:
    return translated("ar", message, **params)


def field_error(name: str, message: str) -> str:
    """A field's error as Django renders it under the field."""
    return f'<ul class="errorlist" id="id_{name}_error"><li>{message}</li></ul>'


size_text = lazy(filesizeformat, str)  # a file size in the language active when it is shown


def pdf(name="acte-naissance.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def born(age: int) -> date:
    """A birth date giving ``age`` on the cut-off date the window fixture sets (31 December)."""
    return date(timezone.localdate().year - age, 3, 10)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def console(settings):
    settings.CONTACT_CHANNEL_BACKENDS = {
        "email": "massar.core.channels.ConsoleChannel",
        "phone": "massar.core.channels.ConsoleChannel",
    }
    console_outbox.clear()
    yield
    console_outbox.clear()


@pytest.fixture
def window(cast):
    """The current year's online window open around today; ages counted on 31 December."""
    today = timezone.localdate()
    calendar = RegistrationCalendar.objects.get(school_year__is_current=True)
    calendar.preregistration_opens_on = today - timedelta(days=3)
    calendar.preregistration_closes_on = today + timedelta(days=20)
    calendar.review_closes_on = today + timedelta(days=40)
    calendar.age_cutoff_date = date(today.year, 12, 31)
    calendar.save()
    return calendar


def make_parent(capture, *, phone="0661234567", email="", language="fr") -> User:
    """A parent account whose phone (or e-mail) is verified with the code it received."""
    with capture(execute=True):
        user = prereg.parent_signup(
            data=prereg.ParentSignup(
                first_name_ar="فاطمة",
                last_name_ar="الزهراء",
                first_name_fr="Fatima",
                last_name_fr="Zahra",
                phone=phone,
                email=email,
                preferred_language=language,
                password="a-long-pass-phrase-42",
            )
        )
    code = re.search(r"\b([0-9]{6})\b", console_outbox[-1]["body"]).group(1)
    contact_verification_check(user=user, code=code)
    return user


@pytest.fixture
def parent(django_capture_on_commit_callbacks):
    return make_parent(django_capture_on_commit_callbacks)


def request_data(**overrides) -> prereg.PreRegistrationData:
    values = {
        "first_name_ar": "آدم",
        "last_name_ar": "الزهراء",
        "first_name_fr": "Adam",
        "last_name_fr": "Zahra",
        "sex": "M",
        "birth_date": born(6),
        "birth_place_ar": "وجدة",
        "birth_place_fr": "Oujda",
        "guardian_relationship": "mother",
        "guardian_first_name_ar": "فاطمة",
        "guardian_last_name_ar": "الزهراء",
        "guardian_first_name_fr": "Fatima",
        "guardian_last_name_fr": "Zahra",
        "guardian_cin": "fb123456",
        "guardian_phone": "0661234567",
    }
    values.update(overrides)
    return prereg.PreRegistrationData(**values)


def submit(parent, school, *, level="1AP", upload=None, **overrides) -> PreRegistration:
    return prereg.preregistration_submit(
        parent=parent,
        data=request_data(**overrides),
        level=Level.objects.get(code=level),
        establishment=school,
        birth_certificate=upload or pdf(),
    )


def form_post(school, **overrides) -> dict:
    values = {
        "last_name_ar": "الزهراء",
        "first_name_ar": "آدم",
        "last_name_fr": "Zahra",
        "first_name_fr": "Adam",
        "sex": "M",
        "birth_date": born(6).isoformat(),
        "birth_place_ar": "وجدة",
        "birth_place_fr": "Oujda",
        "civil_record_number": "1234/2019",
        "address": "12 rue des Orangers, Beni Drar",
        "guardian_relationship": "mother",
        "guardian_last_name_ar": "الزهراء",
        "guardian_first_name_ar": "فاطمة",
        "guardian_last_name_fr": "Zahra",
        "guardian_first_name_fr": "Fatima",
        "guardian_cin": "FB123456",
        "guardian_phone": "0661234567",
        "guardian_email": "",
        "guardian_profession": "Infirmière",
        "level": "1AP",
        "commune": school.commune.code,
        "establishment": school.code,
        "birth_certificate": pdf(),
    }
    values.update(overrides)
    return values


# --- The whole path -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "child", "school_name"),
    [("fr", "Adam Zahra", "École Al Massira"), ("ar", "آدم الزهراء", "مجموعة مدارس المسيرة")],
)
def test_a_parent_signs_up_verifies_submits_and_the_school_accepts(
    client, cast, window, django_capture_on_commit_callbacks, language, child, school_name
):
    # Sign up (no role), the code arrives on the phone.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("students:preregistration_signup"),
            {
                "last_name_ar": "الزهراء",
                "first_name_ar": "فاطمة",
                "last_name_fr": "Zahra",
                "first_name_fr": "Fatima",
                "phone": "+212 661 234 567",
                "email": "",
                "cin": "fb123456",
                "preferred_language": language,
                "password1": "a-long-pass-phrase-42",
                "password2": "a-long-pass-phrase-42",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("students:preregistration_verify")
    parent = User.objects.get(username="0661234567")
    assert parent.preferred_language == language
    assert not RoleAssignment.objects.filter(user=parent).exists()
    assert [m["destination"] for m in console_outbox] == ["0661234567"]
    with translation.override(language):
        expected_subject = translation.gettext("Your Massar verification code")
    assert console_outbox[0]["subject"] == expected_subject
    code = re.search(r"\b([0-9]{6})\b", console_outbox[0]["body"]).group(1)
    assert ContactVerification.objects.get(user=parent).code_digest != code

    # Verify the code.
    response = client.post(
        reverse("students:preregistration_verify"), {"action": "check", "code": code}
    )
    assert response["Location"] == reverse("students:preregistration_new")
    assert is_contact_verified(parent)

    # The request form is prefilled from the account (and the CIN typed at sign-up).
    content = client.get(reverse("students:preregistration_new")).content.decode()
    assert 'name="guardian_first_name_fr" value="Fatima"' in content
    assert 'name="guardian_cin" value="FB123456"' in content
    assert 'name="guardian_phone" value="0661234567"' in content

    response = client.post(reverse("students:preregistration_new"), form_post(cast.school_b1))
    assert response.status_code == 302
    assert response["Location"] == reverse("students:preregistration_mine")
    request = PreRegistration.objects.get(parent=parent)
    assert REFERENCE.match(request.reference)
    assert (request.status, request.establishment, request.level.code) == (
        "submitted",
        cast.school_b1,
        "1AP",
    )
    assert request.birth_certificate_type == "application/pdf"
    assert request.school_year == window.school_year

    # The school accepts.
    console_outbox.clear()
    client.force_login(cast.director_b1)
    queue = client.get(reverse("students:preregistration_queue")).content.decode()
    assert request.reference in queue
    review = client.get(reverse("students:preregistration_review", args=[request.reference]))
    assert review.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("students:preregistration_accept", args=[request.reference]))
    assert response.status_code == 302
    request.refresh_from_db()
    student = request.student
    assert request.status == "accepted"
    assert request.reviewed_by == cast.director_b1
    assert re.match(r"^[A-Z][0-9]{9}$", student.code_massar)
    enrolment = Enrolment.objects.get(student=student)
    assert (enrolment.establishment, enrolment.level.code, enrolment.status) == (
        cast.school_b1,
        "1AP",
        "registered",
    )
    guardian = student.guardians.get()
    assert (guardian.user, guardian.relationship, guardian.cin, guardian.is_contact) == (
        parent,
        "mother",
        "FB123456",
        True,
    )
    assert guardian.preferred_language == language
    assert RoleAssignment.objects.filter(
        user=parent, role=Role.PARENT, establishment=cast.school_b1
    ).exists()
    document = StudentDocument.objects.get(student=student)
    assert (document.kind, document.content_type) == ("birth_certificate", "application/pdf")

    # The parent is told, in their language, on the phone they proved.
    assert len(console_outbox) == 1
    message = console_outbox[0]
    assert message["destination"] == "0661234567"
    with translation.override(language):
        expected = translation.gettext(
            "Your request %(reference)s for %(child)s at %(school)s was accepted: code "
            "Massar %(code)s."
        ) % {
            "reference": request.reference,
            "child": child,
            "school": school_name,
            "code": student.code_massar,
        }
    assert message["body"] == expected
    assert child in message["body"]
    assert school_name in message["body"]

    # The parent sees "accepted" and the code.
    client.force_login(parent)
    content = client.get(reverse("students:preregistration_mine")).content.decode()
    assert 'data-status="accepted"' in content
    assert student.code_massar in content


# --- Parent account and code ----------------------------------------------------------------


def test_signup_needs_a_phone_or_an_email_and_the_same_password_twice(client, cast):
    response = client.post(
        reverse("students:preregistration_signup"),
        {
            "last_name_ar": "الزهراء",
            "first_name_ar": "فاطمة",
            "last_name_fr": "Zahra",
            "first_name_fr": "Fatima",
            "cin": "FB123456",
            "preferred_language": "fr",
            "password1": "a-long-pass-phrase-42",
            "password2": "another-pass-phrase-42",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    expected = in_arabic("Give a phone number or an e-mail address (or both).")
    assert f'id="signup-error"><p>{expected}</p></div>' in content
    assert User.objects.filter(last_name="Zahra").count() == 0


def test_signup_refuses_a_phone_already_used_and_a_malformed_cin(client, cast, parent):
    response = client.post(
        reverse("students:preregistration_signup"),
        {
            "last_name_ar": "الزهراء",
            "first_name_ar": "فاطمة",
            "last_name_fr": "Zahra",
            "first_name_fr": "Fatima",
            "phone": "0661234567",
            "cin": "123",
            "preferred_language": "ar",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert (
        field_error(
            "phone",
            in_arabic(
                "An account already uses this phone number or e-mail address: log in instead."
            ),
        )
        in content
    )
    assert (
        field_error(
            "cin",
            in_arabic(
                "A national identity card number is one or two letters followed by digits, "
                "e.g. AB123456."
            ),
        )
        in content
    )
    assert User.objects.filter(username="0661234567").count() == 1


def test_signup_with_an_email_only_uses_it_as_username(client, cast):
    client.post(
        reverse("students:preregistration_signup"),
        {
            "last_name_ar": "بناني",
            "first_name_ar": "سعيد",
            "last_name_fr": "Bennani",
            "first_name_fr": "Said",
            "email": "Said.Bennani@Example.ma",
            "cin": "A99887",
            "preferred_language": "ar",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )
    user = User.objects.get(username="said.bennani@example.ma")
    verification = ContactVerification.objects.get(user=user)
    assert (verification.channel, verification.destination) == ("email", user.email)


def test_a_wrong_code_counts_and_the_attempts_are_limited(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = prereg.parent_signup(
            data=prereg.ParentSignup(
                first_name_ar="فاطمة",
                last_name_ar="الزهراء",
                first_name_fr="Fatima",
                last_name_fr="Zahra",
                phone="0661234567",
                email="",
                preferred_language="fr",
                password="a-long-pass-phrase-42",
            )
        )
    right = re.search(r"\b([0-9]{6})\b", console_outbox[-1]["body"]).group(1)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed) as error:
            contact_verification_check(user=user, code=wrong)
        assert error.value.code == "wrong_code"
        assert ContactVerification.objects.get(user=user).attempts == attempt
    with pytest.raises(ValidationFailed) as error:
        contact_verification_check(user=user, code=wrong)
    assert error.value.code == "too_many_attempts"
    with pytest.raises(ValidationFailed) as error:
        contact_verification_check(user=user, code=right)  # too late, even the right one
    assert error.value.code == "too_many_attempts"
    assert not is_contact_verified(user)


def test_an_expired_code_is_refused(django_capture_on_commit_callbacks, cast):
    user = cast.outsider
    with django_capture_on_commit_callbacks(execute=True):
        contact_verification_start(user=user, channel="phone", destination="0677777777")
    code = re.search(r"\b([0-9]{6})\b", console_outbox[-1]["body"]).group(1)
    ContactVerification.objects.filter(user=user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ValidationFailed) as error:
        contact_verification_check(user=user, code=code)
    assert error.value.code == "expired"
    assert not is_contact_verified(user)


def test_a_new_code_replaces_the_old_one_but_not_within_a_minute(
    django_capture_on_commit_callbacks, cast
):
    user = cast.outsider
    with django_capture_on_commit_callbacks(execute=True):
        contact_verification_start(user=user, channel="phone", destination="0677777777")
    first = re.search(r"\b([0-9]{6})\b", console_outbox[-1]["body"]).group(1)
    with pytest.raises(ValidationFailed) as error:
        contact_verification_start(user=user, channel="phone", destination="0677777777")
    assert error.value.code == "too_soon"
    ContactVerification.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        contact_verification_start(user=user, channel="email", destination="A@Example.ma")
    assert console_outbox[-1]["destination"] == "a@example.ma"
    second = re.search(r"\b([0-9]{6})\b", console_outbox[-1]["body"]).group(1)
    if first != second:
        with pytest.raises(ValidationFailed):
            contact_verification_check(user=user, code=first)
    contact_verification_check(user=user, code=second)
    assert prereg.verified_contacts(user) == [("email", "a@example.ma")]


def test_the_code_is_not_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks, cast
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        contact_verification_start(user=cast.outsider, channel="phone", destination="0677777777")
    assert console_outbox == []
    assert len(callbacks) == 1


def test_the_verify_page_shows_a_wrong_code(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("students:preregistration_verify"),
            {"action": "send", "channel": "phone", "destination": "0677777777"},
        )
    assert response.status_code == 302
    response = client.post(
        reverse("students:preregistration_verify"), {"action": "check", "code": "abc"}
    )
    assert response.status_code == 400
    assert (
        field_error("code", in_arabic("This code is not right. Attempts left: %(left)s.", left=4))
        in response.content.decode()
    )


# --- Submission rules -----------------------------------------------------------------------


def test_an_unverified_account_cannot_submit(client, cast, window):
    with pytest.raises(PermissionDenied):
        submit(cast.outsider, cast.school_b1)
    client.force_login(cast.outsider)
    response = client.get(reverse("students:preregistration_new"))
    assert response["Location"] == reverse("students:preregistration_verify")
    response = client.post(reverse("students:preregistration_new"), form_post(cast.school_b1))
    assert response["Location"] == reverse("students:preregistration_verify")
    assert not PreRegistration.objects.exists()


def test_outside_the_window_there_is_no_form_and_no_request(client, cast, parent):
    today = timezone.localdate()
    RegistrationCalendar.objects.filter(school_year__is_current=True).update(
        preregistration_opens_on=today - timedelta(days=60),
        preregistration_closes_on=today - timedelta(days=30),
    )
    with pytest.raises(ValidationFailed) as error:
        submit(parent, cast.school_b1)
    assert error.value.code == "window_closed"
    client.force_login(parent)
    for response in (
        client.get(reverse("students:preregistration_new")),
        client.post(reverse("students:preregistration_new"), form_post(cast.school_b1)),
    ):
        content = response.content.decode()
        assert 'id="preregistration-closed"' in content
        assert 'id="request-form"' not in content
    assert not PreRegistration.objects.exists()


@pytest.mark.parametrize(
    ("age", "level", "language"), [(5, "1AP", "ar"), (9, "1AP", "fr"), (3, "PS1", "ar")]
)
def test_a_child_too_young_or_too_old_is_refused(
    client, cast, window, parent, age, level, language
):
    school = EstablishmentFactory(commune=cast.school_b1.commune, cycles=["preschool", "primary"])
    with pytest.raises(ValidationFailed) as error:
        submit(parent, school, level=level, birth_date=born(age))
    assert error.value.code == "age_out_of_range"
    if language == "fr":
        # The parent prefers French: logging in through the page switches the pages to it.
        assert parent.preferred_language == "fr"
        login = client.post(reverse("login"), {"username": parent.username, "password": PASSWORD})
        assert login.status_code == 302
    else:
        client.force_login(parent)  # no language chosen: Arabic
    response = client.post(
        reverse("students:preregistration_new"),
        form_post(school, level=level, birth_date=born(age).isoformat()),
    )
    assert response.status_code == 400
    rule = LevelAgeRule.objects.get(school_year=window.school_year, level__code=level)
    expected = translated(
        language,
        "On %(date)s the child will be %(age)s years old; %(level)s takes pupils aged "
        "%(min)s to %(max)s.",
        date=window.age_cutoff_date.strftime("%d/%m/%Y"),
        age=age,
        level=rule.level,  # its name in the page's language
        min=rule.min_age,
        max=rule.max_age,
    )
    assert field_error("birth_date", expected) in response.content.decode()
    assert not PreRegistration.objects.exists()


def test_a_birth_date_in_the_future_is_refused(client, cast, window, parent):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as error:
        submit(parent, cast.school_b1, birth_date=tomorrow)
    assert error.value.code == "birth_date_future"
    client.force_login(parent)
    response = client.post(
        reverse("students:preregistration_new"),
        form_post(cast.school_b1, birth_date=tomorrow.isoformat()),
    )
    assert response.status_code == 400
    assert (
        field_error("birth_date", in_arabic("The birth date is in the future."))
        in response.content.decode()
    )
    assert not PreRegistration.objects.exists()


@pytest.mark.parametrize(
    ("upload", "code", "message", "params"),
    [
        (
            pdf("acte.docx", b"PK\x03\x04 a word file"),
            "file_type",
            "Send a PDF, JPEG or PNG file.",
            {},
        ),
        (
            pdf("acte.pdf", PDF + b"x" * 2048),
            "file_too_large",
            "The file is too large (%(size)s); the limit is %(limit)s.",
            {"size": size_text(len(PDF) + 2048), "limit": size_text(1024)},
        ),
        (pdf("acte.pdf", b""), "file_empty", "The file is empty.", {}),
    ],
)
def test_a_wrong_or_too_large_file_is_refused(
    client, cast, window, parent, settings, upload, code, message, params
):
    settings.STUDENT_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as error:
        submit(parent, cast.school_b1, upload=upload)
    assert error.value.code == code
    upload.seek(0)
    client.force_login(parent)
    response = client.post(
        reverse("students:preregistration_new"),
        form_post(cast.school_b1, birth_certificate=SimpleUploadedFile(upload.name, upload.read())),
    )
    assert response.status_code == 400
    expected = in_arabic(message, **params)
    assert f'id="request-error"><p>{expected}</p></div>' in response.content.decode()
    assert not PreRegistration.objects.exists()


def test_a_png_is_accepted(cast, window, parent):
    request = submit(parent, cast.school_b1, upload=pdf("acte.png", PNG, "image/png"))
    assert request.birth_certificate_type == "image/png"
    assert request.birth_certificate.name.endswith(".png")
    assert "acte" not in request.birth_certificate.name  # the parent's file name is not kept


def test_a_second_open_request_for_the_same_child_is_refused(cast, window, parent):
    first = submit(parent, cast.school_b1)
    with pytest.raises(ValidationFailed) as error:
        # Another spelling of the same names, another school.
        submit(parent, cast.satellite_b1, first_name_fr="Adame", last_name_fr="Zahraa")
    assert error.value.code == "already_requested"
    assert first.reference in str(error.value.message)
    # A twin sister (another name, the same birth date) may be asked for.
    submit(parent, cast.school_b1, first_name_ar="سارة", first_name_fr="Sara", sex="F")
    assert PreRegistration.objects.filter(parent=parent).count() == 2


def test_after_a_refusal_the_parent_may_ask_again(cast, window, parent):
    first = submit(parent, cast.school_b1)
    prereg.preregistration_reject(actor=cast.director_b1, request=first, reason="Complet")
    second = submit(parent, cast.satellite_b1)
    assert second.reference != first.reference


def test_a_child_who_already_has_a_file_is_sent_to_the_school(cast, window, parent):
    student_register(
        actor=cast.director_b1,
        data=student_data(
            first_name_ar="آدم",
            last_name_ar="الزهراء",
            first_name_fr="Adam",
            last_name_fr="Zahra",
            birth_date=born(6),
            guardians=[],
        ),
        placement=placement(cast.school_b1, "1AP"),
    )
    with pytest.raises(ValidationFailed) as error:
        submit(parent, cast.school_b1)
    assert error.value.code == "child_has_file"
    assert not PreRegistration.objects.exists()


def test_only_public_schools_teaching_the_level_are_offered(client, cast, window, parent):
    commune = cast.school_b1.commune
    private = EstablishmentFactory(commune=commune, sector="private", cycles=["primary"])
    preschool = EstablishmentFactory(commune=commune, cycles=["preschool"])
    client.force_login(parent)
    response = client.get(
        reverse("students:preregistration_establishments"),
        {"commune": commune.code, "level": "1AP"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert f'value="{cast.school_b1.code}"' in content
    assert f'value="{cast.satellite_b1.code}"' in content
    assert f'value="{private.code}"' not in content
    assert f'value="{preschool.code}"' not in content
    assert "<html" not in content
    with pytest.raises(ValidationFailed) as error:
        submit(parent, private)
    assert error.value.code == "school_not_open"
    with pytest.raises(ValidationFailed) as error:
        submit(parent, cast.school_b1, level="2AP", birth_date=born(7))
    assert error.value.code == "level_not_open"


# --- School review --------------------------------------------------------------------------


@pytest.fixture
def pending(cast, window, parent):
    return submit(parent, cast.school_b1)


@pytest.mark.parametrize("member", ["director_b1"])
def test_the_school_sees_its_queue_and_the_birth_certificate(client, cast, pending, member):
    client.force_login(getattr(cast, member))
    content = client.get(reverse("students:preregistration_queue")).content.decode()
    assert f'id="queue-{pending.reference}"' in content
    response = client.get(
        reverse("students:preregistration_birth_certificate", args=[pending.reference])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("member", ["director_a1", "director_a2", "staff_a1"])
def test_another_schools_director_gets_404(client, cast, pending, member):
    client.force_login(getattr(cast, member))
    queue = client.get(reverse("students:preregistration_queue"))
    assert queue.status_code == 200
    assert pending.reference not in queue.content.decode()
    for name in ("preregistration_review", "preregistration_birth_certificate"):
        assert client.get(reverse(f"students:{name}", args=[pending.reference])).status_code == 404
    for name in (
        "preregistration_accept",
        "preregistration_reject",
        "preregistration_request_document",
    ):
        response = client.post(
            reverse(f"students:{name}", args=[pending.reference]), {"reason": "x"}
        )
        assert response.status_code == 404
    with pytest.raises(NotFound):
        prereg.access_preregistration_for_review(
            actor=getattr(cast, member), reference=pending.reference
        )
    pending.refresh_from_db()
    assert pending.status == "submitted"


@pytest.mark.parametrize(
    "member", ["teacher_a1", "parent_a1", "outsider", "directorate_officer_b1"]
)
def test_teachers_and_parents_have_no_queue(client, cast, pending, member):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("students:preregistration_queue")).status_code == 404
    response = client.get(reverse("students:preregistration_review", args=[pending.reference]))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        prereg.preregistration_accept(actor=getattr(cast, member), request=pending)
    assert not Student.objects.exists()


def test_the_parent_who_asked_cannot_review_their_own_request(client, cast, pending):
    client.force_login(pending.parent)
    assert client.get(reverse("students:preregistration_queue")).status_code == 404
    response = client.post(reverse("students:preregistration_accept", args=[pending.reference]))
    assert response.status_code == 404


def test_a_refusal_needs_a_reason(client, cast, pending):
    client.force_login(cast.director_b1)
    response = client.post(
        reverse("students:preregistration_reject", args=[pending.reference]), {"reason": "  "}
    )
    assert response.status_code == 400
    assert 'id="reject-form"' in response.content.decode()
    with pytest.raises(ValidationFailed) as error:
        prereg.preregistration_reject(actor=cast.director_b1, request=pending, reason=" \n ")
    assert error.value.code == "reason_required"
    pending.refresh_from_db()
    assert (pending.status, pending.school_note, pending.reviewed_by) == ("submitted", "", None)


def test_a_refusal_is_sent_to_the_parent_with_the_reason(
    client, cast, pending, django_capture_on_commit_callbacks
):
    console_outbox.clear()
    client.force_login(cast.director_b1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("students:preregistration_reject", args=[pending.reference]),
            {"reason": "Plus de place en 1re année."},
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.school_note) == ("rejected", "Plus de place en 1re année.")
    assert [m["destination"] for m in console_outbox] == ["0661234567"]
    assert "Plus de place en 1re année." in console_outbox[0]["body"]
    assert "Adam Zahra" in console_outbox[0]["body"]
    with pytest.raises(ValidationFailed) as error:
        prereg.preregistration_accept(actor=cast.director_b1, request=pending)
    assert error.value.code == "already_decided"


def test_a_document_is_asked_for_and_sent_again(
    client, cast, pending, django_capture_on_commit_callbacks
):
    console_outbox.clear()
    client.force_login(cast.director_b1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("students:preregistration_request_document", args=[pending.reference]),
            {"note": "L'acte de naissance est illisible."},
        )
    pending.refresh_from_db()
    assert pending.status == "document_requested"
    assert "L'acte de naissance est illisible." in console_outbox[-1]["body"]

    client.force_login(pending.parent)
    page = client.get(reverse("students:preregistration_detail", args=[pending.reference]))
    assert 'id="resubmit-form"' in page.content.decode()
    response = client.post(
        reverse("students:preregistration_detail", args=[pending.reference]),
        {"upload": pdf("scan.png", PNG, "image/png")},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.birth_certificate_type, pending.school_note) == (
        "submitted",
        "image/png",
        "",
    )
    with pytest.raises(ValidationFailed) as error:
        prereg.preregistration_resubmit_document(
            parent=pending.parent, request=pending, upload=pdf()
        )
    assert error.value.code == "not_requested"


def test_a_document_request_needs_a_note(client, cast, pending):
    client.force_login(cast.director_b1)
    response = client.post(
        reverse("students:preregistration_request_document", args=[pending.reference]),
        {"note": ""},
    )
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "submitted"


def test_another_parent_cannot_see_or_answer_a_request(
    client, cast, pending, django_capture_on_commit_callbacks
):
    other = make_parent(django_capture_on_commit_callbacks, phone="0700000000")
    client.force_login(other)
    url = reverse("students:preregistration_detail", args=[pending.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"upload": pdf()}).status_code == 404
    assert (
        pending.reference
        not in client.get(reverse("students:preregistration_mine")).content.decode()
    )
    with pytest.raises(NotFound):
        prereg.preregistration_resubmit_document(parent=other, request=pending, upload=pdf())


def test_a_likely_duplicate_is_shown_and_the_director_confirms_with_a_reason(client, cast, pending):
    existing = student_register(
        actor=cast.director_b1,
        data=student_data(
            first_name_ar="آدم",
            last_name_ar="الزهراء",
            first_name_fr="Adam",
            last_name_fr="Zahra",
            birth_date=pending.birth_date,
            guardians=[],
        ),
        placement=placement(cast.satellite_b1, "1AP"),
    )
    client.force_login(cast.director_b1)
    review = client.get(reverse("students:preregistration_review", args=[pending.reference]))
    content = review.content.decode()
    assert 'id="review-duplicates"' in content
    assert existing.code_massar in content
    response = client.post(reverse("students:preregistration_accept", args=[pending.reference]))
    assert response.status_code == 409
    assert 'id="review-error"' in response.content.decode()
    with pytest.raises(LikelyDuplicate):
        prereg.preregistration_accept(actor=cast.director_b1, request=pending)
    response = client.post(
        reverse("students:preregistration_accept", args=[pending.reference]),
        {"duplicate_reason": "Homonyme : autres parents, acte de naissance vérifié."},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    confirmation = DuplicateConfirmation.objects.get(student=pending.student)
    assert confirmation.candidate_codes == [existing.code_massar]


def test_the_queue_filters_by_status(client, cast, window, pending, parent):
    other = submit(parent, cast.school_b1, first_name_ar="سارة", first_name_fr="Sara", sex="F")
    prereg.preregistration_reject(actor=cast.director_b1, request=other, reason="Complet")
    client.force_login(cast.director_b1)
    content = client.get(
        reverse("students:preregistration_queue"), {"status": "rejected"}
    ).content.decode()
    assert f'id="queue-{other.reference}"' in content
    assert f'id="queue-{pending.reference}"' not in content


SIBLINGS = [
    ("سارة", "Sara"),
    ("يوسف", "Youssef"),
    ("مريم", "Meryem"),
    ("عمر", "Omar"),
    ("خديجة", "Khadija"),
    ("إدريس", "Driss"),
    ("ليلى", "Laila"),
    ("حمزة", "Hamza"),
    ("نور", "Nour"),
    ("بلال", "Bilal"),
    ("هدى", "Houda"),
    ("سعد", "Saad"),
]


def test_queue_queries_do_not_grow_with_requests(
    client, cast, window, parent, django_assert_max_num_queries
):
    for index, (arabic, latin) in enumerate(SIBLINGS):
        submit(
            parent,
            cast.school_b1 if index % 2 else cast.satellite_b1,
            first_name_ar=arabic,
            first_name_fr=latin,
        )
    client.force_login(cast.director_b1)
    client.get(reverse("students:preregistration_queue"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("students:preregistration_queue"))
    assert response.content.decode().count('id="queue-PR-') == 12
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse(
                "students:preregistration_review",
                args=[PreRegistration.objects.first().reference],
            )
        )
    assert response.status_code == 200
    client.force_login(parent)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("students:preregistration_mine"))
    assert response.content.decode().count('class="card prereg-item"') == 12


def test_the_mine_page_is_bounded_and_the_form_page_too(
    client, cast, window, parent, django_assert_max_num_queries
):
    client.force_login(parent)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("students:preregistration_new"))
    assert response.status_code == 200
    assert 'id="request-form"' in response.content.decode()


# --- Navigation and login page --------------------------------------------------------------


def test_the_login_page_links_to_the_sign_up(client):
    content = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("students:preregistration_signup")}" id="login-signup"' in content


def test_navigation_offers_the_right_links(client, cast, window, parent):
    client.force_login(cast.outsider)  # no role: may be a parent signing up
    assert 'id="nav-my-preregistrations"' in client.get("/").content.decode()
    client.force_login(cast.director_b1)
    content = client.get("/").content.decode()
    assert 'id="nav-preregistrations"' in content
    assert 'id="nav-my-preregistrations"' not in content
    client.force_login(cast.teacher_a1)
    content = client.get("/").content.decode()
    assert 'id="nav-preregistrations"' not in content
    assert 'id="nav-my-preregistrations"' not in content
    submit(parent, cast.school_b1)
    request = PreRegistration.objects.get()
    prereg.preregistration_accept(actor=cast.director_b1, request=request)
    client.force_login(parent)  # now a parent with a role, who owns a request
    assert 'id="nav-my-preregistrations"' in client.get("/").content.decode()


def test_accepting_gives_the_parent_role_once(cast, window, parent):
    first = submit(parent, cast.school_b1)
    second = submit(parent, cast.school_b1, first_name_ar="سارة", first_name_fr="Sara", sex="F")
    prereg.preregistration_accept(actor=cast.director_b1, request=first)
    prereg.preregistration_accept(actor=cast.director_b1, request=second)
    assert RoleAssignment.objects.filter(user=parent, role=Role.PARENT).count() == 1
    assert PreRegistration.objects.filter(status=PreRegistrationStatus.ACCEPTED).count() == 2
