"""Why no timetable exists: cheap counting checks first, then the solver's core.

``prechecks`` counts, without solving: a lesson that fits nowhere in the grid, a lesson whose
rooms do not exist, a teacher or a class with more periods than the grid leaves them, a class
whose teachers are all away too often (given as the groups at fault, like a core), rooms of a
pool with more lesson-periods than rooms × slots, locked lessons that clash.

``explain`` runs those checks, then looks for one class or one teacher whose lessons alone have
no timetable (small problems, solved at once), then explains that part, or else the whole: it
puts each group of constraints (a teacher's unavailability, a teacher's periods in another
school, a class's daily maximum, a locked lesson, the rooms of a type) under an assumption
literal and asks CP-SAT for a set of groups that cannot hold together, made small by dropping
groups (by halves, then one at a time) while the rest still cannot hold, each check solved with
the groups fixed on or off. When even no group at all can be dropped
(the lessons themselves cannot be placed), each class's weekly hours become groups too.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from . import grid as grid_geometry
from .model import Group, TimetableModel, pool_type, room_pools
from .problem import Conflict, Problem

# Time for each solve that shrinks the core (seconds); a solve that runs out keeps its group.
SHRINK_STEP_SECONDS = 5.0
# Time for a first core under assumptions (seconds).
ASSUMPTIONS_SECONDS = 5.0
# Time to check that one class's or one teacher's lessons alone have a timetable (seconds).
LOCAL_CHECK_SECONDS = 2.0


def prechecks(problem: Problem) -> list[Conflict]:
    return [
        *_lessons_that_do_not_fit(problem),
        *_lessons_without_rooms(problem),
        *_teachers_overloaded(problem),
        *_classes_overloaded(problem),
        *_classes_without_teachers(problem),
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


def _classes_without_teachers(problem: Problem) -> list[Conflict]:
    """A class whose teachers are all away in some slots may have too few periods left: named
    as the groups that cause it (its daily maximum, its teachers' unavailabilities)."""
    grid = problem.grid
    teachers = {teacher.id: teacher for teacher in problem.teachers}
    grid_capacity = sum(grid_geometry.day_capacity(grid, day) for day in grid.weekdays)
    needed: dict[int, int] = defaultdict(int)
    teachers_of: dict[int, set[int]] = defaultdict(set)
    for lesson in problem.lessons:
        needed[lesson.class_id] += lesson.length
        teachers_of[lesson.class_id].add(lesson.teacher_id)
    conflicts = []
    for class_id, periods in sorted(needed.items()):
        if periods > grid_capacity:
            continue  # already a class_overloaded
        specs = [teachers.get(t) for t in sorted(teachers_of[class_id])]
        if any(spec is None for spec in specs):
            continue  # a teacher without constraints is always there
        lost = set.intersection(
            *(set(spec.unavailable | spec.busy_elsewhere) for spec in specs)
        ) & set(grid_geometry.open_slots(grid))
        if not lost:
            continue
        available, capped = 0, False
        for day in grid.weekdays:
            free = sum(
                1 for p in grid.periods if (day, p) not in grid.closed and (day, p) not in lost
            )
            capped |= free > grid.class_max_periods_per_day
            available += min(free, grid.class_max_periods_per_day)
        if periods <= available:
            continue
        groups = []
        if capped:
            groups.append(
                {
                    "kind": "class_daily_max",
                    "class_id": class_id,
                    "max_periods": grid.class_max_periods_per_day,
                }
            )
        for spec in specs:
            if spec.unavailable & lost:
                groups.append({"kind": "teacher_unavailable", "teacher_id": spec.id})
            if spec.busy_elsewhere & lost:
                groups.append({"kind": "teacher_busy_elsewhere", "teacher_id": spec.id})
        conflicts.append(
            Conflict(
                "constraints_together",
                {"groups": groups, "class_id": class_id, "needed": periods, "available": available},
            )
        )
    return conflicts


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
    groups = _local_groups(problem, deadline)
    if groups is None:
        groups = _groups(problem, deadline)
    return [Conflict("constraints_together", {"groups": groups or []})]


def _groups(problem: Problem, deadline: float) -> list[dict] | None:
    """The core of the whole problem; ``None`` when none was found in time."""
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
    return found if isinstance(found, list) else None


def _local_groups(problem: Problem, deadline: float) -> list[dict] | None:
    """The core of the first class's or teacher's own lessons that already have no timetable.

    Assumptions weaken the solver's presolve and relaxation, so a core of a whole school may
    take long; most impossible timetables are already impossible for one class or one teacher,
    whose small problem is checked (and explained) in a moment."""
    by_class: dict[int, list] = defaultdict(list)
    by_teacher: dict[int, list] = defaultdict(list)
    for lesson in problem.lessons:
        by_class[lesson.class_id].append(lesson)
        by_teacher[lesson.teacher_id].append(lesson)
    parts = [*by_class.values(), *by_teacher.values()]
    if len(parts) <= 2:
        return None  # the whole problem is as small as its parts
    for lessons in parts:
        if time.monotonic() >= deadline:
            return None
        part = replace(problem, lessons=tuple(lessons))
        tm = TimetableModel(part)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(
            0.01, min(LOCAL_CHECK_SECONDS, deadline - time.monotonic())
        )
        if solver.Solve(tm.model) == cp_model.INFEASIBLE:
            return _groups(part, deadline)
    return None


def _core(tm: TimetableModel, deadline: float):
    """A small set of groups that cannot hold together; ``[]`` when the model is infeasible
    without any group, ``"feasible"`` when all groups hold, ``None`` when time ran out."""
    groups = list(tm.groups)
    lits = [tm.groups[group] for group in groups]
    # A first core under assumptions: quick on small problems, while on large ones the
    # assumptions weaken the relaxation too much to prove anything in time.
    seconds = min(ASSUMPTIONS_SECONDS, deadline - time.monotonic())
    status, core = _solve_with(tm, lits, deadline, seconds)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "feasible"
    if status == cp_model.INFEASIBLE:
        by_index = {tm.groups[group].Index(): group for group in groups}
        candidates = [by_index[lit.Index()] for lit in core]
    else:
        verdict = _holds(tm, groups, groups, deadline)
        if verdict is None:
            return None
        if verdict:
            return "feasible"
        candidates = groups
    kept = _shrink(tm, groups, candidates, deadline)
    return [group.describe() for group in sorted(kept, key=_sort_key)]


def _shrink(tm: TimetableModel, groups: list, candidates: list, deadline: float) -> list:
    """Drop groups, by chunks then one by one, while the rest still cannot hold together.
    Stops early at the deadline with a set that still cannot hold."""
    kept = list(candidates)
    chunk = max(1, len(kept) // 2)
    while kept:
        index = 0
        while index < len(kept) and time.monotonic() < deadline:
            trial = kept[:index] + kept[index + chunk :]
            if _holds(tm, groups, trial, deadline) is False:
                kept = trial
            else:
                index += chunk
        if chunk == 1 or time.monotonic() >= deadline:
            break
        chunk = max(1, chunk // 2)
    return kept


def _holds(tm: TimetableModel, groups: list, enabled: list, deadline: float) -> bool | None:
    """Whether the problem has a timetable with only the groups ``enabled`` among ``groups``.

    Solved as a plain problem without the other groups (no assumptions), so that the solver
    keeps the full strength of its presolve and relaxation."""
    problem, uncapped = _without(tm.problem, set(groups) - set(enabled))
    model = TimetableModel(problem, exact_rooms=tm.exact_rooms, uncapped_classes=uncapped)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(
        0.01, min(SHRINK_STEP_SECONDS, deadline - time.monotonic())
    )
    solver.parameters.num_workers = 1
    status = solver.Solve(model.model)
    if status == cp_model.INFEASIBLE:
        return False
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    return None


def _without(problem: Problem, dropped: set[Group]):
    """``problem`` without the groups ``dropped``, and the classes whose daily maximum is off."""
    off: dict[str, set] = defaultdict(set)
    for group in dropped:
        params = dict(group.params)
        key = {
            "teacher_unavailable": "teacher_id",
            "teacher_busy_elsewhere": "teacher_id",
            "class_daily_max": "class_id",
            "class_hours": "class_id",
            "locked": "lesson_key",
            "rooms": "room_type",
        }[group.kind]
        off[group.kind].add(params[key])
    teachers = tuple(
        replace(
            teacher,
            unavailable=frozenset()
            if teacher.id in off["teacher_unavailable"]
            else teacher.unavailable,
            busy_elsewhere=frozenset()
            if teacher.id in off["teacher_busy_elsewhere"]
            else teacher.busy_elsewhere,
        )
        for teacher in problem.teachers
    )
    room_types = {room.id: room.room_type for room in problem.rooms}
    lessons = []
    for lesson in problem.lessons:
        if lesson.class_id in off["class_hours"]:
            continue
        if lesson.key in off["locked"]:
            lesson = replace(lesson, locked=None)
        rooms = [r for r in lesson.room_ids if r in room_types]
        if lesson.locked is not None and lesson.locked.room_id is not None:
            rooms.append(lesson.locked.room_id)
        if lesson.room_ids and pool_type(rooms, room_types) in off["rooms"]:
            lesson = replace(lesson, room_ids=())
            if lesson.locked is not None:
                lesson = replace(lesson, locked=replace(lesson.locked, room_id=None))
        lessons.append(lesson)
    relaxed = replace(problem, teachers=teachers, lessons=tuple(lessons))
    return relaxed, frozenset(off["class_daily_max"])


def _sort_key(group) -> tuple:
    return (group.kind, tuple(value for _, value in group.params))


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
