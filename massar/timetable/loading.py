"""The generator's problem of an establishment and year, loaded from the database set-based.

A fixed handful of queries whatever the size of the school: the grid with its periods and free
half-days, the teaching assignments, the subjects' timetabling rules, the rooms, the pupils placed
in each class, the sessions of the school, the teachers' availabilities and their sessions in
other establishments (with those establishments' periods, to compare clock times).

Choices written down here:

- ``afternoon_from`` is the first afternoon period: a lesson never spans the lunch break.
- ``late_from`` is the last period of the day: a demanding subject (mathematics, physics…) is
  "late" in the last hour, when pupils are most tired. The last morning period is not counted
  late: the lunch break follows it.
- A lesson is one block of ``split_hours(hours, max_block)``; the subject's rule gives the
  longest block (two periods without a rule).
- Locked sessions are lessons of their own (at their place, with their length); the rest of the
  assignment's hours are split as usual. Other sessions of the assignment are matched to lessons
  of the same length and become their ``current`` placement (the hint, and what repair keeps).
- A lesson may use the active rooms of the school of the subject's room type (classrooms without
  a rule) that seat the class's placed pupils. A school that has registered no room at all gets a
  timetable without rooms; a school with rooms where none fits a lesson gets a ``no_room``
  conflict before any solving.
- A teacher shared with another establishment is busy in the periods of this school whose clock
  times overlap their sessions there (period numbers of two schools need not match).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from massar.core.errors import ValidationFailed
from massar.schooling.models import ClassPlacement, Room, RoomType
from massar.staff.models import TeachingAssignment
from massar.students.models import ACTIVE_ENROLMENT_STATUSES
from massar.territory.models import Establishment, SchoolYear

from .generator import Conflict, GridSpec, LessonSpec, Placement, Problem, RoomSpec, TeacherSpec
from .generator.lessons import split_hours
from .models import (
    AvailabilityKind,
    FreeHalfDay,
    HalfDay,
    Period,
    Session,
    SubjectTimetableRule,
    TeacherAvailability,
    WeeklyGrid,
)

DEFAULT_MAX_BLOCK = 2

Slot = tuple[int, int]
#: What a session looks like to the generator; compared before writing to notice hand edits.
SessionState = tuple[int, int, int, int, int | None, bool]


class NoGrid(ValidationFailed):
    code = "no_grid"
    default_message = _(
        "This school has no weekly grid for the year yet: set its days and periods first."
    )


class NoAssignments(ValidationFailed):
    code = "no_assignments"
    default_message = _(
        "No teaching assignment is recorded for this school and year: "
        "give each class its teachers first."
    )


NO_PERIOD = _("The weekly grid of this school has no period yet: add its periods first.")


@dataclass(frozen=True)
class LoadedProblem:
    """The problem, and what writing the solution back needs to know about the database."""

    problem: Problem
    grid: WeeklyGrid
    #: lesson key -> id of the unlocked session it stands for now
    session_of_lesson: dict[str, int] = field(default_factory=dict)
    #: the school's sessions when the problem was loaded, to notice hand edits meanwhile
    sessions_seen: frozenset[SessionState] = frozenset()
    #: reasons found while loading, before any solving (a lesson no room can take)
    conflicts: tuple[Conflict, ...] = ()

    @property
    def lessons_by_key(self) -> dict[str, LessonSpec]:
        return {lesson.key: lesson for lesson in self.problem.lessons}


def session_state(row: dict) -> SessionState:
    return (
        row["id"],
        row["weekday"],
        row["period"],
        row["length"],
        row["room_id"],
        row["is_locked"],
    )


SESSION_STATE_FIELDS = ("id", "weekday", "period", "length", "room_id", "is_locked")


def grid_of(establishment: Establishment, school_year: SchoolYear) -> WeeklyGrid:
    grid = WeeklyGrid.objects.filter(establishment=establishment, school_year=school_year).first()
    if grid is None:
        raise NoGrid()
    return grid


def grid_spec(grid: WeeklyGrid, periods: list[Period] | None = None) -> GridSpec:
    """The grid as the generator sees it (two queries: periods, free half-days)."""
    if periods is None:
        periods = list(Period.objects.filter(grid=grid).order_by("number"))
    if not periods:
        raise NoGrid(NO_PERIOD)
    days = tuple(grid.days)
    halves: dict[str, list[int]] = defaultdict(list)
    for period in periods:
        halves[period.half].append(period.number)
    closed = {
        (free.weekday, number)
        for free in FreeHalfDay.objects.filter(grid=grid)
        if free.weekday in days
        for number in halves.get(free.half, ())
    }
    afternoon = halves.get(HalfDay.AFTERNOON)
    return GridSpec(
        weekdays=days,
        periods=tuple(period.number for period in periods),
        closed=frozenset(closed),
        afternoon_from=min(afternoon) if afternoon else None,
        late_from=periods[-1].number,
        class_max_periods_per_day=grid.class_max_periods_per_day,
    )


def _placed_pupils(class_ids) -> dict[int, int]:
    rows = (
        ClassPlacement.objects.filter(
            school_class_id__in=class_ids, enrolment__status__in=ACTIVE_ENROLMENT_STATUSES
        )
        .values("school_class_id")
        .annotate(pupils=Count("id"))
    )
    return {row["school_class_id"]: row["pupils"] for row in rows}


def _lengths(hours: Decimal, max_block: int, locked: list[int]) -> list[int]:
    """Lengths of an assignment's lessons: the locked ones first, then the rest split."""
    remaining = Decimal(hours) - sum(locked)
    rest = split_hours(remaining, max_block) if remaining > 0 else []
    return [*locked, *rest]


def _overlapping(periods: list[tuple[int, time, time]], start: time, end: time) -> list[int]:
    return [number for number, begins, ends in periods if begins < end and start < ends]


def _busy_elsewhere(
    *, establishment, school_year, teacher_ids, own_periods
) -> dict[int, set[Slot]]:
    """Slots of this school's grid where each teacher teaches in another establishment."""
    rows = list(
        Session.objects.filter(school_year=school_year, teacher_id__in=teacher_ids)
        .exclude(establishment=establishment)
        .values("teacher_id", "establishment_id", "weekday", "period", "length")
    )
    if not rows:
        return {}
    times: dict[int, dict[int, tuple[time, time]]] = defaultdict(dict)
    for row in Period.objects.filter(
        grid__school_year=school_year,
        grid__establishment_id__in={row["establishment_id"] for row in rows},
    ).values("grid__establishment_id", "number", "starts_at", "ends_at"):
        times[row["grid__establishment_id"]][row["number"]] = (row["starts_at"], row["ends_at"])
    own_numbers = {number for number, _begins, _ends in own_periods}
    busy: dict[int, set[Slot]] = defaultdict(set)
    for row in rows:
        numbers = range(row["period"], row["period"] + row["length"])
        there = times.get(row["establishment_id"], {})
        if all(number in there for number in numbers):
            start, end = there[numbers[0]][0], there[numbers[-1]][1]
            overlapping = _overlapping(own_periods, start, end)
        else:  # the other school has no grid for these periods: assume the same numbering
            overlapping = [number for number in numbers if number in own_numbers]
        busy[row["teacher_id"]].update((row["weekday"], number) for number in overlapping)
    return busy


def load_problem(*, establishment: Establishment, school_year: SchoolYear) -> LoadedProblem:
    """The generator's problem for ``establishment`` in ``school_year`` (about ten queries).

    Raises ``NoGrid`` or ``NoAssignments`` when there is nothing to timetable yet.
    """
    grid = grid_of(establishment, school_year)
    periods = list(Period.objects.filter(grid=grid).order_by("number"))
    spec = grid_spec(grid, periods)
    assignments = list(
        TeachingAssignment.objects.filter(
            establishment=establishment, school_year=school_year
        ).values("id", "school_class_id", "subject_id", "teacher_id", "weekly_hours")
    )
    if not assignments:
        raise NoAssignments()
    subject_ids = {row["subject_id"] for row in assignments}
    rules = {
        rule.subject_id: rule
        for rule in SubjectTimetableRule.objects.filter(subject_id__in=subject_ids)
    }
    rooms = list(
        Room.objects.filter(establishment=establishment, is_active=True)
        .order_by("code")
        .values("id", "room_type", "capacity")
    )
    pupils = _placed_pupils({row["school_class_id"] for row in assignments})
    sessions = list(
        Session.objects.filter(establishment=establishment, school_year=school_year)
        .order_by("weekday", "period", "id")
        .values("assignment_id", *SESSION_STATE_FIELDS)
    )
    sessions_of: dict[int, list[dict]] = defaultdict(list)
    for row in sessions:
        sessions_of[row["assignment_id"]].append(row)

    lessons: list[LessonSpec] = []
    conflicts: list[Conflict] = []
    session_of_lesson: dict[str, int] = {}
    for row in assignments:
        rule = rules.get(row["subject_id"])
        room_type = rule.room_type if rule else RoomType.CLASSROOM
        max_block = rule.max_block if rule else DEFAULT_MAX_BLOCK
        class_size = pupils.get(row["school_class_id"], 0)
        room_ids = tuple(
            room["id"]
            for room in rooms
            if room["room_type"] == room_type and room["capacity"] >= class_size
        )
        own = sessions_of.get(row["id"], [])
        locked = [session for session in own if session["is_locked"]]
        unlocked = [session for session in own if not session["is_locked"]]
        lengths = _lengths(row["weekly_hours"], max_block, [s["length"] for s in locked])
        for index, length in enumerate(lengths):
            key = f"{row['id']}:{index}"
            locked_at = current = None
            if index < len(locked):
                session = locked[index]
                locked_at = Placement(session["weekday"], session["period"], session["room_id"])
            else:
                match = next((s for s in unlocked if s["length"] == length), None)
                if match is not None:
                    unlocked.remove(match)
                    current = Placement(match["weekday"], match["period"], match["room_id"])
                    session_of_lesson[key] = match["id"]
            lesson = LessonSpec(
                key=key,
                assignment_id=row["id"],
                class_id=row["school_class_id"],
                teacher_id=row["teacher_id"],
                subject_id=row["subject_id"],
                length=length,
                room_ids=room_ids,
                is_heavy=bool(rule and rule.is_heavy),
                locked=locked_at,
                current=current,
            )
            lessons.append(lesson)
            if rooms and not room_ids and locked_at is None:
                conflicts.append(
                    Conflict(
                        "no_room",
                        {
                            "lesson": key,
                            "subject_id": row["subject_id"],
                            "class_id": row["school_class_id"],
                            "room_type": room_type,
                            "pupils": class_size,
                        },
                    )
                )

    teacher_ids = sorted({row["teacher_id"] for row in assignments})
    wishes: dict[int, dict[str, set[Slot]]] = defaultdict(lambda: defaultdict(set))
    for availability in TeacherAvailability.objects.filter(
        school_year=school_year, teacher_id__in=teacher_ids
    ).values("teacher_id", "weekday", "period", "kind"):
        wishes[availability["teacher_id"]][availability["kind"]].add(
            (availability["weekday"], availability["period"])
        )
    own_periods = [(period.number, period.starts_at, period.ends_at) for period in periods]
    busy = _busy_elsewhere(
        establishment=establishment,
        school_year=school_year,
        teacher_ids=teacher_ids,
        own_periods=own_periods,
    )
    teachers = tuple(
        TeacherSpec(
            id=teacher_id,
            unavailable=frozenset(wishes[teacher_id][AvailabilityKind.UNAVAILABLE]),
            avoid=frozenset(wishes[teacher_id][AvailabilityKind.AVOID]),
            busy_elsewhere=frozenset(busy.get(teacher_id, ())),
        )
        for teacher_id in teacher_ids
    )
    problem = Problem(
        grid=spec,
        lessons=tuple(lessons),
        teachers=teachers,
        rooms=tuple(
            RoomSpec(id=room["id"], room_type=room["room_type"], capacity=room["capacity"])
            for room in rooms
        ),
    )
    return LoadedProblem(
        problem=problem,
        grid=grid,
        session_of_lesson=session_of_lesson,
        sessions_seen=frozenset(session_state(row) for row in sessions),
        conflicts=tuple(conflicts),
    )


def ensure_loadable(*, establishment: Establishment, school_year: SchoolYear) -> None:
    """Refuse early (three small queries) when there is nothing to timetable yet."""
    grid = grid_of(establishment, school_year)
    if not Period.objects.filter(grid=grid).exists():
        raise NoGrid(NO_PERIOD)
    if not TeachingAssignment.objects.filter(
        establishment=establishment, school_year=school_year
    ).exists():
        raise NoAssignments()
