"""The student pages with the shared cast: search, file tabs, registration, guardians,
documents, merge. The other school gets 404 everywhere."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from massar.students.models import Guardian, Student, StudentDocument
from massar.students.tests.factories import register

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pupil(cast):
    return register(cast.director_a1, cast.school_a1, class_label="TCS-1")


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


LIST_READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]


@pytest.mark.parametrize("member", LIST_READERS)
def test_the_search_lists_the_pupils_in_scope(client, cast, pupil, member):
    response = get(client, getattr(cast, member), reverse("students:list"))
    assert response.status_code == 200
    assert pupil.code_massar in response.content.decode()


@pytest.mark.parametrize("member", ["director_a2", "academy_officer_b", "directorate_officer_b1"])
def test_the_search_of_another_scope_does_not_show_the_pupil(client, cast, pupil, member):
    response = get(client, getattr(cast, member), reverse("students:list"))
    assert response.status_code == 200
    assert pupil.code_massar not in response.content.decode()


@pytest.mark.parametrize("member", ["teacher_a1", "parent_a1", "student_a1", "outsider"])
def test_the_search_is_not_found_for_non_administrative_roles(client, cast, pupil, member):
    assert get(client, getattr(cast, member), reverse("students:list")).status_code == 404


def test_the_search_finds_spelling_variants_and_codes_and_updates_in_place(client, cast, pupil):
    other = register(
        cast.director_a1,
        cast.school_a1,
        first_name_ar="سلمى",
        first_name_fr="Salma",
        sex="F",
        last_name_ar="بناني",
        last_name_fr="Bennani",
        guardians=[],
    )
    for term, expected in [
        ("العلوى", pupil),  # alef maqsura for ya
        ("alaoui", pupil),
        ("Yusuf", pupil),  # a transliteration variant of Youssef
        ("Bennani", other),
        (pupil.code_massar, pupil),
        (pupil.code_massar[:6], None),  # a prefix finds both (same series)
    ]:
        response = get(client, cast.director_a1, reverse("students:list"), q=term)
        content = response.content.decode()
        if expected is None:
            assert pupil.code_massar in content
            assert other.code_massar in content
        else:
            assert expected.code_massar in content, term
            missing = other if expected == pupil else pupil
            assert missing.code_massar not in content, term
    client.force_login(cast.director_a1)
    fragment = client.get(reverse("students:list"), {"q": "Salma"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    assert other.code_massar.encode() in fragment.content


def test_invalid_filters_are_reported_not_a_500(client, cast, pupil):
    response = get(client, cast.director_a1, reverse("students:list"), sex="X", page="abc")
    assert response.status_code == 200
    assert b'id="filters-invalid"' in response.content


def test_the_search_runs_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    for index in range(30):
        register(
            cast.director_a1,
            cast.school_a1,
            birth_date=date(2009, 1, 1) + timedelta(days=index),
            guardians=[],
        )
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("students:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("tab", ["identity", "guardians", "path", "documents"])
def test_each_tab_of_the_file_shows_for_the_school(
    client, cast, pupil, tab, django_assert_max_num_queries
):
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("students:detail", args=[pupil.code_massar]), {"tab": tab})
    assert response.status_code == 200
    assert pupil.code_massar in response.content.decode()


def test_the_path_tab_shows_the_year_and_class(client, cast, pupil):
    response = get(
        client, cast.director_a1, reverse("students:detail", args=[pupil.code_massar]), tab="path"
    )
    assert b"TCS-1" in response.content
    assert "2025/2026" in response.content.decode()


@pytest.mark.parametrize(
    "member",
    ["director_a2", "director_b1", "academy_officer_b", "teacher_a1", "parent_a1", "outsider"],
)
def test_the_file_is_not_found_for_others(client, cast, pupil, member):
    response = get(
        client, getattr(cast, member), reverse("students:detail", args=[pupil.code_massar])
    )
    assert response.status_code == 404


def test_an_unknown_code_is_not_found(client, cast):
    assert get(client, cast.director_a1, "/students/Z123456789/").status_code == 404


def test_a_director_registers_a_pupil_through_the_page(client, cast):
    client.force_login(cast.director_a1)
    url = reverse("students:register")
    assert client.get(url).status_code == 200
    form = {
        "child-last_name_ar": "الإدريسي",
        "child-first_name_ar": "آمنة",
        "child-last_name_fr": "Idrissi",
        "child-first_name_fr": "Amina",
        "child-sex": "F",
        "child-birth_date": "14/02/2010",
        "place-establishment": "11565V",
        "place-level": "TC",
        "place-stream": "TCS",
        "place-class_label": "TCS-2",
        "father-relationship": "father",
        "father-last_name_fr": "Idrissi",
        "father-first_name_fr": "Karim",
        "father-cin": "ab98765",
        "father-preferred_language": "fr",
        "mother-relationship": "mother",
        "mother-preferred_language": "ar",
    }
    response = client.post(url, form)
    student = Student.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("students:detail", args=[student.code_massar])
    assert student.guardians.get().cin == "AB98765"
    assert student.enrolments.get().class_label == "TCS-2"

    # The same child again: the likely duplicate is shown, nothing is written.
    again = client.post(url, form)
    assert again.status_code == 400
    assert b'id="duplicate-candidates"' in again.content
    assert student.code_massar.encode() in again.content
    assert Student.objects.count() == 1

    # Confirmed with a reason by the director: a second file.
    confirmed = client.post(
        url, {**form, "duplicate_reason": "Twins, both birth certificates seen"}
    )
    assert confirmed.status_code == 302
    assert Student.objects.count() == 2


def test_bad_registration_input_gets_messages_and_writes_nothing(client, cast):
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("students:register"),
        {
            "child-last_name_ar": "",
            "child-first_name_ar": "آمنة",
            "child-last_name_fr": "Idrissi",
            "child-first_name_fr": "Amina",
            "child-sex": "X",
            "child-birth_date": "31-31-2010",
            "place-establishment": "12001C",
            "place-level": "TC",
            "place-stream": "TCS",
            "father-relationship": "father",
            "mother-relationship": "mother",
            "father-preferred_language": "ar",
            "mother-preferred_language": "ar",
        },
    )
    assert response.status_code == 400
    assert response.content.count(b'class="errorlist"') >= 3
    assert not Student.objects.exists()


def test_an_age_outside_the_level_is_explained_on_the_page(client, cast):
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("students:register"),
        {
            "child-last_name_ar": "الإدريسي",
            "child-first_name_ar": "آمنة",
            "child-last_name_fr": "Idrissi",
            "child-first_name_fr": "Amina",
            "child-sex": "F",
            "child-birth_date": "2019-02-14",
            "place-establishment": "11565V",
            "place-level": "TC",
            "place-stream": "TCS",
            "father-relationship": "father",
            "mother-relationship": "mother",
            "father-preferred_language": "ar",
            "mother-preferred_language": "ar",
        },
    )
    assert response.status_code == 400
    assert b'id="register-error"' in response.content
    assert not Student.objects.exists()


@pytest.mark.parametrize(
    "member", ["teacher_a1", "parent_a1", "directorate_officer_a1", "outsider"]
)
def test_only_directors_and_staff_open_the_registration_page(client, cast, member):
    assert get(client, getattr(cast, member), reverse("students:register")).status_code == 404


def test_the_school_adds_a_guardian_and_another_school_cannot(client, cast, pupil):
    url = reverse("students:guardian_add", args=[pupil.code_massar])
    data = {
        "g-relationship": "mother",
        "g-first_name_fr": "Fatima",
        "g-last_name_fr": "Alaoui",
        "g-preferred_language": "fr",
        "g-phone": "0661234567",
    }
    client.force_login(cast.director_a2)
    assert client.post(url, data).status_code == 404
    client.force_login(cast.staff_a1)
    assert client.post(url, data).status_code == 302
    assert pupil.guardians.count() == 2
    # A second mother is refused with a message, nothing written.
    client.post(url, data)
    assert pupil.guardians.count() == 2
    bad = client.post(url, {**data, "g-relationship": "guardian", "g-phone": "12345"})
    assert bad.status_code == 302
    assert pupil.guardians.count() == 2


def test_the_contact_person_can_change(client, cast, pupil):
    client.force_login(cast.director_a1)
    client.post(
        reverse("students:guardian_add", args=[pupil.code_massar]),
        {"g-relationship": "mother", "g-first_name_fr": "Fatima", "g-preferred_language": "ar"},
    )
    mother = pupil.guardians.get(relationship="mother")
    client.post(reverse("students:guardian_contact", args=[pupil.code_massar, mother.pk]))
    assert list(Guardian.objects.filter(student=pupil, is_contact=True)) == [mother]


def test_documents_are_checked_and_downloaded_within_scope(client, cast, pupil, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.director_a1)
    url = reverse("students:document_upload", args=[pupil.code_massar])
    fake = SimpleUploadedFile("birth.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(url, {"kind": "birth_certificate", "file": fake})
    assert not StudentDocument.objects.exists()
    settings.STUDENT_DOCUMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("birth.pdf", PDF, content_type="application/pdf")
    client.post(url, {"kind": "birth_certificate", "file": big})
    assert not StudentDocument.objects.exists()
    settings.STUDENT_DOCUMENT_MAX_BYTES = 1024 * 1024
    good = SimpleUploadedFile("birth.pdf", PDF, content_type="application/pdf")
    client.post(url, {"kind": "birth_certificate", "file": good})
    document = StudentDocument.objects.get()
    assert document.content_type == "application/pdf"
    download = reverse("students:document", args=[pupil.code_massar, document.pk])
    assert b"".join(client.get(download).streaming_content) == PDF
    client.force_login(cast.director_a2)
    assert client.get(download).status_code == 404


def test_a_directorate_officer_merges_through_the_page(client, cast, pupil):
    from django.utils import timezone

    from massar.students.services import student_register
    from massar.students.tests.factories import placement, student_data

    duplicate = student_register(
        actor=cast.director_a1,
        data=student_data(),
        placement=placement(cast.school_a1, "TC"),
        duplicate_reason="checked",
    )
    duplicate.enrolments.update(status="left", left_on=timezone.localdate())
    url = reverse("students:merge", args=[pupil.code_massar])
    client.force_login(cast.director_a1)
    assert client.get(url).status_code == 404
    client.force_login(cast.directorate_officer_b1)
    assert client.get(url).status_code == 404
    client.force_login(cast.directorate_officer_a1)
    missing = client.post(url, {"retired_code": "Z000000001", "reason": "same"})
    assert missing.status_code == 400
    response = client.post(url, {"retired_code": duplicate.code_massar, "reason": "Same child"})
    assert response.status_code == 302
    old = client.get(reverse("students:detail", args=[duplicate.code_massar]))
    assert old.status_code == 302
    assert old["Location"] == reverse("students:detail", args=[pupil.code_massar])


def test_a_broad_search_counts_up_to_the_cap_and_says_so(client, cast, monkeypatch):
    from massar.students import selectors

    for index in range(4):
        register(
            cast.director_a1,
            cast.school_a1,
            birth_date=date(2009, 2, 1) + timedelta(days=index),
            guardians=[],
        )
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    response = get(client, cast.director_a1, reverse("students:list"), q="alaoui")
    assert response.context["capped"] is True
    assert response.context["page"].paginator.count == 3
    api = client.get("/api/v1/students", {"q": "alaoui"}, **bearer_for(cast.director_a1))
    assert (api.json()["count"], api.json()["count_capped"]) == (3, True)
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 10)
    exact = client.get("/api/v1/students", {"q": "alaoui"}, **bearer_for(cast.director_a1))
    assert (exact.json()["count"], exact.json()["count_capped"]) == (4, False)


def bearer_for(user):
    from massar.web.tests.api_helpers import bearer

    return bearer(user)


def test_the_history_tab_says_who_changed_what_and_when(client, cast, pupil):
    from massar.students.services import student_update

    student_update(actor=cast.staff_a1, student=pupil, changes={"first_name_fr": "Yousef"})
    client.force_login(cast.director_a1)
    client.cookies["massar_language"] = "fr"
    response = client.get(reverse("students:detail", args=[pupil.code_massar]), {"tab": "history"})
    assert response.status_code == 200
    changes = response.context["history"]
    changed = [c for c in changes if c.kind == "~"]
    assert len(changed) == 1
    assert [change[1:] for change in changed[0].changes] == [("Youssef", "Yousef")]
    assert changed[0].user == cast.staff_a1
    created = [c for c in changes if c.kind == "+"]
    assert {c.user for c in created} == {cast.director_a1}  # file, guardian, enrolment
    assert len(created) == 3
    content = response.content.decode()
    assert "<del>Youssef</del>" in content
    assert "Identité : modifié par" in content
    client.force_login(cast.director_a2)
    other = client.get(reverse("students:detail", args=[pupil.code_massar]), {"tab": "history"})
    assert other.status_code == 404


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_photo_is_shown_in_the_file_and_only_within_scope(
    client, cast, pupil, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.director_a1)
    upload = reverse("students:document_upload", args=[pupil.code_massar])
    pdf = SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf")
    client.post(upload, {"kind": "photo", "file": pdf})  # a photo must be an image
    assert not StudentDocument.objects.exists()
    client.post(upload, {"kind": "photo", "file": SimpleUploadedFile("p.png", PNG)})
    page = client.get(reverse("students:detail", args=[pupil.code_massar]))
    assert b'id="student-photo"' in page.content
    photo = client.get(reverse("students:photo", args=[pupil.code_massar]))
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG
    client.force_login(cast.director_a2)
    assert client.get(reverse("students:photo", args=[pupil.code_massar])).status_code == 404
    client.force_login(cast.director_a1)
    other = register(cast.director_a1, cast.school_a1, birth_date=date(2009, 5, 5), guardians=[])
    assert client.get(reverse("students:photo", args=[other.code_massar])).status_code == 404


def test_the_file_shows_a_confirmed_duplicate_and_offers_the_merge_to_officers(client, cast, pupil):
    from massar.students.services import student_register
    from massar.students.tests.factories import placement, student_data

    twin = student_register(
        actor=cast.director_a1,
        data=student_data(),
        placement=placement(cast.school_a1, "TC"),
        duplicate_reason="Twins",
    )
    url = reverse("students:detail", args=[twin.code_massar])
    client.force_login(cast.directorate_officer_a1)
    page = client.get(url)
    assert b'id="duplicate-confirmation"' in page.content
    assert pupil.code_massar.encode() in page.content
    assert b'id="merge-link"' in page.content
    client.force_login(cast.director_a1)
    assert b'id="merge-link"' not in client.get(url).content


@pytest.mark.parametrize("member", ["director_a2", "director_b1", "teacher_a1", "parent_a1"])
def test_the_other_school_gets_404_on_every_action_of_the_file(
    client, cast, pupil, member, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.director_a1)
    client.post(
        reverse("students:document_upload", args=[pupil.code_massar]),
        {"kind": "birth_certificate", "file": SimpleUploadedFile("b.pdf", PDF)},
    )
    document = StudentDocument.objects.get()
    father = pupil.guardians.get()
    client.force_login(getattr(cast, member))
    code = pupil.code_massar
    upload = SimpleUploadedFile("c.pdf", PDF)
    posts = [
        (reverse("students:guardian_contact", args=[code, father.pk]), {}),
        (reverse("students:document_upload", args=[code]), {"kind": "other", "file": upload}),
        (reverse("students:merge", args=[code]), {"retired_code": code, "reason": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    for url in [
        reverse("students:document", args=[code, document.pk]),
        reverse("students:photo", args=[code]),
        reverse("students:detail", args=[code]) + "?tab=history",
    ]:
        assert client.get(url).status_code == 404, url
    assert StudentDocument.objects.count() == 1


def test_a_guardian_or_document_of_another_pupil_is_not_found(client, cast, pupil):
    other = register(cast.director_a1, cast.school_a1, birth_date=date(2009, 6, 6))
    client.force_login(cast.director_a1)
    foreign_guardian = other.guardians.get()
    url = reverse("students:guardian_contact", args=[pupil.code_massar, foreign_guardian.pk])
    assert client.post(url).status_code == 404
    assert (
        client.get(reverse("students:document", args=[pupil.code_massar, 999])).status_code == 404
    )
