"""Writes of the timetable: the weekly grid, teachers' availability, and sessions placed by hand.

Every write runs in one transaction, checks the actor first, and locks the establishment's grid
row (``select_for_update``): two people placing sessions at the same school are served one after
the other, so they cannot both create the same clash. A session also locks its teacher's row, as
a teacher shared between establishments is placed from two grids.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from massar.core.errors import NotFound, ValidationFailed
from massar.core.validation import full_clean_or_refuse as _full_clean
from massar.schooling.models import Room
from massar.staff.models import StaffMember, TeachingAssignment
from massar.territory.models import Establishment, SchoolYear

from . import conflicts
from .access import require_write_at
from .errors import GridChangeRefused, TimetableConflict
from .models import (
    AvailabilityKind,
    FreeHalfDay,
    HalfDay,
    Period,
    Session,
    TeacherAvailability,
    WeeklyGrid,
)
from .weekgrid import USUAL_SECONDARY_WEEK, GridShape, PeriodSpec, shape_of

MAX_PERIODS = 12
MAX_LENGTH = 4


def _invalid(message: str, *, code: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details=[{"loc": [field], "msg": message}])


def _locked_grid(*, establishment_id: int, school_year_id: int) -> WeeklyGrid | None:
    return (
        WeeklyGrid.objects.select_for_update()
        .filter(establishment_id=establishment_id, school_year_id=school_year_id)
        .first()
    )


# --- the weekly grid --------------------------------------------------------------------------


def check_grid_shape(shape: GridShape) -> None:
    """A grid's own rules: days, 1 to 12 periods in time order, mornings before afternoons,
    free half-days on teaching days, the class's daily maximum."""
    if not shape.days or any(day not in range(1, 8) for day in shape.days):
        raise _invalid(
            _("Choose at least one teaching day."), code="invalid_grid", field="weekdays"
        )
    if not 1 <= len(shape.periods) <= MAX_PERIODS:
        raise _invalid(_("A grid has 1 to 12 periods a day."), code="invalid_grid", field="periods")
    previous = None
    for period in shape.periods:
        if period.half not in HalfDay.values:
            raise _invalid(_("Choose morning or afternoon."), code="invalid_grid", field="periods")
        if period.ends_at <= period.starts_at:
            raise _invalid(
                _("Period %(number)s ends before it starts.") % {"number": period.number},
                code="invalid_grid",
                field="periods",
            )
        if previous is not None:
            if period.starts_at < previous.ends_at:
                raise _invalid(
                    _("Period %(number)s starts before the previous one ends.")
                    % {"number": period.number},
                    code="invalid_grid",
                    field="periods",
                )
            if previous.half == HalfDay.AFTERNOON and period.half == HalfDay.MORNING:
                raise _invalid(
                    _("Morning periods come before afternoon periods."),
                    code="invalid_grid",
                    field="periods",
                )
        previous = period
    for weekday, _half in shape.free_half_days:
        if weekday not in shape.days:
            raise _invalid(
                _("A free half-day must be on a teaching day."),
                code="invalid_grid",
                field="free_half_days",
            )
    if not 1 <= shape.class_max_periods_per_day <= MAX_PERIODS:
        raise _invalid(
            _("A class has 1 to 12 periods a day at most."),
            code="invalid_grid",
            field="class_max_periods_per_day",
        )


@transaction.atomic
def grid_save(
    *, actor, establishment: Establishment, school_year: SchoolYear, shape: GridShape
) -> WeeklyGrid:
    """Create or replace the grid of ``establishment`` for ``school_year``. Refused, with the
    sessions concerned, when saved sessions would fall outside the new grid."""
    require_write_at(actor, establishment)
    numbered = GridShape(
        days=tuple(sorted(set(shape.days))),
        periods=tuple(
            PeriodSpec(index + 1, p.starts_at, p.ends_at, p.half)
            for index, p in enumerate(shape.periods)
        ),
        free_half_days=shape.free_half_days,
        class_max_periods_per_day=shape.class_max_periods_per_day,
    )
    check_grid_shape(numbered)
    grid = _locked_grid(establishment_id=establishment.pk, school_year_id=school_year.pk)
    if grid is None:
        grid = WeeklyGrid(establishment=establishment, school_year=school_year)
    grid.weekdays = "".join(str(day) for day in numbered.days)
    grid.class_max_periods_per_day = numbered.class_max_periods_per_day
    _full_clean(grid)
    outside = conflicts.sessions_outside(
        numbered,
        conflicts.school_facts(establishment_id=establishment.pk, school_year_id=school_year.pk),
    )
    if outside:
        raise GridChangeRefused(outside)
    grid.save()
    periods = [
        Period(grid=grid, number=p.number, starts_at=p.starts_at, ends_at=p.ends_at, half=p.half)
        for p in numbered.periods
    ]
    free = [
        FreeHalfDay(grid=grid, weekday=weekday, half=half)
        for weekday, half in sorted(numbered.free_half_days)
    ]
    for row in [*periods, *free]:
        _full_clean(row, exclude=["grid"])
    Period.objects.filter(grid=grid).delete()
    FreeHalfDay.objects.filter(grid=grid).delete()
    Period.objects.bulk_create(periods)
    FreeHalfDay.objects.bulk_create(free)
    return grid


def grid_set_usual_week(
    *, actor, establishment: Establishment, school_year: SchoolYear
) -> WeeklyGrid:
    """The usual secondary-school week in one click (see ``weekgrid.USUAL_SECONDARY_WEEK``)."""
    return grid_save(
        actor=actor,
        establishment=establishment,
        school_year=school_year,
        shape=USUAL_SECONDARY_WEEK,
    )


def grid_shape_of(establishment: Establishment, school_year: SchoolYear) -> GridShape | None:
    grid = (
        WeeklyGrid.objects.filter(establishment=establishment, school_year=school_year)
        .prefetch_related("periods", "free_half_days")
        .first()
    )
    return shape_of(grid) if grid else None


# --- sessions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionPlace:
    """Where a session goes: its room (or none), day, first period and length in periods."""

    weekday: int
    period: int
    length: int = 1
    room: Room | None = None
    is_locked: bool = False


def _check_place(place: SessionPlace, *, establishment: Establishment) -> None:
    checks = (
        ("weekday", place.weekday, 1, 7, _("The day must be a number from 1 (Monday) to 7.")),
        ("period", place.period, 1, MAX_PERIODS, _("The period must be a number from 1 to 12.")),
        ("length", place.length, 1, MAX_LENGTH, _("A session lasts 1 to 4 periods.")),
    )
    for field, value, low, high, message in checks:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise _invalid(message, code=f"invalid_{field}", field=field)
    if place.room is not None and place.room.establishment_id != establishment.pk:
        raise _invalid(
            _("This room is not one of the establishment's rooms."),
            code="unknown_room",
            field="room",
        )


def _draft(assignment: TeachingAssignment, place: SessionPlace, *, session=None) -> Session:
    draft = session or Session(
        establishment=assignment.establishment,
        school_year=assignment.school_year,
        assignment=assignment,
    )
    # The class and teacher are copied from the assignment so that clashes are found by index.
    draft.assignment = assignment
    draft.school_class = assignment.school_class
    draft.teacher = assignment.teacher
    draft.room = place.room
    draft.weekday = place.weekday
    draft.period = place.period
    draft.length = place.length
    draft.is_locked = place.is_locked
    return draft


def _shape_or_refuse(establishment, school_year, *, locked: bool) -> GridShape:
    if locked:
        grid = _locked_grid(establishment_id=establishment.pk, school_year_id=school_year.pk)
        shape = shape_of(grid) if grid else None
    else:
        shape = grid_shape_of(establishment, school_year)
    if shape is None:
        raise ValidationFailed(
            _("Set up the weekly grid of the establishment first."), code="no_grid"
        )
    return shape


#: Foreign keys of a draft come from rows already read: validating them would query each again.
_DRAFT_KEYS = ["establishment", "school_year", "assignment", "school_class", "teacher", "room"]


def _conflicts_of(draft: Session, *, locked: bool) -> list[conflicts.Conflict]:
    _full_clean(draft, exclude=_DRAFT_KEYS)
    shape = _shape_or_refuse(draft.establishment, draft.school_year, locked=locked)
    if locked:  # a teacher shared between schools is placed from two grids: lock them too
        StaffMember.objects.select_for_update().filter(pk=draft.teacher_id).first()
    return conflicts.check_session(draft, shape=shape)


def session_check(
    *, actor, assignment: TeachingAssignment, place: SessionPlace, session: Session | None = None
) -> list[conflicts.Conflict]:
    """The conflicts a session would have at ``place`` (nothing is written): what a page shows
    in the cell before saving. ``session`` is the one being moved, if any."""
    require_write_at(actor, assignment.establishment)
    _check_place(place, establishment=assignment.establishment)
    draft = _draft(assignment, place, session=_copy(session) if session else None)
    return _conflicts_of(draft, locked=False)


def _copy(session: Session) -> Session:
    """A fresh copy of a saved session to change: the caller's object stays as it was when the
    change is refused, and the copy keeps its key so that it is not its own clash."""
    return Session.objects.select_related(*conflicts.FACTS_RELATED).get(pk=session.pk)


@transaction.atomic
def session_create(*, actor, assignment: TeachingAssignment, place: SessionPlace) -> Session:
    """Place a lesson of ``assignment`` by hand. Refused with every reason when it has a hard
    conflict (a preference of the teacher does not stop it)."""
    require_write_at(actor, assignment.establishment)
    _check_place(place, establishment=assignment.establishment)
    draft = _draft(assignment, place)
    found = _conflicts_of(draft, locked=True)
    if conflicts.hard(found):
        raise TimetableConflict(found)
    draft.save()
    return draft


@transaction.atomic
def session_move(*, actor, session: Session, place: SessionPlace) -> Session:
    """Move a session (day, period, length, room, lock), with the same checks as a new one."""
    require_write_at(actor, session.establishment)
    assignment = TeachingAssignment.objects.select_related(
        "establishment", "school_class", "teacher", "subject", "school_year"
    ).get(pk=session.assignment_id)
    _check_place(place, establishment=assignment.establishment)
    draft = _draft(assignment, place, session=_copy(session))
    found = _conflicts_of(draft, locked=True)
    if conflicts.hard(found):
        raise TimetableConflict(found)
    draft.save(
        update_fields=[
            "school_class",
            "teacher",
            "room",
            "weekday",
            "period",
            "length",
            "is_locked",
            "updated_at",
        ]
    )
    return draft


@transaction.atomic
def session_delete(*, actor, session: Session) -> None:
    require_write_at(actor, session.establishment)
    _locked_grid(establishment_id=session.establishment_id, school_year_id=session.school_year_id)
    session.delete()


# --- teachers' availability -------------------------------------------------------------------

#: A click on a cell of the availability grid moves it to the next state.
NEXT_KIND = {
    None: AvailabilityKind.UNAVAILABLE,
    AvailabilityKind.UNAVAILABLE: AvailabilityKind.AVOID,
    AvailabilityKind.AVOID: None,
}


def _serves(teacher: StaffMember, establishment: Establishment, school_year: SchoolYear) -> bool:
    return (
        teacher.main_establishment_id == establishment.pk
        or teacher.other_establishments.filter(pk=establishment.pk).exists()
        or teacher.assignments.filter(establishment=establishment, school_year=school_year).exists()
    )


@transaction.atomic
def availability_set(
    *,
    actor,
    establishment: Establishment,
    school_year: SchoolYear,
    teacher: StaffMember,
    weekday: int,
    period: int,
    kind: str | None,
) -> str | None:
    """Mark a period of ``teacher``'s week unavailable, "would rather not", or free (``None``).
    The period must be a teaching slot of ``establishment``'s grid."""
    require_write_at(actor, establishment)
    if not _serves(teacher, establishment, school_year):
        raise NotFound()
    if kind is not None and kind not in AvailabilityKind.values:
        raise _invalid(_("Unknown kind of availability."), code="invalid_kind", field="kind")
    shape = _shape_or_refuse(establishment, school_year, locked=True)
    if weekday not in shape.days or shape.period(period) is None:
        raise _invalid(
            _("This period is not in the weekly grid."), code="outside_grid", field="period"
        )
    if kind is None:
        TeacherAvailability.objects.filter(
            teacher=teacher, school_year=school_year, weekday=weekday, period=period
        ).delete()
        return None
    TeacherAvailability.objects.update_or_create(
        teacher=teacher,
        school_year=school_year,
        weekday=weekday,
        period=period,
        defaults={"kind": kind},
    )
    return kind


@transaction.atomic
def availability_toggle(
    *,
    actor,
    establishment: Establishment,
    school_year: SchoolYear,
    teacher: StaffMember,
    weekday: int,
    period: int,
) -> str | None:
    """Move a period to its next state: available → unavailable → would rather not → available."""
    current = (
        TeacherAvailability.objects.filter(
            teacher=teacher, school_year=school_year, weekday=weekday, period=period
        )
        .values_list("kind", flat=True)
        .first()
    )
    return availability_set(
        actor=actor,
        establishment=establishment,
        school_year=school_year,
        teacher=teacher,
        weekday=weekday,
        period=period,
        kind=NEXT_KIND[current],
    )
