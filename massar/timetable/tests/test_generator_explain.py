"""Why no timetable exists: the counting checks and the solver's core."""

from massar.timetable.generator import (
    Conflict,
    GridSpec,
    Placement,
    SolveStatus,
    TeacherSpec,
    solve,
)
from massar.timetable.generator.explain import explain, prechecks

from .generator_problems import GRID, lesson, problem, room

# One day of four periods: morning 1–2, afternoon 3–4.
DAY = GridSpec(weekdays=(1,), periods=(1, 2, 3, 4), afternoon_from=3)


def groups_of(conflicts):
    assert [c.code for c in conflicts] == ["constraints_together"]
    return conflicts[0].params["groups"]


def test_a_lesson_longer_than_any_half_day():
    given = problem([lesson("long", length=3, class_id=7, subject=5)], grid=DAY)

    assert prechecks(given) == [
        Conflict(
            "lesson_does_not_fit",
            {"lesson_key": "long", "length": 3, "class_id": 7, "subject_id": 5},
        )
    ]


def test_a_lesson_whose_rooms_do_not_exist():
    given = problem([lesson("lab", rooms=(99,), class_id=3, subject=4)], rooms=[room(1)])

    assert prechecks(given) == [
        Conflict("no_room", {"lesson_key": "lab", "subject_id": 4, "class_id": 3})
    ]


def test_a_teacher_with_more_periods_than_free_slots():
    teacher = TeacherSpec(
        5, unavailable=frozenset({(1, 1)}), busy_elsewhere=frozenset({(1, 2), (1, 3)})
    )
    given = problem(
        [lesson("a", teacher=5, class_id=1), lesson("b", teacher=5, class_id=2)],
        grid=DAY,
        teachers=[teacher],
    )

    assert prechecks(given) == [
        Conflict("teacher_overloaded", {"teacher_id": 5, "needed": 2, "available": 1})
    ]


def test_a_class_with_more_periods_than_the_grid_allows_with_its_daily_maximum():
    grid = GridSpec(
        weekdays=(1, 2),
        periods=(1, 2, 3, 4),
        closed=frozenset({(2, 1), (2, 2), (2, 3)}),
        class_max_periods_per_day=3,
    )
    given = problem([lesson(f"l{i}", class_id=8, teacher=i) for i in range(5)], grid=grid)

    # Day 1: 3 (daily maximum), day 2: 1 (closed slots).
    assert prechecks(given) == [
        Conflict("class_overloaded", {"class_id": 8, "needed": 5, "available": 4})
    ]


def test_lessons_needing_more_room_periods_than_rooms_offer():
    given = problem(
        [lesson(f"l{i}", class_id=i, teacher=i, rooms=(1,), length=2) for i in range(3)],
        grid=DAY,
        rooms=[room(1, "science_lab")],
    )

    assert prechecks(given) == [
        Conflict(
            "rooms_short",
            {"room_type": "science_lab", "room_ids": [1], "needed": 6, "available": 4},
        )
    ]


def test_locked_lessons_that_clash():
    at = Placement(1, 1, 1)
    given = problem(
        [
            lesson("a", class_id=1, teacher=1, rooms=(1,), locked=at),
            lesson("b", class_id=2, teacher=2, rooms=(1,), locked=at),
        ],
        grid=DAY,
        rooms=[room(1)],
    )

    assert prechecks(given) == [
        Conflict("locked_clash", {"lesson_keys": ["a", "b"], "shared": "room", "id": 1})
    ]


def test_a_feasible_problem_passes_the_checks():
    given = problem([lesson("a", rooms=(1,))], grid=DAY, rooms=[room(1)])

    assert prechecks(given) == []


def test_a_class_whose_teachers_are_all_away_too_often():
    # Four single periods for class 1 over two days, at most two a day; its only teacher is
    # unavailable for three periods of day 1: only three periods are left.
    grid = GridSpec(weekdays=(1, 2), periods=(1, 2, 3, 4), class_max_periods_per_day=2)
    teacher = TeacherSpec(1, unavailable=frozenset({(1, 1), (1, 2), (1, 3)}))
    given = problem(
        [lesson(f"l{i}", assignment=i) for i in range(4)], grid=grid, teachers=[teacher]
    )

    assert prechecks(given) == [
        Conflict(
            "constraints_together",
            {
                "groups": [
                    {"kind": "class_daily_max", "class_id": 1, "max_periods": 2},
                    {"kind": "teacher_unavailable", "teacher_id": 1},
                ],
                "class_id": 1,
                "needed": 4,
                "available": 3,
            },
        )
    ]


def test_core_names_a_teachers_unavailability_and_a_class_daily_maximum():
    # Class 1, at most two periods a day over two days: teacher 1's three lessons cannot all
    # be on day 2, and teacher 1 is away all day 1. Every count passes.
    grid = GridSpec(weekdays=(1, 2), periods=(1, 2, 3, 4), class_max_periods_per_day=2)
    teachers = [TeacherSpec(1, unavailable=frozenset((1, p) for p in (1, 2, 3, 4)))]
    given = problem(
        [
            *[lesson(f"l{i}", assignment=i, teacher=1) for i in range(3)],
            lesson("other", assignment=9, teacher=2),
        ],
        grid=grid,
        teachers=teachers,
    )
    assert prechecks(given) == []

    solution = solve(given, time_limit=10, workers=1)

    assert solution.status == SolveStatus.INFEASIBLE
    assert groups_of(solution.conflicts) == [
        {"kind": "class_daily_max", "class_id": 1, "max_periods": 2},
        {"kind": "teacher_unavailable", "teacher_id": 1},
    ]


def test_core_names_a_locked_lesson_where_its_teacher_is_away():
    teacher = TeacherSpec(3, busy_elsewhere=frozenset({(1, 2)}))
    given = problem(
        [lesson("a", teacher=3, class_id=4, subject=6, locked=Placement(1, 2))],
        grid=DAY,
        teachers=[teacher],
    )

    assert groups_of(explain(given, time_limit=10)) == [
        {
            "kind": "locked",
            "lesson_key": "a",
            "class_id": 4,
            "teacher_id": 3,
            "subject_id": 6,
            "weekday": 1,
            "period": 2,
        },
        {"kind": "teacher_busy_elsewhere", "teacher_id": 3},
    ]


def test_core_names_the_rooms_of_a_type():
    # One lab, two lab lessons whose teachers are both away in period 1: one lab period left.
    teachers = [
        TeacherSpec(1, unavailable=frozenset({(1, 1)})),
        TeacherSpec(2, unavailable=frozenset({(1, 1)})),
    ]
    grid = GridSpec(weekdays=(1,), periods=(1, 2))
    given = problem(
        [
            lesson("a", class_id=1, teacher=1, rooms=(9,)),
            lesson("b", class_id=2, teacher=2, rooms=(9,)),
        ],
        grid=grid,
        teachers=teachers,
        rooms=[room(9, "science_lab")],
    )
    assert prechecks(given) == []

    groups = groups_of(explain(given, time_limit=10))

    assert {"kind": "rooms", "room_type": "science_lab"} in groups
    assert len(groups) == 3
    assert {g["kind"] for g in groups} == {"rooms", "teacher_unavailable"}


def test_rooms_that_suffice_slot_by_slot_but_not_lesson_by_lesson():
    # Room 1 seats every class, room 2 not the big ones. Slot by slot two rooms suffice, but
    # room 1 keeps a single free period after "x" and "z", too short for "y" or "u".
    grid = GridSpec(weekdays=(1,), periods=(1, 2, 3))
    given = problem(
        [
            lesson("x", class_id=1, teacher=1, rooms=(1,)),
            lesson("y", class_id=2, teacher=2, rooms=(1, 2), length=2),
            lesson("u", class_id=3, teacher=3, rooms=(1, 2), length=2),
            lesson("z", class_id=4, teacher=4, rooms=(1,)),
        ],
        grid=grid,
        rooms=[room(1, capacity=50), room(2, capacity=30)],
    )
    assert prechecks(given) == []

    solution = solve(given, time_limit=10, workers=1)

    assert solution.status == SolveStatus.INFEASIBLE
    assert groups_of(solution.conflicts) == [{"kind": "rooms", "room_type": "classroom"}]


def test_reasons_are_plain_data():
    given = problem([lesson(f"l{i}") for i in range(19)], grid=GRID)

    conflicts = explain(given, time_limit=5)

    assert conflicts == [
        Conflict("teacher_overloaded", {"teacher_id": 1, "needed": 19, "available": 18}),
        Conflict("class_overloaded", {"class_id": 1, "needed": 19, "available": 15}),
    ]


def test_when_no_rule_can_be_loosened_the_classes_hours_are_named():
    # Morning 1–2, afternoon 3–5. Both three-period lessons can only be in the afternoon, so
    # class 2's two-period lesson takes teacher 3's whole morning, where class 1's last lesson
    # with teacher 3 must also go. No availability, maximum, lock or room is involved.
    grid = GridSpec(weekdays=(1,), periods=(1, 2, 3, 4, 5), afternoon_from=3)
    given = problem(
        [
            lesson("a", class_id=1, teacher=1, length=3),
            lesson("b", class_id=1, teacher=3, length=1),
            lesson("c", class_id=2, teacher=2, length=3),
            lesson("d", class_id=2, teacher=3, length=2),
        ],
        grid=grid,
    )
    assert prechecks(given) == []

    assert groups_of(explain(given, time_limit=10)) == [
        {"kind": "class_hours", "class_id": 1},
        {"kind": "class_hours", "class_id": 2},
    ]
