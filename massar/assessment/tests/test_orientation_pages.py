"""The orientation pages with the cast: a pupil's and parent's wishes (open phase, closed
window), the school's places, the summary per class, the merit proposal and re-registration;
404 for everyone else; bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from massar.assessment.models import OrientationWish, Period, StreamCapacity
from massar.assessment.models.windows import OrientationPhase
from massar.assessment.services_councils import council_decision_save, council_validate
from massar.assessment.tests.builders import class_world, other_world
from massar.assessment.tests.test_council_builders import (
    capacity,
    next_year,
    open_window,
    open_year_council,
    set_results,
)
from massar.curriculum.models import Stream
from massar.students.models import Enrolment, Guardian

pytestmark = pytest.mark.django_db

READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
OTHERS = ["director_a2", "academy_officer_b", "outsider", "parent_a1", "student_a1"]


@pytest.fixture
def world(cast):
    return class_world(cast, pupils=4)  # TCS-1; pupil 0 is student_a1, child of parent_a1


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def post(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {})


def wishes_url(enrolment):
    return reverse("assessment:orientation_wishes", args=[enrolment.student.code_massar])


# --- a pupil's and a parent's wishes ----------------------------------------------------------


@pytest.mark.parametrize("member", ["student_a1", "parent_a1"])
def test_the_wishes_page_offers_the_open_phase(client, cast, world, member):
    open_window("TC", OrientationPhase.FIRST)
    response = get(client, getattr(cast, member), wishes_url(world.enrolments[0]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="wishes-form"' in content
    assert content.count('name="wish_') == 3
    assert 'value="1BAC-SM"' in content
    assert 'value="TCLSH"' not in content


def test_a_closed_window_is_explained_with_its_dates(client, cast, world):
    # The 2025/2026 windows (February–March and April) are in the past.
    response = get(client, cast.student_a1, wishes_url(world.enrolments[0]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="wishes-closed"' in content
    assert 'id="wishes-form"' not in content
    assert "02/02/2026" in content
    assert "30/04/2026" in content


def test_wishes_are_saved_from_the_page_in_order(client, cast, world):
    open_window("TC", OrientationPhase.FINAL)
    pupil = world.enrolments[0]
    response = post(
        client,
        cast.parent_a1,
        wishes_url(pupil),
        {"wish_1": "1BAC-SEX", "wish_2": "", "wish_3": "1BAC-SM"},
    )
    assert response.status_code == 302
    assert list(
        OrientationWish.objects.filter(enrolment=pupil, phase=2)
        .order_by("rank")
        .values_list("rank", "stream__code")
    ) == [(1, "1BAC-SEX"), (2, "1BAC-SM")]


def test_a_refusal_is_shown_on_the_page(client, cast, world):
    open_window("TC", OrientationPhase.FIRST)
    response = post(
        client,
        cast.student_a1,
        wishes_url(world.enrolments[0]),
        {"wish_1": "1BAC-SM", "wish_2": "1BAC-SM"},
    )
    assert response.status_code == 400
    assert gettext("Each stream may be wished only once.") in response.content.decode()


def test_posting_while_closed_is_refused(client, cast, world):
    response = post(client, cast.student_a1, wishes_url(world.enrolments[0]), {"wish_1": "1BAC-SM"})
    assert response.status_code == 400
    assert not OrientationWish.objects.exists()


@pytest.mark.parametrize("member", ["student_a1", "parent_a1"])
def test_another_pupil_s_wishes_are_not_found_by_code(client, cast, world, member):
    open_window("TC", OrientationPhase.FIRST)
    classmate = world.enrolments[1]
    assert get(client, getattr(cast, member), wishes_url(classmate)).status_code == 404
    response = post(client, getattr(cast, member), wishes_url(classmate), {"wish_1": "1BAC-SM"})
    assert response.status_code == 404
    assert not OrientationWish.objects.exists()


def test_a_parent_of_another_child_is_not_found(client, cast, world):
    from massar.accounts.models import Role
    from massar.accounts.services import role_assign
    from massar.accounts.tests.factories import UserFactory

    other_parent = UserFactory(username="other-parent")
    role_assign(user=other_parent, role=Role.PARENT, establishment=cast.school_a1)
    Guardian.objects.create(
        student=world.enrolments[1].student,
        relationship="mother",
        user=other_parent,
        first_name_fr="Amina",
        last_name_fr="Test",
        is_contact=True,
    )
    open_window("TC", OrientationPhase.FIRST)
    assert get(client, other_parent, wishes_url(world.enrolments[0])).status_code == 404
    assert get(client, other_parent, wishes_url(world.enrolments[1])).status_code == 200


@pytest.mark.parametrize(
    "member", ["director_a1", "staff_a1", "teacher_a1", "director_a2", "national_admin", "outsider"]
)
def test_the_school_and_others_do_not_give_a_pupil_s_wishes(client, cast, world, member):
    assert get(client, getattr(cast, member), wishes_url(world.enrolments[0])).status_code == 404


def test_my_orientation_sends_a_pupil_to_their_wishes(client, cast, world):
    response = get(client, cast.student_a1, reverse("assessment:orientation_mine"))
    assert response.status_code == 302
    assert response["Location"] == wishes_url(world.enrolments[0])
    response = get(client, cast.parent_a1, reverse("assessment:orientation_mine"))
    assert response["Location"] == wishes_url(world.enrolments[0])


def test_my_orientation_lists_a_parent_s_children(client, cast, world):
    second = other_world(cast, pupils=1).enrolments[0]
    Guardian.objects.create(
        student=second.student,
        relationship="father",
        user=cast.parent_a1,
        first_name_fr="Ahmed",
        last_name_fr="Test",
        is_contact=True,
    )
    content = get(client, cast.parent_a1, reverse("assessment:orientation_mine")).content.decode()
    assert wishes_url(world.enrolments[0]) in content
    assert wishes_url(second) in content


@pytest.mark.parametrize("member", ["director_a1", "outsider", "teacher_a1"])
def test_my_orientation_is_not_found_for_others(client, cast, world, member):
    assert (
        get(client, getattr(cast, member), reverse("assessment:orientation_mine")).status_code
        == 404
    )


def test_the_wishes_page_runs_a_bounded_number_of_queries(
    client, cast, world, django_assert_max_num_queries
):
    open_window("TC", OrientationPhase.FIRST)
    client.force_login(cast.parent_a1)
    url = wishes_url(world.enrolments[0])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


# --- the school's places ----------------------------------------------------------------------


def capacities_url():
    return reverse("assessment:orientation_capacities", args=["11565V"])


@pytest.mark.parametrize("member", READERS)
def test_the_places_are_read_by_the_school_and_its_officers(client, cast, member):
    capacity(cast.school_a1, "1BAC-SM", 40)
    response = get(client, getattr(cast, member), capacities_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-stream="1BAC-SM"' in content
    assert 'data-stream="2BAC-PC"' in content
    assert 'data-stream="TCS"' not in content  # school_a1 orients no 3AC pupil
    assert ('name="places_1BAC-SM"' in content) == (member in ("director_a1", "staff_a1"))


@pytest.mark.parametrize("member", [*OTHERS, "teacher_a1"])
def test_the_places_are_not_found_for_others(client, cast, member):
    assert get(client, getattr(cast, member), capacities_url()).status_code == 404


def test_the_school_saves_its_places(client, cast):
    response = post(
        client,
        cast.staff_a1,
        capacities_url(),
        {"places_1BAC-SM": "40", "places_1BAC-SEX": "80", "places_2BAC-PC": ""},
    )
    assert response.status_code == 302
    assert dict(StreamCapacity.objects.values_list("stream__code", "places")) == {
        "1BAC-SM": 40,
        "1BAC-SEX": 80,
    }


def test_places_out_of_range_are_refused(client, cast):
    response = post(client, cast.staff_a1, capacities_url(), {"places_1BAC-SM": "-3"})
    assert response.status_code == 400
    assert not StreamCapacity.objects.exists()


@pytest.mark.parametrize("member", ["national_admin", "director_a2", "teacher_a1", "outsider"])
def test_others_cannot_save_places(client, cast, member):
    response = post(client, getattr(cast, member), capacities_url(), {"places_1BAC-SM": "4"})
    assert response.status_code == 404
    assert not StreamCapacity.objects.exists()


# --- the summary of a class -------------------------------------------------------------------


@pytest.fixture
def decided(cast, world):
    """Final wishes of three pupils and a year council whose proposal gave them streams."""
    p = world.enrolments
    sm, sex = Stream.objects.get(code="1BAC-SM"), Stream.objects.get(code="1BAC-SEX")
    OrientationWish.objects.bulk_create(
        [
            OrientationWish(enrolment=p[0], phase=2, rank=1, stream=sm),
            OrientationWish(enrolment=p[0], phase=2, rank=2, stream=sex),
            OrientationWish(enrolment=p[1], phase=2, rank=1, stream=sm),
            OrientationWish(enrolment=p[2], phase=2, rank=1, stream=sex),
            OrientationWish(enrolment=p[3], phase=1, rank=1, stream=sex),
        ]
    )
    set_results(world, Period.YEAR, dict(zip(p, ["15", "14", "12", "8"], strict=True)))
    set_results(world, Period.SECOND, dict(zip(p, ["15", "14", "12", "8"], strict=True)))
    capacity(cast.school_a1, "1BAC-SM", 1)
    capacity(cast.school_a1, "1BAC-SEX", 5)
    return open_year_council(cast, world)


def class_url(world):
    return reverse("assessment:orientation_class", args=[world.school_class.public_id])


@pytest.mark.parametrize("member", [*READERS, "teacher_a1"])
def test_the_class_summary_is_read_by_the_school_officers_and_teachers(
    client, cast, world, decided, member
):
    response = get(client, getattr(cast, member), class_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<tr id="pupil-') == 4
    sm_row = content.split('data-stream="1BAC-SM"')[1].split("</tr>")[0]
    assert '<td class="number" data-first>2</td>' in sm_row


@pytest.mark.parametrize("member", OTHERS)
def test_the_class_summary_is_not_found_for_others(client, cast, world, member):
    assert get(client, getattr(cast, member), class_url(world)).status_code == 404


def test_a_teacher_of_another_class_does_not_see_its_summary(client, cast):
    world = other_world(cast, pupils=1)
    assert get(client, cast.teacher_a1, class_url(world)).status_code == 404


def test_the_proposal_is_run_from_the_council_and_shown_in_the_summary(
    client, cast, world, decided
):
    client.force_login(cast.staff_a1)
    response = client.post(
        reverse("assessment:orientation_propose", args=[decided.public_id]), follow=True
    )
    assert response.status_code == 200
    given = dict(decided.decisions.values_list("enrolment_id", "next_stream__code"))
    p = world.enrolments
    assert given == {p[0].pk: "1BAC-SM", p[1].pk: None, p[2].pk: "1BAC-SEX", p[3].pk: None}
    content = client.get(class_url(world)).content.decode()
    sm_row = content.split('data-stream="1BAC-SM"')[1].split("</tr>")[0]
    assert '<td class="number" data-here>1</td>' in sm_row


@pytest.mark.parametrize("member", ["teacher_a1", "national_admin", "director_a2", "outsider"])
def test_others_cannot_run_the_proposal(client, cast, decided, member):
    url = reverse("assessment:orientation_propose", args=[decided.public_id])
    assert post(client, getattr(cast, member), url).status_code == 404


def test_the_orientation_classes_of_a_school(client, cast, world, decided):
    url = reverse("assessment:orientation_classes", args=["11565V"])
    content = get(client, cast.directorate_officer_a1, url).content.decode()
    assert f'id="class-{world.school_class.public_id}"' in content
    for member in ["director_a2", "outsider", "teacher_a1"]:
        assert get(client, getattr(cast, member), url).status_code == 404


def test_the_class_summary_runs_a_bounded_number_of_queries(
    client, cast, world, decided, django_assert_max_num_queries
):
    client.force_login(cast.director_a1)
    client.get(class_url(world))
    with django_assert_max_num_queries(15):
        assert client.get(class_url(world)).status_code == 200


def test_the_capacities_page_runs_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.director_a1)
    client.get(capacities_url())
    with django_assert_max_num_queries(14):
        assert client.get(capacities_url()).status_code == 200


# --- re-registration --------------------------------------------------------------------------


def reregistration_url():
    return reverse("assessment:council_reregistration", args=["11565V"])


def test_the_school_re_registers_from_its_validated_councils(client, cast, world):
    set_results(
        world, Period.YEAR, dict(zip(world.enrolments, ["15", "12", "8", "9"], strict=True))
    )
    capacity(cast.school_a1, "1BAC-SEX", 5)
    council = open_year_council(cast, world)
    sex = Stream.objects.get(code="1BAC-SEX")
    for enrolment in world.enrolments[:2]:
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=council.decisions.get(enrolment=enrolment),
            decision="pass",
            next_stream=sex,
        )
    council_validate(actor=cast.director_a1, council=council)
    year = next_year()
    assert year.code in get(client, cast.staff_a1, reregistration_url()).content.decode()
    response = post(client, cast.staff_a1, reregistration_url(), {"to_year": year.code})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="reregistration-report"' in content
    assert '<tr data-to="1BAC-SEX"><td>TC</td>' in content
    assert Enrolment.objects.filter(school_year=year).count() == 4


def test_without_a_next_year_the_page_says_so(client, cast):
    content = get(client, cast.director_a1, reregistration_url()).content.decode()
    assert 'id="no-next-year"' in content


@pytest.mark.parametrize("member", ["national_admin", "teacher_a1", "director_a2", "outsider"])
def test_re_registration_is_not_found_for_others(client, cast, member):
    assert get(client, getattr(cast, member), reregistration_url()).status_code == 404
