"""The soft constraints: a weighted sum to minimise (lower is better).

The weights are in ``weights.py``.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from . import grid as grid_geometry
from .model import LessonVars, TimetableModel
from .weights import W_AVOID, W_CLASS_GAP, W_GAP, W_LATE, W_MOVE, W_SPREAD


def add_objective(tm: TimetableModel, *, repair: bool) -> None:
    terms: list[tuple[int, cp_model.LinearExprT]] = []
    terms += _gaps(tm)
    terms += _spread(tm)
    terms += _late_and_avoided(tm)
    offset = 0
    if repair:
        moves, offset = _moves(tm)
        terms += moves
    if terms or offset:
        tm.model.Minimize(sum(coef * var for coef, var in terms) + offset)


def _gaps(tm: TimetableModel) -> list:
    """Idle periods between the first and last lesson of a day, for teachers and classes."""
    terms = []
    closed = set(tm.grid.closed)
    for teacher_id, per_slot in tm.teacher_occ.items():
        teacher = tm.teachers.get(teacher_id)
        not_idle = closed | (teacher.unavailable | teacher.busy_elsewhere if teacher else set())
        terms += _idle_periods(tm, per_slot, not_idle, W_GAP, f"t{teacher_id}")
    if W_CLASS_GAP:
        for class_id, per_slot in tm.class_occ.items():
            terms += _idle_periods(tm, per_slot, closed, W_CLASS_GAP, f"c{class_id}")
    return terms


def _idle_periods(tm: TimetableModel, per_slot, not_idle, weight: int, name: str) -> list:
    """Per day: ``started[p]`` (a lesson at or before p) and ``ends[p]`` (a lesson at or after
    p); p is idle when started before it, ends after it and is free. The three are only bounded
    from below: minimisation keeps them at their true values at the optimum. (Defining them
    exactly was measured slower: the search reached a given objective later.)"""
    m = tm.model
    periods = sorted(tm.grid.periods)
    terms = []
    for day in tm.grid.weekdays:
        used = [p for p in periods if per_slot.get((day, p))]
        if len(used) < 2:
            continue
        chain = [p for p in periods if used[0] <= p <= used[-1]]
        busy = {p: sum(per_slot.get((day, p), [])) for p in chain}
        started = _running_or(m, chain, busy, f"started {name} {day}")
        ends = _running_or(m, chain[::-1], busy, f"ends {name} {day}")
        for i in range(1, len(chain) - 1):
            p = chain[i]
            if (day, p) in not_idle:
                continue
            before, after = started[chain[i - 1]], ends[chain[i + 1]]
            gap = m.NewBoolVar(f"idle {name} {day}.{p}")
            m.Add(gap >= before + after - busy[p] - 1)
            terms.append((weight, gap))
    return terms


def _running_or(m, chain, busy, name) -> dict:
    """``result[p]`` ≥ some lesson at p or before it along ``chain``."""
    result = {}
    previous = None
    for p in chain:
        if previous is None:
            if isinstance(busy[p], int):
                result[p] = m.NewConstant(busy[p])
            else:
                result[p] = m.NewBoolVar(f"{name}.{p}")
                m.Add(result[p] == busy[p])
        else:
            result[p] = m.NewBoolVar(f"{name}.{p}")
            m.Add(result[p] >= busy[p])
            m.AddImplication(previous, result[p])
        previous = result[p]
    return result


def _spread(tm: TimetableModel) -> list:
    by_assignment: dict[int, list[LessonVars]] = defaultdict(list)
    for lesson in tm.lessons:
        by_assignment[lesson.spec.assignment_id].append(lesson)
    terms = []
    for assignment_id, lessons in by_assignment.items():
        if len(lessons) < 2:
            continue
        per_day: dict[int, list] = defaultdict(list)
        for lesson in lessons:
            for lit, (day, _period) in zip(lesson.lits, lesson.starts, strict=True):
                per_day[day].append(lit)
        for day, lits in per_day.items():
            excess = tm.model.NewIntVar(0, len(lessons) - 1, f"extra a{assignment_id} d{day}")
            tm.model.Add(excess >= sum(lits) - 1)
            terms.append((W_SPREAD, excess))
    return terms


def _late_and_avoided(tm: TimetableModel) -> list:
    late_from = tm.grid.late_from
    terms = []
    for lesson in tm.lessons:
        teacher = tm.teachers.get(lesson.spec.teacher_id)
        avoid = teacher.avoid if teacher is not None else frozenset()
        for lit, start in zip(lesson.lits, lesson.starts, strict=True):
            cells = grid_geometry.covered(start, lesson.spec.length)
            cost = W_AVOID * sum(1 for cell in cells if cell in avoid)
            if lesson.spec.is_heavy and late_from is not None:
                cost += W_LATE * sum(1 for _, p in cells if p >= late_from)
            if cost:
                terms.append((cost, lit))
    return terms


def _moves(tm: TimetableModel) -> tuple[list, int]:
    """Each lesson with a current placement costs ``W_MOVE`` unless it is kept there."""
    m = tm.model
    terms, offset = [], 0
    for lesson in tm.lessons:
        current = lesson.spec.current
        if current is None:
            continue
        offset += W_MOVE
        start = lesson.start_lit((current.weekday, current.period))
        if start is None:
            continue
        if lesson.room_lits:
            room = lesson.room_lits.get(current.room_id)
            if room is None:
                continue
            kept = m.NewBoolVar(f"kept {lesson.index}")
            m.AddImplication(kept, start)
            m.AddImplication(kept, room)
        elif not lesson.rooms or current.room_id in lesson.rooms:
            # Pooled rooms are chosen afterwards, the current one first when it is free.
            kept = start
        else:
            continue
        terms.append((-W_MOVE, kept))
    return terms, offset
