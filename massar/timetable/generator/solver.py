"""``solve``: a problem in, a timetable (or the reasons why none exists) out.

Runs CP-SAT on the model of ``model.py`` with the soft objective of ``objective.py``; cheap
counting checks first, and an explanation from the solver's core when the problem is proven
infeasible (``explain.py``).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from . import explain
from .model import TimetableModel
from .objective import add_objective
from .problem import Placement, Problem, Slot, Solution, SolveStatus
from .rooms import Booking, assign_rooms
from .validate import count_moved, score, validate

logger = logging.getLogger(__name__)

Progress = Callable[[float, float | None], None]

# While the solver runs, ``on_progress`` also hears from it at least this often (seconds).
HEARTBEAT_SECONDS = 2.0
# Measured on the benchmark lycée: one presolve round without probing nor symmetry detection
# reaches a first timetable and a good objective sooner; the presolve's later rounds cost
# seconds and bring little here.
SEARCH_PARAMETERS = {
    "max_presolve_iterations": 1,
    "cp_model_probing_level": 0,
    "symmetry_level": 0,
}
# Repair mode first moves only the lessons near the change, in this share of the time at most.
LOCAL_REPAIR_SHARE = 0.3
# Time granted to the model with rooms when the day-by-day choice fails, at least (seconds).
ROOMS_FALLBACK_SECONDS = 10.0
# Time granted to the explanation of an infeasible problem, at least (seconds).
EXPLAIN_MIN_SECONDS = 10.0


def solve(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    mode: str = "full",
    workers: int = 2,
    stop_after_first: bool = False,
    on_progress: Progress | None = None,
) -> Solution:
    """Place every lesson of ``problem`` on the grid.

    ``mode``: ``"full"`` optimises the soft objective; ``"repair"`` first keeps as many lessons
    as possible at their ``current`` placement (``W_MOVE`` per lesson moved), then optimises the
    rest. Current placements are hints in both modes. A repair first solves a small problem
    where only the lessons that cannot stay, and the lessons of their teachers and classes, may
    move (at most ``LOCAL_REPAIR_SHARE`` of the time), then improves on it with every lesson
    free. ``time_limit`` is in seconds, for the search; the explanation of an infeasible problem
    may take up to ``EXPLAIN_MIN_SECONDS`` more, and the rare second search that chooses rooms
    in the model (when the day-by-day choice fails) up to ``ROOMS_FALLBACK_SECONDS`` more.
    ``workers``: CP-SAT search threads.

    The answer's ``objective`` is the timetable's score (``validate.score``: the weighted soft
    penalties, plus ``W_MOVE`` per lesson moved in repair mode); ``best_bound`` is the solver's
    lower bound on it (``None`` when the answer comes from the first, local repair).

    ``on_progress(fraction, objective)`` is called in the caller's thread (never the solver's):
    on each improving timetable, and every ``HEARTBEAT_SECONDS`` (``objective`` is ``None``
    until a first timetable exists). ``objective`` is the best so far of the model's objective,
    which may exceed the final score before optimality (never the reverse); ``fraction`` is
    elapsed / time_limit, in 0..1. If it raises, the search stops and the exception
    propagates.
    """
    if mode not in ("full", "repair"):
        raise ValueError(f"unknown mode {mode!r}")
    began = time.monotonic()
    conflicts = explain.prechecks(problem)
    if conflicts:
        return Solution(
            SolveStatus.INFEASIBLE,
            conflicts=tuple(conflicts),
            wall_seconds=time.monotonic() - began,
        )
    if not problem.lessons:
        return Solution(SolveStatus.OPTIMAL, objective=0.0, best_bound=0.0)

    repair = mode == "repair"
    run = _Run(problem, began, time_limit, workers, on_progress)
    local = None
    if repair:
        local = _local_repair(run)
        if local is not None and stop_after_first:
            return _answer(problem, began, SolveStatus.FEASIBLE, local, None, repair)
    hints = {key: (p.weekday, p.period) for key, p in local.items()} if local else None
    status, placements, bound = _search(
        run,
        problem,
        repair=repair,
        times=hints,
        deadline=began + time_limit,
        stop_after_first=stop_after_first,
    )
    if local is not None and (
        placements is None
        or score(problem, local, repair=True) < score(problem, placements, repair=True)
    ):
        status, placements = SolveStatus.FEASIBLE, local
    if placements is not None:
        return _answer(problem, began, status, placements, bound, repair)
    if status == SolveStatus.INFEASIBLE:
        budget = max(EXPLAIN_MIN_SECONDS, time_limit - (time.monotonic() - began))
        conflicts = explain.explain(problem, time_limit=budget)
        return Solution(
            SolveStatus.INFEASIBLE,
            conflicts=tuple(conflicts),
            wall_seconds=time.monotonic() - began,
        )
    return Solution(SolveStatus.UNKNOWN, wall_seconds=time.monotonic() - began)


@dataclass
class _Run:
    """What every search of one ``solve`` call shares, and the best objective heard so far."""

    problem: Problem
    began: float
    time_limit: float
    workers: int
    on_progress: Progress | None
    best: float | None = None


def _answer(problem, began, status, placements, bound, repair) -> Solution:
    violations = validate(problem, placements)
    if violations:  # a bug of the model: never hand out an invalid timetable
        raise RuntimeError(f"the generator broke hard constraints: {violations[:5]}")
    return Solution(
        status,
        placements=placements,
        objective=float(score(problem, placements, repair=repair)),
        best_bound=bound,
        wall_seconds=time.monotonic() - began,
        moved=count_moved(problem, placements),
    )


def _search(run: _Run, problem: Problem, *, repair, times, deadline, stop_after_first):
    """Times from the model with pooled rooms, then rooms day by day; rooms in the model when
    that fails. Answers (status, placements or None, best bound)."""
    tm = _model(problem, exact_rooms=False, repair=repair, times=times)
    solver = _solver(deadline, run.workers)
    code = _run(solver, tm, run, stop_after_first)
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid timetable model: {tm.model.Validate()}")
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _STATUS.get(code, SolveStatus.UNKNOWN), None, None
    times = _times(solver, tm)
    rooms = assign_rooms(_bookings(tm, times), {r.id: r.capacity for r in problem.rooms})
    if rooms is None:
        # Rooms of overlapping sets (or locked rooms) defeated the day-by-day choice: let the
        # solver choose rooms too, from the timetable found.
        logger.info("Rooms chosen in the model: the day-by-day assignment failed")
        tm = _model(problem, exact_rooms=True, repair=repair, times=times)
        solver = _solver(max(deadline, time.monotonic() + ROOMS_FALLBACK_SECONDS), run.workers)
        code = _run(solver, tm, run, stop_after_first)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _STATUS.get(code, SolveStatus.UNKNOWN), None, None
        placements = _placements(solver, tm)
    else:
        placements = {
            key: Placement(day, period, rooms.get(key)) for key, (day, period) in times.items()
        }
    bound = float(solver.BestObjectiveBound()) if tm.model.HasObjective() else 0.0
    return _STATUS[code], placements, bound


def _local_repair(run: _Run) -> dict[str, Placement] | None:
    """A first repair that only moves the lessons that cannot stay where they are and the
    lessons of their teachers and classes; the others keep their place. ``None`` when there is
    nothing to start from or that small problem has no answer in its share of the time."""
    problem = run.problem
    current = {x.key: x.current for x in problem.lessons if x.current is not None}
    if not current:
        return None
    displaced: set[str] = {x.key for x in problem.lessons if x.current is None}
    classes_days: set[tuple[int, int]] = set()
    for violation in validate(problem, current):
        params = violation.params
        displaced.update(params.get("lesson_keys", ()))
        if "lesson_key" in params:
            displaced.add(params["lesson_key"])
        if violation.code == "class_day_overload":
            classes_days.add((params["class_id"], params["weekday"]))
    for x in problem.lessons:
        if x.key in current and (x.class_id, current[x.key].weekday) in classes_days:
            displaced.add(x.key)
    by_key = {x.key: x for x in problem.lessons}
    teachers = {by_key[key].teacher_id for key in displaced}
    classes = {by_key[key].class_id for key in displaced}
    free = {x.key for x in problem.lessons if x.teacher_id in teachers or x.class_id in classes}
    lessons = tuple(
        x
        if x.key in free or x.locked is not None
        else replace(x, locked=x.current if x.room_ids else replace(x.current, room_id=None))
        for x in problem.lessons
    )
    local = replace(problem, lessons=lessons)
    if explain.prechecks(local):
        return None
    deadline = run.began + run.time_limit * LOCAL_REPAIR_SHARE
    _status, placements, _bound = _search(
        run, local, repair=True, times=None, deadline=deadline, stop_after_first=False
    )
    if placements is None or validate(problem, placements):
        return None
    return placements


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


def _model(
    problem: Problem, *, exact_rooms: bool, repair: bool, times: dict[str, Slot] | None
) -> TimetableModel:
    tm = TimetableModel(problem, exact_rooms=exact_rooms)
    add_objective(tm, repair=repair)
    _add_hints(tm, times)
    return tm


def _solver(deadline: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.01, deadline - time.monotonic())
    params.num_workers = max(1, workers)
    for name, value in SEARCH_PARAMETERS.items():
        setattr(params, name, value)
    return solver


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, began: float, time_limit: float, stop_after_first: bool, sink):
        super().__init__()
        self.began = began
        self.time_limit = time_limit
        self.stop_after_first = stop_after_first
        self.sink = sink

    def on_solution_callback(self) -> None:
        if self.sink is not None:
            fraction = min(1.0, (time.monotonic() - self.began) / max(self.time_limit, 1e-9))
            self.sink.put((fraction, float(self.ObjectiveValue())))
        if self.stop_after_first:
            self.StopSearch()


def _run(solver, tm, run: _Run, stop_after_first: bool) -> int:
    began, time_limit, on_progress = run.began, run.time_limit, run.on_progress
    if on_progress is None:
        if not stop_after_first:
            return solver.Solve(tm.model)
        return solver.Solve(tm.model, _Callback(began, time_limit, True, None))

    events: queue.Queue = queue.Queue()
    callback = _Callback(began, time_limit, stop_after_first, events)
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["status"] = solver.Solve(tm.model, callback)
        finally:
            events.put(None)

    thread = threading.Thread(target=work, name="timetable-solver", daemon=True)
    thread.start()
    try:
        while True:
            try:
                event = events.get(timeout=HEARTBEAT_SECONDS)
            except queue.Empty:
                fraction = min(1.0, (time.monotonic() - began) / max(time_limit, 1e-9))
                on_progress(fraction, run.best)
                continue
            if event is None:
                break
            fraction, objective = event
            run.best = objective if run.best is None else min(run.best, objective)
            on_progress(fraction, run.best)
    except BaseException:
        solver.StopSearch()
        thread.join()
        raise
    thread.join()
    return outcome["status"]


def _add_hints(tm: TimetableModel, times: dict[str, Slot] | None) -> None:
    """Hint each lesson's start: from ``times`` when given, else its current placement."""
    for lesson in tm.lessons:
        current = lesson.spec.current
        if times is not None and lesson.spec.key in times:
            slot = times[lesson.spec.key]
        elif current is not None:
            slot = (current.weekday, current.period)
        else:
            continue
        if slot not in lesson.starts:
            continue
        for lit, start in zip(lesson.lits, lesson.starts, strict=True):
            tm.model.AddHint(lit, start == slot)
        if current is not None and lesson.room_lits and current.room_id in lesson.room_lits:
            for room, lit in lesson.room_lits.items():
                tm.model.AddHint(lit, room == current.room_id)


def _times(solver: cp_model.CpSolver, tm: TimetableModel) -> dict[str, Slot]:
    return {
        lesson.spec.key: next(
            s for lit, s in zip(lesson.lits, lesson.starts, strict=True) if solver.BooleanValue(lit)
        )
        for lesson in tm.lessons
    }


def _bookings(tm: TimetableModel, times: dict[str, Slot]) -> list[Booking]:
    """The lessons that need a room, at their time; a lesson that stays at its current time
    prefers its current room (a lesson that moved has no claim on it)."""
    bookings = []
    for lesson in tm.lessons:
        if not lesson.rooms:
            continue
        slot, current = times[lesson.spec.key], lesson.spec.current
        kept = current is not None and (current.weekday, current.period) == slot
        bookings.append(
            Booking(
                key=lesson.spec.key,
                class_id=lesson.spec.class_id,
                weekday=slot[0],
                period=slot[1],
                length=lesson.spec.length,
                rooms=lesson.rooms,
                preferred=current.room_id if kept else None,
            )
        )
    return bookings


def _placements(solver: cp_model.CpSolver, tm: TimetableModel) -> dict[str, Placement]:
    """Times and rooms from a model with exact rooms."""
    times = _times(solver, tm)
    placements = {}
    for lesson in tm.lessons:
        day, period = times[lesson.spec.key]
        room = next(
            (r for r, lit in lesson.room_lits.items() if solver.BooleanValue(lit)),
            lesson.rooms[0] if lesson.rooms else None,
        )
        placements[lesson.spec.key] = Placement(day, period, room)
    return placements
