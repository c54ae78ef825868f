"""The independent validator and the score of a timetable."""

from massar.timetable.generator import (
    GridSpec,
    Placement,
    TeacherSpec,
    Violation,
    count_moved,
    score,
    validate,
)
from massar.timetable.generator.weights import (
    W_AVOID,
    W_CLASS_GAP,
    W_GAP,
    W_LATE,
    W_MOVE,
    W_SPREAD,
)

from .generator_problems import GRID, lesson, problem, room


def codes(violations):
    return sorted(v.code for v in violations)


def test_a_valid_timetable_has_no_violation():
    given = problem(
        [lesson("a", length=2, rooms=(1, 2)), lesson("b", class_id=2, teacher=2, rooms=(1, 2))],
        rooms=[room(1), room(2)],
    )
    assert validate(given, {"a": Placement(1, 1, 1), "b": Placement(1, 2, 2)}) == []


def test_missing_and_unknown_lessons():
    given = problem([lesson("a")])
    assert validate(given, {"zzz": Placement(1, 1)}) == [
        Violation("unknown_lesson", {"lesson_key": "zzz"}),
        Violation("missing", {"lesson_key": "a"}),
    ]


def test_outside_the_grid_across_the_break_and_in_a_closed_slot():
    grid = GridSpec(
        weekdays=(1, 2), periods=(1, 2, 3, 4), closed=frozenset({(2, 1)}), afternoon_from=3
    )
    given = problem(
        [
            lesson("sunday", class_id=1, teacher=1),
            lesson("late", class_id=2, teacher=2, length=2),
            lesson("break", class_id=3, teacher=3, length=2),
            lesson("closed", class_id=4, teacher=4),
        ],
        grid=grid,
    )
    found = validate(
        given,
        {
            "sunday": Placement(7, 1),
            "late": Placement(1, 4),
            "break": Placement(1, 2),
            "closed": Placement(2, 1),
        },
    )
    assert found == [
        Violation("outside_grid", {"lesson_key": "sunday", "weekday": 7, "period": 1, "length": 1}),
        Violation("outside_grid", {"lesson_key": "late", "weekday": 1, "period": 4, "length": 2}),
        Violation("crosses_break", {"lesson_key": "break", "weekday": 1, "period": 2}),
        Violation("closed_slot", {"lesson_key": "closed", "weekday": 2, "period": 1}),
    ]


def test_clashes_of_a_class_a_teacher_and_a_room():
    given = problem(
        [
            lesson("a", class_id=1, teacher=1, rooms=(1,)),
            lesson("b", class_id=1, teacher=2, rooms=(2,)),
            lesson("c", class_id=2, teacher=1, rooms=(1,), length=2),
        ],
        rooms=[room(1), room(2)],
    )
    found = validate(
        given, {"a": Placement(1, 1, 1), "b": Placement(1, 1, 2), "c": Placement(1, 1, 1)}
    )
    assert found == [
        Violation(
            "class_clash", {"class_id": 1, "weekday": 1, "period": 1, "lesson_keys": ["a", "b"]}
        ),
        Violation(
            "teacher_clash", {"teacher_id": 1, "weekday": 1, "period": 1, "lesson_keys": ["a", "c"]}
        ),
        Violation(
            "room_clash", {"room_id": 1, "weekday": 1, "period": 1, "lesson_keys": ["a", "c"]}
        ),
    ]


def test_rooms_missing_or_not_suitable():
    given = problem(
        [
            lesson("needs", class_id=1, teacher=1, rooms=(1,)),
            lesson("wrong", class_id=2, teacher=2, rooms=(1,)),
            lesson("ghost", class_id=3, teacher=3),
        ],
        rooms=[room(1), room(2)],
    )
    found = validate(
        given, {"needs": Placement(1, 1), "wrong": Placement(1, 1, 2), "ghost": Placement(1, 1, 99)}
    )
    assert codes(found) == ["room_missing", "room_not_suitable", "room_not_suitable"]


def test_teacher_unavailable_busy_elsewhere_and_class_daily_max():
    grid = GridSpec(weekdays=(1,), periods=(1, 2, 3, 4), class_max_periods_per_day=2)
    given = problem(
        [lesson("a", length=2), lesson("b", length=1)],
        grid=grid,
        teachers=[
            TeacherSpec(1, unavailable=frozenset({(1, 2)}), busy_elsewhere=frozenset({(1, 3)}))
        ],
    )
    found = validate(given, {"a": Placement(1, 1), "b": Placement(1, 3)})
    assert found == [
        Violation(
            "teacher_unavailable", {"lesson_key": "a", "teacher_id": 1, "weekday": 1, "period": 2}
        ),
        Violation(
            "teacher_busy_elsewhere",
            {"lesson_key": "b", "teacher_id": 1, "weekday": 1, "period": 3},
        ),
        Violation(
            "class_day_overload", {"class_id": 1, "weekday": 1, "periods": 3, "max_periods": 2}
        ),
    ]


def test_a_locked_lesson_must_stay_in_its_slot_and_room():
    locked = Placement(1, 1, 2)
    given = problem([lesson("a", rooms=(1, 2), locked=locked)], rooms=[room(1), room(2)])
    assert validate(given, {"a": locked}) == []
    assert codes(validate(given, {"a": Placement(1, 2, 2)})) == ["locked_moved"]
    assert codes(validate(given, {"a": Placement(1, 1, 1)})) == ["locked_moved"]


def test_score_counts_each_soft_constraint():
    given = problem(
        [
            # teacher 1: periods 1 and 3 of day 1 -> one idle period; class 1 too
            lesson("a", assignment=1, teacher=1, class_id=1),
            lesson("b", assignment=1, teacher=1, class_id=1),  # same day as "a": spread
            # heavy subject in period 6 (late) in a slot teacher 2 avoids
            lesson("c", assignment=2, teacher=2, class_id=2, heavy=True),
        ],
        teachers=[TeacherSpec(2, avoid=frozenset({(2, 6)}))],
    )
    placements = {"a": Placement(1, 1), "b": Placement(1, 3), "c": Placement(2, 6)}
    assert score(given, placements) == W_GAP + W_CLASS_GAP + W_SPREAD + W_LATE + W_AVOID


def test_idle_periods_do_not_count_when_the_teacher_is_elsewhere_or_the_school_closed():
    grid = GridSpec(weekdays=(1,), periods=(1, 2, 3, 4, 5), closed=frozenset({(1, 4)}))
    given = problem(
        [
            lesson("a", assignment=1, class_id=1),
            lesson("b", assignment=2, class_id=2),
            lesson("c", assignment=3, class_id=3),
        ],
        grid=grid,
        teachers=[TeacherSpec(1, busy_elsewhere=frozenset({(1, 2)}))],
    )
    placements = {"a": Placement(1, 1), "b": Placement(1, 3), "c": Placement(1, 5)}
    assert score(given, placements) == 0


def test_moves_count_the_time_and_the_room():
    current = Placement(1, 1, 1)
    given = problem(
        [
            lesson("same", current=current, rooms=(1, 2)),
            lesson("later", class_id=2, teacher=2, current=current, rooms=(1, 2)),
            lesson("other room", class_id=3, teacher=3, current=current, rooms=(1, 2)),
            lesson("no room needed", class_id=4, teacher=4, current=current),
            lesson("new", class_id=5, teacher=5),
        ],
        grid=GRID,
        rooms=[room(1), room(2)],
    )
    placements = {
        "same": Placement(1, 1, 1),
        "later": Placement(1, 2, 1),
        "other room": Placement(1, 1, 2),
        "no room needed": Placement(1, 1),
        "new": Placement(2, 1),
    }
    assert count_moved(given, placements) == 2
    assert score(given, placements, repair=True) - score(given, placements) == 2 * W_MOVE
