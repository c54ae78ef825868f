"""Conflicts of a timetable: why a session cannot be where it is, for one session placed by hand
(``check_session``) and for a whole establishment at once (``school_conflicts``).

The rules are pure functions over ``SessionFacts`` (plain data); the two entry points only load
the facts they need with a fixed number of queries, so that a page checks a cell as cheaply as the
report checks a school. Every conflict has a stable ``code``, a translated ``message`` and whether
it is *hard* (saving is refused) or a preference (shown, not enforced).

Kinds: the teacher, the class or the room booked twice (the teacher's sessions in every
establishment of the year count), the wrong room type for the subject, a room too small for the
class, a room not in use, the teacher unavailable (or preferring not: soft), outside the grid (a
day not taught, a period not in the grid, a free half-day, a lesson crossing the end of a
half-day), more periods in a day than the class's maximum, more periods than the assignment's
weekly hours (rounded up).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from massar.core.i18n import pick
from massar.schooling.models import ClassPlacement, RoomType
from massar.students.models import ACTIVE_ENROLMENT_STATUSES

from .models import AvailabilityKind, Session, SubjectTimetableRule, TeacherAvailability, Weekday
from .weekgrid import GridShape

TEACHER_BUSY = "teacher_busy"
TEACHER_BUSY_ELSEWHERE = "teacher_busy_elsewhere"
CLASS_BUSY = "class_busy"
ROOM_BUSY = "room_busy"
ROOM_TYPE = "room_type"
ROOM_TOO_SMALL = "room_too_small"
ROOM_NOT_IN_USE = "room_not_in_use"
TEACHER_UNAVAILABLE = "teacher_unavailable"
TEACHER_AVOIDS = "teacher_avoids"
DAY_NOT_TAUGHT = "day_not_taught"
PERIOD_NOT_IN_GRID = "period_not_in_grid"
FREE_HALF_DAY = "free_half_day"
CROSSES_HALF_DAY = "crosses_half_day"
CLASS_DAILY_MAX = "class_daily_max"
WEEKLY_HOURS = "weekly_hours_exceeded"

#: The conflicts that place a session outside the grid (a grid change must not create them).
GRID_CODES = frozenset({DAY_NOT_TAUGHT, PERIOD_NOT_IN_GRID, FREE_HALF_DAY, CROSSES_HALF_DAY})


@dataclass(frozen=True, slots=True)
class Conflict:
    code: str
    message: str
    hard: bool = True
    sessions: tuple[str, ...] = ()  # public ids of the saved sessions concerned

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "hard": self.hard,
            "sessions": list(self.sessions),
        }


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What the rules need to know about a session (saved, or a draft with ``id=None``)."""

    id: int | None
    public_id: str
    establishment_id: int
    establishment_name: str
    assignment_id: int
    weekly_hours: Decimal
    class_id: int
    class_name: str
    pupils: int
    teacher_id: int
    teacher_name: str
    subject_id: int
    subject_name: str
    room_id: int | None
    room_code: str
    room_type: str
    room_capacity: int
    room_active: bool
    weekday: int
    period: int
    length: int

    @property
    def end(self) -> int:  # first period after the lesson
        return self.period + self.length

    @property
    def periods(self) -> range:
        return range(self.period, self.end)


def overlaps(a: SessionFacts, b: SessionFacts) -> bool:
    return a.weekday == b.weekday and a.period < b.end and b.period < a.end


def periods_needed(weekly_hours: Decimal) -> int:
    """Periods a week an assignment may use: its weekly hours rounded up (one-hour periods)."""
    return math.ceil(Decimal(weekly_hours))


def _when(facts: SessionFacts, period: int | None = None) -> dict:
    return {"day": Weekday(facts.weekday).label, "period": period or facts.period}


# --- rules on one session -------------------------------------------------------------------


def grid_problems(shape: GridShape, facts: SessionFacts) -> list[Conflict]:
    """Outside the grid: day not taught, period not in the grid, free half-day, or a lesson
    running past the end of its half-day."""
    ids = (facts.public_id,) if facts.id else ()
    when = _when(facts)
    if facts.weekday not in shape.days:
        return [Conflict(DAY_NOT_TAUGHT, _("%(day)s is not a teaching day.") % when, sessions=ids)]
    first = shape.period(facts.period)
    if first is None:
        return [
            Conflict(
                PERIOD_NOT_IN_GRID,
                _("Period %(period)s is not in the weekly grid.") % {"period": facts.period},
                sessions=ids,
            )
        ]
    problems = []
    if (facts.weekday, first.half) in shape.free_half_days:
        problems.append(
            Conflict(
                FREE_HALF_DAY,
                _("%(day)s, period %(period)s is in a free half-day.") % when,
                sessions=ids,
            )
        )
    for number in range(facts.period + 1, facts.end):
        following = shape.period(number)
        if following is None or following.half != first.half:
            problems.append(
                Conflict(
                    CROSSES_HALF_DAY,
                    _(
                        "A lesson of %(length)s periods from period %(period)s runs past the end "
                        "of the half-day."
                    )
                    % {"length": facts.length, "period": facts.period},
                    sessions=ids,
                )
            )
            break
    return problems


def clash(code: str, candidate: SessionFacts, other: SessionFacts) -> Conflict:
    """``candidate`` and ``other`` overlap and share the teacher, the class or the room."""
    values = {
        "teacher": candidate.teacher_name,
        "class": other.class_name,
        "subject": other.subject_name,
        "room": candidate.room_code,
        "establishment": other.establishment_name,
        # the first period the two share
        **_when(other, max(candidate.period, other.period)),
    }
    if code == TEACHER_BUSY_ELSEWHERE:
        message = _(
            "%(teacher)s already teaches at %(establishment)s on %(day)s, period %(period)s."
        )
    elif code == TEACHER_BUSY:
        message = _(
            "%(teacher)s already teaches %(class)s (%(subject)s) on %(day)s, period %(period)s."
        )
    elif code == CLASS_BUSY:
        message = _("%(class)s already has %(subject)s on %(day)s, period %(period)s.")
    else:
        message = _("Room %(room)s is already taken by %(class)s on %(day)s, period %(period)s.")
    ids = tuple(f.public_id for f in (candidate, other) if f.id)
    return Conflict(code, message % values, sessions=ids)


def clashes(candidate: SessionFacts, others: Iterable[SessionFacts]) -> list[Conflict]:
    """The teacher, class and room clashes of ``candidate`` with ``others`` (any establishment)."""
    found = []
    for other in others:
        if other.id is not None and other.id == candidate.id:
            continue
        if not overlaps(candidate, other):
            continue
        if other.teacher_id == candidate.teacher_id:
            elsewhere = other.establishment_id != candidate.establishment_id
            found.append(
                clash(TEACHER_BUSY_ELSEWHERE if elsewhere else TEACHER_BUSY, candidate, other)
            )
        if other.class_id == candidate.class_id:
            found.append(clash(CLASS_BUSY, candidate, other))
        if candidate.room_id is not None and other.room_id == candidate.room_id:
            found.append(clash(ROOM_BUSY, candidate, other))
    return found


def room_problems(facts: SessionFacts, *, required_type: str) -> list[Conflict]:
    """The room's type for the subject, its size for the class, whether it is in use."""
    if facts.room_id is None:
        return []
    ids = (facts.public_id,) if facts.id else ()
    values = {
        "room": facts.room_code,
        "subject": facts.subject_name,
        "type": RoomType(required_type).label,
        "capacity": facts.room_capacity,
        "pupils": facts.pupils,
        "class": facts.class_name,
    }
    problems = []
    if not facts.room_active:
        problems.append(
            Conflict(ROOM_NOT_IN_USE, _("Room %(room)s is not in use.") % values, sessions=ids)
        )
    if facts.room_type != required_type:
        problems.append(
            Conflict(
                ROOM_TYPE,
                _("%(subject)s is taught in a room of type “%(type)s”; %(room)s is not one.")
                % values,
                sessions=ids,
            )
        )
    if facts.room_capacity < facts.pupils:
        problems.append(
            Conflict(
                ROOM_TOO_SMALL,
                _("Room %(room)s holds %(capacity)s pupils; %(class)s has %(pupils)s.") % values,
                sessions=ids,
            )
        )
    return problems


def availability_problems(
    facts: SessionFacts, availability: dict[tuple[int, int], str]
) -> list[Conflict]:
    """The teacher's unavailable periods (hard) and those they would rather not teach (soft);
    ``availability`` maps ``(weekday, period)`` to a kind, for this teacher."""
    ids = (facts.public_id,) if facts.id else ()
    marks = [(n, availability.get((facts.weekday, n))) for n in facts.periods]
    for kind, code, hard in (
        (AvailabilityKind.UNAVAILABLE, TEACHER_UNAVAILABLE, True),
        (AvailabilityKind.AVOID, TEACHER_AVOIDS, False),
    ):
        first = next((n for n, mark in marks if mark == kind), None)
        if first is None:
            continue
        values = {"teacher": facts.teacher_name, **_when(facts, first)}
        if hard:
            message = _("%(teacher)s is not available on %(day)s, period %(period)s.")
        else:
            message = _("%(teacher)s would rather not teach on %(day)s, period %(period)s.")
        return [Conflict(code, message % values, hard=hard, sessions=ids)]
    return []


def daily_max_problem(
    *, class_name: str, weekday: int, periods: int, maximum: int, sessions: tuple[str, ...] = ()
) -> Conflict | None:
    if periods <= maximum:
        return None
    return Conflict(
        CLASS_DAILY_MAX,
        _("%(class)s would have %(periods)s periods on %(day)s; the most is %(maximum)s.")
        % {
            "class": class_name,
            "periods": periods,
            "day": Weekday(weekday).label,
            "maximum": maximum,
        },
        sessions=sessions,
    )


def weekly_hours_problem(
    *,
    class_name: str,
    subject_name: str,
    periods: int,
    weekly_hours: Decimal,
    sessions: tuple[str, ...] = (),
) -> Conflict | None:
    allowed = periods_needed(weekly_hours)
    if periods <= allowed:
        return None
    return Conflict(
        WEEKLY_HOURS,
        _(
            "%(subject)s of %(class)s would have %(periods)s periods a week; "
            "its weekly hours allow %(allowed)s."
        )
        % {"subject": subject_name, "class": class_name, "periods": periods, "allowed": allowed},
        sessions=sessions,
    )


# --- loading facts ----------------------------------------------------------------------------


def required_room_types(subject_ids: Iterable[int]) -> dict[int, str]:
    """The room type each subject needs (its timetabling rule; a classroom without one)."""
    subject_ids = set(subject_ids)
    rules = dict(
        SubjectTimetableRule.objects.filter(subject_id__in=subject_ids).values_list(
            "subject_id", "room_type"
        )
    )
    return {subject_id: rules.get(subject_id, RoomType.CLASSROOM) for subject_id in subject_ids}


def class_pupil_counts(classes: Iterable) -> dict[int, int]:
    """Pupils of each class: its pupils placed with an active enrolment, or its capacity while
    none is placed yet (the class is planned for that many)."""
    classes = list(classes)
    placed = dict(
        ClassPlacement.objects.filter(
            school_class__in=[c.pk for c in classes],
            enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .values("school_class")
        .annotate(n=Count("pk"))
        .values_list("school_class", "n")
    )
    return {c.pk: placed.get(c.pk) or c.capacity for c in classes}


def teacher_availability(
    *, teacher_ids: Iterable[int], school_year_id: int
) -> dict[int, dict[tuple[int, int], str]]:
    """For each teacher, ``(weekday, period) → kind`` of their unavailable and avoided periods."""
    found: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    rows = TeacherAvailability.objects.filter(
        teacher_id__in=set(teacher_ids), school_year_id=school_year_id
    ).values_list("teacher_id", "weekday", "period", "kind")
    for teacher_id, weekday, period, kind in rows:
        found[teacher_id][(weekday, period)] = kind
    return found


def teacher_slots_elsewhere(
    *, teacher_ids: Iterable[int], school_year_id: int, establishment_id: int
) -> dict[int, set[tuple[int, int]]]:
    """``(weekday, period)`` slots each teacher already teaches in *other* establishments."""
    found: dict[int, set[tuple[int, int]]] = defaultdict(set)
    rows = (
        Session.objects.filter(teacher_id__in=set(teacher_ids), school_year_id=school_year_id)
        .exclude(establishment_id=establishment_id)
        .values_list("teacher_id", "weekday", "period", "length")
    )
    for teacher_id, weekday, period, length in rows:
        found[teacher_id].update((weekday, p) for p in range(period, period + length))
    return found


FACTS_RELATED = (
    "establishment",
    "assignment__subject",
    "school_class",
    "teacher",
    "room",
)


def facts_of(session: Session, *, pupils: int = 0) -> SessionFacts:
    """The facts of a session (saved, or built but not saved); its relations must be loaded."""
    room = session.room
    return SessionFacts(
        id=session.pk,
        public_id=str(session.public_id),
        establishment_id=session.establishment_id,
        establishment_name=session.establishment.name,
        assignment_id=session.assignment_id,
        weekly_hours=session.assignment.weekly_hours,
        class_id=session.school_class_id,
        class_name=session.school_class.name,
        pupils=pupils,
        teacher_id=session.teacher_id,
        teacher_name=session.teacher.display_name,
        subject_id=session.assignment.subject_id,
        subject_name=session.assignment.subject.name,
        room_id=room.pk if room else None,
        room_code=room.code if room else "",
        room_type=room.room_type if room else "",
        room_capacity=room.capacity if room else 0,
        room_active=room.is_active if room else True,
        weekday=session.weekday,
        period=session.period,
        length=session.length,
    )


#: Columns a conflict needs, read as plain values (no model instances: a school has thousands).
FACTS_COLUMNS = (
    "id",
    "public_id",
    "establishment_id",
    "establishment__name_ar",
    "establishment__name_fr",
    "assignment_id",
    "assignment__weekly_hours",
    "assignment__subject_id",
    "assignment__subject__name_ar",
    "assignment__subject__name_fr",
    "school_class_id",
    "school_class__name",
    "school_class__capacity",
    "teacher_id",
    "teacher__first_name_ar",
    "teacher__last_name_ar",
    "teacher__first_name_fr",
    "teacher__last_name_fr",
    "room_id",
    "room__code",
    "room__room_type",
    "room__capacity",
    "room__is_active",
    "weekday",
    "period",
    "length",
)


def facts_from_rows(queryset, *, placed: dict[int, int] | None = None) -> list[SessionFacts]:
    """The facts of the sessions of ``queryset``, from one query of plain values. A class's
    pupils are those ``placed`` in it, or its capacity while none is (see
    ``class_pupil_counts``)."""
    placed = placed or {}
    found = []
    for row in queryset.values(*FACTS_COLUMNS):
        found.append(
            SessionFacts(
                id=row["id"],
                public_id=str(row["public_id"]),
                establishment_id=row["establishment_id"],
                establishment_name=pick(
                    ar=row["establishment__name_ar"], fr=row["establishment__name_fr"]
                ),
                assignment_id=row["assignment_id"],
                weekly_hours=row["assignment__weekly_hours"],
                class_id=row["school_class_id"],
                class_name=row["school_class__name"],
                pupils=placed.get(row["school_class_id"]) or row["school_class__capacity"],
                teacher_id=row["teacher_id"],
                teacher_name=pick(
                    ar=f"{row['teacher__first_name_ar']} {row['teacher__last_name_ar']}",
                    fr=f"{row['teacher__first_name_fr']} {row['teacher__last_name_fr']}",
                ),
                subject_id=row["assignment__subject_id"],
                subject_name=pick(
                    ar=row["assignment__subject__name_ar"], fr=row["assignment__subject__name_fr"]
                ),
                room_id=row["room_id"],
                room_code=row["room__code"] or "",
                room_type=row["room__room_type"] or "",
                room_capacity=row["room__capacity"] or 0,
                room_active=row["room__is_active"] if row["room_id"] else True,
                weekday=row["weekday"],
                period=row["period"],
                length=row["length"],
            )
        )
    return found


def _overlapping(session: Session):
    """Saved sessions of the year overlapping ``session``'s periods that share its teacher (in
    any establishment), its class or its room."""
    same = Q(teacher_id=session.teacher_id) | Q(school_class_id=session.school_class_id)
    if session.room_id:
        same |= Q(room_id=session.room_id)
    queryset = (
        Session.objects.filter(same, school_year_id=session.school_year_id, weekday=session.weekday)
        .alias(end=F("period") + F("length"))
        .filter(period__lt=session.period + session.length, end__gt=session.period)
    )
    if session.pk:
        queryset = queryset.exclude(pk=session.pk)
    return queryset


def check_session(session: Session, *, shape: GridShape) -> list[Conflict]:
    """Every conflict of ``session`` (saved or not, its relations loaded) against the grid and
    the saved timetable of the year; six queries whatever the timetable's size."""
    pupils = class_pupil_counts([session.school_class])[session.school_class_id]
    facts = facts_of(session, pupils=pupils)
    conflicts = grid_problems(shape, facts)
    others = facts_from_rows(_overlapping(session))
    conflicts += clashes(facts, others)
    room_type = required_room_types([facts.subject_id])[facts.subject_id]
    conflicts += room_problems(facts, required_type=room_type)
    availability = teacher_availability(
        teacher_ids=[facts.teacher_id], school_year_id=session.school_year_id
    )
    conflicts += availability_problems(facts, availability.get(facts.teacher_id, {}))
    totals = (
        Session.objects.filter(school_class_id=session.school_class_id)
        .exclude(pk=session.pk)
        .aggregate(
            day=Sum("length", filter=Q(weekday=session.weekday)),
            assignment=Sum("length", filter=Q(assignment_id=session.assignment_id)),
        )
    )
    too_many = daily_max_problem(
        class_name=facts.class_name,
        weekday=facts.weekday,
        periods=(totals["day"] or 0) + facts.length,
        maximum=shape.class_max_periods_per_day,
    )
    if too_many:
        conflicts.append(too_many)
    over = weekly_hours_problem(
        class_name=facts.class_name,
        subject_name=facts.subject_name,
        periods=(totals["assignment"] or 0) + facts.length,
        weekly_hours=facts.weekly_hours,
    )
    if over:
        conflicts.append(over)
    return conflicts


def hard(conflicts: Iterable[Conflict]) -> list[Conflict]:
    return [conflict for conflict in conflicts if conflict.hard]


# --- the whole establishment ------------------------------------------------------------------


def sessions_outside(shape: GridShape, sessions: Iterable[SessionFacts]) -> list[Conflict]:
    """The grid problems of saved sessions under ``shape`` (a grid about to replace theirs)."""
    found = []
    for facts in sessions:
        found += grid_problems(shape, facts)
    return found


def school_facts(*, establishment_id: int, school_year_id: int) -> list[SessionFacts]:
    """The facts of every session of an establishment's year (two queries)."""
    placed = dict(
        ClassPlacement.objects.filter(
            school_class__establishment_id=establishment_id,
            school_class__school_year_id=school_year_id,
            enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .values("school_class")
        .annotate(n=Count("pk"))
        .values_list("school_class", "n")
    )
    sessions = Session.objects.filter(
        establishment_id=establishment_id, school_year_id=school_year_id
    ).order_by("weekday", "period", "school_class__name")
    return facts_from_rows(sessions, placed=placed)


def _pairs_clashing(rows: list[SessionFacts]) -> Iterable[tuple[SessionFacts, SessionFacts]]:
    """Overlapping pairs among sessions of one day sharing a key (sorted by start)."""
    rows = sorted(rows, key=lambda f: (f.period, f.end))
    for index, first in enumerate(rows):
        for second in rows[index + 1 :]:
            if second.period >= first.end:
                break
            yield first, second


@dataclass
class _Groups:
    teacher: dict = field(default_factory=lambda: defaultdict(list))
    school_class: dict = field(default_factory=lambda: defaultdict(list))
    room: dict = field(default_factory=lambda: defaultdict(list))


def school_conflicts(
    *, establishment_id: int, school_year_id: int, shape: GridShape | None
) -> list[Conflict]:
    """Every conflict of an establishment's timetable at once, with a fixed number of queries
    (the sessions, those of its teachers elsewhere, availabilities, room rules, class sizes).
    Without a grid, only clashes and rooms are judged."""
    facts = school_facts(establishment_id=establishment_id, school_year_id=school_year_id)
    if not facts:
        return []
    teacher_ids = {f.teacher_id for f in facts}
    elsewhere = facts_from_rows(
        Session.objects.filter(teacher_id__in=teacher_ids, school_year_id=school_year_id).exclude(
            establishment_id=establishment_id
        )
    )
    conflicts: list[Conflict] = []
    groups = _Groups()
    for row in [*facts, *elsewhere]:
        groups.teacher[(row.teacher_id, row.weekday)].append(row)
    for row in facts:
        groups.school_class[(row.class_id, row.weekday)].append(row)
        if row.room_id is not None:
            groups.room[(row.room_id, row.weekday)].append(row)
    for rows in groups.teacher.values():
        for first, second in _pairs_clashing(rows):
            here, other = (
                (first, second)
                if first.establishment_id == establishment_id
                else (
                    second,
                    first,
                )
            )
            if here.establishment_id != establishment_id:
                continue  # both elsewhere: another school's clash
            code = (
                TEACHER_BUSY
                if other.establishment_id == establishment_id
                else TEACHER_BUSY_ELSEWHERE
            )
            conflicts.append(clash(code, here, other))
    for code, table in ((CLASS_BUSY, groups.school_class), (ROOM_BUSY, groups.room)):
        for rows in table.values():
            for first, second in _pairs_clashing(rows):
                conflicts.append(clash(code, first, second))
    room_types = required_room_types({f.subject_id for f in facts})
    availability = teacher_availability(teacher_ids=teacher_ids, school_year_id=school_year_id)
    for row in facts:
        if shape is not None:
            conflicts += grid_problems(shape, row)
        conflicts += room_problems(row, required_type=room_types[row.subject_id])
        conflicts += availability_problems(row, availability.get(row.teacher_id, {}))
    if shape is not None:
        for rows in groups.school_class.values():
            problem = daily_max_problem(
                class_name=rows[0].class_name,
                weekday=rows[0].weekday,
                periods=sum(r.length for r in rows),
                maximum=shape.class_max_periods_per_day,
                sessions=tuple(r.public_id for r in rows),
            )
            if problem:
                conflicts.append(problem)
    by_assignment: dict[int, list[SessionFacts]] = defaultdict(list)
    for row in facts:
        by_assignment[row.assignment_id].append(row)
    for rows in by_assignment.values():
        problem = weekly_hours_problem(
            class_name=rows[0].class_name,
            subject_name=rows[0].subject_name,
            periods=sum(r.length for r in rows),
            weekly_hours=rows[0].weekly_hours,
            sessions=tuple(r.public_id for r in rows),
        )
        if problem:
            conflicts.append(problem)
    return conflicts
