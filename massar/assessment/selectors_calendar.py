"""Reads of the test calendar: a class's tests, a teacher's across their classes, a school's week
with its overloaded days, a pupil's upcoming tests; and the scoped lookups the calendar pages and
endpoints need, built on ``access``'s public functions.

Every calendar is read in a fixed number of queries, whatever the number of tests. A test whose
mark sheet is validated is ``is_locked`` (annotated, no extra query): it can no longer move.

``today()`` is the one place the calendar asks the date: pages and endpoints pass it to the
services, and tests move it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from massar.core.errors import NotFound
from massar.curriculum.models import AssessmentRule
from massar.schooling.models import SchoolClass
from massar.staff.models import TeachingAssignment
from massar.students.models import Enrolment, Student
from massar.territory.models import Establishment, Holiday, SchoolYear
from massar.timetable.models import Session

from . import access
from .models import MarkSheet, SheetStatus, Test

#: The days a test may fall on, Monday (1) to Saturday (6): Sunday is never a school day.
SCHOOL_WEEKDAYS = range(1, 7)


def today() -> date:
    """Today's date, as the calendar sees it (tests move it)."""
    return timezone.localdate()


def reference_day(school_year: SchoolYear, day: date) -> date:
    """``day`` brought inside ``school_year``: the day a calendar opens on."""
    return min(max(day, school_year.starts_on), school_year.ends_on)


def week_of(day: date) -> tuple[date, date]:
    """The Monday and Sunday of ``day``'s ISO week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def semester_of(day: date) -> int:
    """The semester a day usually belongs to (the second starts after the January break):
    only a default for forms, never a rule."""
    return 2 if 2 <= day.month <= 8 else 1


# --- tests ------------------------------------------------------------------------------------


def _validated_sheet() -> Exists:
    return Exists(
        MarkSheet.objects.filter(
            school_class_id=OuterRef("school_class_id"),
            subject_id=OuterRef("subject_id"),
            semester=OuterRef("semester"),
            status=SheetStatus.VALIDATED,
        )
    )


def tests_queryset() -> QuerySet[Test]:
    """Tests with what every calendar shows (class, subject, teacher) and ``is_locked``."""
    return (
        Test.objects.select_related("establishment", "school_year", "school_class", "subject")
        .select_related("teacher")
        .annotate(is_locked=_validated_sheet())
    )


def _ordered(queryset: QuerySet[Test]) -> QuerySet[Test]:
    return queryset.order_by("scheduled_on", "school_class__name", "subject__code", "number")


# --- lookups from user input (on top of ``access``) -------------------------------------------


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error


def _taught_pairs(actor) -> QuerySet[TeachingAssignment]:
    return access.taught_assignments(actor)


def access_test(*, actor, public_id) -> Test:
    """A test ``actor`` moves and cancels: of a school they run (director, staff), or of a
    class × subject they teach this year. Missing and forbidden are the same ``NotFound``."""
    key = _uuid(public_id)
    tests = tests_queryset()
    found = access.school_scope(actor).filter_tenant(tests).filter(public_id=key).first()
    if found is None:
        taught = _taught_pairs(actor).filter(
            school_class_id=OuterRef("school_class_id"), subject_id=OuterRef("subject_id")
        )
        found = tests.filter(Exists(taught), public_id=key).first()
    if found is None:
        raise NotFound()
    return found


def access_class_for_scheduling(*, actor, public_id) -> SchoolClass:
    """A class whose tests ``actor`` schedules: of the school they run (director, staff), or one
    they teach this year. The subject is the service's to check."""
    try:
        return access.access_class(actor=actor, public_id=public_id, write=True)
    except NotFound:
        key = _uuid(public_id)
        found = (
            SchoolClass.objects.select_related("establishment", "school_year", "level", "stream")
            .filter(public_id=key, pk__in=_taught_pairs(actor).values("school_class_id"))
            .first()
        )
        if found is None:
            raise
        return found


def access_assignment_for_scheduling(*, actor, public_id) -> TeachingAssignment | None:
    """A class × subject ``actor`` may schedule tests for, by the assignment's public id: one
    of their own this year, or one of a school they run; ``None`` for any other."""
    try:
        key = _uuid(public_id)
    except NotFound:
        return None
    assignments = TeachingAssignment.objects.select_related(
        "school_class__establishment",
        "school_class__school_year",
        "school_class__level",
        "school_class__stream",
        "subject",
        "teacher",
    ).filter(public_id=key)
    found = access.school_scope(actor).filter_tenant(assignments).first()
    if found is None:
        found = assignments.filter(pk__in=_taught_pairs(actor).values("pk")).first()
    return found


def schedulable_assignments(actor, school_class: SchoolClass | None = None) -> list:
    """The class × subject pairs ``actor`` may schedule tests for: a teacher's own this year;
    with ``school_class``, every assigned subject of it when ``actor`` runs its school."""
    assignments = TeachingAssignment.objects.select_related(
        "school_class__establishment",
        "school_class__school_year",
        "school_class__level",
        "school_class__stream",
        "subject",
        "teacher",
    ).order_by("school_class__name", "subject__code")
    if school_class is not None:
        assignments = assignments.filter(school_class=school_class)
        if access.is_school_of(actor, school_class.establishment):
            return list(assignments.filter(subject__is_conduct=False))
    own = access.own_teacher(actor)
    if own is None:
        return []
    return list(assignments.filter(teacher=own, school_year__is_current=True))


def can_change(actor, test: Test, *, own_pairs: set[tuple[int, int]]) -> bool:
    """Whether ``actor`` may move or cancel ``test`` (no query: ``own_pairs`` are the
    actor's taught class × subject ids)."""
    if getattr(test, "is_locked", False):
        return False
    return access.is_school_of(actor, test.establishment) or (
        (test.school_class_id, test.subject_id) in own_pairs
    )


def own_pairs(assignments) -> set[tuple[int, int]]:
    return {(a.school_class_id, a.subject_id) for a in assignments}


# --- calendars --------------------------------------------------------------------------------


def class_tests(
    school_class: SchoolClass,
    *,
    semester: int | None = None,
    subject_code: str | None = None,
    since: date | None = None,
) -> QuerySet[Test]:
    """A class's tests by date, with subject and teacher; of a semester, of a subject, from a
    day on when asked."""
    tests = tests_queryset().filter(school_class=school_class)
    if semester is not None:
        tests = tests.filter(semester=semester)
    if subject_code:
        tests = tests.filter(subject__code=subject_code.strip().upper())
    if since is not None:
        tests = tests.filter(scheduled_on__gte=since)
    return _ordered(tests)


def class_calendar(school_class: SchoolClass) -> list[Test]:
    """Every test of a class, by date, with subject and teacher (one query)."""
    return list(class_tests(school_class))


def own_tests(actor) -> QuerySet[Test]:
    """The tests of the class × subject pairs ``actor`` teaches this year, by date."""
    taught = _taught_pairs(actor).filter(
        school_class_id=OuterRef("school_class_id"), subject_id=OuterRef("subject_id")
    )
    return _ordered(tests_queryset().filter(Exists(taught)))


def teacher_calendar(assignments) -> list[Test]:
    """Every test of the classes of ``assignments`` (a teacher's), by date; each has
    ``is_own`` when it is of one of the teacher's own subjects (one query)."""
    pairs = own_pairs(assignments)
    classes = {class_id for class_id, _subject in pairs}
    tests = list(_ordered(tests_queryset().filter(school_class_id__in=sorted(classes))))
    for test in tests:
        test.is_own = (test.school_class_id, test.subject_id) in pairs
    return tests


@dataclass
class ClassLoad:
    """The other tests of a class on a day and in its ISO week, against the class's rule."""

    day: date
    day_tests: list[Test]
    week_tests: list[Test]
    day_limit: int
    week_limit: int

    @property
    def day_over(self) -> bool:
        return len(self.day_tests) + 1 > self.day_limit

    @property
    def week_over(self) -> bool:
        return len(self.week_tests) + 1 > self.week_limit

    @property
    def overloaded(self) -> bool:
        return self.day_over or self.week_over


def class_load(
    school_class: SchoolClass, day: date, rule: AssessmentRule, *, excluding: Test | None = None
) -> ClassLoad:
    """What a new test on ``day`` would join: the class's other tests that day and that week
    (one query)."""
    monday, sunday = week_of(day)
    tests = tests_queryset().filter(school_class=school_class, scheduled_on__range=(monday, sunday))
    if excluding is not None:
        tests = tests.exclude(pk=excluding.pk)
    week = list(_ordered(tests))
    return ClassLoad(
        day=day,
        day_tests=[t for t in week if t.scheduled_on == day],
        week_tests=week,
        day_limit=rule.max_tests_per_day,
        week_limit=rule.max_tests_per_week,
    )


def subject_weekdays(school_class: SchoolClass, subject_id: int) -> list[int]:
    """The weekdays (1 = Monday) the class has lessons of the subject in its timetable."""
    return sorted(
        set(
            Session.objects.filter(
                school_class=school_class, assignment__subject_id=subject_id
            ).values_list("weekday", flat=True)
        )
    )


def rules_of_classes(school_year: SchoolYear, classes) -> dict[int, AssessmentRule]:
    """Class id → its assessment rule (a stream's own, else its level's), in one query; a class
    without a rule is left out."""
    classes = list(classes)
    rules = AssessmentRule.objects.filter(
        school_year=school_year, level_id__in=sorted({c.level_id for c in classes})
    )
    by_level: dict[int, AssessmentRule] = {}
    by_stream: dict[tuple[int, int], AssessmentRule] = {}
    for rule in rules:
        if rule.stream_id is None:
            by_level[rule.level_id] = rule
        else:
            by_stream[(rule.level_id, rule.stream_id)] = rule
    found = {}
    for school_class in classes:
        rule = by_stream.get((school_class.level_id, school_class.stream_id)) or by_level.get(
            school_class.level_id
        )
        if rule is not None:
            found[school_class.pk] = rule
    return found


@dataclass
class Overload:
    school_class: SchoolClass
    count: int
    limit: int


@dataclass
class CalendarDay:
    day: date
    tests: list[Test] = field(default_factory=list)
    holiday: Holiday | None = None
    overloads: list[Overload] = field(default_factory=list)  # classes over the daily limit

    @property
    def overloaded(self) -> bool:
        return bool(self.overloads)


@dataclass
class SchoolWeek:
    monday: date
    days: list[CalendarDay]
    overloads: list[Overload]  # classes over the weekly limit
    school_year: SchoolYear

    @property
    def saturday(self) -> date:
        return self.monday + timedelta(days=5)

    @property
    def previous(self) -> date | None:
        day = self.monday - timedelta(days=7)
        return day if day + timedelta(days=6) >= self.school_year.starts_on else None

    @property
    def next(self) -> date | None:
        day = self.monday + timedelta(days=7)
        return day if day <= self.school_year.ends_on else None

    @property
    def test_count(self) -> int:
        return sum(len(day.tests) for day in self.days)

    @property
    def overloaded_days(self) -> list[CalendarDay]:
        return [day for day in self.days if day.overloaded]


def school_week_day(establishment: Establishment, school_year: SchoolYear, today: date) -> date:
    """The day the school's week opens on: today, inside the year; once the year is over, the
    day of its last test (one query then), so that the calendar does not open on an empty
    June."""
    if today > school_year.ends_on:
        last = (
            Test.objects.filter(establishment=establishment, school_year=school_year)
            .order_by("-scheduled_on")
            .values_list("scheduled_on", flat=True)
            .first()
        )
        if last is not None:
            return last
    return reference_day(school_year, today)


def school_week(establishment: Establishment, school_year: SchoolYear, day: date) -> SchoolWeek:
    """The tests of a school in ``day``'s week, Monday to Saturday, with the days on which a
    class has more tests than its rule allows and the classes over the weekly limit (three
    queries: tests, rules, holidays)."""
    monday, sunday = week_of(day)
    tests = list(
        _ordered(
            tests_queryset().filter(
                establishment=establishment,
                school_year=school_year,
                scheduled_on__range=(monday, sunday),
            )
        )
    )
    classes = {test.school_class_id: test.school_class for test in tests}
    rules = rules_of_classes(school_year, classes.values()) if classes else {}
    holidays = list(
        Holiday.objects.filter(school_year=school_year, starts_on__lte=sunday, ends_on__gte=monday)
    )
    days = []
    for offset in range(len(SCHOOL_WEEKDAYS)):
        current = monday + timedelta(days=offset)
        holiday = next((h for h in holidays if h.starts_on <= current <= h.ends_on), None)
        days.append(CalendarDay(day=current, holiday=holiday))
    by_day = {d.day: d for d in days}
    per_class_day: dict[tuple[int, date], int] = defaultdict(int)
    per_class_week: dict[int, int] = defaultdict(int)
    for test in tests:
        if test.scheduled_on in by_day:  # a Sunday test (never scheduled) is not shown
            by_day[test.scheduled_on].tests.append(test)
        per_class_day[(test.school_class_id, test.scheduled_on)] += 1
        per_class_week[test.school_class_id] += 1
    for (class_id, current), count in sorted(
        per_class_day.items(), key=lambda item: (item[0][1], classes[item[0][0]].name)
    ):
        rule = rules.get(class_id)
        if rule is not None and count > rule.max_tests_per_day and current in by_day:
            by_day[current].overloads.append(
                Overload(classes[class_id], count, rule.max_tests_per_day)
            )
    week_overloads = [
        Overload(classes[class_id], count, rules[class_id].max_tests_per_week)
        for class_id, count in sorted(per_class_week.items(), key=lambda i: classes[i[0]].name)
        if class_id in rules and count > rules[class_id].max_tests_per_week
    ]
    return SchoolWeek(monday=monday, days=days, overloads=week_overloads, school_year=school_year)


# --- pupils and parents -----------------------------------------------------------------------


@dataclass
class Child:
    """A pupil (the actor, or a parent's child), their current enrolment and class."""

    student: Student
    enrolment: Enrolment
    school_class: SchoolClass | None


def family_children(actor) -> list[Child]:
    """The pupils whose calendar ``actor`` reads as pupil or parent, with their current class
    (one query)."""
    enrolments = access.family_enrolments(actor).select_related(
        "placement__school_class__establishment", "placement__school_class__school_year"
    )
    children = []
    for enrolment in enrolments:
        placement = getattr(enrolment, "placement", None)
        children.append(
            Child(enrolment.student, enrolment, placement.school_class if placement else None)
        )
    return children


def child_of(children: list[Child], student: Student) -> Child | None:
    return next((child for child in children if child.student.pk == student.pk), None)
