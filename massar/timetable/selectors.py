"""Reads of timetables: an establishment's grid, and the week of a class, a teacher or a room laid
out for the pages (days as columns, periods as rows; a list of each day's lessons for phones).

The object whose week is read has already gone through ``access``; these functions only read
what belongs to it, with a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from massar.schooling.models import Room, SchoolClass
from massar.staff.models import StaffKind, StaffMember, TeachingAssignment
from massar.territory.models import Establishment, SchoolYear

from .models import Session, TeacherAvailability, Weekday, WeeklyGrid
from .weekgrid import GridShape, shape_of

SESSION_RELATED = ("establishment", "assignment__subject", "school_class", "teacher", "room")


def grid_of(establishment: Establishment, school_year: SchoolYear) -> WeeklyGrid | None:
    return (
        WeeklyGrid.objects.filter(establishment=establishment, school_year=school_year)
        .prefetch_related("periods", "free_half_days")
        .first()
    )


def shape_for(establishment: Establishment, school_year: SchoolYear) -> GridShape | None:
    grid = grid_of(establishment, school_year)
    return shape_of(grid) if grid else None


# --- the week laid out ------------------------------------------------------------------------


@dataclass
class Lesson:
    """A session as a page shows it. ``hidden``: in a school the reader does not see (only
    "busy" and the school's name are shown)."""

    public_id: str
    subject: str
    teacher: str
    room: str
    school_class: str
    establishment: str
    weekday: int
    period: int
    length: int
    is_locked: bool
    hidden: bool = False
    other_school: bool = False
    starts_at: time | None = None
    ends_at: time | None = None


@dataclass
class Cell:
    weekday: int
    period: int
    free: bool = False
    lessons: list[tuple[Lesson, bool]] = field(default_factory=list)  # (lesson, starts here)

    @property
    def day_label(self) -> str:
        return Weekday(self.weekday).label


@dataclass
class Row:
    number: int
    starts_at: time | None
    ends_at: time | None
    half: str
    cells: list[Cell]


@dataclass
class Day:
    number: int
    label: str
    lessons: list[Lesson]


@dataclass
class Week:
    days: list[Day]
    rows: list[Row]
    shape: GridShape | None

    @property
    def is_empty(self) -> bool:
        return not any(day.lessons for day in self.days)


def _lesson(session: Session, *, shown: bool, home_id: int | None, shape) -> Lesson:
    first = shape.period(session.period) if shape else None
    last = shape.period(session.period + session.length - 1) if shape else None
    return Lesson(
        public_id=str(session.public_id),
        subject=session.assignment.subject.name if shown else "",
        teacher=session.teacher.display_name if shown else "",
        room=session.room.code if shown and session.room else "",
        school_class=session.school_class.name if shown else "",
        establishment=session.establishment.name,
        weekday=session.weekday,
        period=session.period,
        length=session.length,
        is_locked=session.is_locked,
        hidden=not shown,
        other_school=home_id is not None and session.establishment_id != home_id,
        starts_at=first.starts_at if first else None,
        ends_at=last.ends_at if last else None,
    )


def lay_out(
    sessions: list[Session],
    *,
    shape: GridShape | None,
    home_id: int | None = None,
    shown: Callable[[Session], bool] = lambda session: True,
) -> Week:
    """The week of ``sessions`` on ``shape``'s days and periods (plus any day or period a session
    uses outside it, so that nothing saved is hidden)."""
    lessons = [_lesson(s, shown=shown(s), home_id=home_id, shape=shape) for s in sessions]
    day_numbers = sorted(set(shape.days if shape else ()) | {x.weekday for x in lessons})
    if not day_numbers:
        day_numbers = [1, 2, 3, 4, 5, 6]
    numbers = set(shape.numbers if shape else ())
    for lesson in lessons:
        numbers.update(range(lesson.period, lesson.period + lesson.length))
    by_slot: dict[tuple[int, int], list[tuple[Lesson, bool]]] = defaultdict(list)
    for lesson in lessons:
        for number in range(lesson.period, lesson.period + lesson.length):
            by_slot[(lesson.weekday, number)].append((lesson, number == lesson.period))
    rows = []
    for number in sorted(numbers):
        spec = shape.period(number) if shape else None
        rows.append(
            Row(
                number=number,
                starts_at=spec.starts_at if spec else None,
                ends_at=spec.ends_at if spec else None,
                half=spec.half if spec else "",
                cells=[
                    Cell(
                        weekday=day,
                        period=number,
                        free=bool(shape and shape.is_free(day, number)),
                        lessons=by_slot.get((day, number), []),
                    )
                    for day in day_numbers
                ],
            )
        )
    days = [
        Day(
            number=day,
            label=Weekday(day).label,
            lessons=sorted(
                (x for x in lessons if x.weekday == day), key=lambda x: (x.period, x.school_class)
            ),
        )
        for day in day_numbers
    ]
    return Week(days=days, rows=rows, shape=shape)


def _sessions(queryset: QuerySet) -> list[Session]:
    return list(queryset.select_related(*SESSION_RELATED).order_by("weekday", "period"))


def class_sessions(school_class: SchoolClass) -> list[Session]:
    return _sessions(Session.objects.filter(school_class=school_class))


def teacher_sessions(teacher: StaffMember, school_year: SchoolYear) -> list[Session]:
    """A teacher's sessions of the year in every establishment."""
    return _sessions(Session.objects.filter(teacher=teacher, school_year=school_year))


def room_sessions(room: Room, school_year: SchoolYear) -> list[Session]:
    return _sessions(Session.objects.filter(room=room, school_year=school_year))


def class_week(school_class: SchoolClass) -> Week:
    """The week of a class on its establishment's grid (one query and the grid's three)."""
    shape = shape_for(school_class.establishment, school_class.school_year)
    return lay_out(class_sessions(school_class), shape=shape, home_id=school_class.establishment_id)


def teacher_home(teacher: StaffMember, sessions: list[Session]) -> int:
    """The establishment whose grid frames a teacher's week: their main one, or where they
    teach when they have no session there."""
    establishments = {s.establishment_id for s in sessions}
    if not establishments or teacher.main_establishment_id in establishments:
        return teacher.main_establishment_id
    return min(establishments)


def teacher_week(
    teacher: StaffMember, school_year: SchoolYear, *, shows: Callable[[Establishment], bool]
) -> Week:
    """A teacher's week in every establishment; sessions of an establishment for which
    ``shows(establishment)`` is false only say "busy" and where."""
    sessions = teacher_sessions(teacher, school_year)
    home_id = teacher_home(teacher, sessions)
    home = Establishment(pk=home_id)
    shape = shape_for(home, school_year)
    return lay_out(
        sessions,
        shape=shape,
        home_id=home_id,
        shown=lambda session: shows(session.establishment),
    )


def room_week(room: Room, school_year: SchoolYear) -> Week:
    shape = shape_for(room.establishment, school_year)
    sessions = room_sessions(room, school_year)
    return lay_out(sessions, shape=shape, home_id=room.establishment_id)


# --- an establishment's timetable -------------------------------------------------------------


def school_classes(establishment: Establishment, school_year: SchoolYear) -> QuerySet:
    return (
        SchoolClass.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("level")
        .order_by("level__order", "name")
    )


def school_teachers(establishment: Establishment, school_year: SchoolYear) -> QuerySet:
    """Teachers serving ``establishment``: its own, those who also serve it, and any teacher with
    an assignment there this year."""
    return (
        StaffMember.objects.filter(
            Q(main_establishment=establishment)
            | Q(other_establishments=establishment)
            | Q(assignments__establishment=establishment, assignments__school_year=school_year),
            kind=StaffKind.TEACHER,
            is_active=True,
        )
        .distinct()
        .order_by("last_name_fr", "first_name_fr")
    )


def school_rooms(establishment: Establishment) -> QuerySet:
    return Room.objects.filter(establishment=establishment).order_by("code")


def class_assignments(school_class: SchoolClass) -> list[TeachingAssignment]:
    """The class's assignments with the periods already placed (``placed``) and allowed."""
    from .conflicts import periods_needed

    rows = list(
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "teacher")
        .annotate(placed=Coalesce(Sum("sessions__length"), 0))
        .order_by("subject__code")
    )
    for row in rows:
        row.allowed = periods_needed(row.weekly_hours)
    return rows


def availability_of(teacher: StaffMember, school_year: SchoolYear) -> dict[tuple[int, int], str]:
    return {
        (weekday, period): kind
        for weekday, period, kind in TeacherAvailability.objects.filter(
            teacher=teacher, school_year=school_year
        ).values_list("weekday", "period", "kind")
    }
