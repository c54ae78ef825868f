"""The schooling pages with the shared cast: who reads, who writes, and everyone else gets 404;
forms with good and bad input; bounded queries."""

import pytest
from django.urls import reverse

from massar.curriculum.models import Stream
from massar.schooling import placements
from massar.schooling.models import Building, ClassPlacement, ExpectedIntake, Room, SchoolClass
from massar.schooling.tests.factories import (
    RoomFactory,
    SchoolClassFactory,
    current_year,
    enrol_pupils,
    level,
)
from massar.students.models import Enrolment

pytestmark = pytest.mark.django_db

READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
WRITERS = ["director_a1", "staff_a1"]
OFFICERS = ["national_admin", "academy_officer_a", "directorate_officer_a1"]
OTHERS = [
    "director_a2",
    "director_b1",
    "academy_officer_b",
    "directorate_officer_b1",
    "teacher_a1",
    "parent_a1",
    "student_a1",
    "outsider",
]


@pytest.fixture
def school(cast):
    """school_a1 organised: a building, two rooms, TCS-1 (with pupils) and TCS-2."""
    building = Building.objects.create(establishment=cast.school_a1, code="A", name="Bloc A")
    room = RoomFactory(establishment=cast.school_a1, code="S01", building=building, capacity=40)
    lab = RoomFactory(establishment=cast.school_a1, code="LAB1", room_type="science_lab")
    science = Stream.objects.get(code="TCS")
    first = SchoolClassFactory(
        establishment=cast.school_a1, stream=science, number=1, home_room=room
    )
    second = SchoolClassFactory(establishment=cast.school_a1, stream=science, number=2)
    pupils = enrol_pupils(cast.school_a1, "TC", 5, stream_code="TCS", repeating=1)
    placements.pupils_place(
        actor=cast.director_a1,
        school_class=first,
        codes=[p.student.code_massar for p in pupils[:3]],
    )
    return {
        "building": building,
        "room": room,
        "lab": lab,
        "first": first,
        "second": second,
        "pupils": pupils,
    }


def read_urls(school):
    return [
        reverse("schooling:rooms", args=["11565V"]),
        reverse("schooling:classes", args=["11565V"]),
        reverse("schooling:class_detail", args=[school["first"].public_id]),
        reverse("schooling:school_map", args=["11565V"]),
    ]


def write_urls(school):
    return [
        reverse("schooling:room_create", args=["11565V"]),
        reverse("schooling:room_edit", args=[school["room"].public_id]),
        reverse("schooling:building_create", args=["11565V"]),
        reverse("schooling:building_edit", args=[school["building"].public_id]),
        reverse("schooling:class_create", args=["11565V"]),
        reverse("schooling:classes_create_many", args=["11565V"]),
        reverse("schooling:class_edit", args=[school["first"].public_id]),
        reverse("schooling:auto_place", args=["11565V"]),
        reverse("schooling:intake_edit", args=["11565V"]),
    ]


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- Who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize("member", READERS)
def test_readers_see_the_pages_of_the_school(client, cast, school, member):
    for url in read_urls(school):
        response = get(client, getattr(cast, member), url)
        assert response.status_code == 200, url
    assert b"TCS-1" in get(client, getattr(cast, member), read_urls(school)[1]).content


@pytest.mark.parametrize("member", OTHERS)
def test_everyone_else_gets_404_on_every_page(client, cast, school, member):
    for url in read_urls(school) + write_urls(school):
        assert get(client, getattr(cast, member), url).status_code == 404, url
    client.force_login(getattr(cast, member))
    first = school["first"]
    for name in ("schooling:class_place", "schooling:class_move"):
        response = client.post(reverse(name, args=[first.public_id]), {"code": "x"})
        assert response.status_code == 404


@pytest.mark.parametrize("member", WRITERS)
def test_writers_open_every_form(client, cast, school, member):
    for url in write_urls(school):
        assert get(client, getattr(cast, member), url).status_code == 200, url


@pytest.mark.parametrize("member", OFFICERS)
def test_officers_read_but_do_not_write(client, cast, school, member):
    for url in write_urls(school):
        assert get(client, getattr(cast, member), url).status_code == 404, url
    page = get(client, getattr(cast, member), reverse("schooling:classes", args=["11565V"]))
    assert b'id="class-create-link"' not in page.content


def test_anonymous_visitors_are_sent_to_log_in(client, school):
    for url in read_urls(school) + write_urls(school):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_central_school_reads_its_satellite(client, cast):
    url = reverse("schooling:classes", args=[cast.satellite_b1.code])
    assert get(client, cast.director_b1, url).status_code == 200
    assert get(client, cast.director_a1, url).status_code == 404


def test_an_unknown_class_or_year_is_not_found(client, cast, school):
    missing = reverse("schooling:class_detail", args=["00000000-0000-4000-8000-000000000000"])
    assert get(client, cast.director_a1, missing).status_code == 404
    classes = reverse("schooling:classes", args=["11565V"])
    assert get(client, cast.director_a1, classes, year="1999-2000").status_code == 404


# --- Home of the app ---------------------------------------------------------------------------


def test_the_home_sends_a_director_of_one_school_to_its_classes(client, cast):
    response = get(client, cast.director_a1, reverse("schooling:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("schooling:classes", args=["11565V"])


def test_the_home_lists_schools_and_directorates_for_an_officer(client, cast):
    response = get(client, cast.directorate_officer_a1, reverse("schooling:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="directorate-map-0401"' in content
    assert "11565V" in content
    assert "11570P" in content
    assert "12001C" not in content
    fragment = client.get(reverse("schooling:index"), {"q": "11570"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    assert b"11570P" in fragment.content
    assert b"11565V" not in fragment.content


def test_a_central_school_director_chooses_between_the_two_schools(client, cast):
    response = get(client, cast.director_b1, reverse("schooling:index"))
    assert response.status_code == 200
    assert b"21010B" in response.content
    assert b"21011S" in response.content


@pytest.mark.parametrize("member", ["teacher_a1", "parent_a1", "outsider"])
def test_the_home_is_not_found_for_others(client, cast, member):
    assert get(client, getattr(cast, member), reverse("schooling:index")).status_code == 404


# --- Rooms -------------------------------------------------------------------------------------


def test_the_rooms_are_filtered_by_type_in_place(client, cast, school):
    url = reverse("schooling:rooms", args=["11565V"])
    client.force_login(cast.staff_a1)
    page = client.get(url).content.decode()
    assert "S01" in page
    assert "LAB1" in page
    assert "Bloc A" in page
    fragment = client.get(url, {"room_type": "science_lab"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    assert b"LAB1" in fragment.content
    assert b"S01" not in fragment.content


def test_a_room_is_created_through_the_page(client, cast, school):
    client.force_login(cast.staff_a1)
    response = client.post(
        reverse("schooling:room_create", args=["11565V"]),
        {
            "code": "s02",
            "name": "Salle 2",
            "room_type": "classroom",
            "capacity": "42",
            "building": str(school["building"].public_id),
            "is_accessible": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = Room.objects.get(code="S02")
    assert (created.capacity, created.building, created.is_accessible) == (
        42,
        school["building"],
        True,
    )


@pytest.mark.parametrize("capacity", ["0", "501", "abc"])
def test_a_room_with_a_bad_capacity_is_refused(client, cast, school, capacity):
    client.force_login(cast.staff_a1)
    response = client.post(
        reverse("schooling:room_create", args=["11565V"]),
        {"code": "S09", "room_type": "classroom", "capacity": capacity, "is_active": "on"},
    )
    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert not Room.objects.filter(code="S09").exists()


def test_a_room_cannot_shrink_below_its_class_through_the_page(client, cast, school):
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("schooling:room_edit", args=[school["room"].public_id]),
        {"code": "S01", "room_type": "classroom", "capacity": "20", "is_active": "on"},
    )
    assert response.status_code == 400
    assert b'id="form-error"' in response.content
    school["room"].refresh_from_db()
    assert school["room"].capacity == 40


def test_a_building_is_created_and_renamed(client, cast, school):
    client.force_login(cast.director_a1)
    url = reverse("schooling:building_create", args=["11565V"])
    assert client.post(url, {"code": "b", "name": "Annexe"}).status_code == 302
    building = Building.objects.get(code="B")
    edit = reverse("schooling:building_edit", args=[building.public_id])
    assert client.post(edit, {"code": "B", "name": "Annexe sud"}).status_code == 302
    building.refresh_from_db()
    assert building.name == "Annexe sud"
    duplicate = client.post(url, {"code": "A", "name": "Again"})
    assert duplicate.status_code == 400
    assert Building.objects.count() == 2


# --- Classes -----------------------------------------------------------------------------------


def test_the_classes_are_grouped_by_level_with_the_pupils_without_a_class(
    client, cast, school, django_assert_max_num_queries
):
    client.force_login(cast.director_a1)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("schooling:classes", args=["11565V"]))
    content = response.content.decode()
    assert 'id="level-TC"' in content
    assert 'id="unplaced-TC"' in content
    assert content.index("TCS-1") < content.index("TCS-2")


def test_a_class_is_created_through_the_page(client, cast, school):
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("schooling:class_create", args=["11565V"]),
        {
            "stream": "TCS",
            "capacity": "36",
            "language_option": "fr",
            "home_room": str(school["lab"].public_id),
        },
    )
    assert response.status_code == 302
    created = SchoolClass.objects.get(name="TCSF-1")
    assert (created.capacity, created.home_room) == (36, school["lab"])


def test_a_class_larger_than_its_home_room_is_refused_through_the_page(client, cast, school):
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("schooling:class_create", args=["11565V"]),
        {"stream": "TCS", "capacity": "41", "home_room": str(school["room"].public_id)},
    )
    assert response.status_code == 400
    assert b'id="form-error"' in response.content
    assert b"S01" in response.content
    assert SchoolClass.objects.count() == 2


def test_a_duplicate_class_name_is_refused_through_the_page(client, cast, school):
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("schooling:class_create", args=["11565V"]),
        {"stream": "TCS", "number": "2", "capacity": "30"},
    )
    assert response.status_code == 400
    assert b"TCS-2" in response.content
    assert SchoolClass.objects.count() == 2


def test_several_classes_are_created_through_the_page(client, cast, school):
    client.force_login(cast.staff_a1)
    response = client.post(
        reverse("schooling:classes_create_many", args=["11565V"]),
        {"stream": "TCLSH", "count": "3", "capacity": "40"},
    )
    assert response.status_code == 302
    assert sorted(
        SchoolClass.objects.filter(stream__code="TCLSH").values_list("name", flat=True)
    ) == ["TCLSH-1", "TCLSH-2", "TCLSH-3"]


def test_a_multi_grade_class_is_created_in_a_rural_school(client, cast):
    client.force_login(cast.director_b1)
    url = reverse("schooling:class_create", args=[cast.school_b1.code])
    page = client.get(url)
    assert b'name="other_levels"' in page.content
    response = client.post(
        url, {"stream": "1AP-G", "capacity": "28", "other_levels": ["2AP", "3AP"]}
    )
    assert response.status_code == 302
    assert SchoolClass.objects.get().name == "1AP/2AP/3AP-1"


def test_the_class_page_lists_its_pupils(client, cast, school, django_assert_max_num_queries):
    client.force_login(cast.staff_a1)
    first = school["first"]
    with django_assert_max_num_queries(18):
        response = client.get(reverse("schooling:class_detail", args=[first.public_id]))
    content = response.content.decode()
    for pupil in school["pupils"][:3]:
        student = pupil.student
        assert student.code_massar in content
        assert student.full_name_ar in content
        assert student.full_name_fr in content
        assert student.birth_date.strftime("%d/%m/%Y") in content
    assert school["pupils"][3].student.code_massar in content  # offered in the place form
    assert 'id="class-count">3 / 40' in content
    assert "export" in content
    assert "class=TCS-1" in content


def test_a_pupil_is_placed_then_moved_through_the_page(client, cast, school):
    client.force_login(cast.staff_a1)
    first, second = school["first"], school["second"]
    code = school["pupils"][3].student.code_massar
    response = client.post(
        reverse("schooling:class_place", args=[second.public_id]), {"code": code}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(student__code_massar=code).class_label == "TCS-2"
    moved = school["pupils"][0].student.code_massar
    response = client.post(
        reverse("schooling:class_move", args=[first.public_id]),
        {"code": moved, "to": str(second.public_id)},
    )
    assert response.status_code == 302
    page = client.get(reverse("schooling:class_detail", args=[second.public_id]))
    row = page.content.decode().split(f'id="pupil-{moved}"')[1].split("</tr>")[0]
    assert "TCS-1" in row
    assert "pupil-move" in row


def test_placing_in_a_full_class_shows_the_error_and_writes_nothing(client, cast, school):
    first = school["first"]
    SchoolClass.objects.filter(pk=first.pk).update(capacity=3)
    client.force_login(cast.director_a1)
    code = school["pupils"][4].student.code_massar
    response = client.post(
        reverse("schooling:class_place", args=[first.public_id]), {"code": code}, follow=True
    )
    assert b"message--error" in response.content
    assert ClassPlacement.objects.count() == 3


def test_placing_a_pupil_of_another_school_is_refused(client, cast, school):
    other = enrol_pupils(cast.school_a2, "1AC", 1)[0]
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("schooling:class_place", args=[school["first"].public_id]),
        {"code": other.student.code_massar},
        follow=True,
    )
    assert b"message--error" in response.content
    assert not ClassPlacement.objects.filter(enrolment=other).exists()


def test_a_level_is_placed_automatically_through_the_page(client, cast, school):
    client.force_login(cast.director_a1)
    url = reverse("schooling:auto_place", args=["11565V"])
    assert client.get(url, {"level": "TC"}).status_code == 200
    response = client.post(url, {"level": "TC"})
    assert response.status_code == 302
    assert ClassPlacement.objects.count() == 5
    assert sorted(Enrolment.objects.values_list("class_label", flat=True)) == [
        "TCS-1",
        "TCS-1",
        "TCS-1",
        "TCS-2",
        "TCS-2",
    ]


def test_the_automatic_placement_reports_a_lack_of_seats(client, cast, school):
    enrol_pupils(cast.school_a1, "TC", 80, stream_code="TCS")
    client.force_login(cast.director_a1)
    response = client.post(reverse("schooling:auto_place", args=["11565V"]), {"level": "TC"})
    assert response.status_code == 400
    assert b'id="form-error"' in response.content
    assert ClassPlacement.objects.count() == 3


def test_a_class_capacity_is_changed_not_below_its_pupils(client, cast, school):
    client.force_login(cast.director_a1)
    url = reverse("schooling:class_edit", args=[school["first"].public_id])
    refused = client.post(url, {"capacity": "2", "home_room": ""})
    assert refused.status_code == 400
    assert client.post(url, {"capacity": "30", "home_room": ""}).status_code == 302
    school["first"].refresh_from_db()
    assert (school["first"].capacity, school["first"].home_room) == (30, None)


# --- School map --------------------------------------------------------------------------------


def test_the_school_map_page_shows_the_figures(client, cast, school, django_assert_max_num_queries):
    ExpectedIntake.objects.create(
        establishment=cast.school_a1, school_year=current_year(), level=level("TC"), new_pupils=79
    )
    client.force_login(cast.directorate_officer_a1)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("schooling:school_map", args=["11565V"]))
    content = response.content.decode()
    tc = content.split('id="map-TC"')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in tc.split('class="number">')[1:]] == [
        "0",
        "0",
        "79",
        "79",
        "40",
        "2",
        "2",
    ]
    assert 'id="rooms-available">1<' in content
    assert b'id="intake-edit-link"' not in response.content


def test_the_director_enters_the_expected_intake(client, cast, school):
    client.force_login(cast.director_a1)
    url = reverse("schooling:intake_edit", args=["11565V"])
    assert (
        client.post(url, {"level_TC": "120", "level_1BAC": "", "level_2BAC": "3"}).status_code
        == 302
    )
    assert dict(ExpectedIntake.objects.values_list("level__code", "new_pupils")) == {
        "TC": 120,
        "1BAC": 0,
        "2BAC": 3,
    }


@pytest.mark.parametrize("value", ["-5", "5001", "many"])
def test_a_bad_expected_intake_is_refused(client, cast, school, value):
    client.force_login(cast.director_a1)
    response = client.post(
        reverse("schooling:intake_edit", args=["11565V"]), {"level_TC": value, "level_1BAC": "4"}
    )
    assert response.status_code == 400
    assert "5000" in response.content.decode()
    assert not ExpectedIntake.objects.exists()


@pytest.mark.parametrize("member", OFFICERS)
def test_officers_see_the_map_of_their_directorate(
    client, cast, school, member, django_assert_max_num_queries
):
    client.force_login(getattr(cast, member))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("schooling:directorate_map", args=["0401"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="map-11565V"' in content
    assert 'id="map-11570P"' in content
    assert 'id="map-12001C"' not in content


@pytest.mark.parametrize(
    "member", ["director_a1", "staff_a1", "academy_officer_b", "directorate_officer_b1", "outsider"]
)
def test_the_directorate_map_is_not_found_for_others(client, cast, member):
    response = get(
        client, getattr(cast, member), reverse("schooling:directorate_map", args=["0401"])
    )
    assert response.status_code == 404
