"""The timetable services: the weekly grid (the usual week, a change refused while sessions fall
outside it, bad grids), sessions placed, moved and removed by hand (bad input refused with a
clear message and nothing saved), teachers' availability."""

from __future__ import annotations

from datetime import time

import pytest

from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.schooling.tests.factories import RoomFactory, SchoolClassFactory
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.timetable import conflicts, services
from massar.timetable.errors import GridChangeRefused, TimetableConflict
from massar.timetable.models import (
    AvailabilityKind,
    FreeHalfDay,
    HalfDay,
    Period,
    Session,
    TeacherAvailability,
    WeeklyGrid,
)
from massar.timetable.services import SessionPlace
from massar.timetable.tests.builders import build_school, subject
from massar.timetable.weekgrid import USUAL_SECONDARY_WEEK, GridShape, PeriodSpec, shape_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(cast):
    return build_school(cast)


# --- the grid ---------------------------------------------------------------------------------


def test_the_usual_week_is_monday_to_saturday_eight_periods_saturday_afternoon_free(cast):
    from massar.schooling.tests.factories import current_year

    grid = services.grid_set_usual_week(
        actor=cast.director_a1, establishment=cast.school_a1, school_year=current_year()
    )
    assert grid.weekdays == "123456"
    assert grid.class_max_periods_per_day == 6
    periods = list(Period.objects.filter(grid=grid).order_by("number"))
    assert [(p.number, p.starts_at, p.ends_at, p.half) for p in periods] == [
        (1, time(8), time(9), "am"),
        (2, time(9), time(10), "am"),
        (3, time(10), time(11), "am"),
        (4, time(11), time(12), "am"),
        (5, time(14), time(15), "pm"),
        (6, time(15), time(16), "pm"),
        (7, time(16), time(17), "pm"),
        (8, time(17), time(18), "pm"),
    ]
    assert list(FreeHalfDay.objects.filter(grid=grid).values_list("weekday", "half")) == [(6, "pm")]
    # Setting it again replaces it (one grid per school and year).
    services.grid_set_usual_week(
        actor=cast.director_a1, establishment=cast.school_a1, school_year=current_year()
    )
    assert WeeklyGrid.objects.count() == 1
    assert Period.objects.count() == 8


def shorter_week(**changes) -> GridShape:
    values = {
        "days": (1, 2, 3, 4, 5),
        "periods": USUAL_SECONDARY_WEEK.periods[:6],
        "free_half_days": frozenset(),
        "class_max_periods_per_day": 5,
    }
    values.update(changes)
    return GridShape(**values)


def test_a_grid_change_keeping_every_session_inside_is_saved(cast, school):
    school.place(cast.director_a1, school.math_a, 1, 1)
    grid = services.grid_save(
        actor=cast.director_a1,
        establishment=school.establishment,
        school_year=school.year,
        shape=shorter_week(),
    )
    shape = shape_of(WeeklyGrid.objects.prefetch_related("periods", "free_half_days").get())
    assert shape.days == (1, 2, 3, 4, 5)
    assert shape.numbers == (1, 2, 3, 4, 5, 6)
    assert shape.free_half_days == frozenset()
    assert grid.class_max_periods_per_day == 5


def test_a_grid_change_leaving_sessions_outside_is_refused_with_them(cast, school):
    saturday = school.place(cast.director_a1, school.math_a, 6, 1)
    evening = school.place(cast.director_a1, school.math_b, 2, 8)
    school.place(cast.director_a1, school.french_b, 1, 1)  # stays inside
    with pytest.raises(GridChangeRefused) as caught:
        services.grid_save(
            actor=cast.director_a1,
            establishment=school.establishment,
            school_year=school.year,
            shape=shorter_week(),
        )
    assert caught.value.status == 409
    assert sorted((c.code, c.sessions) for c in caught.value.conflicts) == sorted(
        [
            (conflicts.DAY_NOT_TAUGHT, (str(saturday.public_id),)),
            (conflicts.PERIOD_NOT_IN_GRID, (str(evening.public_id),)),
        ]
    )
    # Nothing changed.
    assert WeeklyGrid.objects.get().weekdays == "123456"
    assert Period.objects.count() == 8


def test_a_new_free_half_day_over_a_session_is_refused(cast, school):
    wednesday = school.place(cast.director_a1, school.math_a, 3, 6)
    with pytest.raises(GridChangeRefused) as caught:
        services.grid_save(
            actor=cast.director_a1,
            establishment=school.establishment,
            school_year=school.year,
            shape=GridShape(
                days=USUAL_SECONDARY_WEEK.days,
                periods=USUAL_SECONDARY_WEEK.periods,
                free_half_days=frozenset({(6, HalfDay.AFTERNOON), (3, HalfDay.AFTERNOON)}),
            ),
        )
    [conflict] = caught.value.conflicts
    assert (conflict.code, conflict.sessions) == (
        conflicts.FREE_HALF_DAY,
        (str(wednesday.public_id),),
    )


def period(number, start, end, half="am") -> PeriodSpec:
    return PeriodSpec(number, time(start), time(end), half)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        (shorter_week(days=()), "Choose at least one teaching day."),
        (shorter_week(periods=()), "A grid has 1 to 12 periods a day."),
        (shorter_week(periods=(period(1, 9, 8),)), "Period 1 ends before it starts."),
        (
            shorter_week(periods=(period(1, 8, 10), period(2, 9, 11))),
            "Period 2 starts before the previous one ends.",
        ),
        (
            shorter_week(periods=(period(1, 8, 9, "pm"), period(2, 9, 10, "am"))),
            "Morning periods come before afternoon periods.",
        ),
        (
            shorter_week(free_half_days=frozenset({(6, "pm")})),
            "A free half-day must be on a teaching day.",
        ),
        (shorter_week(class_max_periods_per_day=13), "A class has 1 to 12 periods a day at most."),
    ],
)
def test_a_bad_grid_is_refused_with_its_reason(cast, shape, message):
    from django.utils import translation

    from massar.schooling.tests.factories import current_year

    translation.activate("en")
    with pytest.raises(ValidationFailed) as caught:
        services.grid_save(
            actor=cast.director_a1,
            establishment=cast.school_a1,
            school_year=current_year(),
            shape=shape,
        )
    assert str(caught.value.message) == message
    assert not WeeklyGrid.objects.exists()


@pytest.mark.parametrize("member", ["director_a2", "teacher_a1", "academy_officer_a", "outsider"])
def test_only_the_school_sets_its_grid(cast, member):
    from massar.schooling.tests.factories import current_year

    with pytest.raises(PermissionDenied):
        services.grid_set_usual_week(
            actor=getattr(cast, member), establishment=cast.school_a1, school_year=current_year()
        )
    assert not WeeklyGrid.objects.exists()


# --- sessions ---------------------------------------------------------------------------------


def test_a_session_copies_the_class_and_teacher_of_its_assignment(cast, school):
    session = services.session_create(
        actor=cast.staff_a1,
        assignment=school.pc_a,
        place=SessionPlace(weekday=2, period=3, length=2, room=school.lab, is_locked=True),
    )
    session.refresh_from_db()
    assert (
        session.establishment,
        session.school_year,
        session.school_class,
        session.teacher,
        session.room,
        session.weekday,
        session.period,
        session.length,
        session.is_locked,
    ) == (
        school.establishment,
        school.year,
        school.class_a,
        school.colleague,
        school.lab,
        2,
        3,
        2,
        True,
    )
    assert session.history.count() == 1


def test_a_session_is_moved_with_the_same_checks(cast, school):
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    school.place(cast.director_a1, school.math_b, 2, 1)
    with pytest.raises(TimetableConflict):
        services.session_move(
            actor=cast.director_a1, session=session, place=SessionPlace(weekday=2, period=1)
        )
    session.refresh_from_db()
    assert (session.weekday, session.period) == (1, 1)
    moved = services.session_move(
        actor=cast.director_a1,
        session=session,
        place=SessionPlace(weekday=2, period=2, length=2, room=school.classroom),
    )
    session.refresh_from_db()
    assert (session.weekday, session.period, session.length, session.room) == (
        2,
        2,
        2,
        school.classroom,
    )
    assert moved.pk == session.pk
    assert session.history.count() == 2


def test_a_session_is_removed(cast, school):
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    services.session_delete(actor=cast.director_a1, session=session)
    assert not Session.objects.exists()


def test_without_a_grid_no_session_can_be_placed(cast):
    school = build_school(cast, with_grid=False)
    with pytest.raises(ValidationFailed) as caught:
        school.place(cast.director_a1, school.math_a, 1, 1)
    assert caught.value.code == "no_grid"
    assert not Session.objects.exists()


DAY = "The day must be a number from 1 (Monday) to 7."
PERIOD = "The period must be a number from 1 to 12."
LENGTH = "A session lasts 1 to 4 periods."


@pytest.mark.parametrize(
    ("place", "code", "message"),
    [
        ({"weekday": 8, "period": 1}, "invalid_weekday", DAY),
        ({"weekday": 0, "period": 1}, "invalid_weekday", DAY),
        ({"weekday": 1, "period": 13}, "invalid_period", PERIOD),
        ({"weekday": 1, "period": 1, "length": 0}, "invalid_length", LENGTH),
        ({"weekday": 1, "period": 1, "length": 5}, "invalid_length", LENGTH),
    ],
)
def test_bad_numbers_are_refused_with_a_clear_message(cast, school, place, code, message):
    from django.utils import translation

    translation.activate("en")
    with pytest.raises(ValidationFailed) as caught:
        services.session_create(
            actor=cast.director_a1, assignment=school.math_a, place=SessionPlace(**place)
        )
    assert caught.value.code == code
    assert str(caught.value.message) == message
    assert not Session.objects.exists()


def test_a_room_of_another_school_is_refused(cast, school):
    other_room = RoomFactory(establishment=cast.school_a2, code="S01")
    with pytest.raises(ValidationFailed) as caught:
        school.place(cast.director_a1, school.math_a, 1, 1, room=other_room)
    assert caught.value.code == "unknown_room"
    assert not Session.objects.exists()


def test_an_assignment_of_another_school_is_refused(cast, school):
    elsewhere = SchoolClassFactory(establishment=cast.school_a2, number=1, name="1APIC-1")
    assignment = TeachingAssignmentFactory(
        school_class=elsewhere,
        subject=subject("MATH"),
        teacher=StaffMemberFactory(main_establishment=cast.school_a2),
    )
    with pytest.raises(PermissionDenied):
        services.session_create(
            actor=cast.director_a1, assignment=assignment, place=SessionPlace(weekday=1, period=1)
        )
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "member", ["director_a2", "teacher_a1", "directorate_officer_a1", "parent_a1", "outsider"]
)
def test_only_the_school_places_moves_and_removes_sessions(cast, school, member):
    actor = getattr(cast, member)
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    with pytest.raises(PermissionDenied):
        school.place(actor, school.math_b, 2, 1)
    with pytest.raises(PermissionDenied):
        services.session_move(actor=actor, session=session, place=SessionPlace(weekday=2, period=2))
    with pytest.raises(PermissionDenied):
        services.session_delete(actor=actor, session=session)
    assert list(Session.objects.values_list("weekday", "period")) == [(1, 1)]


def test_the_grid_row_is_locked_while_a_session_is_written(cast, school):
    """The services lock the grid (and the teacher) with SELECT … FOR UPDATE; on SQLite the
    clause is dropped, so the test looks for the lock on PostgreSQL only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        school.place(cast.director_a1, school.math_a, 1, 1)
    locks = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert any("timetable_weeklygrid" in sql for sql in locks)
        assert any("staff_staffmember" in sql for sql in locks)
    else:
        assert locks == []


# --- availability -----------------------------------------------------------------------------


def test_a_period_cycles_available_unavailable_avoid_available(cast, school):
    arguments = {
        "actor": cast.director_a1,
        "establishment": school.establishment,
        "school_year": school.year,
        "teacher": school.teacher,
        "weekday": 2,
        "period": 3,
    }
    assert services.availability_toggle(**arguments) == AvailabilityKind.UNAVAILABLE
    assert services.availability_toggle(**arguments) == AvailabilityKind.AVOID
    assert list(TeacherAvailability.objects.values_list("weekday", "period", "kind")) == [
        (2, 3, "avoid")
    ]
    assert services.availability_toggle(**arguments) is None
    assert not TeacherAvailability.objects.exists()


def test_availability_outside_the_grid_is_refused(cast, school):
    with pytest.raises(ValidationFailed) as caught:
        services.availability_set(
            actor=cast.director_a1,
            establishment=school.establishment,
            school_year=school.year,
            teacher=school.teacher,
            weekday=7,
            period=1,
            kind=AvailabilityKind.UNAVAILABLE,
        )
    assert caught.value.code == "outside_grid"
    assert not TeacherAvailability.objects.exists()


def test_availability_of_a_teacher_of_another_school_is_not_found(cast, school):
    stranger = StaffMemberFactory(main_establishment=cast.school_a2)
    with pytest.raises(NotFound):
        services.availability_set(
            actor=cast.director_a1,
            establishment=school.establishment,
            school_year=school.year,
            teacher=stranger,
            weekday=1,
            period=1,
            kind=AvailabilityKind.UNAVAILABLE,
        )
    with pytest.raises(PermissionDenied):
        services.availability_set(
            actor=cast.director_a2,
            establishment=school.establishment,
            school_year=school.year,
            teacher=school.teacher,
            weekday=1,
            period=1,
            kind=AvailabilityKind.UNAVAILABLE,
        )
    assert not TeacherAvailability.objects.exists()
