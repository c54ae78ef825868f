"""What the generator is given and what it answers: plain, immutable data (no Django).

Ids are the database keys of the rows they stand for; the generator only compares them.
A slot is ``(weekday, period)``; a lesson of ``length`` periods starting at period ``p`` takes
``p … p + length - 1`` of the same day.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

Slot = tuple[int, int]  # (weekday 1-7, period 1-12)


@dataclass(frozen=True, slots=True)
class GridSpec:
    weekdays: tuple[int, ...]  # teaching days, e.g. (1, 2, 3, 4, 5, 6)
    periods: tuple[int, ...]  # period numbers of a day, e.g. (1, …, 8)
    closed: frozenset[Slot] = frozenset()  # free half-days of the establishment
    afternoon_from: int | None = None  # first afternoon period: a lesson never spans the break
    late_from: int | None = None  # from this period on a demanding subject is "late"
    class_max_periods_per_day: int = 6


@dataclass(frozen=True, slots=True)
class Placement:
    weekday: int
    period: int
    room_id: int | None = None


@dataclass(frozen=True, slots=True)
class LessonSpec:
    """One weekly lesson to place (a teaching assignment's hours are split into lessons)."""

    key: str  # stable between runs, e.g. "<assignment id>:<index>"
    assignment_id: int
    class_id: int
    teacher_id: int
    subject_id: int
    length: int = 1  # periods
    room_ids: tuple[int, ...] = ()  # rooms it may use (type and capacity fit); () = none needed
    is_heavy: bool = False
    locked: Placement | None = None  # the user locked it here: kept as a hard constraint
    current: Placement | None = None  # where it is now: a hint, and what repair mode keeps


@dataclass(frozen=True, slots=True)
class TeacherSpec:
    id: int
    unavailable: frozenset[Slot] = frozenset()  # hard
    avoid: frozenset[Slot] = frozenset()  # soft: the teacher's preference
    busy_elsewhere: frozenset[Slot] = frozenset()  # hard: teaching in another establishment


@dataclass(frozen=True, slots=True)
class RoomSpec:
    id: int
    room_type: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Problem:
    grid: GridSpec
    lessons: tuple[LessonSpec, ...]
    teachers: tuple[TeacherSpec, ...]
    rooms: tuple[RoomSpec, ...] = ()


class SolveStatus(enum.StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a valid timetable, not proven best
    INFEASIBLE = "infeasible"  # proven: no timetable meets the hard constraints
    UNKNOWN = "unknown"  # time ran out before any timetable was found


@dataclass(frozen=True, slots=True)
class Conflict:
    """A reason why no timetable exists, as a code and its parameters (the caller words it).

    Codes: ``teacher_overloaded`` (teacher_id, needed, available), ``class_overloaded``
    (class_id, needed, available), ``no_room`` (lesson key, subject_id, class_id),
    ``rooms_short`` (room_type, needed, available), ``locked_clash`` (lesson keys),
    ``lesson_does_not_fit`` (lesson key, length), ``constraints_together`` (a set of named
    groups of constraints that cannot hold together, from the solver's core).
    """

    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Solution:
    status: SolveStatus
    placements: dict[str, Placement] = field(default_factory=dict)  # by lesson key
    objective: float | None = None  # lower is better
    best_bound: float | None = None
    wall_seconds: float = 0.0
    moved: int = 0  # lessons placed elsewhere than their ``current`` placement
    conflicts: tuple[Conflict, ...] = ()

    @property
    def found(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
