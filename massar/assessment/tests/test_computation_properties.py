"""Properties of the SQL computation on random sheets: it equals the reference arithmetic
(``marks_math``) in every result, keeps averages within the scale, and raising a subject's
coefficient never moves an average away from that subject's mark.

One class world per test (4 pupils; MATH, FR and PE sheets in both semesters); each example
rewrites the rule, the coefficients, the sheets' number of tests, every cell and who is active,
then recomputes. Runs on SQLite (decimals stored as binary floats) and on PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massar.assessment import marks_math
from massar.assessment.computation import recompute_class
from massar.assessment.marks_math import ABSENT, Rule
from massar.assessment.models import MarkRow, PeriodResult, SubjectResult, SubjectStatistics
from massar.assessment.tests.builders import class_world, sheet_for
from massar.curriculum.models import AbsencePolicy, AssessmentRule, RoundingMode, SubjectAllocation
from massar.students.models import Enrolment, EnrolmentStatus

SUBJECTS = ("MATH", "FR", "PE")
PUPILS = 4
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def hundredths(low: int, high: int):
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def sheets(draw):
    """A rule, coefficients, and per semester × subject a number of tests and every cell."""
    scale = draw(st.sampled_from([10, 20]))
    rule = Rule(
        activities_weight=draw(hundredths(0, 100)),
        absence_policy=draw(st.sampled_from([AbsencePolicy.EXCLUDE, AbsencePolicy.ZERO])).value,
        # results are stored with 2 decimals, so a rule rounds to at most 2
        decimals=draw(st.integers(0, 2)),
        rounding=draw(st.sampled_from(list(RoundingMode))).value,
    )
    cell = st.one_of(st.none(), st.just(ABSENT), hundredths(0, scale * 100))
    coefficients = {code: draw(hundredths(0, 800)) for code in SUBJECTS}
    grid = {
        (semester, code): (
            draw(st.integers(1, 4)),
            [
                (draw(st.lists(cell, min_size=4, max_size=4)), draw(cell))
                for _pupil in range(PUPILS)
            ],
        )
        for semester in (1, 2)
        for code in SUBJECTS
    }
    active = draw(st.lists(st.booleans(), min_size=PUPILS, max_size=PUPILS))
    return scale, rule, coefficients, grid, active


@pytest.fixture
def world(cast):
    world = class_world(cast, pupils=PUPILS)
    world.sheets = {
        (semester, code): sheet_for(world, code, semester)
        for semester in (1, 2)
        for code in SUBJECTS
    }
    world.rows = {
        (semester, code): {row.enrolment_id: row for row in sheet.rows.all()}
        for (semester, code), sheet in world.sheets.items()
    }
    return world


def write(world, case) -> None:
    """Store an example: the rule, the coefficients, the sheets, who is active."""
    scale, rule, coefficients, grid, active = case
    school_class = world.school_class
    AssessmentRule.objects.filter(
        school_year=school_class.school_year, level=school_class.level, stream__isnull=True
    ).update(
        scale=scale,
        pass_threshold=Decimal(scale) / 2,
        activities_weight=rule.activities_weight,
        absence_policy=rule.absence_policy,
        decimals=rule.decimals,
        rounding=rule.rounding,
    )
    for code, coefficient in coefficients.items():
        SubjectAllocation.objects.filter(
            school_year=school_class.school_year, stream=school_class.stream, subject__code=code
        ).update(coefficient=coefficient)
    rows = []
    for key, (count, cells) in grid.items():
        sheet = world.sheets[key]
        sheet.test_count = count
        sheet.save(update_fields=["test_count"])
        for enrolment, (tests, activities) in zip(world.enrolments, cells, strict=True):
            row = world.rows[key][enrolment.pk]
            for number, value in enumerate(tests, start=1):
                setattr(row, f"test_{number}", None if value == ABSENT else value)
                setattr(row, f"absent_{number}", value == ABSENT)
            row.activities = None if activities == ABSENT else activities
            row.activities_absent = activities == ABSENT
            rows.append(row)
    fields = [f"test_{n}" for n in range(1, 5)] + [f"absent_{n}" for n in range(1, 5)]
    MarkRow.objects.bulk_update(rows, [*fields, "activities", "activities_absent"])
    for enrolment, is_active in zip(world.enrolments, active, strict=True):
        enrolment.status = EnrolmentStatus.REGISTERED if is_active else EnrolmentStatus.LEFT
    Enrolment.objects.bulk_update(world.enrolments, ["status"])


def expected(world, case) -> dict:
    """Every result, from ``marks_math``."""
    _scale, rule, coefficients, grid, active = case
    pupils = [e.pk for e, is_active in zip(world.enrolments, active, strict=True) if is_active]
    subject_ids = {code: world.subjects[code].pk for code in SUBJECTS}
    marks = {}
    for (semester, code), (count, cells) in grid.items():
        for enrolment, (tests, activities) in zip(world.enrolments, cells, strict=True):
            if enrolment.pk in pupils:
                marks[(enrolment.pk, code, semester)] = marks_math.subject_mark(
                    tests, activities, rule, test_count=count
                )
    for pupil in pupils:
        for code in SUBJECTS:
            marks[(pupil, code, 3)] = marks_math.year_mark(
                marks[(pupil, code, 1)], marks[(pupil, code, 2)], rule
            )
    averages = {
        (pupil, semester): marks_math.average(
            [(marks[(pupil, code, semester)], coefficients[code]) for code in SUBJECTS], rule
        )
        for pupil in pupils
        for semester in (1, 2)
    }
    for pupil in pupils:
        averages[(pupil, 3)] = marks_math.annual_average(
            averages[(pupil, 1)], averages[(pupil, 2)], rule
        )
    periods = {}
    for period in (1, 2, 3):
        of_period = {pupil: averages[(pupil, period)] for pupil in pupils}
        ranked = sum(1 for value in of_period.values() if value is not None)
        for pupil, rank in marks_math.ranks(of_period).items():
            periods[(pupil, period)] = (of_period[pupil], rank, ranked)
    stats = {}
    for code in SUBJECTS:
        for period in (1, 2, 3):
            found = marks_math.statistics([marks[(p, code, period)] for p in pupils], rule)
            if pupils:
                stats[(subject_ids[code], period)] = (
                    found.maximum,
                    found.mean,
                    found.minimum,
                    found.pupils,
                )
    return {
        "subjects": {
            (pupil, subject_ids[code], period): (value, coefficients[code])
            for (pupil, code, period), value in marks.items()
        },
        "periods": periods,
        "statistics": stats,
    }


def stored(world) -> dict:
    school_class = world.school_class
    return {
        "subjects": {
            (r.enrolment_id, r.subject_id, r.period): (r.mark, r.coefficient)
            for r in SubjectResult.objects.filter(school_class=school_class)
        },
        "periods": {
            (r.enrolment_id, r.period): (r.average, r.rank, r.ranked_pupils)
            for r in PeriodResult.objects.filter(school_class=school_class)
        },
        "statistics": {
            (r.subject_id, r.period): (r.maximum, r.mean, r.minimum, r.pupils)
            for r in SubjectStatistics.objects.filter(school_class=school_class)
        },
    }


@EXAMPLES
@given(case=sheets())
def test_sql_results_equal_the_reference_arithmetic(world, case):
    write(world, case)
    recompute_class(world.school_class)
    assert stored(world) == expected(world, case)


@EXAMPLES
@given(case=sheets())
def test_averages_and_marks_stay_within_the_scale(world, case):
    scale = case[0]
    write(world, case)
    recompute_class(world.school_class)
    values = list(
        SubjectResult.objects.filter(school_class=world.school_class).values_list("mark", flat=True)
    )
    values += list(
        PeriodResult.objects.filter(school_class=world.school_class).values_list(
            "average", flat=True
        )
    )
    assert all(0 <= value <= scale for value in values if value is not None)


@EXAMPLES
@given(
    case=sheets(),
    code=st.sampled_from(SUBJECTS),
    semester=st.sampled_from([1, 2]),
    more=hundredths(1, 800),
)
def test_raising_a_coefficient_never_moves_an_average_away_from_that_mark(
    world, case, code, semester, more
):
    write(world, case)
    recompute_class(world.school_class, semester=semester)
    before = dict(
        PeriodResult.objects.filter(school_class=world.school_class, period=semester).values_list(
            "enrolment_id", "average"
        )
    )
    SubjectAllocation.objects.filter(
        school_year=world.school_class.school_year,
        stream=world.school_class.stream,
        subject__code=code,
    ).update(coefficient=case[2][code] + more)
    recompute_class(world.school_class, semester=semester)
    after = dict(
        PeriodResult.objects.filter(school_class=world.school_class, period=semester).values_list(
            "enrolment_id", "average"
        )
    )
    marks = dict(
        SubjectResult.objects.filter(
            school_class=world.school_class, period=semester, subject=world.subjects[code]
        ).values_list("enrolment_id", "mark")
    )
    for pupil, mark in marks.items():
        if mark is None:
            assert after[pupil] == before[pupil]
            continue
        assert after[pupil] is not None
        if before[pupil] is not None:
            assert abs(after[pupil] - mark) <= abs(before[pupil] - mark)
            assert (after[pupil] - before[pupil]) * (mark - before[pupil]) >= 0
