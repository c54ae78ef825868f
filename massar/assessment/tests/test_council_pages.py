"""The class council pages with the cast: who reads, who prepares, who validates, 404 for
everyone else (the other school's director, the outsider, a teacher of another class); htmx row
saves and their refusals; bounded queries."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from massar.assessment.models import ClassCouncil, CouncilStatus, Period
from massar.assessment.services_councils import council_decision_save
from massar.assessment.tests.builders import class_world
from massar.assessment.tests.test_council_builders import capacity, open_year_council, set_results
from massar.curriculum.models import Stream
from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import SchoolClassFactory, enrol_pupils
from massar.students.models import Enrolment, YearDecision

pytestmark = pytest.mark.django_db

READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
OTHERS = [
    "director_a2",
    "academy_officer_b",
    "directorate_officer_b1",
    "outsider",
    "parent_a1",
    "student_a1",
]


@pytest.fixture
def world(cast):
    world = class_world(cast, pupils=4)
    set_results(
        world, Period.YEAR, dict(zip(world.enrolments, ["14.5", "10", "8.75", None], strict=True))
    )
    capacity(cast.school_a1, "1BAC-SEX", 10)
    return world


@pytest.fixture
def council(cast, world):
    return open_year_council(cast, world)


@pytest.fixture
def other_class_council(cast):
    """TCS-2 of school_a1, which the cast's teacher does not teach, with its year council."""
    school_class = SchoolClassFactory(
        establishment=cast.school_a1,
        stream=Stream.objects.get(code="TCS"),
        number=2,
        name="TCS-2",
    )
    pupil = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")[0]
    ClassPlacement.objects.create(enrolment=pupil, school_class=school_class)
    holder = SimpleNamespace(school_class=school_class)
    set_results(holder, Period.YEAR, {pupil: "12"})
    return open_year_council(cast, holder)


def get(client, user, url, **extra):
    client.force_login(user)
    return client.get(url, **extra)


def post(client, user, url, data=None, **extra):
    client.force_login(user)
    return client.post(url, data or {}, **extra)


def detail_url(council):
    return reverse("assessment:council_detail", args=[council.public_id])


def row_url(council, enrolment):
    return reverse(
        "assessment:council_row", args=[council.public_id, enrolment.student.code_massar]
    )


HTMX = {"HTTP_HX_REQUEST": "true"}


# --- a school's councils --------------------------------------------------------------------


@pytest.mark.parametrize("member", READERS)
def test_the_councils_of_a_school_are_listed_for_its_readers(client, cast, council, member):
    url = reverse("assessment:council_list", args=["11565V"])
    response = get(client, getattr(cast, member), url)
    assert response.status_code == 200
    content = response.content.decode()
    assert f'id="class-{council.school_class.public_id}" data-status="draft"' in content
    assert "council-open-form" not in content  # its only class has its year council
    semester = get(client, getattr(cast, member), url + "?period=1").content.decode()
    assert ("council-open-form" in semester) == (member in ("director_a1", "staff_a1"))


@pytest.mark.parametrize("member", [*OTHERS, "teacher_a1"])
def test_the_councils_of_a_school_are_not_found_for_others(client, cast, council, member):
    url = reverse("assessment:council_list", args=["11565V"])
    assert get(client, getattr(cast, member), url).status_code == 404


def test_a_period_tab_lists_that_period_s_councils(client, cast, council):
    url = reverse("assessment:council_list", args=["11565V"]) + "?period=1"
    content = get(client, cast.staff_a1, url).content.decode()
    assert f'id="class-{council.school_class.public_id}" data-status="none"' in content
    assert 'id="period-1" aria-current="page"' in content


def test_the_entry_sends_a_director_to_their_school(client, cast):
    response = get(client, cast.director_a1, reverse("assessment:council_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:council_list", args=["11565V"])
    assert get(client, cast.outsider, reverse("assessment:council_home")).status_code == 404
    assert get(client, cast.national_admin, reverse("assessment:council_home")).status_code == 200


@pytest.mark.parametrize("member", ["director_a1", "staff_a1"])
def test_the_school_opens_a_council_from_the_list(client, cast, world, member):
    response = post(
        client,
        getattr(cast, member),
        reverse("assessment:council_open", args=["11565V"]),
        {
            "school_class": str(world.school_class.public_id),
            "period": "1",
            "held_on": "2026-02-04",
            "members": "M. Tazi",
            "minutes": "",
        },
    )
    council = ClassCouncil.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(council)
    assert (council.period, council.held_on, council.decisions.count()) == (1, date(2026, 2, 4), 4)


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "national_admin", "outsider"])
def test_others_cannot_open_a_council(client, cast, world, member):
    response = post(
        client,
        getattr(cast, member),
        reverse("assessment:council_open", args=["11565V"]),
        {"school_class": str(world.school_class.public_id), "period": "3", "held_on": "2026-06-30"},
    )
    assert response.status_code == 404
    assert not ClassCouncil.objects.exists()


# --- the council screen -----------------------------------------------------------------------


@pytest.mark.parametrize("member", [*READERS, "teacher_a1"])
def test_the_council_is_read_by_its_school_officers_and_the_class_s_teachers(
    client, cast, council, member
):
    response = get(client, getattr(cast, member), detail_url(council))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<tbody id="row-') == 4
    assert "14,50" in content  # a decimal comma in Arabic
    editable = member in ("director_a1", "staff_a1")
    assert ('name="decision"' in content) == editable
    assert ('id="validate-submit"' in content) == (member == "director_a1")


@pytest.mark.parametrize("member", OTHERS)
def test_the_council_is_not_found_outside_its_readers(client, cast, council, member):
    assert get(client, getattr(cast, member), detail_url(council)).status_code == 404


def test_a_teacher_of_another_class_does_not_see_its_council(
    client, cast, council, other_class_council
):
    assert get(client, cast.teacher_a1, detail_url(other_class_council)).status_code == 404
    assert get(client, cast.teacher_a1, detail_url(council)).status_code == 200


def test_an_unknown_council_is_not_found(client, cast):
    url = reverse("assessment:council_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert get(client, cast.director_a1, url).status_code == 404


def test_the_screen_shows_ranks_proposals_and_next_streams(client, cast, council, world):
    content = get(client, cast.staff_a1, detail_url(council)).content.decode()
    first = world.enrolments[0].student.code_massar
    assert (
        f'<tbody id="row-{first}" class="council-pupil" data-decision="pass" data-proposed="pass">'
        in content
    )
    assert 'id="next-stream-' + first + '"' in content
    assert 'value="1BAC-SEX"' in content
    assert 'id="council-places"' in content


def test_the_council_page_is_in_french_with_a_decimal_comma(client, cast, council):
    client.force_login(cast.director_a1)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    content = client.get(detail_url(council)).content.decode()
    assert '<html lang="fr" dir="ltr">' in content
    assert "14,50" in content


# --- a pupil's row with htmx ------------------------------------------------------------------


def test_a_row_is_saved_with_htmx_and_comes_back(client, cast, council, world):
    pupil = world.enrolments[0]
    response = post(
        client,
        cast.staff_a1,
        row_url(council, pupil),
        {
            "decision": "pass",
            "reason": "",
            "appreciation": "congratulations",
            "remark": "Excellent",
            "next_stream": "1BAC-SEX",
        },
        **HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.strip().startswith(f'<tbody id="row-{pupil.student.code_massar}"')
    assert gettext("Saved.") in content
    row = council.decisions.get(enrolment=pupil)
    assert (row.appreciation, row.remark, row.next_stream.code) == (
        "congratulations",
        "Excellent",
        "1BAC-SEX",
    )


def test_a_row_refusal_comes_back_in_the_row_with_what_was_typed(client, cast, council, world):
    pupil = world.enrolments[2]  # proposal: repeat
    response = post(
        client,
        cast.staff_a1,
        row_url(council, pupil),
        {
            "decision": "pass",
            "reason": "",
            "appreciation": "",
            "remark": "À revoir",
            "next_stream": "",
        },
        **HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    message = gettext(
        "The decision differs from the proposal (%(proposed)s): give the council's reason."
    ) % {"proposed": YearDecision.REPEAT.label}
    assert message.replace("'", "&#x27;") in content
    assert 'value="À revoir"' in content
    assert '<option value="pass" selected>' in content
    assert council.decisions.get(enrolment=pupil).decision == "repeat"


def test_a_row_without_htmx_redirects_with_a_message(client, cast, council, world):
    response = post(
        client,
        cast.director_a1,
        row_url(council, world.enrolments[1]),
        {"decision": "repeat", "reason": "Absences répétées", "appreciation": "warning"},
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(council)
    assert council.decisions.get(enrolment=world.enrolments[1]).decision == "repeat"


def test_an_unknown_stream_code_is_refused_in_the_row(client, cast, council, world):
    response = post(
        client,
        cast.staff_a1,
        row_url(council, world.enrolments[0]),
        {"decision": "pass", "next_stream": "NOPE"},
        **HTMX,
    )
    assert gettext("Choose a stream from the list.") in response.content.decode()


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "national_admin", "outsider"])
def test_others_cannot_save_a_row(client, cast, council, world, member):
    response = post(
        client,
        getattr(cast, member),
        row_url(council, world.enrolments[0]),
        {"decision": "repeat", "reason": "x"},
        **HTMX,
    )
    assert response.status_code == 404
    assert council.decisions.get(enrolment=world.enrolments[0]).decision == "pass"


def test_a_pupil_of_another_class_is_not_found_in_the_council(
    client, cast, council, other_class_council
):
    stranger = other_class_council.decisions.get().enrolment
    response = post(client, cast.staff_a1, row_url(council, stranger), {"decision": "pass"})
    assert response.status_code == 404


# --- heading, refresh, validation -------------------------------------------------------------


def test_the_heading_is_saved(client, cast, council):
    response = post(
        client,
        cast.staff_a1,
        detail_url(council),
        {"held_on": "2026-07-01", "members": "Mme A\nM. B", "minutes": "RAS"},
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert (council.held_on, council.members, council.minutes) == (
        date(2026, 7, 1),
        "Mme A\nM. B",
        "RAS",
    )


def test_a_heading_without_date_is_refused(client, cast, council):
    response = post(client, cast.staff_a1, detail_url(council), {"held_on": "", "members": ""})
    assert response.status_code == 400
    assert gettext("Give the date of the council.") in response.content.decode()


def test_refresh_reads_the_averages_again(client, cast, council, world):
    set_results(
        world, Period.YEAR, dict(zip(world.enrolments, ["9", "10", "8.75", "11"], strict=True))
    )
    response = post(
        client, cast.staff_a1, reverse("assessment:council_refresh", args=[council.public_id])
    )
    assert response.status_code == 302
    assert council.decisions.get(enrolment=world.enrolments[0]).decision == "repeat"


def decide(cast, council, world):
    sex = Stream.objects.get(code="1BAC-SEX")
    for enrolment, decision, stream in [
        (world.enrolments[0], "pass", sex),
        (world.enrolments[1], "pass", sex),
        (world.enrolments[3], "repeat", None),
    ]:
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=council.decisions.get(enrolment=enrolment),
            decision=decision,
            next_stream=stream,
        )


def test_staff_validating_is_refused_with_a_message(client, cast, council, world):
    decide(cast, council, world)
    client.force_login(cast.staff_a1)
    response = client.post(
        reverse("assessment:council_validate", args=[council.public_id]), follow=True
    )
    assert response.status_code == 200
    assert gettext("Only the director validates a class council.") in response.content.decode()
    council.refresh_from_db()
    assert council.status == CouncilStatus.DRAFT


def test_the_director_validates_and_the_council_is_then_read_only(client, cast, council, world):
    decide(cast, council, world)
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("assessment:council_validate", args=[council.public_id]), follow=True
    )
    content = response.content.decode()
    assert 'data-status="validated"' in content
    assert 'name="decision"' not in content
    assert Enrolment.objects.get(pk=world.enrolments[0].pk).decision == "pass"
    refused = client.post(
        row_url(council, world.enrolments[0]), {"decision": "repeat", "reason": "x"}, **HTMX
    )
    assert (
        gettext("This council is validated and locked: it can no longer be changed.")
        in refused.content.decode()
    )


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "outsider", "national_admin"])
def test_others_cannot_validate(client, cast, council, member):
    url = reverse("assessment:council_validate", args=[council.public_id])
    assert post(client, getattr(cast, member), url).status_code == 404
    council.refresh_from_db()
    assert council.status == CouncilStatus.DRAFT


# --- query bounds -----------------------------------------------------------------------------


def test_the_council_screen_runs_a_bounded_number_of_queries(
    client, cast, council, django_assert_max_num_queries
):
    client.force_login(cast.staff_a1)
    client.get(detail_url(council))
    with django_assert_max_num_queries(12):
        response = client.get(detail_url(council))
    assert response.status_code == 200


def test_the_council_screen_queries_do_not_grow_with_the_pupils(client, cast, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = open_year_council(cast, world)
    big_class = SchoolClassFactory(
        establishment=cast.school_a1,
        stream=Stream.objects.get(code="TCS"),
        number=3,
        name="TCS-3",
    )
    pupils = enrol_pupils(cast.school_a1, "TC", 30, stream_code="TCS")
    ClassPlacement.objects.bulk_create(
        [ClassPlacement(enrolment=e, school_class=big_class) for e in pupils]
    )
    holder = SimpleNamespace(school_class=big_class)
    set_results(holder, Period.YEAR, dict.fromkeys(pupils, "11"))
    big = open_year_council(cast, holder)
    client.force_login(cast.director_a1)
    client.get(detail_url(small))
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(small))
    with CaptureQueriesContext(connection) as many:
        client.get(detail_url(big))
    assert len(many) == len(few)


def test_the_list_runs_a_bounded_number_of_queries(
    client, cast, council, other_class_council, django_assert_max_num_queries
):
    url = reverse("assessment:council_list", args=["11565V"])
    client.force_login(cast.director_a1)
    client.get(url)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_a_row_save_runs_a_bounded_number_of_queries(
    client, cast, council, world, django_assert_max_num_queries
):
    client.force_login(cast.staff_a1)
    url = row_url(council, world.enrolments[0])
    client.post(url, {"decision": "pass", "next_stream": "1BAC-SEX"}, **HTMX)
    with django_assert_max_num_queries(20):
        response = client.post(
            url, {"decision": "pass", "remark": "Bien", "next_stream": "1BAC-SEX"}, **HTMX
        )
    assert response.status_code == 200
