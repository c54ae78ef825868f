"""Properties of the test calendar's counting, whatever the tests of a class: the load a new test
joins is exactly the class's other tests of that day and ISO week, the service asks to confirm
exactly when a limit would be passed, and the school's week flags exactly the days and classes
over their rule."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massar.assessment import selectors_calendar as selectors
from massar.assessment import services_calendar as services
from massar.assessment.models import Test as CalendarTest
from massar.assessment.rules import rule_for_class
from massar.assessment.tests.builders import class_world

pytestmark = pytest.mark.django_db

# Two school weeks without a holiday (24 November to 6 December 2025; the break starts the 7th).
FIRST_MONDAY = date(2025, 11, 24)
DAYS = [
    FIRST_MONDAY + timedelta(days=offset)
    for offset in range(13)
    if (FIRST_MONDAY + timedelta(days=offset)).isoweekday() != 7
]
SUBJECTS = ["MATH", "FR", "PC", "SVT", "AR", "EN"]  # HG stays free for the new test


class Rollback(Exception):
    pass


@pytest.fixture
def world(cast):
    return class_world(cast)


def place(world, days: list[date]) -> list[CalendarTest]:
    """Tests written directly on ``days`` (each with its own subject × semester × number)."""
    slots = [
        (code, semester, number)
        for code in SUBJECTS
        for semester in (1, 2)
        for number in (1, 2, 3, 4)
    ]
    return CalendarTest.objects.bulk_create(
        [
            CalendarTest(
                establishment=world.establishment,
                school_year=world.school_class.school_year,
                school_class=world.school_class,
                subject=world.subjects[code],
                semester=semester,
                number=number,
                scheduled_on=day,
            )
            for day, (code, semester, number) in zip(days, slots, strict=False)
        ]
    )


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    days=st.lists(st.sampled_from(DAYS), max_size=12),
    candidate=st.sampled_from(DAYS),
    day_limit=st.integers(1, 3),
    week_limit=st.integers(1, 6),
)
def test_the_load_and_the_warning_follow_the_counts(
    cast, world, days, candidate, day_limit, week_limit
):
    try:
        with transaction.atomic():
            rule = rule_for_class(world.school_class)
            rule.max_tests_per_day = day_limit
            rule.max_tests_per_week = week_limit
            rule.save()
            place(world, days)
            load = selectors.class_load(world.school_class, candidate, rule)
            same_week = [d for d in days if d.isocalendar()[:2] == candidate.isocalendar()[:2]]
            assert len(load.day_tests) == days.count(candidate)
            assert len(load.week_tests) == len(same_week)
            expected = days.count(candidate) + 1 > day_limit or len(same_week) + 1 > week_limit
            assert load.overloaded == expected
            # The service asks to confirm exactly then.
            try:
                services.test_schedule(
                    actor=cast.director_a1,
                    school_class=world.school_class,
                    subject=world.subjects["HG"],
                    semester=1,
                    number=1,
                    scheduled_on=candidate,
                    today=FIRST_MONDAY,
                )
            except services.TestOverloaded:
                assert expected
            else:
                assert not expected
            raise Rollback
    except Rollback:
        pass


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(days=st.lists(st.sampled_from(DAYS[:6]), max_size=14), day_limit=st.integers(1, 3))
def test_the_schools_week_flags_exactly_the_days_over_the_rule(cast, world, days, day_limit):
    try:
        with transaction.atomic():
            rule = rule_for_class(world.school_class)
            rule.max_tests_per_day = day_limit
            rule.max_tests_per_week = 5
            rule.save()
            place(world, days)
            week = selectors.school_week(
                world.establishment, world.school_class.school_year, FIRST_MONDAY
            )
            counts = Counter(days[: len(SUBJECTS) * 8])
            assert [len(d.tests) for d in week.days] == [counts[d.day] for d in week.days]
            assert [d.day for d in week.overloaded_days] == sorted(
                day for day, count in counts.items() if count > day_limit
            )
            assert bool(week.overloads) == (sum(counts.values()) > 5)
            raise Rollback
    except Rollback:
        pass
