"""Pages of teaching assignments with the shared cast: the entry page, a school's classes,
a class's grid and its htmx row save, loads, and shortages of a school and of a directorate."""

from decimal import Decimal

import pytest
from django.urls import reverse

from massar.staff.models import TeachingAssignment
from massar.staff.tests.conftest import subjects, tcs_class
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
DENIED = ["director_a2", "director_b1", "academy_officer_b", "teacher_a1", "parent_a1", "outsider"]


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def school_pages(klass):
    return [
        reverse("staff:school_classes", args=["11565V"]),
        reverse("staff:school_loads", args=["11565V"]),
        reverse("staff:school_shortages", args=["11565V"]),
        reverse("staff:class_grid", args=[klass.public_id]),
    ]


@pytest.mark.parametrize("member", READERS)
def test_the_pages_of_school_a1_show_to_its_readers(client, cast, klass, math_teacher, member):
    for url in school_pages(klass):
        response = get(client, getattr(cast, member), url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("member", DENIED)
def test_the_pages_of_school_a1_are_not_found_for_others(client, cast, klass, member):
    for url in school_pages(klass):
        assert get(client, getattr(cast, member), url).status_code == 404, url


def test_an_unknown_school_or_class_is_not_found(client, cast):
    client.force_login(cast.national_admin)
    assert client.get(reverse("staff:school_loads", args=["99999X"])).status_code == 404
    assert client.get("/staff/classes/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_entry_page_lists_the_schools_and_directorates(client, cast):
    content = get(client, cast.director_a1, reverse("staff:organisation")).content.decode()
    assert 'id="classes-11565V"' in content
    assert "organisation-directorates" not in content
    content = get(client, cast.academy_officer_a, reverse("staff:organisation")).content.decode()
    assert 'id="directorate-0401"' in content
    assert 'id="directorate-0402"' in content
    assert 'id="directorate-0201"' not in content
    for member in ["teacher_a1", "parent_a1", "outsider"]:
        response = get(client, getattr(cast, member), reverse("staff:organisation"))
        assert response.status_code == 404


def test_the_grid_lists_the_curriculum_and_qualified_teachers_first(
    client, cast, klass, math_teacher, django_assert_max_num_queries
):
    for _index in range(10):
        StaffMemberFactory(main_establishment=cast.school_a1, subjects=subjects("FR"))
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("staff:class_grid", args=[klass.public_id]))
    content = response.content.decode()
    assert content.count('class="card form-grid assignment-row"') == 11  # TCS subjects
    assert 'id="row-COND"' not in content
    math_row = content.split('id="row-MATH"')[1].split("</form>")[0]
    qualified = math_row.split("<optgroup")[1]
    assert str(math_teacher.public_id) in qualified


def test_officers_see_the_grid_read_only(client, cast, klass, math_teacher):
    content = get(
        client, cast.directorate_officer_a1, reverse("staff:class_grid", args=[klass.public_id])
    ).content.decode()
    assert 'id="row-MATH"' in content
    assert 'name="teacher"' not in content


def post_row(client, klass, code, htmx=True, **data):
    url = reverse("staff:class_grid_row", args=[klass.public_id, code])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, data, **headers)


def test_saving_a_row_in_place_gives_the_load(client, cast, klass, math_teacher):
    client.force_login(cast.director_a1)
    response = post_row(client, klass, "MATH", teacher=str(math_teacher.public_id))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="row-MATH"' in content
    assert 'data-assigned="yes"' in content
    assert "message--error" not in content
    assignment = TeachingAssignment.objects.get()
    assert (assignment.teacher, assignment.weekly_hours) == (math_teacher, Decimal("5"))
    feedback = content.split('id="feedback-MATH">')[1].split("</p>")[0]
    assert "5" in feedback
    assert "21" in feedback


def test_a_refused_row_keeps_the_choice_and_says_why(client, cast, klass, math_teacher):
    client.force_login(cast.director_a1)
    response = post_row(client, klass, "SVT", teacher=str(math_teacher.public_id))
    assert response.status_code == 200  # htmx swaps the row with its message
    content = response.content.decode()
    assert "message--error" in content
    assert f'<option value="{math_teacher.public_id}" selected>' in content
    assert not TeachingAssignment.objects.exists()
    forced = post_row(client, klass, "SVT", teacher=str(math_teacher.public_id), force="on")
    assert "message--error" not in forced.content.decode()
    assert TeachingAssignment.objects.get().subject.code == "SVT"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"weekly_hours": "25"}, "hours"),
        ({"weekly_hours": "abc"}, "hours"),
        ({"teacher": "not-a-uuid"}, "teacher"),
    ],
)
def test_bad_row_input_is_a_message_not_a_500(client, cast, klass, math_teacher, data, expected):
    client.force_login(cast.director_a1)
    values = {"teacher": str(math_teacher.public_id), **data}
    response = post_row(client, klass, "MATH", **values)
    assert response.status_code == 200
    assert 'class="field--wide message message--error"' in response.content.decode()
    assert not TeachingAssignment.objects.exists()


def test_a_teacher_of_another_school_is_not_offered_nor_accepted(client, cast, klass):
    elsewhere = StaffMemberFactory(main_establishment=cast.school_a2, subjects=subjects("MATH"))
    client.force_login(cast.director_a1)
    page = client.get(reverse("staff:class_grid", args=[klass.public_id])).content.decode()
    assert str(elsewhere.public_id) not in page
    response = post_row(client, klass, "MATH", teacher=str(elsewhere.public_id), force="on")
    assert "message--error" in response.content.decode()
    assert not TeachingAssignment.objects.exists()


def test_without_htmx_the_row_redirects_to_the_grid(client, cast, klass, math_teacher):
    client.force_login(cast.staff_a1)
    response = post_row(client, klass, "MATH", htmx=False, teacher=str(math_teacher.public_id))
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:class_grid", args=[klass.public_id])
    assert TeachingAssignment.objects.count() == 1


@pytest.mark.parametrize("member", ["director_a2", "directorate_officer_a1", "teacher_a1"])
def test_others_cannot_save_a_row(client, cast, klass, math_teacher, member):
    client.force_login(getattr(cast, member))
    response = post_row(client, klass, "MATH", teacher=str(math_teacher.public_id))
    assert response.status_code == 404
    assert not TeachingAssignment.objects.exists()


def test_a_row_of_an_unknown_subject_is_not_found(client, cast, klass, math_teacher):
    client.force_login(cast.director_a1)
    assert post_row(client, klass, "ALCHEMY").status_code == 404


def test_the_load_table_by_hand(client, cast, math_teacher, django_assert_max_num_queries):
    """Bennani: 5 + 4 (TCS-1) + 5 (TCS-2) = 14 h of 21, under. Alami: 4 (TCS-2) h of a 3 h
    override, over by 1. Idrissi, visiting from a neighbour school: 0 of 21, under."""
    first, second = tcs_class(cast.school_a1, 1), tcs_class(cast.school_a1, 2)
    math, pc = subjects("MATH", "PC")[0], subjects("MATH", "PC")[1]
    if math.code != "MATH":
        math, pc = pc, math
    over = StaffMemberFactory(
        main_establishment=cast.school_a1,
        last_name_fr="Alami",
        weekly_quota_override=Decimal("3"),
    )
    neighbour = EstablishmentFactory(code="11580N", commune=cast.school_a1.commune)
    visiting = StaffMemberFactory(main_establishment=neighbour, last_name_fr="Idrissi")
    visiting.other_establishments.set([cast.school_a1])
    TeachingAssignmentFactory(
        school_class=first, subject=math, teacher=math_teacher, weekly_hours=5
    )
    TeachingAssignmentFactory(school_class=first, subject=pc, teacher=math_teacher, weekly_hours=4)
    TeachingAssignmentFactory(
        school_class=second, subject=math, teacher=math_teacher, weekly_hours=5
    )
    TeachingAssignmentFactory(school_class=second, subject=pc, teacher=over, weekly_hours=4)
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("staff:school_loads", args=["11565V"]))
    rows = {row.teacher.pk: row for row in response.context["rows"]}
    assert (rows[math_teacher.pk].load, rows[math_teacher.pk].quota) == (Decimal("14"), 21)
    assert rows[math_teacher.pk].state == "under"
    assert (rows[over.pk].load, rows[over.pk].quota, rows[over.pk].state) == (4, 3, "over")
    assert rows[over.pk].gap == Decimal("1")
    assert (rows[visiting.pk].load, rows[visiting.pk].state) == (0, "under")
    assert response.context["rows"][0].teacher == over  # over quota first
    assert len(response.context["under"]) == 2
    content = response.content.decode()
    assert f'id="load-{over.public_id}" data-state="over"' in content


def test_the_shortage_page_lists_the_missing_subjects(
    client, cast, klass, math_teacher, django_assert_max_num_queries
):
    TeachingAssignmentFactory(
        school_class=klass, subject=subjects("MATH")[0], teacher=math_teacher, weekly_hours=5
    )
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("staff:school_shortages", args=["11565V"]))
    content = response.content.decode()
    assert content.count('<tr data-subject="') == 10 + 10  # per subject, per class
    assert 'data-subject="MATH"' not in content
    assert response.context["shortages"].hours == Decimal("25")


@pytest.mark.parametrize(
    "member", ["national_admin", "academy_officer_a", "directorate_officer_a1"]
)
def test_the_directorate_view_for_its_officers(
    client, cast, klass, member, django_assert_max_num_queries
):
    client.force_login(getattr(cast, member))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("staff:directorate_shortages", args=["0401"]))
    assert response.status_code == 200
    assert 'data-establishment="11565V"' in response.content.decode()
    assert response.context["shortages"].hours == Decimal("30")


@pytest.mark.parametrize(
    "member",
    ["directorate_officer_b1", "academy_officer_b", "director_a1", "teacher_a1", "outsider"],
)
def test_the_directorate_view_is_not_found_for_others(client, cast, member):
    response = get(
        client, getattr(cast, member), reverse("staff:directorate_shortages", args=["0401"])
    )
    assert response.status_code == 404
