"""Loading the generator's problem of a school from the database: grid, lessons, rooms,
locked and current sessions, teachers' wishes and their hours in other schools."""

from datetime import date, time

import pytest

from massar.schooling.models import ClassPlacement, RoomType
from massar.schooling.tests.factories import RoomFactory
from massar.staff.models import TeachingAssignment
from massar.students.models import Enrolment
from massar.students.tests.factories import register
from massar.timetable.generator import Placement
from massar.timetable.loading import NoAssignments, NoGrid, ensure_loadable, load_problem
from massar.timetable.models import (
    AvailabilityKind,
    HalfDay,
    Period,
    Session,
    SubjectTimetableRule,
    TeacherAvailability,
    WeeklyGrid,
)

from .generation_school import make_grid, small_school

pytestmark = pytest.mark.django_db


def session(assignment, *, weekday, period, length=1, room=None, locked=False, school=None):
    return Session.objects.create(
        establishment=school or assignment.establishment,
        school_year=assignment.school_year,
        assignment=assignment,
        school_class=assignment.school_class,
        teacher=assignment.teacher,
        room=room,
        weekday=weekday,
        period=period,
        length=length,
        is_locked=locked,
    )


def test_the_grid_lessons_and_rooms_of_a_small_school(cast, django_assert_max_num_queries):
    school = small_school(cast.school_a1)
    with django_assert_max_num_queries(11):
        loaded = load_problem(establishment=cast.school_a1, school_year=school.school_year)
    problem = loaded.problem
    grid = problem.grid
    assert grid.weekdays == (1, 2, 3, 4, 5)
    assert grid.periods == (1, 2, 3, 4, 5, 6)
    assert grid.closed == frozenset({(3, 5), (3, 6)})
    assert grid.afternoon_from == 5
    assert grid.late_from == 6
    assert grid.class_max_periods_per_day == 6

    tcs1 = school.classes[0]
    math, french, physics = (school.assignment(tcs1, code) for code in ("MATH", "FR", "PC"))
    by_key = {lesson.key: lesson for lesson in problem.lessons}
    assert len(problem.lessons) == 10
    assert [by_key[f"{math.pk}:{i}"].length for i in (0, 1)] == [2, 2]
    assert [by_key[f"{french.pk}:{i}"].length for i in (0, 1)] == [2, 1]
    assert by_key[f"{physics.pk}:0"].length == 2
    assert f"{physics.pk}:1" not in by_key
    classrooms = (school.rooms["S1"].pk, school.rooms["S2"].pk)
    assert by_key[f"{math.pk}:0"].room_ids == classrooms
    assert by_key[f"{physics.pk}:0"].room_ids == (school.rooms["LAB1"].pk,)
    assert by_key[f"{math.pk}:0"].is_heavy is True
    assert by_key[f"{french.pk}:0"].is_heavy is False
    assert by_key[f"{math.pk}:0"].teacher_id == school.math.pk
    assert by_key[f"{math.pk}:0"].class_id == tcs1.pk
    assert {lesson.locked for lesson in problem.lessons} == {None}
    assert {lesson.current for lesson in problem.lessons} == {None}
    assert sorted(t.id for t in problem.teachers) == sorted(
        [school.math.pk, school.french.pk, school.physics.pk]
    )
    assert sorted(room.id for room in problem.rooms) == sorted(r.pk for r in school.rooms.values())
    assert loaded.conflicts == ()


def test_a_subject_rule_gives_the_longest_block(cast):
    school = small_school(cast.school_a1)
    french = school.assignments[1].subject
    SubjectTimetableRule.objects.create(subject=french, max_block=1)
    problem = load_problem(establishment=cast.school_a1, school_year=school.school_year).problem
    french_lessons = [lesson for lesson in problem.lessons if lesson.subject_id == french.pk]
    assert [lesson.length for lesson in french_lessons] == [1, 1, 1, 1, 1, 1]


def test_rooms_too_small_for_the_placed_pupils_are_left_out(cast):
    school = small_school(cast.school_a1)
    tcs1 = school.classes[0]
    small = school.rooms["S2"]
    small.capacity = 1
    small.save()
    for day, first_name in ((3, "Amine"), (21, "Sara")):
        pupil = register(
            cast.director_a1,
            cast.school_a1,
            first_name_fr=first_name,
            first_name_ar=first_name,
            birth_date=date(2009, 5, day),
            guardians=[],
        )
        ClassPlacement.objects.create(
            enrolment=Enrolment.objects.get(student=pupil), school_class=tcs1
        )
    problem = load_problem(establishment=cast.school_a1, school_year=school.school_year).problem
    rooms_of = {(lesson.class_id, lesson.subject_id): lesson.room_ids for lesson in problem.lessons}
    math_subject = school.assignments[0].subject_id
    assert rooms_of[tcs1.pk, math_subject] == (school.rooms["S1"].pk,)
    assert rooms_of[school.classes[1].pk, math_subject] == (
        school.rooms["S1"].pk,
        small.pk,
    )


def test_locked_sessions_are_lessons_of_their_own_and_others_are_current(cast):
    school = small_school(cast.school_a1)
    tcs1 = school.classes[0]
    math = school.assignment(tcs1, "MATH")
    french = school.assignment(tcs1, "FR")
    locked = session(math, weekday=2, period=1, length=1, room=school.rooms["S1"], locked=True)
    current = session(french, weekday=4, period=3, length=2, room=school.rooms["S2"])
    leftover = session(french, weekday=5, period=1, length=3)  # no lesson of three periods
    loaded = load_problem(establishment=cast.school_a1, school_year=school.school_year)
    by_key = {lesson.key: lesson for lesson in loaded.problem.lessons}
    # 4 h of mathematics, one locked period: the locked lesson, then 3 h split as 2 + 1.
    assert [by_key[f"{math.pk}:{i}"].length for i in (0, 1, 2)] == [1, 2, 1]
    assert by_key[f"{math.pk}:0"].locked == Placement(2, 1, school.rooms["S1"].pk)
    assert by_key[f"{math.pk}:1"].locked is None
    assert by_key[f"{french.pk}:0"].current == Placement(4, 3, school.rooms["S2"].pk)
    assert by_key[f"{french.pk}:1"].current is None
    assert loaded.session_of_lesson == {f"{french.pk}:0": current.pk}
    assert {state[0] for state in loaded.sessions_seen} == {locked.pk, current.pk, leftover.pk}
    assert len(loaded.problem.lessons) == 11


def test_teachers_wishes_and_their_periods_in_another_school(cast):
    school = small_school(cast.school_a1)
    math_teacher = school.math
    year = school.school_year
    TeacherAvailability.objects.create(teacher=math_teacher, school_year=year, weekday=2, period=1)
    TeacherAvailability.objects.create(
        teacher=math_teacher, school_year=year, weekday=4, period=6, kind=AvailabilityKind.AVOID
    )
    # She also teaches at school A2, whose periods start half an hour later.
    other = small_school(cast.school_a2, with_grid=False)
    other_grid = WeeklyGrid.objects.create(establishment=cast.school_a2, school_year=year)
    Period.objects.bulk_create(
        Period(
            grid=other_grid,
            number=n,
            starts_at=time(h, 30),
            ends_at=time(h + 1, 30),
            half=HalfDay.MORNING,
        )
        for n, h in enumerate([8, 9, 10, 11], start=1)
    )
    shared = TeachingAssignment.objects.get(pk=other.assignments[0].pk)
    shared.teacher = math_teacher
    shared.save()
    session(shared, weekday=1, period=1, length=1)  # Monday 08:30-09:30 there
    # And at school B1, which has no grid: the same period numbers are assumed.
    far = small_school(cast.school_b1, with_grid=False)
    remote = TeachingAssignment.objects.get(pk=far.assignments[0].pk)
    remote.teacher = math_teacher
    remote.save()
    session(remote, weekday=5, period=6, length=1)
    problem = load_problem(establishment=cast.school_a1, school_year=year).problem
    spec = next(t for t in problem.teachers if t.id == math_teacher.pk)
    assert spec.unavailable == frozenset({(2, 1)})
    assert spec.avoid == frozenset({(4, 6)})
    assert spec.busy_elsewhere == frozenset({(1, 1), (1, 2), (5, 6)})
    french_spec = next(t for t in problem.teachers if t.id == school.french.pk)
    assert french_spec.busy_elsewhere == frozenset()


def test_a_lesson_no_room_can_take_is_a_conflict_before_solving(cast):
    school = small_school(cast.school_a1)
    SubjectTimetableRule.objects.filter(subject__code="PC").update(room_type=RoomType.COMPUTER_ROOM)
    loaded = load_problem(establishment=cast.school_a1, school_year=school.school_year)
    assert [conflict.code for conflict in loaded.conflicts] == ["no_room", "no_room"]
    params = loaded.conflicts[0].params
    physics = school.assignment(school.classes[0], "PC")
    assert params == {
        "lesson": f"{physics.pk}:0",
        "subject_id": physics.subject_id,
        "class_id": school.classes[0].pk,
        "room_type": RoomType.COMPUTER_ROOM,
        "pupils": 0,
    }


def test_a_school_without_rooms_gets_lessons_without_rooms(cast):
    school = small_school(cast.school_a1)
    for room in school.rooms.values():
        room.is_active = False
        room.save()
    loaded = load_problem(establishment=cast.school_a1, school_year=school.school_year)
    assert {lesson.room_ids for lesson in loaded.problem.lessons} == {()}
    assert loaded.problem.rooms == ()
    assert loaded.conflicts == ()


def test_nothing_to_load_without_a_grid_periods_or_assignments(cast):
    school = small_school(cast.school_a1, with_grid=False)
    year = school.school_year
    with pytest.raises(NoGrid):
        load_problem(establishment=cast.school_a1, school_year=year)
    grid = WeeklyGrid.objects.create(establishment=cast.school_a1, school_year=year)
    with pytest.raises(NoGrid):
        ensure_loadable(establishment=cast.school_a1, school_year=year)
    with pytest.raises(NoGrid):
        load_problem(establishment=cast.school_a1, school_year=year)
    grid.delete()
    make_grid(cast.school_a2)
    with pytest.raises(NoAssignments):
        ensure_loadable(establishment=cast.school_a2, school_year=year)
    with pytest.raises(NoAssignments):
        load_problem(establishment=cast.school_a2, school_year=year)
    RoomFactory(establishment=cast.school_a2, code="X1")  # rooms alone are not lessons
    with pytest.raises(NoAssignments):
        load_problem(establishment=cast.school_a2, school_year=year)
