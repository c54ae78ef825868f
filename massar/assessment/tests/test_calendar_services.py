"""The test calendar's services with the cast: who schedules, moves and cancels; every refusal
with its code and message; the overloaded day and week (a warning: ``force`` keeps the date);
the validated sheet; the history."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.formats import date_format
from django.utils.translation import gettext

from massar.assessment import services_calendar as services
from massar.assessment.models import SheetStatus
from massar.assessment.models import Test as CalendarTest
from massar.assessment.models import TestKind as Kind
from massar.assessment.rules import rule_for_class
from massar.assessment.tests.builders import class_world, other_world, sheet_for
from massar.core.errors import PermissionDenied, ValidationFailed
from massar.curriculum.models import Subject

pytestmark = pytest.mark.django_db

TODAY = date(2025, 11, 3)  # a Monday of the 2025/2026 year
MONDAY = date(2025, 11, 10)
TUESDAY = date(2025, 11, 11)
WEDNESDAY = date(2025, 11, 12)


@pytest.fixture
def world(cast):
    world = class_world(cast)
    rule = rule_for_class(world.school_class)
    rule.max_tests_per_semester = 4
    rule.max_tests_per_day = 2
    rule.max_tests_per_week = 3
    rule.save()
    return world


def schedule(actor, world, code="MATH", **overrides):
    values = {
        "actor": actor,
        "school_class": world.school_class,
        "subject": world.subjects[code],
        "semester": 1,
        "number": 1,
        "scheduled_on": MONDAY,
        "kind": Kind.TEST,
        "note": "",
        "today": TODAY,
    }
    values.update(overrides)
    return services.test_schedule(**values)


def day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


# --- who --------------------------------------------------------------------------------------


def test_the_teacher_schedules_a_test_of_their_class_and_subject(cast, world):
    test = schedule(cast.teacher_a1, world, note="  Chapter 2  ")
    assert (test.school_class, test.subject.code, test.semester, test.number) == (
        world.school_class,
        "MATH",
        1,
        1,
    )
    assert (test.scheduled_on, test.kind, test.note) == (MONDAY, Kind.TEST, "Chapter 2")
    assert test.teacher == world.teacher
    assert test.establishment == world.establishment
    assert test.school_year == world.school_class.school_year
    assert test.created_by == cast.teacher_a1
    [record] = test.history.all()
    assert (record.history_type, record.history_user) == ("+", cast.teacher_a1)


@pytest.mark.parametrize("member", ["director_a1", "staff_a1"])
def test_the_school_schedules_for_the_assigned_teacher(cast, world, member):
    test = schedule(getattr(cast, member), world, "PC")
    assert test.teacher == world.others["PC"]
    assert test.created_by == getattr(cast, member)


def test_a_teacher_does_not_schedule_another_subject_of_their_class(cast, world):
    with pytest.raises(PermissionDenied) as refused:
        schedule(cast.teacher_a1, world, "PC")
    assert refused.value.message == gettext(
        "Only the teacher of this class and subject, or the director and staff of the school, "
        "can schedule its tests."
    )
    assert not CalendarTest.objects.exists()


@pytest.mark.parametrize(
    "member",
    [
        "director_a2",
        "outsider",
        "student_a1",
        "parent_a1",
        "national_admin",
        "academy_officer_a",
        "directorate_officer_a1",
    ],
)
def test_no_one_else_schedules(cast, world, member):
    with pytest.raises(PermissionDenied):
        schedule(getattr(cast, member), world)
    assert not CalendarTest.objects.exists()


def test_the_other_schools_director_does_not_schedule_in_school_a1(cast, world):
    other_world(cast)
    with pytest.raises(PermissionDenied):
        schedule(cast.director_a2, world)


# --- refusals ---------------------------------------------------------------------------------


def refusal(actor, world, **overrides) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        schedule(actor, world, **overrides)
    return refused.value


def test_a_subject_the_class_is_not_taught_is_refused(cast, world):
    philosophy = Subject.objects.exclude(code__in=world.subjects).filter(is_conduct=False).first()
    error = refusal(cast.director_a1, world, subject=philosophy)
    assert error.code == "not_taught"
    assert error.message == gettext("%(subject)s is not taught to %(class)s this year.") % {
        "subject": philosophy.name,
        "class": "TCS-1",
    }
    assert error.details == [{"loc": ["subject"], "msg": error.message}]


@pytest.mark.parametrize("semester", [0, 3, None])
def test_a_semester_other_than_1_or_2_is_refused(cast, world, semester):
    error = refusal(cast.teacher_a1, world, semester=semester)
    assert (error.code, error.message) == ("invalid_semester", gettext("Choose semester 1 or 2."))


@pytest.mark.parametrize("number", [0, 5, -1])
def test_a_number_outside_the_rule_is_refused(cast, world, number):
    error = refusal(cast.teacher_a1, world, number=number)
    assert error.code == "invalid_number"
    assert error.message == gettext(
        "Choose a test number from 1 to %(max)s: the rule of %(level)s allows no more."
    ) % {"max": 4, "level": "TC"}


def test_the_rules_maximum_narrows_the_numbers(cast, world):
    rule = rule_for_class(world.school_class)
    rule.max_tests_per_semester = 3
    rule.tests_per_semester = 2
    rule.save()
    assert refusal(cast.teacher_a1, world, number=4).code == "invalid_number"
    assert schedule(cast.teacher_a1, world, number=3).number == 3


@pytest.mark.parametrize("when", [date(2025, 9, 5), date(2026, 7, 1)])
def test_a_date_outside_the_school_year_is_refused(cast, world, when):
    error = refusal(cast.teacher_a1, world, scheduled_on=when, today=date(2025, 9, 1))
    assert error.code == "outside_year"
    assert error.message == gettext(
        "Choose a date within the school year %(year)s, from %(start)s to %(end)s."
    ) % {"year": "2025/2026", "start": day(date(2025, 9, 8)), "end": day(date(2026, 6, 30))}


def test_a_past_date_is_refused_when_creating(cast, world):
    error = refusal(cast.teacher_a1, world, scheduled_on=date(2025, 10, 31))
    assert error.code == "past_date"
    assert error.message == gettext("%(day)s is past: choose today or a later date.") % {
        "day": day(date(2025, 10, 31))
    }
    assert schedule(cast.teacher_a1, world, scheduled_on=TODAY).scheduled_on == TODAY


def test_a_sunday_is_refused(cast, world):
    error = refusal(cast.teacher_a1, world, scheduled_on=date(2025, 11, 9))
    assert error.code == "sunday"
    assert error.message == gettext("%(day)s is a Sunday: choose a school day.") % {
        "day": day(date(2025, 11, 9))
    }


@pytest.mark.parametrize(
    ("when", "name_fr"),
    [
        (date(2025, 11, 6), "Anniversaire de la Marche verte"),
        (date(2025, 12, 10), "Vacances intermédiaires 2"),
    ],
)
def test_a_holiday_or_break_is_refused(cast, world, when, name_fr):
    from massar.territory.models import Holiday

    holiday = Holiday.objects.get(name_fr=name_fr)
    error = refusal(cast.teacher_a1, world, scheduled_on=when)
    assert error.code == "holiday"
    assert error.message == gettext(
        "%(day)s falls in %(holiday)s (%(start)s to %(end)s): choose a school day."
    ) % {
        "day": day(when),
        "holiday": holiday.name_ar,
        "start": day(holiday.starts_on),
        "end": day(holiday.ends_on),
    }


def test_a_number_already_scheduled_is_refused(cast, world):
    schedule(cast.teacher_a1, world, number=2, scheduled_on=MONDAY)
    error = refusal(cast.director_a1, world, number=2, scheduled_on=WEDNESDAY)
    assert error.code == "number_taken"
    assert error.message == gettext(
        "Test %(number)s of %(subject)s in semester %(semester)s is already scheduled for "
        "%(class)s, on %(day)s: move it instead."
    ) % {
        "number": 2,
        "subject": world.subjects["MATH"].name,
        "semester": 1,
        "class": "TCS-1",
        "day": day(MONDAY),
    }
    # the same number in the other semester or another subject is another test
    assert schedule(cast.teacher_a1, world, number=2, semester=2, scheduled_on=WEDNESDAY)
    assert schedule(cast.teacher_a1, world, "FR", number=2, scheduled_on=WEDNESDAY)


def test_a_validated_sheet_refuses_a_new_test(cast, world):
    sheet = sheet_for(world, "MATH", 1)
    sheet.status = SheetStatus.VALIDATED
    sheet.save()
    error = refusal(cast.teacher_a1, world, number=3)
    assert error.code == "sheet_validated"
    assert error.message == gettext(
        "The marks of %(subject)s for %(class)s in semester %(semester)s are validated: its "
        "tests can no longer change."
    ) % {"subject": world.subjects["MATH"].name, "class": "TCS-1", "semester": 1}
    assert schedule(cast.teacher_a1, world, semester=2).semester == 2


def test_an_invalid_kind_or_long_note_is_refused(cast, world):
    assert refusal(cast.teacher_a1, world, kind="exam").code == "invalid"
    assert refusal(cast.teacher_a1, world, note="x" * 201).code == "invalid"
    assert not CalendarTest.objects.exists()


# --- overloaded days and weeks ----------------------------------------------------------------


def test_a_third_test_in_a_day_is_a_warning_that_force_overrides(cast, world):
    first = schedule(cast.teacher_a1, world, "MATH", scheduled_on=MONDAY)
    second = schedule(cast.teacher_a1, world, "FR", scheduled_on=MONDAY)
    with pytest.raises(services.TestOverloaded) as warned:
        schedule(cast.director_a1, world, "PC", scheduled_on=MONDAY)
    error = warned.value
    assert (error.code, error.status) == ("overloaded", 409)
    assert error.message == gettext(
        "%(class)s would sit %(day_count)s tests on %(day)s, more than the %(day_limit)s a day "
        "its rule allows."
    ) % {"class": "TCS-1", "day_count": 3, "day": day(MONDAY), "day_limit": 2}
    assert [d["test"] for d in error.details] == [str(second.public_id), str(first.public_id)]
    assert {d["same_day"] for d in error.details} == {True}
    assert error.load.day_tests == [second, first]  # by class, then subject code: FR, MATH
    assert CalendarTest.objects.count() == 2

    forced = schedule(cast.director_a1, world, "PC", scheduled_on=MONDAY, force=True)
    assert forced.scheduled_on == MONDAY
    assert forced.history.get().history_change_reason == services.FORCED_REASON


def test_too_many_tests_in_a_week_is_a_warning(cast, world):
    schedule(cast.teacher_a1, world, "MATH", scheduled_on=MONDAY)
    schedule(cast.teacher_a1, world, "FR", scheduled_on=TUESDAY)
    schedule(cast.director_a1, world, "PC", scheduled_on=WEDNESDAY)
    with pytest.raises(services.TestOverloaded) as warned:
        schedule(cast.director_a1, world, "SVT", scheduled_on=date(2025, 11, 13))
    assert warned.value.message == gettext(
        "%(class)s would sit %(week_count)s tests in the week of %(monday)s, more than the "
        "%(week_limit)s a week its rule allows."
    ) % {"class": "TCS-1", "week_count": 4, "monday": day(MONDAY), "week_limit": 3}
    assert len(warned.value.details) == 3
    # the next week is another week
    assert schedule(cast.director_a1, world, "SVT", scheduled_on=date(2025, 11, 17))


def test_a_day_and_a_week_both_over(cast, world):
    schedule(cast.teacher_a1, world, "MATH", scheduled_on=MONDAY)
    schedule(cast.teacher_a1, world, "FR", scheduled_on=MONDAY)
    schedule(cast.director_a1, world, "PC", scheduled_on=TUESDAY)
    with pytest.raises(services.TestOverloaded) as warned:
        schedule(cast.director_a1, world, "SVT", scheduled_on=MONDAY)
    assert warned.value.message == gettext(
        "%(class)s would sit %(day_count)s tests on %(day)s and %(week_count)s in that week, "
        "more than the %(day_limit)s a day and %(week_limit)s a week its rule allows."
    ) % {
        "class": "TCS-1",
        "day_count": 3,
        "day": day(MONDAY),
        "week_count": 4,
        "day_limit": 2,
        "week_limit": 3,
    }


def test_another_classs_tests_do_not_count(cast, world):
    other = other_world(cast)
    rule = rule_for_class(other.school_class)
    rule.max_tests_per_day = 1
    rule.save()
    schedule(cast.teacher_a1, world, "MATH", scheduled_on=MONDAY)
    test = schedule(cast.director_a2, other, "MATH", scheduled_on=MONDAY)
    assert test.school_class == other.school_class


def test_the_check_shows_the_load_without_saving(cast, world):
    first = schedule(cast.teacher_a1, world, "MATH", scheduled_on=MONDAY)
    load = services.test_schedule_check(
        actor=cast.teacher_a1,
        school_class=world.school_class,
        subject=world.subjects["FR"],
        semester=1,
        number=1,
        scheduled_on=TUESDAY,
        today=TODAY,
    )
    assert (load.day_tests, load.week_tests, load.overloaded) == ([], [first], False)
    assert CalendarTest.objects.count() == 1


# --- moving and cancelling --------------------------------------------------------------------


def test_the_teacher_moves_a_test_and_the_history_keeps_both_dates(cast, world):
    test = schedule(cast.teacher_a1, world, scheduled_on=MONDAY)
    moved = services.test_reschedule(
        actor=cast.teacher_a1,
        test=test,
        scheduled_on=WEDNESDAY,
        kind=Kind.UNIFIED,
        note="Room 4",
        today=TODAY,
    )
    moved.refresh_from_db()
    assert (moved.scheduled_on, moved.kind, moved.note) == (WEDNESDAY, Kind.UNIFIED, "Room 4")
    assert [(h.history_type, h.scheduled_on, h.history_user) for h in moved.history.all()] == [
        ("~", WEDNESDAY, cast.teacher_a1),
        ("+", MONDAY, cast.teacher_a1),
    ]


def test_moving_refuses_sundays_holidays_and_other_years(cast, world):
    test = schedule(cast.teacher_a1, world, scheduled_on=MONDAY)
    for when, code in [
        (date(2025, 11, 16), "sunday"),
        (date(2025, 11, 18), "holiday"),
        (date(2026, 9, 14), "outside_year"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            services.test_reschedule(
                actor=cast.teacher_a1, test=test, scheduled_on=when, today=TODAY
            )
        assert refused.value.code == code
    test.refresh_from_db()
    assert test.scheduled_on == MONDAY


def test_moving_to_a_past_day_records_when_it_was_sat(cast, world):
    test = schedule(cast.teacher_a1, world, scheduled_on=MONDAY)
    moved = services.test_reschedule(
        actor=cast.teacher_a1, test=test, scheduled_on=date(2025, 11, 4), today=date(2025, 11, 20)
    )
    assert moved.scheduled_on == date(2025, 11, 4)


def test_moving_into_an_overloaded_day_warns_and_does_not_count_the_test_itself(cast, world):
    schedule(cast.teacher_a1, world, "MATH", scheduled_on=MONDAY)
    schedule(cast.teacher_a1, world, "FR", scheduled_on=MONDAY)
    pc = schedule(cast.director_a1, world, "PC", scheduled_on=TUESDAY)
    with pytest.raises(services.TestOverloaded):
        services.test_reschedule(actor=cast.director_a1, test=pc, scheduled_on=MONDAY, today=TODAY)
    # the same day again (a new note) is no move, and not a new warning
    services.test_reschedule(
        actor=cast.director_a1, test=pc, scheduled_on=TUESDAY, note="x", today=TODAY
    )
    moved = services.test_reschedule(
        actor=cast.director_a1, test=pc, scheduled_on=MONDAY, force=True, today=TODAY
    )
    assert moved.history.first().history_change_reason == services.FORCED_REASON


def test_a_teacher_does_not_move_or_cancel_another_subjects_test(cast, world):
    pc = schedule(cast.director_a1, world, "PC")
    with pytest.raises(PermissionDenied):
        services.test_reschedule(actor=cast.teacher_a1, test=pc, scheduled_on=TUESDAY, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.test_cancel(actor=cast.teacher_a1, test=pc)
    with pytest.raises(PermissionDenied):
        services.test_cancel(actor=cast.director_a2, test=pc)
    assert CalendarTest.objects.filter(pk=pc.pk, scheduled_on=MONDAY).exists()


def test_a_test_of_a_validated_sheet_neither_moves_nor_is_cancelled(cast, world):
    test = schedule(cast.teacher_a1, world)
    sheet = sheet_for(world, "MATH", 1)
    sheet.status = SheetStatus.VALIDATED
    sheet.save()
    with pytest.raises(ValidationFailed) as refused:
        services.test_reschedule(
            actor=cast.director_a1, test=test, scheduled_on=TUESDAY, today=TODAY
        )
    assert refused.value.code == "sheet_validated"
    with pytest.raises(ValidationFailed) as refused:
        services.test_cancel(actor=cast.director_a1, test=test)
    assert refused.value.code == "sheet_validated"
    assert CalendarTest.objects.filter(pk=test.pk, scheduled_on=MONDAY).exists()


def test_cancelling_keeps_the_test_in_the_history(cast, world):
    test = schedule(cast.teacher_a1, world)
    pk = test.pk
    services.test_cancel(actor=cast.teacher_a1, test=test)
    assert not CalendarTest.objects.filter(pk=pk).exists()
    assert [(h.history_type, h.history_user) for h in CalendarTest.history.filter(id=pk)] == [
        ("-", cast.teacher_a1),
        ("+", cast.teacher_a1),
    ]
    # the number is free again
    assert schedule(cast.teacher_a1, world).number == 1
