"""Rooms, buildings and classes through the services: names by the convention, multi-grade
classes, and every bad input refused with a clear message and nothing written."""

import pytest
from django.utils.translation import gettext

from massar.core.errors import PermissionDenied, ValidationFailed
from massar.curriculum.models import Stream
from massar.schooling import rooms, services
from massar.schooling.models import Building, ExpectedIntake, LanguageOption, Room, SchoolClass
from massar.schooling.naming import class_base_name
from massar.schooling.tests.factories import RoomFactory, SchoolClassFactory, current_year, level

pytestmark = pytest.mark.django_db


def stream(code):
    return Stream.objects.select_related("level").get(code=code)


def create(cast, school=None, actor=None, **values):
    data = {"stream": stream("TCS"), "capacity": 40, **values}
    return services.class_create(
        actor=actor or cast.director_a1,
        establishment=school or cast.school_a1,
        school_year=current_year(),
        data=services.ClassData(**data),
    )


# --- Names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stream_code", "option", "expected"),
    [
        ("TCS", "", "TCS"),
        ("TCS", "fr", "TCSF"),
        ("TCLSH", "en", "TCLSHA"),
        ("1AC-G", "", "1APIC"),
        ("1AC-G", "fr", "1APIC"),  # the collège's international course already is French
        ("1AC-G", "es", "1APICE"),
        ("2BAC-PC", "", "2BAC PC"),
        ("2BAC-PC", "fr", "2BAC PCF"),
        ("1BAC-SEX", "", "1BAC SE"),
        ("3AP-G", "", "3AP"),
        ("PS1-G", "", "PS1"),
    ],
)
def test_class_names_follow_the_convention(stream_code, option, expected):
    chosen = stream(stream_code)
    assert class_base_name(stream=chosen, level=chosen.level, language_option=option) == expected


def test_a_class_gets_the_next_free_number_and_its_name(cast):
    first = create(cast)
    second = create(cast)
    french = create(cast, language_option=LanguageOption.FRENCH)
    assert (first.name, first.number) == ("TCS-1", 1)
    assert (second.name, second.number) == ("TCS-2", 2)
    assert (french.name, french.number) == ("TCSF-1", 1)
    assert first.level.code == "TC"
    assert first.school_year == current_year()


def test_bac_classes_carry_the_level_in_their_name(cast):
    assert create(cast, stream=stream("2BAC-PC"), number=3).name == "2BAC PC-3"


def test_several_classes_are_created_at_once_after_the_existing_ones(
    cast, django_assert_max_num_queries
):
    create(cast, number=2)
    with django_assert_max_num_queries(12):
        created = services.classes_create_many(
            actor=cast.director_a1,
            establishment=cast.school_a1,
            school_year=current_year(),
            stream=stream("TCS"),
            count=3,
            capacity=38,
        )
    assert [c.name for c in created] == ["TCS-1", "TCS-3", "TCS-4"]
    assert all(c.capacity == 38 and c.pk for c in created)
    assert SchoolClass.objects.filter(establishment=cast.school_a1).count() == 4


def test_a_multi_grade_class_of_a_rural_primary_school(cast):
    created = create(
        cast,
        school=cast.school_b1,
        actor=cast.director_b1,
        stream=stream("1AP-G"),
        capacity=30,
        other_levels=(level("2AP"), level("3AP")),
    )
    assert created.name == "1AP/2AP/3AP-1"
    assert sorted(created.other_levels.values_list("code", flat=True)) == ["2AP", "3AP"]
    assert created.is_multigrade


def test_a_home_room_large_enough_is_kept(cast):
    room = RoomFactory(establishment=cast.school_a1, code="S01", capacity=40)
    assert create(cast, home_room=room, capacity=40).home_room == room


def test_the_director_of_the_central_school_organises_its_satellite(cast):
    created = create(cast, school=cast.satellite_b1, actor=cast.director_b1, stream=stream("4AP-G"))
    assert created.establishment == cast.satellite_b1


# --- Bad input ---------------------------------------------------------------------------------


def refused(code, call):
    with pytest.raises(ValidationFailed) as error:
        call()
    assert error.value.code == code
    assert str(error.value.message)
    return str(error.value.message)


def test_a_class_above_its_home_room_is_refused(cast):
    room = RoomFactory(establishment=cast.school_a1, code="S02", capacity=30)
    message = refused("room_too_small", lambda: create(cast, home_room=room, capacity=35))
    assert all(part in message for part in ("S02", "30", "35"))
    assert not SchoolClass.objects.exists()


def test_a_home_room_of_another_school_or_not_in_use_is_refused(cast):
    elsewhere = RoomFactory(establishment=cast.school_a2, code="X1")
    unused = RoomFactory(establishment=cast.school_a1, code="X2", is_active=False)
    refused("room_elsewhere", lambda: create(cast, home_room=elsewhere))
    refused("room_unused", lambda: create(cast, home_room=unused))
    assert not SchoolClass.objects.exists()


def test_a_duplicate_class_name_is_refused(cast):
    create(cast, number=1)
    message = refused("class_name_taken", lambda: create(cast, number=1))
    assert "TCS-1" in message
    assert "2025/2026" in message
    assert SchoolClass.objects.count() == 1


def test_a_french_collège_class_cannot_take_the_name_of_a_standard_one(cast):
    school = cast.school_a2
    first = create(cast, school=school, actor=cast.director_a2, stream=stream("1AC-G"))
    refused(
        "class_name_taken",
        lambda: create(
            cast,
            school=school,
            actor=cast.director_a2,
            stream=stream("1AC-G"),
            language_option=LanguageOption.FRENCH,
            number=1,
        ),
    )
    french = create(
        cast,
        school=school,
        actor=cast.director_a2,
        stream=stream("1AC-G"),
        language_option=LanguageOption.FRENCH,
    )
    assert (first.name, french.name) == ("1APIC-1", "1APIC-2")


def test_a_multi_grade_class_with_a_non_primary_level_is_refused(cast):
    message = refused(
        "multigrade_not_primary",
        lambda: create(cast, other_levels=(level("1BAC"),)),
    )
    assert level("TC").name in message  # the class's own level is the first not primary
    refused(
        "multigrade_not_primary",
        lambda: create(
            cast,
            school=cast.school_b1,
            actor=cast.director_b1,
            stream=stream("1AP-G"),
            other_levels=(level("1AC"),),
        ),
    )
    assert not SchoolClass.objects.exists()


def test_a_multi_grade_class_is_filed_under_its_lowest_level(cast):
    refused(
        "multigrade_not_lowest",
        lambda: create(
            cast,
            school=cast.school_b1,
            actor=cast.director_b1,
            stream=stream("3AP-G"),
            other_levels=(level("2AP"),),
        ),
    )
    assert not SchoolClass.objects.exists()


@pytest.mark.parametrize("capacity", [0, 81, -3])
def test_a_class_capacity_out_of_range_is_refused(cast, capacity):
    message = refused("class_capacity", lambda: create(cast, capacity=capacity))
    assert "80" in message
    assert not SchoolClass.objects.exists()


def test_a_stream_the_school_does_not_teach_is_refused(cast):
    refused("level_not_taught", lambda: create(cast, stream=stream("1AC-G")))


def test_too_many_classes_at_once_is_refused(cast):
    refused(
        "class_count",
        lambda: services.classes_create_many(
            actor=cast.director_a1,
            establishment=cast.school_a1,
            school_year=current_year(),
            stream=stream("TCS"),
            count=31,
            capacity=40,
        ),
    )
    assert not SchoolClass.objects.exists()


@pytest.mark.parametrize("member", ["directorate_officer_a1", "teacher_a1", "director_a2"])
def test_only_the_school_organises_its_classes(cast, member):
    with pytest.raises(PermissionDenied):
        create(cast, actor=getattr(cast, member))
    assert not SchoolClass.objects.exists()


# --- Rooms and buildings -----------------------------------------------------------------------


def room(cast, actor=None, **values):
    data = {"code": "S10", "capacity": 36, **values}
    return rooms.room_create(
        actor=actor or cast.staff_a1, establishment=cast.school_a1, data=rooms.RoomData(**data)
    )


def test_a_room_is_created_with_its_building(cast):
    building = rooms.building_create(
        actor=cast.director_a1, establishment=cast.school_a1, code="a", name="Bloc A"
    )
    created = room(cast, code=" lab1 ", room_type="science_lab", building=building)
    assert (created.code, created.room_type, created.building) == ("LAB1", "science_lab", building)
    assert building.code == "A"


@pytest.mark.parametrize("capacity", [0, 501])
def test_a_room_capacity_out_of_range_is_refused(cast, capacity):
    message = refused("room_capacity", lambda: room(cast, capacity=capacity))
    assert "500" in message
    assert not Room.objects.exists()


def test_a_room_code_twice_is_refused(cast):
    room(cast)
    refused("room_code_taken", lambda: room(cast, code="s10"))
    assert Room.objects.count() == 1


def test_a_room_cannot_shrink_below_its_home_class(cast):
    home = room(cast, capacity=40)
    home_class = SchoolClassFactory(establishment=cast.school_a1, capacity=38, home_room=home)
    message = refused(
        "room_below_class",
        lambda: rooms.room_update(
            actor=cast.director_a1,
            room=home,
            data=rooms.RoomData(code="S10", capacity=30),
        ),
    )
    assert message == gettext(
        "The class %(name)s has this room as its home room and takes %(capacity)s "
        "pupils: the room cannot hold fewer."
    ) % {"name": home_class.name, "capacity": 38}
    home.refresh_from_db()
    assert home.capacity == 40


def test_a_building_code_twice_is_refused(cast):
    rooms.building_create(
        actor=cast.director_a1, establishment=cast.school_a1, code="A", name="Bloc A"
    )
    refused(
        "building_code_taken",
        lambda: rooms.building_create(
            actor=cast.director_a1, establishment=cast.school_a1, code="a", name="Autre"
        ),
    )
    assert Building.objects.count() == 1


def test_a_building_without_a_name_is_refused(cast):
    refused(
        "name_required",
        lambda: rooms.building_create(
            actor=cast.director_a1, establishment=cast.school_a1, code="A", name="  "
        ),
    )
    assert not Building.objects.exists()


def test_a_building_of_another_school_is_refused_for_a_room(cast):
    other = Building.objects.create(establishment=cast.school_a2, code="B", name="Bloc B")
    refused("building_elsewhere", lambda: room(cast, building=other))


# --- Expected intake ---------------------------------------------------------------------------


def intake(cast, values, actor=None):
    return services.expected_intakes_set(
        actor=actor or cast.director_a1,
        establishment=cast.school_a1,
        school_year=current_year(),
        intakes={level(code): value for code, value in values.items()},
    )


def test_the_expected_intake_is_created_then_changed(cast):
    assert intake(cast, {"TC": 120, "1BAC": 10}) == 2
    assert intake(cast, {"TC": 130, "1BAC": 10}) == 1
    rows = dict(ExpectedIntake.objects.values_list("level__code", "new_pupils"))
    assert rows == {"TC": 130, "1BAC": 10}


@pytest.mark.parametrize("value", [-1, 5001, 10**9])
def test_an_expected_intake_negative_or_huge_is_refused(cast, value):
    message = refused("intake_range", lambda: intake(cast, {"TC": 5, "1BAC": value}))
    assert level("1BAC").name in message
    assert "5000" in message
    assert not ExpectedIntake.objects.exists()


def test_an_intake_for_a_level_the_school_does_not_teach_is_refused(cast):
    refused("level_not_taught", lambda: intake(cast, {"1AP": 40}))
    assert not ExpectedIntake.objects.exists()
