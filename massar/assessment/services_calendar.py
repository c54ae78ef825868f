# The services are named after the entity, a *test*: not pytest tests, whatever ruff guesses.
# ruff: noqa: PT028
"""Writes of the test calendar: a test scheduled, moved (rescheduled) or cancelled.

Who: the teacher assigned to the class × subject this year, or the school's director and staff.
Checks, in order: who acts; the subject is taught to the class; the semester (1 or 2); the test
number (1 to the rule's ``max_tests_per_semester``); the date (inside the school year, not in
the past when creating, not a Sunday, not in a holiday or break); the mark sheet of the class ×
subject × semester is not validated; the number is free. Each refusal is a ``ValidationFailed``
with its own code and a translated message.

A class that would sit more tests in one day or one ISO week than its rule allows
(``max_tests_per_day``, ``max_tests_per_week``) is a warning, not a rule: the service answers
``TestOverloaded`` (code ``overloaded``, 409) listing the other tests, unless ``force=True`` (the
page's "schedule anyway"); the history keeps who forced it. Every change is in the history.

``today`` defaults to ``selectors_calendar.today()``; pages and endpoints pass it.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from massar.core.errors import PermissionDenied, ValidationFailed
from massar.core.validation import full_clean_or_refuse
from massar.curriculum.models import AssessmentRule, Subject
from massar.schooling.models import SchoolClass
from massar.staff.models import TeachingAssignment
from massar.territory.models import Holiday

from . import access
from . import selectors_calendar as calendar
from .models import MarkSheet, Semester, SheetStatus, Test, TestKind
from .rules import rule_for_class

FORCED_REASON = "forced: overloaded"


class TestOverloaded(ValidationFailed):
    """The class would have more tests in a day or a week than its rule allows: allowed only
    with ``force`` ("schedule anyway"). ``load`` holds the other tests."""

    __test__ = False  # not a pytest test class
    code = "overloaded"
    status = 409

    def __init__(self, message, *, load: calendar.ClassLoad):
        self.load = load
        super().__init__(message, code=self.code, details=_load_details(load))


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def _refuse(message: str, code: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details=[{"loc": [field], "msg": message}])


def _load_details(load: calendar.ClassLoad) -> list[dict]:
    return [
        {
            "loc": ["scheduled_on"],
            "msg": _("%(subject)s, test %(number)s, on %(day)s")
            % {"subject": test.subject.name, "number": test.number, "day": _day(test.scheduled_on)},
            "test": str(test.public_id),
            "subject": test.subject.code,
            "number": test.number,
            "scheduled_on": test.scheduled_on.isoformat(),
            "same_day": test.scheduled_on == load.day,
        }
        for test in load.week_tests
    ]


def overload_message(school_class: SchoolClass, load: calendar.ClassLoad) -> str:
    """The warning of an overloaded day or week, in one sentence."""
    monday, _sunday = calendar.week_of(load.day)
    values = {
        "class": school_class.name,
        "day": _day(load.day),
        "monday": _day(monday),
        "day_count": len(load.day_tests) + 1,
        "week_count": len(load.week_tests) + 1,
        "day_limit": load.day_limit,
        "week_limit": load.week_limit,
    }
    if load.day_over and load.week_over:
        return (
            _(
                "%(class)s would sit %(day_count)s tests on %(day)s and %(week_count)s in that "
                "week, more than the %(day_limit)s a day and %(week_limit)s a week its rule "
                "allows."
            )
            % values
        )
    if load.day_over:
        return (
            _(
                "%(class)s would sit %(day_count)s tests on %(day)s, more than the %(day_limit)s "
                "a day its rule allows."
            )
            % values
        )
    return (
        _(
            "%(class)s would sit %(week_count)s tests in the week of %(monday)s, more than the "
            "%(week_limit)s a week its rule allows."
        )
        % values
    )


# --- checks -----------------------------------------------------------------------------------


def _assignment_for(*, actor, school_class: SchoolClass, subject: Subject) -> TeachingAssignment:
    """The class × subject's assignment, when ``actor`` may schedule its tests."""
    runs_school = access.is_school_of(actor, school_class.establishment)
    if (
        not runs_school
        and not access.taught_assignments(actor)
        .filter(school_class=school_class, subject=subject)
        .exists()
    ):
        raise PermissionDenied(
            _(
                "Only the teacher of this class and subject, or the director and staff of the "
                "school, can schedule its tests."
            )
        )
    assignment = (
        TeachingAssignment.objects.filter(school_class=school_class, subject=subject)
        .select_related("teacher")
        .first()
    )
    if assignment is None or subject.is_conduct:
        raise _refuse(
            _("%(subject)s is not taught to %(class)s this year.")
            % {"subject": subject.name, "class": school_class.name},
            "not_taught",
            "subject",
        )
    return assignment


def _check_semester(semester) -> int:
    if semester not in Semester.values:
        raise _refuse(_("Choose semester 1 or 2."), "invalid_semester", "semester")
    return int(semester)


def _check_number(number, rule: AssessmentRule, school_class: SchoolClass) -> int:
    if not isinstance(number, int) or not 1 <= number <= rule.max_tests_per_semester:
        raise _refuse(
            _("Choose a test number from 1 to %(max)s: the rule of %(level)s allows no more.")
            % {"max": rule.max_tests_per_semester, "level": school_class.level.code},
            "invalid_number",
            "number",
        )
    return number


def check_day(*, school_class: SchoolClass, day: date, today: date, creating: bool) -> None:
    """Refuse a day outside the class's school year, a past day (when creating), a Sunday or a
    day of a holiday or break."""
    year = school_class.school_year
    if not isinstance(day, date) or not year.starts_on <= day <= year.ends_on:
        raise _refuse(
            _("Choose a date within the school year %(year)s, from %(start)s to %(end)s.")
            % {"year": year.label, "start": _day(year.starts_on), "end": _day(year.ends_on)},
            "outside_year",
            "scheduled_on",
        )
    if creating and day < today:
        raise _refuse(
            _("%(day)s is past: choose today or a later date.") % {"day": _day(day)},
            "past_date",
            "scheduled_on",
        )
    if day.isoweekday() == 7:
        raise _refuse(
            _("%(day)s is a Sunday: choose a school day.") % {"day": _day(day)},
            "sunday",
            "scheduled_on",
        )
    holiday = (
        Holiday.objects.filter(school_year=year, starts_on__lte=day, ends_on__gte=day)
        .order_by("starts_on")
        .first()
    )
    if holiday is not None:
        raise _refuse(
            _("%(day)s falls in %(holiday)s (%(start)s to %(end)s): choose a school day.")
            % {
                "day": _day(day),
                "holiday": holiday.name,
                "start": _day(holiday.starts_on),
                "end": _day(holiday.ends_on),
            },
            "holiday",
            "scheduled_on",
        )


def _check_sheet_open(*, school_class: SchoolClass, subject: Subject, semester: int) -> None:
    if MarkSheet.objects.filter(
        school_class=school_class,
        subject=subject,
        semester=semester,
        status=SheetStatus.VALIDATED,
    ).exists():
        raise _refuse(
            _(
                "The marks of %(subject)s for %(class)s in semester %(semester)s are validated: "
                "its tests can no longer change."
            )
            % {"subject": subject.name, "class": school_class.name, "semester": semester},
            "sheet_validated",
            "number",
        )


def _number_taken(existing: Test) -> ValidationFailed:
    return _refuse(
        _(
            "Test %(number)s of %(subject)s in semester %(semester)s is already scheduled for "
            "%(class)s, on %(day)s: move it instead."
        )
        % {
            "number": existing.number,
            "subject": existing.subject.name,
            "semester": existing.semester,
            "class": existing.school_class.name,
            "day": _day(existing.scheduled_on),
        },
        "number_taken",
        "number",
    )


def _lock_class(school_class: SchoolClass) -> None:
    # Two people scheduling tests of the same class are served one after the other, so that
    # they cannot both take the last test of a day.
    list(SchoolClass.objects.select_for_update().filter(pk=school_class.pk).values_list("pk"))


def _check_new(
    *,
    school_class: SchoolClass,
    subject: Subject,
    semester,
    number,
    scheduled_on: date,
    today: date | None,
) -> calendar.ClassLoad:
    semester = _check_semester(semester)
    rule = rule_for_class(school_class)
    number = _check_number(number, rule, school_class)
    check_day(
        school_class=school_class,
        day=scheduled_on,
        today=today or calendar.today(),
        creating=True,
    )
    _check_sheet_open(school_class=school_class, subject=subject, semester=semester)
    existing = (
        Test.objects.filter(
            school_class=school_class, subject=subject, semester=semester, number=number
        )
        .select_related("school_class", "subject")
        .first()
    )
    if existing is not None:
        raise _number_taken(existing)
    return calendar.class_load(school_class, scheduled_on, rule)


def test_schedule_check(
    *,
    actor,
    school_class: SchoolClass,
    subject: Subject,
    semester: int,
    number: int,
    scheduled_on: date,
    today: date | None = None,
) -> calendar.ClassLoad:
    """Every check of a new test, without saving: the class's other tests that day and week
    (the page's warning before saving). Raises the refusal a save would raise."""
    _assignment_for(actor=actor, school_class=school_class, subject=subject)
    return _check_new(
        school_class=school_class,
        subject=subject,
        semester=semester,
        number=number,
        scheduled_on=scheduled_on,
        today=today,
    )


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def test_schedule(
    *,
    actor,
    school_class: SchoolClass,
    subject: Subject,
    semester: int,
    number: int,
    scheduled_on: date,
    kind: str = TestKind.TEST,
    note: str = "",
    force: bool = False,
    today: date | None = None,
) -> Test:
    """Schedule test ``number`` of ``subject`` for ``school_class`` in ``semester`` on
    ``scheduled_on``. ``force`` schedules it even when the class's day or week is overloaded."""
    assignment = _assignment_for(actor=actor, school_class=school_class, subject=subject)
    _lock_class(school_class)
    load = _check_new(
        school_class=school_class,
        subject=subject,
        semester=semester,
        number=number,
        scheduled_on=scheduled_on,
        today=today,
    )
    if load.overloaded and not force:
        raise TestOverloaded(overload_message(school_class, load), load=load)
    test = Test(
        establishment_id=school_class.establishment_id,
        school_year_id=school_class.school_year_id,
        school_class=school_class,
        subject=subject,
        semester=semester,
        number=number,
        kind=kind,
        scheduled_on=scheduled_on,
        teacher=assignment.teacher,
        note=(note or "").strip(),
        created_by=actor,
    )
    full_clean_or_refuse(test, single_message=True)
    test._history_user = actor
    if load.overloaded:
        test._change_reason = FORCED_REASON
    try:
        with transaction.atomic():
            test.save()
    except IntegrityError as error:  # the same number scheduled meanwhile
        raise _refuse(
            _("This test number was just scheduled by someone else: choose another."),
            "number_taken",
            "number",
        ) from error
    return test


@transaction.atomic
def test_reschedule(
    *,
    actor,
    test: Test,
    scheduled_on: date,
    kind: str | None = None,
    note: str | None = None,
    force: bool = False,
    today: date | None = None,
) -> Test:
    """Move ``test`` to ``scheduled_on`` (and change its kind or note). A day in the past is
    allowed (the record of when it was sat); a validated mark sheet is not."""
    school_class = test.school_class
    assignment = _assignment_for(actor=actor, school_class=school_class, subject=test.subject)
    _lock_class(school_class)
    _check_sheet_open(school_class=school_class, subject=test.subject, semester=test.semester)
    check_day(
        school_class=school_class,
        day=scheduled_on,
        today=today or calendar.today(),
        creating=False,
    )
    forced = False
    if scheduled_on != test.scheduled_on:
        load = calendar.class_load(
            school_class, scheduled_on, rule_for_class(school_class), excluding=test
        )
        if load.overloaded and not force:
            raise TestOverloaded(overload_message(school_class, load), load=load)
        forced = load.overloaded
    test.scheduled_on = scheduled_on
    if kind is not None:
        test.kind = kind
    if note is not None:
        test.note = note.strip()
    test.teacher = assignment.teacher
    full_clean_or_refuse(test, single_message=True)
    test._history_user = actor
    if forced:
        test._change_reason = FORCED_REASON
    test.save(update_fields=["scheduled_on", "kind", "note", "teacher"])
    return test


@transaction.atomic
def test_cancel(*, actor, test: Test) -> None:
    """Cancel ``test`` (the history keeps it and who cancelled it), unless its mark sheet is
    validated."""
    _assignment_for(actor=actor, school_class=test.school_class, subject=test.subject)
    _check_sheet_open(school_class=test.school_class, subject=test.subject, semester=test.semester)
    test._history_user = actor
    test.delete()
