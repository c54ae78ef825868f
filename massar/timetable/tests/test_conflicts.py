"""One test per kind of conflict, for a session placed by hand (``check_session`` through the
service, which refuses hard conflicts and saves nothing) and for the school report."""

from __future__ import annotations

import pytest

from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import RoomFactory, SchoolClassFactory
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.students.tests.factories import register
from massar.timetable import conflicts
from massar.timetable.errors import TimetableConflict
from massar.timetable.models import AvailabilityKind, HalfDay, Session, TeacherAvailability
from massar.timetable.services import (
    SessionPlace,
    grid_set_usual_week,
    session_check,
    session_create,
)
from massar.timetable.tests.builders import build_school, subject
from massar.timetable.weekgrid import USUAL_SECONDARY_WEEK, GridShape, PeriodSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(cast):
    return build_school(cast)


def refused(cast, assignment, *, weekday, period, length=1, room=None) -> set[str]:
    """The codes of the hard conflicts that stop the session; nothing is saved."""
    before = Session.objects.count()
    with pytest.raises(TimetableConflict) as caught:
        session_create(
            actor=cast.director_a1,
            assignment=assignment,
            place=SessionPlace(weekday=weekday, period=period, length=length, room=room),
        )
    assert Session.objects.count() == before
    assert caught.value.status == 409
    assert caught.value.details == [c.as_dict() for c in caught.value.conflicts]
    return {c.code for c in caught.value.conflicts if c.hard}


def test_the_teacher_booked_twice(cast, school):
    school.place(cast.director_a1, school.math_a, 1, 1, room=school.classroom)
    assert refused(cast, school.math_b, weekday=1, period=1) == {conflicts.TEACHER_BUSY}


def test_the_teacher_booked_in_another_establishment(cast, school):
    grid_set_usual_week(
        actor=cast.director_a2, establishment=cast.school_a2, school_year=school.year
    )
    school.teacher.other_establishments.add(cast.school_a2)
    elsewhere = SchoolClassFactory(establishment=cast.school_a2, number=1, name="1APIC-1")
    shared = TeachingAssignmentFactory(
        school_class=elsewhere, subject=subject("MATH"), teacher=school.teacher
    )
    session_create(
        actor=cast.director_a2, assignment=shared, place=SessionPlace(weekday=2, period=2)
    )
    with pytest.raises(TimetableConflict) as caught:
        session_create(
            actor=cast.director_a1,
            assignment=school.math_a,
            place=SessionPlace(weekday=2, period=2),
        )
    [conflict] = caught.value.conflicts
    assert conflict.code == conflicts.TEACHER_BUSY_ELSEWHERE
    assert cast.school_a2.name in conflict.message
    assert "1APIC-1" not in conflict.message  # another school's class is not named


def test_the_class_booked_twice(cast, school):
    school.place(cast.director_a1, school.math_a, 1, 1)
    assert refused(cast, school.pc_a, weekday=1, period=1, room=school.lab) == {
        conflicts.CLASS_BUSY
    }


def test_the_room_booked_twice(cast, school):
    school.place(cast.director_a1, school.math_a, 1, 1, room=school.classroom)
    assert refused(cast, school.french_b, weekday=1, period=1, room=school.classroom) == {
        conflicts.ROOM_BUSY
    }


def test_an_overlap_of_a_longer_session_is_a_clash(cast, school):
    school.place(cast.director_a1, school.math_a, 1, 1, length=2)
    assert refused(cast, school.math_b, weekday=1, period=2) == {conflicts.TEACHER_BUSY}
    # Right after it is free.
    school.place(cast.director_a1, school.math_b, 1, 3)


def test_the_wrong_room_type_from_the_subject_rule(cast, school):
    # Physics-chemistry is taught in a science laboratory (its timetabling rule).
    assert refused(cast, school.pc_a, weekday=1, period=1, room=school.classroom) == {
        conflicts.ROOM_TYPE
    }


def test_a_subject_without_a_rule_needs_a_classroom(cast, school):
    assert refused(cast, school.french_b, weekday=1, period=1, room=school.lab) == {
        conflicts.ROOM_TYPE
    }


def test_a_room_too_small_for_the_class_capacity(cast, school):
    small = RoomFactory(establishment=school.establishment, code="S02", capacity=20)
    assert refused(cast, school.math_a, weekday=1, period=1, room=small) == {
        conflicts.ROOM_TOO_SMALL
    }


def test_a_room_too_small_for_the_pupils_placed(cast, school):
    # Class A plans 30 pupils; once pupils are placed, their number counts.
    small = RoomFactory(establishment=school.establishment, code="S02", capacity=1)
    for first_ar, first_fr in (("يوسف", "Youssef"), ("سلمى", "Salma")):
        pupil = register(
            cast.director_a1,
            school.establishment,
            first_name_ar=first_ar,
            first_name_fr=first_fr,
            guardians=[],
        )
        ClassPlacement.objects.create(enrolment=pupil.enrolments.get(), school_class=school.class_a)
    with pytest.raises(TimetableConflict) as caught:
        session_create(
            actor=cast.director_a1,
            assignment=school.math_a,
            place=SessionPlace(weekday=1, period=1, room=small),
        )
    [conflict] = caught.value.conflicts
    assert conflict.code == conflicts.ROOM_TOO_SMALL
    assert "2" in conflict.message
    small.capacity = 2
    small.save()
    school.place(cast.director_a1, school.math_a, 1, 1, room=small)


def test_a_room_not_in_use(cast, school):
    school.classroom.is_active = False
    school.classroom.save()
    assert refused(cast, school.math_a, weekday=1, period=1, room=school.classroom) == {
        conflicts.ROOM_NOT_IN_USE
    }


def test_the_teacher_unavailable(cast, school):
    TeacherAvailability.objects.create(
        teacher=school.teacher, school_year=school.year, weekday=3, period=2
    )
    assert refused(cast, school.math_a, weekday=3, period=1, length=2) == {
        conflicts.TEACHER_UNAVAILABLE
    }


def test_a_preference_of_the_teacher_is_shown_but_does_not_stop_the_session(cast, school):
    TeacherAvailability.objects.create(
        teacher=school.teacher,
        school_year=school.year,
        weekday=3,
        period=1,
        kind=AvailabilityKind.AVOID,
    )
    found = session_check(
        actor=cast.director_a1, assignment=school.math_a, place=SessionPlace(weekday=3, period=1)
    )
    assert [(c.code, c.hard) for c in found] == [(conflicts.TEACHER_AVOIDS, False)]
    session = school.place(cast.director_a1, school.math_a, 3, 1)
    assert session.pk is not None


def test_a_day_not_taught(cast, school):
    assert refused(cast, school.math_a, weekday=7, period=1) == {conflicts.DAY_NOT_TAUGHT}


def test_a_period_not_in_the_grid(cast, school):
    assert refused(cast, school.math_a, weekday=1, period=9) == {conflicts.PERIOD_NOT_IN_GRID}


def test_a_free_half_day(cast, school):
    # Saturday afternoon is free in the usual week.
    assert refused(cast, school.math_a, weekday=6, period=5) == {conflicts.FREE_HALF_DAY}


def test_a_lesson_crossing_the_end_of_the_morning(cast, school):
    assert refused(cast, school.math_a, weekday=1, period=4, length=2) == {
        conflicts.CROSSES_HALF_DAY
    }


def test_a_lesson_crossing_the_end_of_the_day(cast, school):
    assert refused(cast, school.math_a, weekday=1, period=8, length=2) == {
        conflicts.CROSSES_HALF_DAY
    }


def test_more_than_the_class_daily_maximum(cast, school):
    # Six periods a day at most: 4 in the morning and 2 in the afternoon fill it.
    school.math_a.weekly_hours = 20
    school.math_a.save()
    school.place(cast.director_a1, school.math_a, 1, 1, length=2)
    school.place(cast.director_a1, school.math_a, 1, 3, length=2)
    school.place(cast.director_a1, school.pc_a, 1, 5, length=2, room=school.lab)
    assert refused(cast, school.math_a, weekday=1, period=7) == {conflicts.CLASS_DAILY_MAX}


def test_more_than_the_weekly_hours_of_the_assignment(cast, school):
    # 1.5 hours a week allow 2 periods (rounded up).
    school.french_b.weekly_hours = "1.5"
    school.french_b.save()
    school.place(cast.director_a1, school.french_b, 1, 1)
    school.place(cast.director_a1, school.french_b, 2, 1)
    assert refused(cast, school.french_b, weekday=3, period=1) == {conflicts.WEEKLY_HOURS}


def test_several_conflicts_are_all_given(cast, school):
    school.place(cast.director_a1, school.math_a, 1, 1, room=school.classroom)
    assert refused(cast, school.math_b, weekday=1, period=1, room=school.classroom) == {
        conflicts.TEACHER_BUSY,
        conflicts.ROOM_BUSY,
    }


def test_a_moved_session_is_not_its_own_clash(cast, school):
    session = school.place(cast.director_a1, school.math_a, 1, 1, length=2)
    found = session_check(
        actor=cast.director_a1,
        assignment=school.math_a,
        place=SessionPlace(weekday=1, period=2, length=2),
        session=session,
    )
    assert found == []


def test_the_check_runs_a_fixed_number_of_queries(cast, school, django_assert_max_num_queries):
    for period in (1, 2, 3):
        school.place(cast.director_a1, school.math_b, 1, period)
    with django_assert_max_num_queries(10):
        session_check(
            actor=cast.director_a1,
            assignment=school.math_a,
            place=SessionPlace(weekday=1, period=2, room=school.classroom),
        )


# --- pure rules -------------------------------------------------------------------------------


def facts(**overrides) -> conflicts.SessionFacts:
    values = {
        "id": None,
        "public_id": "x",
        "establishment_id": 1,
        "establishment_name": "School",
        "assignment_id": 1,
        "weekly_hours": 2,
        "class_id": 1,
        "class_name": "TC-1",
        "pupils": 30,
        "teacher_id": 1,
        "teacher_name": "Teacher",
        "subject_id": 1,
        "subject_name": "Maths",
        "room_id": None,
        "room_code": "",
        "room_type": "",
        "room_capacity": 0,
        "room_active": True,
        "weekday": 1,
        "period": 1,
        "length": 1,
    }
    values.update(overrides)
    return conflicts.SessionFacts(**values)


@pytest.mark.parametrize(
    ("weekday", "period", "length", "expected"),
    [
        (1, 1, 1, []),
        (1, 3, 2, []),
        (1, 5, 4, []),
        (7, 1, 1, [conflicts.DAY_NOT_TAUGHT]),
        (1, 9, 1, [conflicts.PERIOD_NOT_IN_GRID]),
        (6, 5, 1, [conflicts.FREE_HALF_DAY]),
        (6, 4, 2, [conflicts.CROSSES_HALF_DAY]),
        (1, 7, 3, [conflicts.CROSSES_HALF_DAY]),
    ],
)
def test_grid_problems_on_the_usual_week(weekday, period, length, expected):
    found = conflicts.grid_problems(
        USUAL_SECONDARY_WEEK, facts(weekday=weekday, period=period, length=length)
    )
    assert [c.code for c in found] == expected


def test_a_grid_with_a_gap_in_its_numbers():
    from datetime import time

    shape = GridShape(
        days=(1,),
        periods=(
            PeriodSpec(1, time(8), time(9), HalfDay.MORNING),
            PeriodSpec(3, time(10), time(11), HalfDay.MORNING),
        ),
    )
    assert [c.code for c in conflicts.grid_problems(shape, facts(period=1, length=2))] == [
        conflicts.CROSSES_HALF_DAY
    ]


def test_periods_needed_rounds_up():
    from decimal import Decimal

    assert [conflicts.periods_needed(Decimal(h)) for h in ("0.5", "1", "1.5", "4")] == [1, 1, 2, 4]


# --- the school report -------------------------------------------------------------------------


def test_the_report_finds_every_clash_at_once(cast, school, django_assert_max_num_queries):
    """Sessions saved around the checks (an import, an old version) are all reported."""
    base = {"establishment": school.establishment, "school_year": school.year}
    rows = [
        Session(
            **base,
            assignment=school.math_a,
            school_class=school.class_a,
            teacher=school.teacher,
            room=school.classroom,
            weekday=1,
            period=1,
        ),
        Session(
            **base,
            assignment=school.math_b,
            school_class=school.class_b,
            teacher=school.teacher,
            room=school.classroom,
            weekday=1,
            period=1,
        ),
        Session(
            **base,
            assignment=school.pc_a,
            school_class=school.class_a,
            teacher=school.colleague,
            room=school.classroom,
            weekday=6,
            period=5,
        ),
    ]
    Session.objects.bulk_create(rows)
    other_teacher = StaffMemberFactory(main_establishment=school.establishment)
    TeacherAvailability.objects.create(
        teacher=school.colleague, school_year=school.year, weekday=6, period=5
    )
    with django_assert_max_num_queries(6):
        found = conflicts.school_conflicts(
            establishment_id=school.establishment.pk,
            school_year_id=school.year.pk,
            shape=USUAL_SECONDARY_WEEK,
        )
    codes = sorted(c.code for c in found)
    assert codes == sorted(
        [
            conflicts.TEACHER_BUSY,
            conflicts.ROOM_BUSY,
            conflicts.ROOM_TYPE,  # physics-chemistry in a classroom
            conflicts.TEACHER_UNAVAILABLE,
            conflicts.FREE_HALF_DAY,
        ]
    )
    assert other_teacher.pk  # a teacher without sessions adds nothing


def test_the_report_of_a_clean_timetable_is_empty(cast, school):
    school.place(cast.director_a1, school.math_a, 1, 1, room=school.classroom)
    school.place(cast.director_a1, school.pc_a, 1, 2, room=school.lab)
    assert (
        conflicts.school_conflicts(
            establishment_id=school.establishment.pk,
            school_year_id=school.year.pk,
            shape=USUAL_SECONDARY_WEEK,
        )
        == []
    )
