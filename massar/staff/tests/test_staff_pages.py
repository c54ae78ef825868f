"""The staff file pages with the shared cast: the list (filters, htmx, queries), the file and
its tabs, creating and editing a file. The other school and the outsider get 404."""

from decimal import Decimal

import pytest
from django.urls import reverse

from massar.accounts.models import Role, RoleAssignment
from massar.staff.models import StaffMember
from massar.staff.tests.conftest import subjects
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory

pytestmark = pytest.mark.django_db

READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
OTHERS = ["director_a2", "academy_officer_b", "directorate_officer_b1"]
NO_STAFF_PAGES = ["teacher_a1", "parent_a1", "student_a1", "outsider"]


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.parametrize("member", READERS)
def test_the_list_shows_the_staff_of_school_a1_to_its_readers(client, cast, math_teacher, member):
    response = get(client, getattr(cast, member), reverse("staff:list"))
    assert response.status_code == 200
    assert str(math_teacher.public_id) in response.content.decode()


@pytest.mark.parametrize("member", OTHERS)
def test_the_list_of_another_scope_does_not_show_them(client, cast, math_teacher, member):
    response = get(client, getattr(cast, member), reverse("staff:list"))
    assert response.status_code == 200
    assert str(math_teacher.public_id) not in response.content.decode()


@pytest.mark.parametrize("member", NO_STAFF_PAGES)
def test_the_list_is_not_found_for_other_roles(client, cast, member):
    assert get(client, getattr(cast, member), reverse("staff:list")).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("staff:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_visiting_teacher_is_listed_by_the_school_they_serve(client, cast):
    visiting = StaffMemberFactory(main_establishment=cast.school_a2)  # Salé
    visiting.other_establishments.set([cast.school_a1])  # set directly: a test of reading
    response = get(client, cast.director_a1, reverse("staff:list"))
    assert str(visiting.public_id) in response.content.decode()


def test_the_filters_and_the_search_in_both_scripts(client, cast, math_teacher):
    clerk = StaffMemberFactory(
        main_establishment=cast.school_a1,
        kind="administrative",
        cycle="",
        status="temporary",
        first_name_ar="نادية",
        last_name_ar="الفاسي",
        first_name_fr="Nadia",
        last_name_fr="Fassi",
    )
    url = reverse("staff:list")
    cases = [
        ({"q": "Bennani"}, math_teacher),
        ({"q": "الفاسي"}, clerk),
        ({"q": "nadia"}, clerk),
        ({"kind": "teacher"}, math_teacher),
        ({"status": "temporary"}, clerk),
        ({"subject": "MATH"}, math_teacher),
        ({"establishment": "11565V", "kind": "administrative"}, clerk),
    ]
    for params, expected in cases:
        content = get(client, cast.director_a1, url, **params).content.decode()
        missing = clerk if expected == math_teacher else math_teacher
        assert str(expected.public_id) in content, params
        assert str(missing.public_id) not in content, params
    fragment = client.get(url, {"q": "Fassi"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    assert str(clerk.public_id).encode() in fragment.content


def test_invalid_filters_are_reported_not_a_500(client, cast):
    response = get(client, cast.director_a1, reverse("staff:list"), kind="pirate", page="x")
    assert response.status_code == 200
    assert b'id="filters-invalid"' in response.content


def test_the_list_runs_a_bounded_number_of_queries(
    client, cast, klass, django_assert_max_num_queries
):
    math = subjects("MATH")[0]
    for index in range(30):
        member = StaffMemberFactory(main_establishment=cast.school_a1, subjects=[math])
        if index < 10:
            member.other_establishments.set([cast.satellite_b1])
    TeachingAssignmentFactory(school_class=klass, subject=math, teacher=member)
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("staff:list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/staff/') >= 25


@pytest.mark.parametrize("tab", ["file", "assignments", "history"])
@pytest.mark.parametrize("member", READERS)
def test_each_tab_of_the_file_shows_to_its_readers(
    client, cast, math_teacher, klass, tab, member, django_assert_max_num_queries
):
    TeachingAssignmentFactory(school_class=klass, subject=subjects("MATH")[0], teacher=math_teacher)
    client.force_login(getattr(cast, member))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("staff:detail", args=[math_teacher.public_id]), {"tab": tab})
    assert response.status_code == 200
    content = response.content.decode()
    if tab == "file":
        assert math_teacher.cin in content
        assert math_teacher.payroll_number in content
    if tab == "assignments":
        assert "TCS-1" in content
        assert 'id="staff-under"' in content  # 2 h of 21


@pytest.mark.parametrize("member", [*OTHERS, "director_b1", *NO_STAFF_PAGES])
def test_the_file_is_not_found_for_others(client, cast, math_teacher, member):
    response = get(
        client, getattr(cast, member), reverse("staff:detail", args=[math_teacher.public_id])
    )
    assert response.status_code == 404


def test_an_unknown_file_is_not_found(client, cast):
    response = get(client, cast.director_a1, "/staff/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def form_data(**overrides):
    values = {
        "last_name_ar": "بناني",
        "first_name_ar": "سعاد",
        "last_name_fr": "Bennani",
        "first_name_fr": "Souad",
        "cin": "ab 123456",
        "payroll_number": "1234567",
        "kind": "teacher",
        "status": "academy_contract",
        "grade": "",
        "cycle": "upper_secondary",
        "main_establishment": "11565V",
        "other_establishments": "",
        "weekly_quota_override": "",
        "subjects": ["MATH", "PC"],
        "is_active": "on",
    }
    values.update(overrides)
    return values


def test_a_director_creates_a_file_with_a_login_through_the_page(client, cast):
    client.force_login(cast.director_a1)
    url = reverse("staff:create")
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(create_account="on"))
    assert response.status_code == 200
    staff = StaffMember.objects.get()
    assert staff.cin == "AB123456"
    assert response.context["created"].username == "souad.bennani"
    password = response.context["created"].initial_password
    assert password in response.content.decode()
    assert staff.user.check_password(password)
    assert RoleAssignment.objects.filter(user=staff.user, role=Role.TEACHER).exists()


def test_a_file_without_login_goes_to_the_file(client, cast):
    client.force_login(cast.staff_a1)
    response = client.post(reverse("staff:create"), form_data())
    staff = StaffMember.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:detail", args=[staff.public_id])
    assert staff.user is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cin": "12AB"}, "cin"),
        ({"payroll_number": "12"}, "payroll_number"),
        ({"other_establishments": "12001C"}, "other_establishments"),
        ({"cycle": ""}, "cycle"),
        ({"main_establishment": "12001C"}, "main_establishment"),
        ({"weekly_quota_override": "50"}, "weekly_quota_override"),
    ],
)
def test_bad_input_on_the_page_shows_on_the_field_and_writes_nothing(
    client, cast, overrides, field
):
    client.force_login(cast.director_a1)
    response = client.post(reverse("staff:create"), form_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert b'id="staff-form-error"' in response.content
    assert not StaffMember.objects.exists()


def test_a_duplicate_cin_is_shown_on_the_field(client, cast, math_teacher):
    client.force_login(cast.director_a1)
    response = client.post(reverse("staff:create"), form_data(cin=math_teacher.cin))
    assert response.status_code == 400
    errors = response.context["form"].errors["cin"]
    assert len(errors) == 1
    assert math_teacher.cin in errors[0]
    assert StaffMember.objects.count() == 1


@pytest.mark.parametrize(
    "member", ["directorate_officer_a1", "academy_officer_a", "teacher_a1", "outsider"]
)
def test_the_create_page_is_not_found_for_those_who_do_not_write(client, cast, member):
    assert get(client, getattr(cast, member), reverse("staff:create")).status_code == 404


def test_a_director_edits_a_file_and_the_history_shows_it(client, cast, math_teacher):
    client.force_login(cast.director_a1)
    url = reverse("staff:edit", args=[math_teacher.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["cin"] == math_teacher.cin
    response = client.post(
        url,
        form_data(
            cin=math_teacher.cin,
            payroll_number=math_teacher.payroll_number,
            grade="Hors classe",
            weekly_quota_override="18,5",
        ),
    )
    assert response.status_code == 302
    math_teacher.refresh_from_db()
    assert (math_teacher.grade, math_teacher.weekly_quota_override) == (
        "Hors classe",
        Decimal("18.5"),
    )
    history = client.get(reverse("staff:detail", args=[math_teacher.public_id]), {"tab": "history"})
    assert "Hors classe" in history.content.decode()


@pytest.mark.parametrize("member", ["director_a2", "directorate_officer_a1", "teacher_a1"])
def test_others_cannot_edit(client, cast, math_teacher, member):
    client.force_login(getattr(cast, member))
    url = reverse("staff:edit", args=[math_teacher.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    assert client.post(reverse("staff:account", args=[math_teacher.public_id])).status_code == 404


def test_the_login_of_an_existing_file(client, cast, math_teacher):
    client.force_login(cast.staff_a1)
    response = client.post(reverse("staff:account", args=[math_teacher.public_id]))
    assert response.status_code == 200
    assert response.context["created"].username == "souad.bennani"
    again = client.post(reverse("staff:account", args=[math_teacher.public_id]))
    assert again.status_code == 302
