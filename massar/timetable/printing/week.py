"""Printable weeks: the sessions of a class, a teacher, a room or a whole school laid out on the
establishment's grid, as plain data that the PDF and the spreadsheet both render.

Every text is kept in both scripts (``{"ar": …, "fr": …}``): the PDF prints Arabic with French
labels, the spreadsheet the reader's language. A block of several periods is one cell spanning
them; a free half-day is a closed cell; sessions that overlap (a clash left by hand) share one
cell, so nothing is hidden. Each builder runs a fixed number of queries, whatever the size of
the school.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from massar.schooling.models import Room, SchoolClass
from massar.staff.models import StaffMember
from massar.territory.models import Establishment, SchoolYear

from ..models import FreeHalfDay, Period, Session, WeeklyGrid

CLASS, TEACHER, ROOM = "class", "teacher", "room"

#: Day names as printed (a printed timetable is Arabic with French labels, whatever the reader's
#: language on the site).
DAY_NAMES = {
    1: ("الاثنين", "Lundi"),
    2: ("الثلاثاء", "Mardi"),
    3: ("الأربعاء", "Mercredi"),
    4: ("الخميس", "Jeudi"),
    5: ("الجمعة", "Vendredi"),
    6: ("السبت", "Samedi"),
    7: ("الأحد", "Dimanche"),
}


def both(ar: str, fr: str) -> dict[str, str]:
    """A text in both scripts, each falling back to the other when empty."""
    return {"ar": ar or fr, "fr": fr or ar}


@dataclass
class Column:
    number: int
    starts_at: str
    ends_at: str
    half: str


@dataclass
class Cell:
    span: int = 1
    closed: bool = False
    entries: list[list[dict[str, str]]] = field(default_factory=list)  # lines of each session


@dataclass
class Row:
    weekday: int
    day: dict[str, str]
    cells: list[Cell]


@dataclass
class Section:
    """One page: the week of one class, teacher or room at one establishment."""

    kind: str
    name: dict[str, str]
    establishment: Establishment
    school_year: SchoolYear
    columns: list[Column]
    rows: list[Row]
    sessions: int = 0

    @property
    def establishment_name(self) -> dict[str, str]:
        return both(self.establishment.name_ar, self.establishment.name_fr)


@dataclass
class GridLayout:
    days: list[int]
    periods: list[Period]
    closed: set[tuple[int, int]]


def layouts_of(establishment_ids, school_year: SchoolYear) -> dict[int, GridLayout]:
    """The grids of some establishments for the year, by establishment (three queries)."""
    grids = {
        grid.pk: grid
        for grid in WeeklyGrid.objects.filter(
            establishment_id__in=establishment_ids, school_year=school_year
        )
    }
    periods: dict[int, list[Period]] = defaultdict(list)
    for period in Period.objects.filter(grid_id__in=grids).order_by("number"):
        periods[period.grid_id].append(period)
    free: dict[int, list[FreeHalfDay]] = defaultdict(list)
    for half_day in FreeHalfDay.objects.filter(grid_id__in=grids):
        free[half_day.grid_id].append(half_day)
    layouts = {}
    for grid_id, grid in grids.items():
        closed = {
            (half_day.weekday, period.number)
            for half_day in free[grid_id]
            for period in periods[grid_id]
            if period.half == half_day.half
        }
        layouts[grid.establishment_id] = GridLayout(grid.days, periods[grid_id], closed)
    return layouts


def _fallback_layout(sessions: list[Session]) -> GridLayout:
    """No grid saved: the days and period numbers the sessions use, without times."""
    days = sorted({s.weekday for s in sessions}) or [1, 2, 3, 4, 5, 6]
    last = max((s.period + s.length - 1 for s in sessions), default=8)
    return GridLayout(days, [Period(number=n, half="") for n in range(1, last + 1)], set())


def _columns(layout: GridLayout) -> list[Column]:
    return [
        Column(
            p.number,
            f"{p.starts_at:%H:%M}" if p.starts_at else "",
            f"{p.ends_at:%H:%M}" if p.ends_at else "",
            p.half,
        )
        for p in layout.periods
    ]


def _lines(session: Session, kind: str) -> list[dict[str, str]]:
    subject = session.assignment.subject
    teacher = session.teacher
    lines = [both(subject.name_ar, subject.name_fr)]
    teacher_name = both(
        f"{teacher.first_name_ar} {teacher.last_name_ar}".strip(),
        f"{teacher.first_name_fr} {teacher.last_name_fr}".strip(),
    )
    class_name = both(session.school_class.name, session.school_class.name)
    room = both(session.room.code, session.room.code) if session.room_id else None
    if kind == CLASS:
        lines.append(teacher_name)
    elif kind == TEACHER:
        lines.append(class_name)
    else:
        lines += [class_name, teacher_name]
    if room is not None and kind != ROOM:
        lines.append(room)
    return lines


def _row_cells(layout: GridLayout, day: int, sessions: list[Session], kind: str) -> list[Cell]:
    """The cells of one day: blocks spanning their periods, overlapping sessions merged."""
    numbers = [p.number for p in layout.periods]
    position = {number: index for index, number in enumerate(numbers)}
    starts: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        if session.period in position:
            starts[position[session.period]].append(session)
    cells: list[Cell] = []
    index = 0
    while index < len(numbers):
        if index not in starts:
            cells.append(Cell(closed=(day, numbers[index]) in layout.closed))
            index += 1
            continue
        block = list(starts[index])
        end = max(index + s.length for s in block)
        probe = index + 1
        while probe < min(end, len(numbers)):  # later sessions starting inside the block
            for session in starts.get(probe, []):
                block.append(session)
                end = max(end, probe + session.length)
            probe += 1
        end = min(end, len(numbers))
        cells.append(Cell(span=end - index, entries=[_lines(s, kind) for s in block]))
        index = end
    return cells


def _section(kind, name, establishment, school_year, layout, sessions) -> Section:
    by_day: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.weekday].append(session)
    rows = []
    for day in layout.days:
        label = both(*DAY_NAMES[day])
        rows.append(Row(day, label, _row_cells(layout, day, by_day.get(day, []), kind)))
    return Section(
        kind=kind,
        name=name,
        establishment=establishment,
        school_year=school_year,
        columns=_columns(layout),
        rows=rows,
        sessions=len(sessions),
    )


def _sessions():
    return Session.objects.select_related(
        "assignment__subject", "teacher", "room", "school_class"
    ).order_by("weekday", "period", "school_class__name")


def class_sections(classes: list[SchoolClass]) -> list[Section]:
    """One page per class (same school and year), in the order given: five queries in all."""
    if not classes:
        return []
    first = classes[0]
    sessions: dict[int, list[Session]] = defaultdict(list)
    for session in _sessions().filter(school_class__in=classes):
        sessions[session.school_class_id].append(session)
    layout = layouts_of([first.establishment_id], first.school_year).get(first.establishment_id)
    sections = []
    for school_class in classes:
        own = sessions.get(school_class.pk, [])
        sections.append(
            _section(
                CLASS,
                both(school_class.name, school_class.name),
                school_class.establishment,
                school_class.school_year,
                layout or _fallback_layout(own),
                own,
            )
        )
    return sections


def school_class_sections(establishment: Establishment, school_year: SchoolYear) -> list[Section]:
    classes = list(
        SchoolClass.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("establishment", "school_year")
        .order_by("level__order", "stream__code", "language_option", "number")
    )
    return class_sections(classes)


def teacher_sections(
    teacher: StaffMember, school_year: SchoolYear, *, visible=None
) -> list[Section]:
    """One page per establishment where the teacher has sessions in the year, each on its own
    grid; with ``visible`` (establishment -> bool), only the establishments it accepts."""
    sessions: dict[int, list[Session]] = defaultdict(list)
    for session in _sessions().filter(teacher=teacher, school_year=school_year):
        sessions[session.establishment_id].append(session)
    main = teacher.main_establishment_id
    schools = Establishment.objects.in_bulk([*sessions, main])
    shown = [pk for pk in sessions if visible is None or visible(schools[pk])]
    if not shown and (visible is None or visible(schools[main])):
        shown, sessions[main] = [main], []  # an empty week, so that the print is not blank
    layouts = layouts_of(shown, school_year)
    name = both(
        f"{teacher.first_name_ar} {teacher.last_name_ar}".strip(),
        f"{teacher.first_name_fr} {teacher.last_name_fr}".strip(),
    )
    return [
        _section(
            TEACHER,
            name,
            schools[pk],
            school_year,
            layouts.get(pk) or _fallback_layout(sessions[pk]),
            sessions[pk],
        )
        for pk in sorted(shown, key=lambda pk: (pk != main, schools[pk].code))
    ]


def room_sections(room: Room, school_year: SchoolYear) -> list[Section]:
    sessions = list(_sessions().filter(room=room, school_year=school_year))
    layout = layouts_of([room.establishment_id], school_year).get(room.establishment_id)
    label = f"{room.code} · {room.name}" if room.name else room.code
    return [
        _section(
            ROOM,
            both(label, label),
            room.establishment,
            school_year,
            layout or _fallback_layout(sessions),
            sessions,
        )
    ]
