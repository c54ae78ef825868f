"""An independent check of a timetable against the hard constraints of a problem.

Written without the solver's model so that it can judge it, and reusable for timetables made by
hand: ``validate(problem, placements)`` lists every violation (empty when the timetable holds).

Codes and parameters (the caller words them):
``missing`` (lesson_key), ``unknown_lesson`` (lesson_key), ``outside_grid`` (lesson_key, weekday,
period, length), ``crosses_break`` (lesson_key, weekday, period), ``closed_slot`` (lesson_key,
weekday, period), ``class_clash`` / ``teacher_clash`` / ``room_clash`` (class_id / teacher_id /
room_id, weekday, period, lesson_keys), ``room_missing`` (lesson_key), ``room_not_suitable``
(lesson_key, room_id), ``teacher_unavailable`` / ``teacher_busy_elsewhere`` (lesson_key,
teacher_id, weekday, period), ``class_day_overload`` (class_id, weekday, periods, max_periods),
``locked_moved`` (lesson_key).

Also ``score``: the soft objective of a timetable recomputed from its placements, and
``count_moved``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .problem import Placement, Problem
from .weights import W_AVOID, W_CLASS_GAP, W_GAP, W_LATE, W_MOVE, W_SPREAD


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    params: dict = field(default_factory=dict)


def validate(problem: Problem, placements: dict[str, Placement]) -> list[Violation]:
    grid = problem.grid
    periods = set(grid.periods)
    teachers = {t.id: t for t in problem.teachers}
    rooms = {r.id for r in problem.rooms}
    known = {lesson.key for lesson in problem.lessons}
    found: list[Violation] = [
        Violation("unknown_lesson", {"lesson_key": key}) for key in placements if key not in known
    ]
    by_class: dict[tuple, list[str]] = defaultdict(list)
    by_teacher: dict[tuple, list[str]] = defaultdict(list)
    by_room: dict[tuple, list[str]] = defaultdict(list)
    class_day: dict[tuple[int, int], int] = defaultdict(int)

    for lesson in problem.lessons:
        key = lesson.key
        placed = placements.get(key)
        if placed is None:
            found.append(Violation("missing", {"lesson_key": key}))
            continue
        day, first = placed.weekday, placed.period
        cells = [(day, first + k) for k in range(lesson.length)]
        where = {"lesson_key": key, "weekday": day, "period": first}
        if day not in grid.weekdays or any(p not in periods for _, p in cells):
            found.append(Violation("outside_grid", {**where, "length": lesson.length}))
        if grid.afternoon_from is not None and first < grid.afternoon_from <= cells[-1][1]:
            found.append(Violation("crosses_break", where))
        if any(cell in grid.closed for cell in cells):
            found.append(Violation("closed_slot", where))

        if lesson.room_ids and placed.room_id is None:
            found.append(Violation("room_missing", {"lesson_key": key}))
        if placed.room_id is not None:
            allowed = set(lesson.room_ids)
            if lesson.locked is not None and lesson.locked.room_id is not None:
                allowed.add(lesson.locked.room_id)
            if placed.room_id not in rooms or (lesson.room_ids and placed.room_id not in allowed):
                found.append(
                    Violation("room_not_suitable", {"lesson_key": key, "room_id": placed.room_id})
                )
        if lesson.locked is not None and (
            (lesson.locked.weekday, lesson.locked.period) != (day, first)
            or (lesson.locked.room_id is not None and lesson.locked.room_id != placed.room_id)
        ):
            found.append(Violation("locked_moved", {"lesson_key": key}))

        teacher = teachers.get(lesson.teacher_id)
        for cell in cells:
            by_class[lesson.class_id, cell].append(key)
            by_teacher[lesson.teacher_id, cell].append(key)
            if placed.room_id is not None:
                by_room[placed.room_id, cell].append(key)
            if teacher is not None:
                slot = {
                    "lesson_key": key,
                    "teacher_id": lesson.teacher_id,
                    "weekday": cell[0],
                    "period": cell[1],
                }
                if cell in teacher.unavailable:
                    found.append(Violation("teacher_unavailable", slot))
                if cell in teacher.busy_elsewhere:
                    found.append(Violation("teacher_busy_elsewhere", slot))
        class_day[lesson.class_id, day] += lesson.length

    for code, name, table in (
        ("class_clash", "class_id", by_class),
        ("teacher_clash", "teacher_id", by_teacher),
        ("room_clash", "room_id", by_room),
    ):
        for (owner, (day, period)), keys in sorted(table.items()):
            if len(keys) > 1:
                found.append(
                    Violation(
                        code,
                        {name: owner, "weekday": day, "period": period, "lesson_keys": keys},
                    )
                )
    limit = grid.class_max_periods_per_day
    for (class_id, day), count in sorted(class_day.items()):
        if count > limit:
            found.append(
                Violation(
                    "class_day_overload",
                    {"class_id": class_id, "weekday": day, "periods": count, "max_periods": limit},
                )
            )
    return found


def count_moved(problem: Problem, placements: dict[str, Placement]) -> int:
    """Lessons placed elsewhere than their current placement (the room counts when needed)."""
    moved = 0
    for lesson in problem.lessons:
        current, placed = lesson.current, placements.get(lesson.key)
        if current is None or placed is None:
            continue
        if (current.weekday, current.period) != (placed.weekday, placed.period) or (
            lesson.room_ids and placed.room_id != current.room_id
        ):
            moved += 1
    return moved


def score(problem: Problem, placements: dict[str, Placement], *, repair: bool = False) -> int:
    """The soft objective of a timetable, computed from the placements alone (see
    ``objective.py`` for the weights); lower is better."""
    grid = problem.grid
    teachers = {t.id: t for t in problem.teachers}
    periods = sorted(grid.periods)
    taught: dict[tuple[int, int], set[int]] = defaultdict(set)
    attended: dict[tuple[int, int], set[int]] = defaultdict(set)
    per_assignment_day: dict[tuple[int, int], int] = defaultdict(int)
    total = 0
    for lesson in problem.lessons:
        placed = placements.get(lesson.key)
        if placed is None:
            continue
        teacher = teachers.get(lesson.teacher_id)
        cells = [(placed.weekday, placed.period + k) for k in range(lesson.length)]
        taught[lesson.teacher_id, placed.weekday].update(p for _, p in cells)
        attended[lesson.class_id, placed.weekday].update(p for _, p in cells)
        per_assignment_day[lesson.assignment_id, placed.weekday] += 1
        if teacher is not None:
            total += W_AVOID * sum(1 for cell in cells if cell in teacher.avoid)
        if lesson.is_heavy and grid.late_from is not None:
            total += W_LATE * sum(1 for _, p in cells if p >= grid.late_from)
    for count in per_assignment_day.values():
        total += W_SPREAD * max(0, count - 1)
    for (teacher_id, day), used in taught.items():
        teacher = teachers.get(teacher_id)
        not_idle = set(grid.closed)
        if teacher is not None:
            not_idle |= teacher.unavailable | teacher.busy_elsewhere
        first, last = min(used), max(used)
        total += W_GAP * sum(
            1 for p in periods if first < p < last and p not in used and (day, p) not in not_idle
        )
    for (_class_id, day), used in attended.items():
        first, last = min(used), max(used)
        total += W_CLASS_GAP * sum(
            1 for p in periods if first < p < last and p not in used and (day, p) not in grid.closed
        )
    if repair:
        total += W_MOVE * count_moved(problem, placements)
    return total
