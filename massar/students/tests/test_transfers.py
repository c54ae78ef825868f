"""Transfers of pupils between establishments: services, access, pages and API, with the cast.

School A1 (lycée, Rabat) sends; the receiving schools teach the same level (tronc commun): a new
lycée in Rabat (same directorate), school A2 in Salé (another directorate) and school B1 in
L'Oriental (another academy), each given the upper-secondary cycle for the test.
"""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from massar.accounts.models import Role
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import UserFactory
from massar.core.choices import CycleCode
from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.students.access import access_student_by_code
from massar.students.models import (
    Certificate,
    Enrolment,
    Guardian,
    Student,
    Transfer,
    TransferStatus,
)
from massar.students.services import enrolment_end
from massar.students.tests.factories import register
from massar.students.transfers import (
    transfer_accept,
    transfer_cancel,
    transfer_reject,
    transfer_request,
    transfers_of,
)
from massar.students.transfers_selectors import access_transfer_by_public_id, transfer_list
from massar.territory.models import EstablishmentCycle
from massar.territory.tests.factories import EstablishmentFactory
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Service messages are compared with their English ids and French names; pages and API
    answers (Arabic by default) are compared with ``arabic()``, whatever the catalogues say."""
    with translation.override("en"):
        yield


def arabic(message: str, *, html: bool = True, **params) -> str:
    with translation.override("ar"):
        text = gettext(message)
    text = text % params if params else text
    return escape(text) if html else text


def teach_upper_secondary(school):
    EstablishmentCycle.objects.get_or_create(establishment=school, cycle=CycleCode.UPPER_SECONDARY)
    return school


def receiving(cast, where: str):
    """A school teaching tronc commun, and its director: same directorate, other, other academy."""
    if where == "same_directorate":
        school = EstablishmentFactory(
            code="11580L",
            name_fr="Lycée Al Khansaa",
            name_ar="ثانوية الخنساء",
            commune=cast.school_a1.commune,
            cycles=[CycleCode.UPPER_SECONDARY],
        )
        director = UserFactory(username="director-khansaa")
        role_assign(user=director, role=Role.DIRECTOR, establishment=school)
        return school, director
    if where == "other_directorate":
        return teach_upper_secondary(cast.school_a2), cast.director_a2
    return teach_upper_secondary(cast.school_b1), cast.director_b1


@pytest.fixture
def pupil(cast):
    return register(cast.director_a1, cast.school_a1, class_label="TCS-1")


@pytest.fixture
def pending(cast, pupil):
    """A transfer of the pupil from A1 to A2 (Salé), waiting for A2's decision."""
    teach_upper_secondary(cast.school_a2)
    return transfer_request(
        actor=cast.director_a1,
        student=pupil,
        to_establishment=cast.school_a2,
        reason="The family moves to Salé",
    )


# Services -----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["same_directorate", "other_directorate", "other_academy"])
def test_an_accepted_transfer_moves_the_file_and_the_enrolment(cast, pupil, where):
    school, director = receiving(cast, where)
    guardian = pupil.guardians.get()
    leaving = pupil.enrolments.get()
    today = timezone.localdate()

    transfer = transfer_request(
        actor=cast.director_a1, student=pupil, to_establishment=school, reason="Family moves"
    )
    assert (transfer.status, transfer.from_establishment, transfer.to_establishment) == (
        "requested",
        cast.school_a1,
        school,
    )
    assert transfer.requested_by == cast.director_a1
    assert transfer.school_year.is_current

    accepted = transfer_accept(actor=director, transfer=transfer, class_label=" TC-3 ")

    assert accepted.status == transfer.status == "accepted"
    assert (accepted.decided_by, accepted.effective_on) == (director, today)
    assert accepted.decided_at is not None
    pupil.refresh_from_db()
    assert pupil.establishment == school
    leaving.refresh_from_db()
    assert (leaving.establishment, leaving.status, leaving.kind, leaving.left_on) == (
        cast.school_a1,
        "transferred_out",
        "new",
        today,
    )
    arriving = pupil.enrolments.exclude(pk=leaving.pk).get()
    assert (arriving.establishment, arriving.status, arriving.kind) == (
        school,
        "registered",
        "transfer_in",
    )
    assert (arriving.level, arriving.stream, arriving.school_year) == (
        leaving.level,
        leaving.stream,
        leaving.school_year,
    )
    assert (arriving.entered_on, arriving.left_on, arriving.class_label) == (today, None, "TC-3")
    assert arriving.entered_on == leaving.left_on  # no gap
    assert Enrolment.objects.filter(student=pupil, status__in=["registered"]).count() == 1
    # Guardians (and documents) stay attached to the pupil, now at the receiving school.
    assert list(pupil.guardians.values_list("pk", flat=True)) == [guardian.pk]
    # The file's history shows the move, who made it and why.
    history = list(pupil.history.order_by("history_date", "history_id"))
    assert [h.establishment_id for h in history] == [cast.school_a1.pk, school.pk]
    assert history[-1].history_user == director
    assert history[-1].history_change_reason == f"transfer:{transfer.public_id}"
    steps = transfer.history.order_by("history_date", "history_id")
    assert [(h.status, h.history_user) for h in steps] == [
        ("requested", cast.director_a1),
        ("accepted", director),
    ]
    assert leaving.history.order_by("-history_date", "-history_id").first().history_user == director
    # The leaving certificate is issued in the sending school's name, by who asked.
    certificate = Certificate.objects.get(student=pupil)
    assert (certificate.kind, certificate.establishment, certificate.enrolment) == (
        "leaving",
        cast.school_a1,
        leaving,
    )
    assert certificate.issued_by == cast.director_a1
    assert certificate.content["destination"]["code"] == school.code
    # The receiving school reads the file from now on; the sending school no longer does.
    assert access_student_by_code(actor=director, code=pupil.code_massar) == pupil
    with pytest.raises(NotFound):
        access_student_by_code(actor=cast.director_a1, code=pupil.code_massar)


def test_a_transfer_cannot_be_accepted_twice(cast, pending):
    transfer_accept(actor=cast.director_a2, transfer=pending)
    stale = Transfer.objects.get(pk=pending.pk)
    stale.status = TransferStatus.REQUESTED  # a page opened before the first acceptance
    with pytest.raises(ValidationFailed) as error:
        transfer_accept(actor=cast.director_a2, transfer=stale)
    assert error.value.code == "transfer_closed"
    assert str(error.value.message) == "This transfer has already been accepted."
    assert Enrolment.objects.filter(student=pending.student).count() == 2
    assert Certificate.objects.filter(student=pending.student).count() == 1


@pytest.mark.parametrize("note", ["", "   "])
def test_a_refusal_needs_a_note(cast, pending, note):
    with pytest.raises(ValidationFailed) as error:
        transfer_reject(actor=cast.director_a2, transfer=pending, note=note)
    assert error.value.code == "note_required"
    assert error.value.details == [{"loc": ["note"], "msg": "Say why the transfer is refused."}]
    pending.refresh_from_db()
    assert pending.status == "requested"


def test_a_refusal_keeps_the_pupil_where_they_are(cast, pupil, pending):
    rejected = transfer_reject(actor=cast.director_a2, transfer=pending, note="  No place left ")
    assert (rejected.status, rejected.decision_note, rejected.decided_by) == (
        "rejected",
        "No place left",
        cast.director_a2,
    )
    pupil.refresh_from_db()
    assert pupil.establishment == cast.school_a1
    assert list(pupil.enrolments.values_list("status", "establishment_id")) == [
        ("registered", cast.school_a1.pk)
    ]
    with pytest.raises(ValidationFailed) as error:
        transfer_accept(actor=cast.director_a2, transfer=rejected)
    assert str(error.value.message) == "This transfer has already been refused."
    assert not Certificate.objects.exists()


def test_the_sending_school_cancels_while_requested(cast, pupil, pending):
    with pytest.raises(PermissionDenied):
        transfer_cancel(actor=cast.director_a2, transfer=pending)
    cancelled = transfer_cancel(actor=cast.staff_a1, transfer=pending)
    assert (cancelled.status, cancelled.decided_by) == ("cancelled", cast.staff_a1)
    with pytest.raises(ValidationFailed) as error:
        transfer_cancel(actor=cast.director_a1, transfer=cancelled)
    assert (error.value.code, str(error.value.message)) == (
        "transfer_closed",
        "This transfer has been cancelled.",
    )
    with pytest.raises(ValidationFailed):
        transfer_accept(actor=cast.director_a2, transfer=cancelled)
    # Once cancelled, another request may be made.
    again = transfer_request(actor=cast.director_a1, student=pupil, to_establishment=cast.school_a2)
    assert again.status == "requested"


def test_an_accepted_transfer_cannot_be_cancelled(cast, pending):
    transfer_accept(actor=cast.director_a2, transfer=pending)
    with pytest.raises(ValidationFailed) as error:
        transfer_cancel(actor=cast.director_a1, transfer=pending)
    assert error.value.code == "transfer_closed"


@pytest.mark.parametrize(
    ("member", "visible"),
    [
        ("director_a1", True),
        ("staff_a1", True),
        ("director_a2", True),
        ("directorate_officer_a1", True),
        ("academy_officer_a", True),
        ("national_admin", True),
        ("director_b1", False),
        ("directorate_officer_b1", False),
        ("academy_officer_b", False),
        ("teacher_a1", False),
        ("parent_a1", False),
        ("student_a1", False),
        ("outsider", False),
    ],
)
def test_only_the_two_schools_and_their_officers_see_a_transfer(cast, pending, member, visible):
    actor = getattr(cast, member)
    if visible:
        assert access_transfer_by_public_id(actor=actor, public_id=pending.public_id) == pending
    else:
        with pytest.raises(NotFound):
            access_transfer_by_public_id(actor=actor, public_id=pending.public_id)


@pytest.mark.parametrize(
    "public_id", ["not-a-uuid", "", None, "6f1c3a4e-0000-4000-8000-000000000000"]
)
def test_a_bad_or_unknown_public_id_is_not_found(cast, pending, public_id):
    with pytest.raises(NotFound):
        access_transfer_by_public_id(actor=cast.national_admin, public_id=public_id)


def test_lists_are_incoming_and_outgoing(cast, pending):
    from massar.students.access import records_scope

    def listed(member, **filters):
        scope = records_scope(getattr(cast, member))
        return [t.public_id for t in transfer_list(scope=scope, **filters)]

    assert listed("director_a1", direction="outgoing") == [pending.public_id]
    assert listed("director_a1", direction="incoming") == []
    assert listed("director_a2", direction="incoming") == [pending.public_id]
    assert listed("director_a2", direction="outgoing") == []
    assert listed("director_a2", direction="incoming", status="accepted") == []
    assert listed("academy_officer_a") == [pending.public_id]
    assert listed("director_b1") == []
    assert listed("teacher_a1") == []


@pytest.mark.parametrize("member", ["teacher_a1", "parent_a1", "student_a1", "outsider"])
def test_a_teacher_or_parent_cannot_request(cast, pupil, member):
    teach_upper_secondary(cast.school_a2)
    with pytest.raises(PermissionDenied):
        transfer_request(
            actor=getattr(cast, member), student=pupil, to_establishment=cast.school_a2, reason=""
        )
    assert not Transfer.objects.exists()


@pytest.mark.parametrize(
    "member", ["director_a1", "staff_a1", "teacher_a1", "academy_officer_a", "director_b1"]
)
def test_only_the_receiving_school_decides(cast, pending, member):
    actor = getattr(cast, member)
    with pytest.raises(PermissionDenied):
        transfer_accept(actor=actor, transfer=pending)
    with pytest.raises(PermissionDenied):
        transfer_reject(actor=actor, transfer=pending, note="No")
    pending.refresh_from_db()
    assert pending.status == "requested"


def test_a_pupil_not_enrolled_this_year_cannot_be_transferred(cast, pupil):
    teach_upper_secondary(cast.school_a2)
    enrolment_end(actor=cast.director_a1, enrolment=pupil.enrolments.get(), status="left")
    with pytest.raises(ValidationFailed) as error:
        transfer_request(actor=cast.director_a1, student=pupil, to_establishment=cast.school_a2)
    assert error.value.code == "not_enrolled"
    assert "Lycée Moulay Youssef" in str(error.value.message)
    assert not Transfer.objects.exists()


def test_a_pupil_who_left_meanwhile_cannot_be_accepted(cast, pupil, pending):
    enrolment_end(actor=cast.director_a1, enrolment=pupil.enrolments.get(), status="left")
    with pytest.raises(ValidationFailed) as error:
        transfer_accept(actor=cast.director_a2, transfer=pending)
    assert error.value.code == "not_enrolled"
    pending.refresh_from_db()
    assert pending.status == "requested"
    assert pupil.enrolments.count() == 1
    assert not Certificate.objects.exists()


def test_the_receiving_school_must_teach_the_level(cast, pupil):
    # School A2 is a collège: it does not teach tronc commun.
    with pytest.raises(ValidationFailed) as error:
        transfer_request(actor=cast.director_a1, student=pupil, to_establishment=cast.school_a2)
    assert error.value.code == "level_not_taught"
    assert str(error.value.message) == "Collège Ibn Khaldoun does not teach Tronc commun."
    assert not Transfer.objects.exists()


def test_one_pending_transfer_at_a_time(cast, pupil, pending):
    teach_upper_secondary(cast.school_b1)
    with pytest.raises(ValidationFailed) as error:
        transfer_request(actor=cast.director_a1, student=pupil, to_establishment=cast.school_b1)
    assert error.value.code == "transfer_pending"
    assert "Collège Ibn Khaldoun" in str(error.value.message)
    assert Transfer.objects.count() == 1
    # The database refuses a second one even if the check were bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            student=pupil,
            school_year=pending.school_year,
            from_establishment=cast.school_a1,
            to_establishment=cast.school_b1,
            requested_by=cast.director_a1,
        )


def test_the_destination_must_be_another_open_school(cast, pupil):
    with pytest.raises(ValidationFailed) as error:
        transfer_request(actor=cast.director_a1, student=pupil, to_establishment=cast.school_a1)
    assert error.value.code == "same_establishment"
    closed = teach_upper_secondary(cast.school_a2)
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed) as error:
        transfer_request(actor=cast.director_a1, student=pupil, to_establishment=closed)
    assert error.value.code == "establishment_inactive"
    assert not Transfer.objects.exists()


def test_over_long_texts_are_refused(cast, pupil, pending):
    Transfer.objects.filter(pk=pending.pk).update(status=TransferStatus.CANCELLED)
    with pytest.raises(ValidationFailed) as error:
        transfer_request(
            actor=cast.director_a1, student=pupil, to_establishment=cast.school_a2, reason="x" * 301
        )
    assert error.value.code == "reason_too_long"
    assert Transfer.objects.count() == 1


def test_a_class_label_too_long_is_refused_and_nothing_moves(cast, pupil, pending):
    with pytest.raises(ValidationFailed) as error:
        transfer_accept(actor=cast.director_a2, transfer=pending, class_label="x" * 31)
    assert error.value.code == "class_label_too_long"
    pupil.refresh_from_db()
    assert pupil.establishment == cast.school_a1
    assert pupil.enrolments.count() == 1


def test_the_certificate_is_issued_by_the_school_left_when_the_requester_has_gone(cast, pending):
    cast.director_a1.is_active = False
    cast.director_a1.save(update_fields=["is_active"])
    transfer_accept(actor=cast.director_a2, transfer=pending)
    certificate = Certificate.objects.get(student=pending.student)
    assert (certificate.establishment, certificate.issued_by) == (cast.school_a1, cast.staff_a1)


def test_a_move_before_the_enrolment_starts_is_dated_from_its_first_day(cast, pupil, pending):
    starts = timezone.localdate() + timedelta(days=10)
    Enrolment.objects.filter(student=pupil).update(entered_on=starts)
    transfer_accept(actor=cast.director_a2, transfer=pending)
    dates = dict(pupil.enrolments.values_list("kind", "entered_on"))
    assert dates == {"new": starts, "transfer_in": starts}
    assert pupil.enrolments.get(kind="new").left_on == starts


def test_the_files_transfers_are_listed_with_what_the_actor_may_open(cast, pupil, pending):
    transfer_accept(actor=cast.director_a2, transfer=pending)
    rows = list(transfers_of(pupil, actor=cast.director_a2))
    assert [(t.public_id, t.visible) for t in rows] == [(pending.public_id, True)]
    assert [t.visible for t in transfers_of(pupil, actor=cast.director_b1)] == [False]
    assert [t.public_id for t in transfers_of(pupil)] == [pending.public_id]


# Pages --------------------------------------------------------------------------------------


def test_the_list_page_shows_incoming_and_outgoing(
    client, cast, pending, django_assert_max_num_queries
):
    client.force_login(cast.director_a2)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("students:transfer_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert str(pending.public_id) in content
    assert 'id="tab-incoming" aria-current="page"' in content
    assert cast.school_a1.name_ar in content
    outgoing = client.get(reverse("students:transfer_list"), {"direction": "outgoing"})
    assert str(pending.public_id) not in outgoing.content.decode()
    assert 'id="no-results"' in outgoing.content.decode()

    client.force_login(cast.director_a1)
    response = client.get(reverse("students:transfer_list"), {"direction": "outgoing"})
    assert str(pending.public_id) in response.content.decode()
    filtered = client.get(
        reverse("students:transfer_list"), {"direction": "outgoing", "status": "accepted"}
    )
    assert str(pending.public_id) not in filtered.content.decode()


def test_the_list_page_scales_with_many_transfers(
    client, cast, pending, django_assert_max_num_queries
):
    for index in range(8):
        other = register(
            cast.director_a1,
            cast.school_a1,
            first_name_fr=f"Pupil{index}",
            first_name_ar=f"تلميذ{index}",
            last_name_fr=f"Family{index}",
            last_name_ar=f"عائلة{index}",
            birth_date=date(2009, 1, index + 1),
            guardians=[],
        )
        transfer_request(actor=cast.director_a1, student=other, to_establishment=cast.school_a2)
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("students:transfer_list"), {"direction": "outgoing"})
    assert response.content.decode().count("/students/transfers/") >= 9


def test_the_list_page_htmx_fragment(client, cast, pending):
    client.force_login(cast.director_a2)
    response = client.get(
        reverse("students:transfer_list"), {"status": "requested"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="results"')
    assert str(pending.public_id) in content


@pytest.mark.parametrize("member", ["director_b1", "academy_officer_b"])
def test_another_school_lists_nothing(client, cast, pending, member):
    client.force_login(getattr(cast, member))
    for direction in ("incoming", "outgoing"):
        response = client.get(reverse("students:transfer_list"), {"direction": direction})
        assert response.status_code == 200
        assert str(pending.public_id) not in response.content.decode()


@pytest.mark.parametrize("member", ["teacher_a1", "parent_a1", "outsider"])
def test_the_list_page_is_not_for_teachers_or_parents(client, cast, member):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("students:transfer_list")).status_code == 404


def test_the_receiving_school_sees_only_what_it_needs(
    client, cast, pending, django_assert_max_num_queries
):
    client.force_login(cast.director_a2)
    url = reverse("students:transfer_detail", args=[pending.public_id])
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    for shown in ("Youssef Alaoui", "يوسف العلوي", pending.student.code_massar, "14/03/2009"):
        assert shown in content
    assert "The family moves to Salé" in content
    assert 'id="transfer-accept-form"' in content
    assert 'id="transfer-reject-form"' in content
    assert 'id="transfer-cancel-form"' not in content
    assert 'id="transfer-open-file"' not in content  # the file is not theirs yet
    for hidden in ("AB123456", "0612345678", "Ahmed"):  # the guardian's data
        assert hidden not in content


def test_the_sending_school_sees_cancel_and_the_file(client, cast, pending):
    client.force_login(cast.director_a1)
    content = client.get(reverse("students:transfer_detail", args=[pending.public_id])).content
    content = content.decode()
    assert 'id="transfer-cancel-form"' in content
    assert 'id="transfer-accept-form"' not in content
    assert 'id="transfer-open-file"' in content


@pytest.mark.parametrize("member", ["director_b1", "teacher_a1", "parent_a1", "outsider"])
def test_another_school_gets_404_on_the_transfer_pages(client, cast, pending, member):
    client.force_login(getattr(cast, member))
    assert (
        client.get(reverse("students:transfer_detail", args=[pending.public_id])).status_code == 404
    )
    for name in ("transfer_accept", "transfer_reject", "transfer_cancel"):
        response = client.post(reverse(name.join(["students:", ""]), args=[pending.public_id]))
        assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == "requested"


def test_accepting_on_the_page(client, cast, pupil, pending):
    client.force_login(cast.director_a2)
    response = client.post(
        reverse("students:transfer_accept", args=[pending.public_id]), {"class_label": "TC-2"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("students:transfer_detail", args=[pending.public_id])
    pupil.refresh_from_db()
    assert pupil.establishment == cast.school_a2
    assert pupil.enrolments.get(kind="transfer_in").class_label == "TC-2"
    page = client.get(response["Location"]).content.decode()
    assert 'id="transfer-open-file"' in page
    assert 'id="transfer-certificate"' in page
    assert 'id="transfer-accept-form"' not in page
    # A second acceptance, from a stale form, is refused on the page.
    again = client.post(reverse("students:transfer_accept", args=[pending.public_id]))
    assert again.status_code == 400
    assert arabic("This transfer has already been accepted.") in again.content.decode()


def test_the_sending_school_cannot_accept_on_the_page(client, cast, pending):
    client.force_login(cast.director_a1)
    response = client.post(reverse("students:transfer_accept", args=[pending.public_id]))
    assert response.status_code == 403
    assert 'id="transfer-error"' in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "requested"


def test_refusing_on_the_page_needs_a_note(client, cast, pending):
    client.force_login(cast.director_a2)
    url = reverse("students:transfer_reject", args=[pending.public_id])
    response = client.post(url, {"note": ""})
    assert response.status_code == 400
    assert arabic("Say why the transfer is refused.") in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "requested"
    assert client.post(url, {"note": "Classes are full"}).status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == ("rejected", "Classes are full")


def test_cancelling_on_the_page(client, cast, pending):
    client.force_login(cast.director_a2)
    assert (
        client.post(reverse("students:transfer_cancel", args=[pending.public_id])).status_code
        == 403
    )
    client.force_login(cast.staff_a1)
    response = client.post(reverse("students:transfer_cancel", args=[pending.public_id]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "cancelled"


def test_requesting_from_the_file(client, cast, pupil, django_assert_max_num_queries):
    teach_upper_secondary(cast.school_a2)
    client.force_login(cast.director_a1)
    url = reverse("students:transfer_request", args=[pupil.code_massar])
    with django_assert_max_num_queries(14):
        form_page = client.get(url)
    assert form_page.status_code == 200
    assert 'id="transfer-request-form"' in form_page.content.decode()
    response = client.post(url, {"to_establishment": " 12001c ", "reason": "Moving"})
    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("students:transfer_detail", args=[transfer.public_id])
    assert (transfer.to_establishment, transfer.reason) == (cast.school_a2, "Moving")


def test_a_bad_request_is_explained_and_nothing_is_written(client, cast, pupil):
    client.force_login(cast.director_a1)
    url = reverse("students:transfer_request", args=[pupil.code_massar])
    cases = [
        ("", arabic("Choose the receiving establishment.")),
        ("99999z", arabic("No establishment has the code %(code)s.", code="99999Z")),
        ("11565V", arabic("The pupil is already at this school: choose another establishment.")),
        (
            "21010B",
            arabic(
                "%(school)s does not teach %(level)s.",
                school=cast.school_b1.name_ar,
                level=pupil.enrolments.get().level.name_ar,
            ),
        ),
    ]
    for code, message in cases:
        response = client.post(url, {"to_establishment": code, "reason": "Moving"})
        assert response.status_code == 400, code
        assert message in response.content.decode(), code
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("member", ["director_b1", "teacher_a1", "parent_a1", "outsider"])
def test_another_school_cannot_request(client, cast, pupil, member):
    teach_upper_secondary(cast.school_a2)
    client.force_login(getattr(cast, member))
    url = reverse("students:transfer_request", args=[pupil.code_massar])
    assert client.post(url, {"to_establishment": "12001C"}).status_code == 404
    assert client.get(url).status_code == 404
    destinations = reverse("students:transfer_destinations", args=[pupil.code_massar])
    assert client.get(destinations, {"to_establishment": "Ibn"}).status_code == 404
    assert not Transfer.objects.exists()


def test_an_officer_sees_the_request_page_without_the_form(client, cast, pupil):
    client.force_login(cast.directorate_officer_a1)
    url = reverse("students:transfer_request", args=[pupil.code_massar])
    content = client.get(url).content.decode()
    assert 'id="transfer-not-allowed"' in content
    response = client.post(url, {"to_establishment": "11565V"})
    assert response.status_code == 403
    assert not Transfer.objects.exists()


def test_the_destination_search_offers_schools_teaching_the_level(
    client, cast, pupil, django_assert_max_num_queries
):
    teach_upper_secondary(cast.school_b1)
    client.force_login(cast.director_a1)
    url = reverse("students:transfer_destinations", args=[pupil.code_massar])
    with django_assert_max_num_queries(13):
        response = client.get(url, {"to_establishment": "Massira"})
    assert response.status_code == 200
    assert '<option value="21010B">' in response.content.decode()
    # A collège does not teach tronc commun; the pupil's own school is not offered.
    assert "12001C" not in client.get(url, {"to_establishment": "Ibn"}).content.decode()
    assert "11565V" not in client.get(url, {"to_establishment": "1156"}).content.decode()
    assert client.get(url, {"to_establishment": "2"}).content.decode().strip() == ""


def test_the_section_on_the_file(cast, pupil, pending):
    html = render_to_string(
        "students/transfers/_section.html",
        {"student": pupil, "transfers": list(transfers_of(pupil)), "can_write": True},
    )
    assert f'id="transfer-{pending.public_id}"' in html
    assert 'id="transfer-pending"' in html  # no second request while one waits
    assert 'id="transfer-request-form"' not in html
    transfer_cancel(actor=cast.director_a1, transfer=pending)
    html = render_to_string(
        "students/transfers/_section.html",
        {"student": pupil, "transfers": list(transfers_of(pupil)), "can_write": True},
    )
    assert 'id="transfer-request-form"' in html
    assert reverse("students:transfer_request", args=[pupil.code_massar]) in html
    readonly = render_to_string(
        "students/transfers/_section.html",
        {"student": pupil, "transfers": [], "can_write": False},
    )
    assert 'id="no-transfers"' in readonly
    assert 'id="transfer-request-form"' not in readonly


def test_the_files_transfers_tab(client, cast, pupil, pending):
    client.force_login(cast.director_a1)
    response = client.get(
        reverse("students:detail", args=[pupil.code_massar]), {"tab": "transfers"}
    )
    assert response.status_code == 200
    assert f'id="transfer-{pending.public_id}"' in response.content.decode()


@pytest.mark.parametrize(
    ("member", "shown"),
    [
        ("director_a1", True),
        ("staff_a1", True),
        ("director_b1", True),
        ("directorate_officer_a1", False),
        ("teacher_a1", False),
        ("parent_a1", False),
    ],
)
def test_the_navigation_offers_transfers_to_schools(client, cast, member, shown):
    client.force_login(getattr(cast, member))
    assert ('id="nav-transfers"' in client.get("/").content.decode()) is shown


# API ----------------------------------------------------------------------------------------


def test_api_lists_incoming_and_outgoing(client, cast, pending):
    response = client.get("/api/v1/transfers?direction=incoming", **bearer(cast.director_a2))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["page"]) == (1, 1)
    row = body["results"][0]
    assert row["public_id"] == str(pending.public_id)
    assert (row["status"], row["level"], row["school_year"]) == ("requested", "TC", "2025-2026")
    assert row["student"]["code_massar"] == pending.student.code_massar
    assert row["student"]["birth_date"] == "2009-03-14"
    assert set(row["student"]) == {
        "code_massar",
        "first_name_ar",
        "last_name_ar",
        "first_name_fr",
        "last_name_fr",
        "birth_date",
    }
    assert (row["from_establishment"]["code"], row["to_establishment"]["code"]) == (
        "11565V",
        "12001C",
    )
    outgoing = client.get("/api/v1/transfers?direction=outgoing", **bearer(cast.director_a2))
    assert outgoing.json()["count"] == 0
    other = client.get("/api/v1/transfers", **bearer(cast.director_b1))
    assert other.json()["count"] == 0


def test_api_list_refuses_bad_parameters(client, cast):
    assert_error(
        client.get("/api/v1/transfers?sens=in", **bearer(cast.director_a1)),
        400,
        "unknown_parameter",
    )
    assert_error(
        client.get("/api/v1/transfers?status=done", **bearer(cast.director_a1)), 400, "invalid"
    )
    assert_error(client.get("/api/v1/transfers"), 401, "unauthenticated")


def test_api_request(client, cast, pupil):
    teach_upper_secondary(cast.school_a2)
    url = f"/api/v1/students/{pupil.code_massar}/transfers"
    response = client.post(
        url,
        {"to_establishment": "12001c", "reason": "Moving"},
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["reason"]) == ("requested", "Moving")
    again = client.post(
        url,
        {"to_establishment": "12001C"},
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert_error(again, 400, "transfer_pending")


@pytest.mark.parametrize(
    ("member", "posted", "status", "code"),
    [
        ("director_b1", {"to_establishment": "12001C"}, 404, "not_found"),
        ("teacher_a1", {"to_establishment": "12001C"}, 404, "not_found"),
        ("directorate_officer_a1", {"to_establishment": "12001C"}, 403, "forbidden"),
        ("director_a1", {"to_establishment": "99999Z"}, 400, "unknown_establishment"),
        ("director_a1", {"to_establishment": "21010B"}, 400, "level_not_taught"),
        ("director_a1", {"to_establishment": "11565V"}, 400, "same_establishment"),
        ("director_a1", {}, 400, "invalid"),
    ],
)
def test_api_request_errors(client, cast, pupil, member, posted, status, code):
    teach_upper_secondary(cast.school_a2)
    response = client.post(
        f"/api/v1/students/{pupil.code_massar}/transfers",
        posted,
        content_type="application/json",
        **bearer(getattr(cast, member)),
    )
    assert_error(response, status, code)
    assert not Transfer.objects.exists()


def test_api_accept(client, cast, pupil, pending):
    url = f"/api/v1/transfers/{pending.public_id}/accept"
    assert_error(
        client.post(url, {}, content_type="application/json", **bearer(cast.director_b1)),
        404,
        "not_found",
    )
    assert_error(
        client.post(url, {}, content_type="application/json", **bearer(cast.director_a1)),
        403,
        "forbidden",
    )
    response = client.post(
        url, {"class_label": "TC-1"}, content_type="application/json", **bearer(cast.director_a2)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["effective_on"]) == ("accepted", timezone.localdate().isoformat())
    pupil.refresh_from_db()
    assert pupil.establishment == cast.school_a2
    again = client.post(url, {}, content_type="application/json", **bearer(cast.director_a2))
    error = assert_error(again, 400, "transfer_closed")
    assert error["message"] == arabic("This transfer has already been accepted.", html=False)


def test_api_reject_and_cancel(client, cast, pending):
    reject = f"/api/v1/transfers/{pending.public_id}/reject"
    error = assert_error(
        client.post(
            reject, {"note": " "}, content_type="application/json", **bearer(cast.director_a2)
        ),
        400,
        "note_required",
    )
    message = arabic("Say why the transfer is refused.", html=False)
    assert error["details"] == [{"loc": ["note"], "msg": message}]
    cancel = f"/api/v1/transfers/{pending.public_id}/cancel"
    assert_error(client.post(cancel, **bearer(cast.director_b1)), 404, "not_found")
    assert_error(client.post(cancel, **bearer(cast.director_a2)), 403, "forbidden")
    response = client.post(cancel, **bearer(cast.director_a1))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert_error(
        client.post(
            reject, {"note": "No"}, content_type="application/json", **bearer(cast.director_a2)
        ),
        400,
        "transfer_closed",
    )


def test_api_reject(client, cast, pending):
    response = client.post(
        f"/api/v1/transfers/{pending.public_id}/reject",
        {"note": "Classes are full"},
        content_type="application/json",
        **bearer(cast.director_a2),
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["decision_note"]) == (
        "rejected",
        "Classes are full",
    )


def test_api_unknown_transfer_is_404(client, cast):
    response = client.post(
        "/api/v1/transfers/6f1c3a4e-0000-4000-8000-000000000000/cancel", **bearer(cast.director_a1)
    )
    assert_error(response, 404, "not_found")
    assert Student.objects.count() == 0
    assert Guardian.objects.count() == 0
