"""Why no timetable exists: cheap counting checks first, then the solver's core.

``prechecks`` counts, without solving: a lesson that fits nowhere in the grid, a lesson whose
rooms do not exist, a teacher or a class with more periods than the grid leaves them, rooms of a
pool with more lesson-periods than rooms × slots, locked lessons that clash.

``explain`` runs those checks, then, if they pass, puts each group of constraints (a teacher's
unavailability, a teacher's periods in another school, a class's daily maximum, a locked lesson,
the rooms of a type) under an assumption literal and asks CP-SAT for a set of groups that cannot
hold together, made small by dropping one group at a time while the rest still cannot hold.
When even no group at all can be dropped (the lessons themselves cannot be placed), each class's
weekly hours become groups too.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from . import grid as grid_geometry
from .model import TimetableModel, pool_type, room_pools
from .problem import Conflict, Problem

# Time for each solve that shrinks the core (seconds); a solve that runs out keeps its group.
SHRINK_STEP_SECONDS = 5.0


def prechecks(problem: Problem) -> list[Conflict]:
    return [
        *_lessons_that_do_not_fit(problem),
        *_lessons_without_rooms(problem),
        *_teachers_overloaded(problem),
        *_classes_overloaded(problem),
        *_rooms_short(problem),
        *_locked_clashes(problem),
    ]


def _lessons_that_do_not_fit(problem: Problem) -> list[Conflict]:
    return [
        Conflict(
            "lesson_does_not_fit",
            {
                "lesson_key": lesson.key,
                "length": lesson.length,
                "class_id": lesson.class_id,
                "subject_id": lesson.subject_id,
            },
        )
        for lesson in problem.lessons
        if not grid_geometry.starts(problem.grid, lesson.length)
    ]


def _lessons_without_rooms(problem: Problem) -> list[Conflict]:
    rooms = {room.id for room in problem.rooms}
    return [
        Conflict(
            "no_room",
            {
                "lesson_key": lesson.key,
                "subject_id": lesson.subject_id,
                "class_id": lesson.class_id,
            },
        )
        for lesson in problem.lessons
        if lesson.room_ids and not rooms.intersection(lesson.room_ids) and not _locked_room(lesson)
    ]


def _locked_room(lesson) -> bool:
    return lesson.locked is not None and lesson.locked.room_id is not None


def _teachers_overloaded(problem: Problem) -> list[Conflict]:
    open_slots = set(grid_geometry.open_slots(problem.grid))
    needed: dict[int, int] = defaultdict(int)
    for lesson in problem.lessons:
        needed[lesson.teacher_id] += lesson.length
    teachers = {teacher.id: teacher for teacher in problem.teachers}
    conflicts = []
    for teacher_id, periods in sorted(needed.items()):
        teacher = teachers.get(teacher_id)
        blocked = (teacher.unavailable | teacher.busy_elsewhere) if teacher else frozenset()
        available = len(open_slots - blocked)
        if periods > available:
            conflicts.append(
                Conflict(
                    "teacher_overloaded",
                    {"teacher_id": teacher_id, "needed": periods, "available": available},
                )
            )
    return conflicts


def _classes_overloaded(problem: Problem) -> list[Conflict]:
    grid = problem.grid
    available = sum(grid_geometry.day_capacity(grid, day) for day in grid.weekdays)
    needed: dict[int, int] = defaultdict(int)
    for lesson in problem.lessons:
        needed[lesson.class_id] += lesson.length
    return [
        Conflict(
            "class_overloaded", {"class_id": class_id, "needed": periods, "available": available}
        )
        for class_id, periods in sorted(needed.items())
        if periods > available
    ]


def _rooms_short(problem: Problem) -> list[Conflict]:
    known = {room.id: room.room_type for room in problem.rooms}
    slots = len(grid_geometry.open_slots(problem.grid))
    sets = []
    for lesson in problem.lessons:
        if _locked_room(lesson):
            sets.append((frozenset({lesson.locked.room_id}), lesson.length))
        elif lesson.room_ids:
            sets.append((frozenset(r for r in lesson.room_ids if r in known), lesson.length))
    short = {}
    for pool in room_pools(rooms for rooms, _ in sets):
        needed = sum(length for rooms, length in sets if rooms and rooms <= pool)
        if needed > len(pool) * slots:
            short[pool] = needed
    # The smallest pools that are short say it best (a larger one is short because of them).
    return [
        Conflict(
            "rooms_short",
            {
                "room_type": pool_type(pool, known),
                "room_ids": sorted(pool),
                "needed": needed,
                "available": len(pool) * slots,
            },
        )
        for pool, needed in sorted(short.items(), key=lambda item: sorted(item[0]))
        if not any(other < pool for other in short)
    ]


def _locked_clashes(problem: Problem) -> list[Conflict]:
    taken: dict[tuple[str, int, tuple[int, int]], list[str]] = defaultdict(list)
    for lesson in problem.lessons:
        if lesson.locked is None:
            continue
        start = (lesson.locked.weekday, lesson.locked.period)
        for cell in grid_geometry.covered(start, lesson.length):
            taken["class", lesson.class_id, cell].append(lesson.key)
            taken["teacher", lesson.teacher_id, cell].append(lesson.key)
            if lesson.locked.room_id is not None:
                taken["room", lesson.locked.room_id, cell].append(lesson.key)
    seen, conflicts = set(), []
    for (resource, owner, _cell), keys in taken.items():
        if len(keys) < 2 or (resource, owner, tuple(keys)) in seen:
            continue
        seen.add((resource, owner, tuple(keys)))
        conflicts.append(
            Conflict("locked_clash", {"lesson_keys": sorted(keys), "shared": resource, "id": owner})
        )
    return conflicts


def explain(problem: Problem, *, time_limit: float = 30.0) -> list[Conflict]:
    """The reasons why ``problem`` has no timetable (best effort within ``time_limit``)."""
    conflicts = prechecks(problem)
    if conflicts:
        return conflicts
    deadline = time.monotonic() + time_limit
    exact_rooms = False
    found = _core(TimetableModel(problem, explain=True), deadline)
    if found == "feasible":  # pooled rooms are looser than rooms chosen one by one
        exact_rooms = True
        found = _core(TimetableModel(problem, explain=True, exact_rooms=True), deadline)
    if found == []:  # nothing but the lessons themselves: the classes' hours become groups
        found = _core(
            TimetableModel(problem, explain=True, exact_rooms=exact_rooms, relax_hours=True),
            deadline,
        )
    groups = found if isinstance(found, list) else []
    return [Conflict("constraints_together", {"groups": groups})]


def _core(tm: TimetableModel, deadline: float):
    """A small set of groups that cannot hold together; ``[]`` when the model is infeasible
    without any group, ``"feasible"`` when all groups hold, ``None`` when time ran out."""
    lits = list(tm.groups.values())
    names = {lit.Index(): group for group, lit in tm.groups.items()}
    status, core = _solve_with(tm, lits, deadline, deadline - time.monotonic())
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "feasible"
    if status != cp_model.INFEASIBLE:
        return None
    # Drop groups one at a time while the rest still cannot hold together.
    kept = list(core)
    index = 0
    while index < len(kept) and time.monotonic() < deadline:
        trial = kept[:index] + kept[index + 1 :]
        status, smaller = _solve_with(tm, trial, deadline, SHRINK_STEP_SECONDS)
        if status == cp_model.INFEASIBLE:
            kept = [lit for lit in trial if lit.Index() in {s.Index() for s in smaller}] or trial
        else:
            index += 1
    order = sorted(kept, key=lambda lit: _sort_key(names[lit.Index()]))
    return [names[lit.Index()].describe() for lit in order]


def _sort_key(group) -> tuple:
    return (group.kind, [str(value) for _, value in group.params])


def _solve_with(tm: TimetableModel, lits: list, deadline: float, seconds: float):
    """Solve under the assumptions ``lits``; the status and the literals of a core."""
    tm.model.ClearAssumptions()
    tm.model.AddAssumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, min(seconds, deadline - time.monotonic()))
    # Cores come from a single search thread.
    solver.parameters.num_workers = 1
    status = solver.Solve(tm.model)
    if status != cp_model.INFEASIBLE:
        return status, []
    by_index = {lit.Index(): lit for lit in lits}
    core = [by_index[i] for i in solver.SufficientAssumptionsForInfeasibility() if i in by_index]
    return status, core
