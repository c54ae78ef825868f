"""Builders shared by the council and orientation tests (on top of ``builders.py``).

Averages are written directly as ``PeriodResult`` rows (the computation has its own tests);
windows, capacities and the next school year are set explicitly, so that each test says the
dates and places it relies on. The one test of this module checks the builders themselves.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from massar.assessment.models import (
    ClassCouncil,
    OrientationWindow,
    Period,
    PeriodResult,
    StreamCapacity,
)
from massar.assessment.services_councils import council_open
from massar.curriculum.models import Level, Stream
from massar.students.models import Enrolment, EnrolmentStatus
from massar.territory.models import SchoolYear


def dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def set_results(world, period: int, averages: dict) -> None:
    """Write the class's ``PeriodResult`` of ``period``: ``{enrolment: average or None}``;
    ranks by average (ties share a rank), as the computation does."""
    school_class = world.school_class
    ranked = sorted((dec(v) for v in averages.values() if v is not None), reverse=True)
    rows = []
    for enrolment, value in averages.items():
        average = dec(value)
        rows.append(
            PeriodResult(
                establishment=school_class.establishment,
                school_year=school_class.school_year,
                school_class=school_class,
                enrolment=enrolment,
                period=period,
                average=average,
                rank=None if average is None else ranked.index(average) + 1,
                ranked_pupils=len(ranked),
            )
        )
    PeriodResult.objects.filter(enrolment__in=list(averages), period=period).delete()
    PeriodResult.objects.bulk_create(rows)


def open_year_council(cast, world, *, actor=None, held_on=date(2026, 6, 30)) -> ClassCouncil:
    return council_open(
        actor=actor or cast.director_a1,
        school_class=world.school_class,
        period=Period.YEAR,
        held_on=held_on,
        members="Mme Directrice — présidente\nM. Tazi — professeur",
        minutes="Conseil tenu en présence des enseignants.",
    )


def capacity(establishment, code: str, places: int, school_year=None) -> StreamCapacity:
    year = school_year or SchoolYear.objects.get(is_current=True)
    row, _created = StreamCapacity.objects.update_or_create(
        establishment=establishment,
        school_year=year,
        stream=Stream.objects.get(code=code),
        defaults={"places": places},
    )
    return row


def open_window(level_code: str, phase: int, *, around: date | None = None, max_wishes=3):
    """Open the phase's window of the level around ``around`` (today by default)."""
    day = around or timezone.localdate()
    window = OrientationWindow.objects.get(
        school_year__is_current=True, level__code=level_code, phase=phase
    )
    window.opens_on = day - timedelta(days=5)
    window.closes_on = day + timedelta(days=5)
    window.max_wishes = max_wishes
    window.save()
    return window


def next_year() -> SchoolYear:
    return SchoolYear.objects.get_or_create(
        code="2026-2027",
        defaults={"starts_on": date(2026, 9, 7), "ends_on": date(2027, 6, 30)},
    )[0]


def past_year(start: int) -> SchoolYear:
    return SchoolYear.objects.get_or_create(
        code=f"{start}-{start + 1}",
        defaults={"starts_on": date(start, 9, 5), "ends_on": date(start + 1, 6, 30)},
    )[0]


def past_enrolment(enrolment, level_code: str, start: int, *, repeating: bool) -> Enrolment:
    """A finished enrolment of the pupil in an earlier year."""
    level = Level.objects.get(code=level_code)
    stream = Stream.objects.filter(level=level).order_by("-is_general", "code").first()
    year = past_year(start)
    return Enrolment.objects.create(
        student=enrolment.student,
        school_year=year,
        establishment=enrolment.establishment,
        level=level,
        stream=stream,
        status=EnrolmentStatus.REGISTERED,
        is_repeating=repeating,
        entered_on=year.starts_on,
    )


def test_set_results_ranks_ties_together(cast):
    from massar.assessment.tests.builders import class_world

    world = class_world(cast, pupils=3)
    first, second, third = world.enrolments
    set_results(world, Period.YEAR, {first: 12, second: 12, third: None})
    ranks = dict(
        PeriodResult.objects.filter(period=Period.YEAR).values_list("enrolment_id", "rank")
    )
    assert ranks == {first.pk: 1, second.pk: 1, third.pk: None}
