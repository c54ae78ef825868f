"""The solver on small problems: hard constraints, locks, soft goals, repair, progress."""

import threading
from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

from massar.timetable.generator import (
    GridSpec,
    Placement,
    SolveStatus,
    TeacherSpec,
    score,
    solve,
    validate,
)
from massar.timetable.generator import solver as solver_module
from massar.timetable.generator.model import TimetableModel
from massar.timetable.generator.objective import add_objective
from massar.timetable.generator.weights import W_MOVE

from .generator_problems import GRID, lesson, problem, room, small_school


def test_a_generated_timetable_meets_every_hard_constraint():
    given = small_school()

    solution = solve(given, time_limit=10, workers=1)

    assert solution.status == SolveStatus.OPTIMAL
    assert validate(given, solution.placements) == []
    assert set(solution.placements) == {lesson.key for lesson in given.lessons}
    teacher_1 = [p for k, p in solution.placements.items() if k.endswith(("00:0", "00:1"))]
    assert all((p.weekday, p.period) not in {(1, 1), (1, 2)} for p in teacher_1)
    labs = [solution.placements[f"{c}01:0"] for c in (1, 2, 3)]
    assert {p.room_id for p in labs} == {20}
    assert all(p.weekday != 2 for p in labs)  # the lab teacher teaches elsewhere on day 2
    assert all(p.room_id in (10, 11) for k, p in solution.placements.items() if k[2] != "1")
    assert all(p.weekday != 3 or p.period < 4 for p in solution.placements.values())


def test_the_objective_is_the_score_of_the_timetable():
    given = small_school()

    solution = solve(given, time_limit=10, workers=1)

    assert solution.objective == score(given, solution.placements)
    assert solution.best_bound == solution.objective  # proven optimal
    assert solution.moved == 0


def test_the_model_objective_matches_the_independent_score():
    given = small_school()
    tm = TimetableModel(given, exact_rooms=True)
    add_objective(tm, repair=False)
    cp = cp_model.CpSolver()
    cp.parameters.num_workers = 1
    cp.parameters.max_time_in_seconds = 10
    assert cp.Solve(tm.model) == cp_model.OPTIMAL
    placements = solver_module._placements(cp, tm)

    assert validate(given, placements) == []
    assert cp.ObjectiveValue() == score(given, placements)


def test_a_lesson_never_spans_the_break_nor_a_closed_half_day():
    grid = GridSpec(
        weekdays=(1, 2), periods=(1, 2, 3, 4, 5), afternoon_from=3, closed=frozenset({(2, 5)})
    )
    given = problem([lesson(f"l{i}", class_id=i, teacher=i, length=2) for i in range(8)], grid=grid)

    solution = solve(given, time_limit=10, workers=1)

    assert solution.found
    starts = {(p.weekday, p.period) for p in solution.placements.values()}
    assert starts <= {(1, 1), (1, 3), (1, 4), (2, 1), (2, 3)}


def test_locked_lessons_stay_where_they_are_with_their_room():
    locked = Placement(2, 5, 11)
    given = small_school()
    key = "100:0"
    lessons = tuple(
        replace(lesson, locked=locked) if lesson.key == key else lesson for lesson in given.lessons
    )

    solution = solve(replace(given, lessons=lessons), time_limit=10, workers=1)

    assert solution.found
    assert solution.placements[key] == locked
    assert validate(replace(given, lessons=lessons), solution.placements) == []


def test_soft_goals_spread_early_heavy_subjects_wishes_and_compact_days():
    grid = GridSpec(weekdays=(1, 2, 3), periods=(1, 2, 3), late_from=3)
    given = problem(
        [
            *[lesson(f"maths:{i}", assignment=1, heavy=True) for i in range(3)],
            lesson("first", assignment=2, class_id=2, teacher=2, locked=Placement(1, 1)),
            lesson("last", assignment=3, class_id=3, teacher=2, locked=Placement(1, 3)),
            lesson("free", assignment=4, class_id=4, teacher=2),
        ],
        grid=grid,
        teachers=[TeacherSpec(1, avoid=frozenset({(1, 1), (2, 1)}))],
    )

    solution = solve(given, time_limit=10, workers=1)

    assert solution.status == SolveStatus.OPTIMAL
    assert solution.objective == 0
    maths = sorted((solution.placements[f"maths:{i}"] for i in range(3)), key=lambda p: p.weekday)
    assert [p.weekday for p in maths] == [1, 2, 3]  # one a day
    assert all(p.period == 2 for p in maths[:2])  # not avoided, not late
    assert maths[2].period in (1, 2)
    assert solution.placements["free"] == Placement(1, 2)  # fills teacher 2's idle period


def test_rooms_of_a_pool_are_never_shared():
    given = problem(
        [lesson(f"l{i}", class_id=i, teacher=i, rooms=(1, 2, 3), length=2) for i in range(6)],
        grid=GridSpec(weekdays=(1,), periods=(1, 2, 3, 4, 5, 6), afternoon_from=4),
        rooms=[room(1), room(2), room(3)],
    )

    solution = solve(given, time_limit=10, workers=1)

    assert solution.found
    assert validate(given, solution.placements) == []
    assert {p.room_id for p in solution.placements.values()} == {1, 2, 3}


def test_rooms_are_chosen_by_the_model_when_the_day_by_day_choice_fails(monkeypatch):
    monkeypatch.setattr(solver_module, "assign_rooms", lambda bookings, capacity: None)
    given = small_school()

    solution = solve(given, time_limit=10, workers=1)

    assert solution.status == SolveStatus.OPTIMAL
    assert validate(given, solution.placements) == []


def test_repair_moves_only_what_the_new_unavailability_forces():
    grid = GridSpec(weekdays=(1, 2), periods=(1, 2, 3, 4))
    now = {"a": Placement(1, 1, 5), "b": Placement(1, 2, 5), "c": Placement(1, 3, 5)}
    given = problem(
        [
            lesson("a", assignment=1, teacher=1, rooms=(5, 6), current=now["a"]),
            lesson("b", assignment=2, teacher=1, rooms=(5, 6), current=now["b"]),
            lesson("c", assignment=3, teacher=2, rooms=(5, 6), current=now["c"]),
            lesson(
                "d", assignment=4, class_id=2, teacher=2, rooms=(6,), current=Placement(1, 1, 6)
            ),
        ],
        grid=grid,
        teachers=[TeacherSpec(1, unavailable=frozenset({(1, 1)}))],  # new since "now"
        rooms=[room(5), room(6)],
    )

    for first_only in (True, False):
        repaired = solve(
            given, mode="repair", time_limit=10, workers=1, stop_after_first=first_only
        )

        assert repaired.found
        assert validate(given, repaired.placements) == []
        assert repaired.moved == 1
        assert repaired.placements["a"] != now["a"]
        assert {k: repaired.placements[k] for k in "bc"} == {k: now[k] for k in "bc"}
        assert repaired.objective == score(given, repaired.placements, repair=True)
        assert repaired.objective >= W_MOVE


def test_repair_keeps_a_timetable_that_still_holds():
    given = small_school()
    first = solve(given, time_limit=10, workers=1)
    lessons = tuple(replace(x, current=first.placements[x.key]) for x in given.lessons)

    repaired = solve(replace(given, lessons=lessons), mode="repair", time_limit=10, workers=1)

    assert repaired.moved == 0
    assert repaired.placements == first.placements


def test_progress_is_reported_in_the_callers_thread():
    calls = []
    caller = threading.get_ident()

    def on_progress(fraction, objective):
        calls.append((threading.get_ident(), fraction, objective))

    solution = solve(small_school(), time_limit=10, workers=2, on_progress=on_progress)

    assert solution.found
    assert calls
    assert {thread for thread, _, _ in calls} == {caller}
    assert all(0 <= fraction <= 1 for _, fraction, _ in calls)
    objectives = [objective for _, _, objective in calls if objective is not None]
    assert objectives == sorted(objectives, reverse=True)
    assert objectives[-1] == solution.objective


class Cancelled(Exception):
    pass


def test_an_error_in_the_progress_callback_stops_the_search():
    def on_progress(fraction, objective):
        raise Cancelled

    with pytest.raises(Cancelled):
        solve(small_school(), time_limit=30, workers=2, on_progress=on_progress)


def test_stop_after_first_answers_a_valid_timetable():
    given = small_school()
    calls = []

    solution = solve(
        given,
        time_limit=10,
        workers=2,
        stop_after_first=True,
        on_progress=lambda f, o: calls.append(o),
    )

    assert solution.found
    assert validate(given, solution.placements) == []
    # The model's objective may exceed the timetable's score before optimality (its idle-period
    # Booleans are only bounded from below), never the other way round.
    assert solution.objective <= [o for o in calls if o is not None][-1]


def test_time_out_answers_unknown_without_placements(monkeypatch):
    monkeypatch.setattr(solver_module, "_run", lambda *args: cp_model.UNKNOWN)

    solution = solve(small_school(), time_limit=1)

    assert solution.status == SolveStatus.UNKNOWN
    assert solution.placements == {}
    assert not solution.found


def test_an_empty_problem_is_solved_at_once():
    solution = solve(problem([]))

    assert solution.status == SolveStatus.OPTIMAL
    assert solution.placements == {}


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode"):
        solve(problem([lesson("a")]), mode="fast")


def test_an_infeasible_problem_answers_its_reasons():
    given = problem(
        [lesson(f"l{i}") for i in range(19)],
        grid=GRID,
    )

    solution = solve(given, time_limit=10)

    assert solution.status == SolveStatus.INFEASIBLE
    assert solution.placements == {}
    assert [c.code for c in solution.conflicts] == ["teacher_overloaded", "class_overloaded"]


def test_a_first_repair_moves_only_lessons_near_the_change():
    given = small_school()
    first = solve(given, time_limit=10, workers=1)
    hit = first.placements["300:0"]  # teacher 1, class 3
    teachers = tuple(
        replace(t, unavailable=t.unavailable | {(hit.weekday, hit.period)}) if t.id == 1 else t
        for t in given.teachers
    )
    lessons = tuple(replace(x, current=first.placements[x.key]) for x in given.lessons)
    damaged = replace(given, teachers=teachers, lessons=lessons)

    quick = solve(damaged, mode="repair", time_limit=10, workers=1, stop_after_first=True)

    assert quick.status == SolveStatus.FEASIBLE
    assert quick.best_bound is None  # from the local repair, before any full search
    assert validate(damaged, quick.placements) == []
    moved = {key for key, placed in quick.placements.items() if placed != first.placements[key]}
    assert "300:0" in moved
    assert moved <= {x.key for x in given.lessons if x.teacher_id == 1 or x.class_id == 3}
