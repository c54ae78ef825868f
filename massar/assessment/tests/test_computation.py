"""Subject marks, averages, ranks and class statistics computed in SQL (``computation``), on
hand-computed cases. The arithmetic is written out above each assertion.

The class world is TCS-1 of school_a1 (rule of the TC level: marks out of 20, activities weight
0.25, 2 decimals, half up, an absent test left out); TCS coefficients: MATH 4, FR 4, PE 1.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from massar.assessment.computation import (
    recompute_all,
    recompute_class,
    recompute_establishment,
)
from massar.assessment.models import MarkSheet, PeriodResult, SubjectResult, SubjectStatistics
from massar.assessment.tests.builders import _world, class_world, fill_sheet, other_world, sheet_for
from massar.curriculum.models import AbsencePolicy, AssessmentRule, RoundingMode, SubjectAllocation
from massar.schooling.models import ClassPlacement
from massar.students.models import EnrolmentStatus

D = Decimal


def tc_rule(world) -> AssessmentRule:
    school_class = world.school_class
    return AssessmentRule.objects.get(
        school_year=school_class.school_year, level=school_class.level, stream__isnull=True
    )


def set_rule(world, **values) -> None:
    rule = tc_rule(world)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save(update_fields=list(values))


def marks(world, period: int) -> dict[tuple[int, str], Decimal | None]:
    """(pupil index, subject code) → mark of the world's class for ``period``."""
    index = {e.id: n for n, e in enumerate(world.enrolments)}
    rows = SubjectResult.objects.filter(school_class=world.school_class, period=period)
    return {(index[r.enrolment_id], r.subject.code): r.mark for r in rows.select_related("subject")}


def averages(world, period: int) -> dict[int, tuple]:
    """pupil index → (average, rank, ranked pupils)."""
    index = {e.id: n for n, e in enumerate(world.enrolments)}
    rows = PeriodResult.objects.filter(school_class=world.school_class, period=period)
    return {index[r.enrolment_id]: (r.average, r.rank, r.ranked_pupils) for r in rows}


def statistics(world, period: int) -> dict[str, tuple]:
    rows = SubjectStatistics.objects.filter(school_class=world.school_class, period=period)
    return {
        r.subject.code: (r.maximum, r.mean, r.minimum, r.pupils)
        for r in rows.select_related("subject")
    }


def snapshot(*school_classes) -> dict:
    """Every result of the classes, by natural key (ids left out)."""
    classes = [c.pk for c in school_classes]
    return {
        "subjects": {
            (r.enrolment_id, r.subject_id, r.period): (r.school_class_id, r.mark, r.coefficient)
            for r in SubjectResult.objects.filter(school_class_id__in=classes)
        },
        "periods": {
            (r.enrolment_id, r.period): (r.school_class_id, r.average, r.rank, r.ranked_pupils)
            for r in PeriodResult.objects.filter(school_class_id__in=classes)
        },
        "statistics": {
            (r.school_class_id, r.subject_id, r.period): (r.maximum, r.mean, r.minimum, r.pupils)
            for r in SubjectStatistics.objects.filter(school_class_id__in=classes)
        },
    }


def ids(world) -> list[int]:
    return [e.id for e in world.enrolments]


# --- subject marks ------------------------------------------------------------------------------


def test_subject_marks_weigh_activities_and_the_average_weighs_coefficients(cast):
    # Given a pupil's MATH, FR and PE marks of the first semester
    world = class_world(cast, pupils=1)
    [pupil] = ids(world)
    fill_sheet(sheet_for(world, "MATH", 1), {pupil: (12, 14, 16)})
    fill_sheet(sheet_for(world, "FR", 1), {pupil: (10, 11, 9)})
    fill_sheet(sheet_for(world, "PE", 1), {pupil: (18, 17, None)})

    # When the class is recomputed
    done = recompute_class(world.school_class)

    # Then MATH = 0.75 × (12 + 14) / 2 + 0.25 × 16 = 9.75 + 4 = 13.75
    # FR = 0.75 × 10.5 + 0.25 × 9 = 7.875 + 2.25 = 10.125 → 10.13 (half up)
    # PE (no activities) = (18 + 17) / 2 = 17.50
    assert marks(world, 1) == {
        (0, "MATH"): D("13.75"),
        (0, "FR"): D("10.13"),
        (0, "PE"): D("17.50"),
    }
    # and the average = (13.75 × 4 + 10.13 × 4 + 17.50 × 1) / 9 = 113.02 / 9 = 12.5577… → 12.56
    assert averages(world, 1) == {0: (D("12.56"), 1, 1)}
    assert [world.coefficient(code) for code in ("MATH", "FR", "PE")] == [4, 4, 1]
    # 3 subjects × (S1 + year) + averages of S1, S2, year + 3 × 2 statistics
    assert (done.subject_results, done.period_results, done.statistics) == (6, 3, 6)


def test_the_activities_weight_is_the_rules(cast):
    # Given a rule where activities weigh 0.40
    world = class_world(cast, pupils=1)
    [pupil] = ids(world)
    set_rule(world, activities_weight=D("0.40"))
    fill_sheet(sheet_for(world, "MATH", 1), {pupil: (12, 14, 16)})

    recompute_class(world.school_class, semester=1)

    # Then MATH = 0.60 × 13 + 0.40 × 16 = 7.8 + 6.4 = 14.20
    assert marks(world, 1) == {(0, "MATH"): D("14.20")}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            AbsencePolicy.EXCLUDE,
            [
                D("13.00"),  # ABS left out: 0.75 × 12 + 0.25 × 16 = 9 + 4
                D("13.00"),  # activities ABS left out: mean of tests (12 + 14) / 2
                D("8.50"),  # a real 0: 0.75 × (0 + 12) / 2 + 0.25 × 16 = 4.5 + 4
                None,  # both tests ABS, no activities: no mark
            ],
        ),
        (
            AbsencePolicy.ZERO,
            [
                D("8.50"),  # ABS counts 0: 0.75 × (0 + 12) / 2 + 4
                D("9.75"),  # activities ABS counts 0: 0.75 × 13 + 0.25 × 0
                D("8.50"),  # a real 0, as above
                D("0.00"),  # both tests ABS count 0
            ],
        ),
    ],
)
def test_an_absence_is_left_out_or_counts_zero_as_the_rule_says(cast, policy, expected):
    # Given absences (ABS) and a real 0
    world = class_world(cast, pupils=4)
    set_rule(world, absence_policy=policy)
    a, b, c, d = ids(world)
    fill_sheet(
        sheet_for(world, "MATH", 1),
        {a: ("ABS", 12, 16), b: (12, 14, "ABS"), c: (0, 12, 16), d: ("ABS", "ABS", None)},
    )

    recompute_class(world.school_class, semester=1)

    assert [marks(world, 1)[(n, "MATH")] for n in range(4)] == expected


def test_empty_cells_are_left_out_and_tests_beyond_the_sheet_do_not_count(cast):
    # Given a sheet of 2 tests with empty cells (and a stray 3rd test from an earlier count)
    world = class_world(cast, pupils=4)
    a, b, c, d = ids(world)
    sheet = sheet_for(world, "MATH", 1, test_count=2)
    fill_sheet(
        sheet,
        {
            a: (None, 12, None),  # one test, no activities
            b: (None, None, 15),  # activities only
            c: (None, None, None),  # nothing entered
            d: (12, 14, 20, None),  # test 3 is not on the sheet
        },
    )

    recompute_class(world.school_class, semester=1)

    # Then a = 12.00 (the test alone), b = 15.00 (the activities alone), c = no mark,
    # d = (12 + 14) / 2 = 13.00 (test 3 left out)
    assert [marks(world, 1)[(n, "MATH")] for n in range(4)] == [
        D("12.00"),
        D("15.00"),
        None,
        D("13.00"),
    ]
    # and the pupil without a mark has no average and no rank
    assert averages(world, 1)[2] == (None, None, 3)


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (RoundingMode.HALF_UP, [D("12.35"), D("12.36"), D("12.35")]),
        (RoundingMode.HALF_EVEN, [D("12.34"), D("12.36"), D("12.34")]),
        (RoundingMode.DOWN, [D("12.34"), D("12.35"), D("12.34")]),
    ],
)
def test_marks_round_the_rules_way_at_a_half(cast, rounding, expected):
    # Given means that fall exactly on a half of the last decimal
    world = class_world(cast, pupils=3)
    set_rule(world, rounding=rounding)
    a, b, c = ids(world)
    fill_sheet(sheet_for(world, "MATH", 1), {a: (12.34, 12.35, None), b: (12.35, 12.36, None)})
    fill_sheet(sheet_for(world, "FR", 1, test_count=3), {c: (12.34, 12.35, 12.36, 12.33)})

    recompute_class(world.school_class, semester=1)

    # a: (12.34 + 12.35) / 2 = 12.345; b: (12.35 + 12.36) / 2 = 12.355;
    # c: 0.75 × (37.05 / 3) + 0.25 × 12.33 = 9.2625 + 3.0825 = 12.345 (a binary float would
    # make 37.05 / 3 = 12.350000000000001 and miss the half)
    found = marks(world, 1)
    assert [found[(0, "MATH")], found[(1, "MATH")], found[(2, "FR")]] == expected


def test_the_average_rounds_the_rules_way(cast):
    # Given MATH (coefficient 4) 12.00 and PE (coefficient 1) 12.45
    world = class_world(cast, pupils=1)
    [pupil] = ids(world)
    set_rule(world, rounding=RoundingMode.HALF_EVEN, decimals=1)
    fill_sheet(sheet_for(world, "MATH", 1), {pupil: (12, 12, None)})
    fill_sheet(sheet_for(world, "PE", 1), {pupil: (12.4, 12.5, None)})

    recompute_class(world.school_class, semester=1)

    # Then PE = 12.45 → 12.4 (1 decimal, half to even);
    # the average = (12.0 × 4 + 12.4 × 1) / 5 = 60.4 / 5 = 12.08 → 12.1
    assert marks(world, 1) == {(0, "MATH"): D("12.00"), (0, "PE"): D("12.40")}
    assert averages(world, 1)[0][0] == D("12.10")


def test_marks_out_of_10(cast):
    # Given a 5th-year primary class (marks out of 10; MATH coefficient 3, AR 3, FR 2)
    world = _world(cast.school_b1, "5AP-G", "5AP-1", 2)
    rule = tc_rule(world)
    assert (rule.scale, rule.pass_threshold) == (10, D("5.00"))
    a, b = ids(world)
    fill_sheet(sheet_for(world, "MATH", 1), {a: (7.5, 8, 9), b: (4, 5, 6)})
    fill_sheet(sheet_for(world, "AR", 1), {a: (10, 10, 10), b: (3, "ABS", None)})
    fill_sheet(sheet_for(world, "FR", 1), {a: (6, 7, None), b: (5.5, 5, 5)})

    recompute_class(world.school_class, semester=1)

    # a: MATH = 0.75 × 7.75 + 0.25 × 9 = 5.8125 + 2.25 = 8.0625 → 8.06; AR = 10.00;
    #    FR = 6.50; average = (8.06 × 3 + 10 × 3 + 6.5 × 2) / 8 = 67.18 / 8 = 8.3975 → 8.40
    # b: MATH = 0.75 × 4.5 + 0.25 × 6 = 3.375 + 1.5 = 4.875 → 4.88; AR = 3.00 (ABS left out);
    #    FR = 0.75 × 5.25 + 0.25 × 5 = 3.9375 + 1.25 = 5.1875 → 5.19;
    #    average = (4.88 × 3 + 3 × 3 + 5.19 × 2) / 8 = 34.02 / 8 = 4.2525 → 4.25
    assert marks(world, 1) == {
        (0, "MATH"): D("8.06"),
        (0, "AR"): D("10.00"),
        (0, "FR"): D("6.50"),
        (1, "MATH"): D("4.88"),
        (1, "AR"): D("3.00"),
        (1, "FR"): D("5.19"),
    }
    assert averages(world, 1) == {0: (D("8.40"), 1, 2), 1: (D("4.25"), 2, 2)}


def test_a_subject_of_coefficient_0_is_left_out_of_the_average(cast):
    world = class_world(cast, pupils=1)
    [pupil] = ids(world)
    SubjectAllocation.objects.filter(
        school_year=world.school_class.school_year,
        stream=world.school_class.stream,
        subject__code="PE",
    ).update(coefficient=0)
    fill_sheet(sheet_for(world, "MATH", 1), {pupil: (12, 12, None)})
    fill_sheet(sheet_for(world, "PE", 1), {pupil: (20, 20, None)})

    recompute_class(world.school_class, semester=1)

    # Then the average is MATH's alone: 12.00 × 4 / 4 (PE 20.00 × 0 is left out, not averaged)
    assert marks(world, 1) == {(0, "MATH"): D("12.00"), (0, "PE"): D("20.00")}
    assert averages(world, 1)[0][0] == D("12.00")


def test_a_rule_of_the_stream_overrides_the_levels(cast):
    world = class_world(cast, pupils=1)
    [pupil] = ids(world)
    level_rule = tc_rule(world)
    AssessmentRule.objects.create(
        school_year=level_rule.school_year,
        level=level_rule.level,
        stream=world.school_class.stream,
        activities_weight=D("0.50"),
    )
    fill_sheet(sheet_for(world, "MATH", 1), {pupil: (12, 14, 16)})

    recompute_class(world.school_class, semester=1)

    # Then MATH = 0.5 × 13 + 0.5 × 16 = 14.50 (the level's 0.25 would give 13.75)
    assert marks(world, 1) == {(0, "MATH"): D("14.50")}


# --- the year -----------------------------------------------------------------------------------


def test_the_year_is_the_mean_of_the_semesters(cast):
    # Given two pupils; the first has both semesters, the second only the first
    world = class_world(cast, pupils=2)
    a, b = ids(world)
    fill_sheet(sheet_for(world, "MATH", 1), {a: (12, 14, 16), b: (10, 10, None)})
    fill_sheet(sheet_for(world, "FR", 1), {a: (10, 11, 9), b: (10, 10, None)})
    fill_sheet(sheet_for(world, "MATH", 2), {a: (15, 15, 15)})
    sheet_for(world, "FR", 2)  # FR of S2: empty sheet

    recompute_class(world.school_class)

    # a: S1 MATH 13.75, FR 10.13 → average (55 + 40.52) / 8 = 11.94
    #    S2 MATH 15.00, FR none → average 15.00 (FR left out)
    assert averages(world, 1)[0][0] == D("11.94")
    assert averages(world, 2)[0][0] == D("15.00")
    # year MATH = (13.75 + 15.00) / 2 = 14.375 → 14.38; year FR = 10.13 (S1 only)
    year = marks(world, 3)
    assert (year[(0, "MATH")], year[(0, "FR")]) == (D("14.38"), D("10.13"))
    # annual average = (11.94 + 15.00) / 2 = 13.47 (not the average of the year marks, 12.26)
    # b has no S2 average, so no annual average and no rank
    assert averages(world, 3) == {0: (D("13.47"), 1, 1), 1: (None, None, 1)}
    assert (year[(1, "MATH")], year[(1, "FR")]) == (D("10.00"), D("10.00"))


def test_recomputing_a_semester_keeps_the_other_and_updates_the_year(cast):
    world = class_world(cast, pupils=1)
    [pupil] = ids(world)
    first = sheet_for(world, "MATH", 1)
    second = sheet_for(world, "MATH", 2)
    fill_sheet(first, {pupil: (10, 10, None)})
    fill_sheet(second, {pupil: (14, 14, None)})
    recompute_class(world.school_class)

    # When S2 marks change and only S1 is recomputed
    fill_sheet(first, {pupil: (12, 12, None)})
    fill_sheet(second, {pupil: (20, 20, None)})
    recompute_class(world.school_class, semester=1)

    # Then S1 is new, S2 is as computed before, the year from both: (12 + 14) / 2 = 13
    assert averages(world, 1)[0][0] == D("12.00")
    assert averages(world, 2)[0][0] == D("14.00")
    assert averages(world, 3)[0][0] == D("13.00")
    assert marks(world, 3) == {(0, "MATH"): D("13.00")}

    # and once S2 is recomputed: (12 + 20) / 2 = 16
    recompute_class(world.school_class, semester=2)
    assert averages(world, 3)[0][0] == D("16.00")


# --- ranks and statistics -----------------------------------------------------------------------


def test_ranks_share_ties_skip_the_next_and_leave_out_pupils_without_average(cast):
    world = class_world(cast, pupils=5)
    a, b, c, d, e = ids(world)
    fill_sheet(
        sheet_for(world, "MATH", 1),
        {
            a: (15, 15, None),
            b: (14, 16, None),
            c: (12, 12, None),
            d: (None, None, None),
            e: (9, 9, None),
        },
    )

    recompute_class(world.school_class, semester=1)

    # Averages 15, 15, 12, none, 9 → ranks 1, 1, 3, none, 4; 4 pupils ranked
    assert averages(world, 1) == {
        0: (D("15.00"), 1, 4),
        1: (D("15.00"), 1, 4),
        2: (D("12.00"), 3, 4),
        3: (None, None, 4),
        4: (D("9.00"), 4, 4),
    }


def test_class_statistics_of_each_subject(cast):
    world = class_world(cast, pupils=5)
    a, b, c, _d, e = ids(world)
    fill_sheet(
        sheet_for(world, "MATH", 1),
        {a: (15, 15, None), b: (15, 15, None), c: (12, 12, None), e: (9, 9, None)},
    )
    fill_sheet(sheet_for(world, "FR", 1), {a: (10, 10, None), b: (10, 10, None), c: (11, 11, None)})

    recompute_class(world.school_class, semester=1)

    # MATH: highest 15, mean (15 + 15 + 12 + 9) / 4 = 12.75, lowest 9, 4 pupils marked (d none)
    # FR: mean (10 + 10 + 11) / 3 = 10.333… → 10.33
    assert statistics(world, 1) == {
        "MATH": (D("15.00"), D("12.75"), D("9.00"), 4),
        "FR": (D("11.00"), D("10.33"), D("10.00"), 3),
    }
    # the year's are those of the year marks (here equal to S1's)
    assert statistics(world, 3) == statistics(world, 1)


# --- who counts, what is replaced, what is left alone -------------------------------------------


def test_only_active_enrolments_count(cast):
    world = class_world(cast, pupils=3)
    a, b, c = ids(world)
    fill_sheet(
        sheet_for(world, "MATH", 1), {a: (10, 10, None), b: (20, 20, None), c: (12, 12, None)}
    )
    recompute_class(world.school_class, semester=1)
    assert len(averages(world, 1)) == 3

    # When the second pupil leaves the school
    world.enrolments[1].status = EnrolmentStatus.LEFT
    world.enrolments[1].save(update_fields=["status"])
    done = recompute_class(world.school_class, semester=1)

    # Then their results are gone and the others are ranked without them
    assert averages(world, 1) == {0: (D("10.00"), 2, 2), 2: (D("12.00"), 1, 2)}
    assert set(marks(world, 1)) == {(0, "MATH"), (2, "MATH")}
    assert statistics(world, 1)["MATH"] == (D("12.00"), D("11.00"), D("10.00"), 2)
    # the leaver's S1 and year marks, S1 and year averages: deleted
    assert done.deleted == 4


def test_a_removed_sheet_and_a_moved_pupil_leave_no_result_behind(cast):
    world = class_world(cast, pupils=2)
    a, b = ids(world)
    math = sheet_for(world, "MATH", 1)
    fill_sheet(math, {a: (10, 10, None), b: (12, 12, None)})
    fill_sheet(sheet_for(world, "FR", 1), {a: (14, 14, None), b: (16, 16, None)})
    recompute_class(world.school_class)
    other = _world(cast.school_a1, "TCLSH", "TCLSH-1", 1)

    # When the FR sheet is removed and the second pupil moves to TCLSH-1
    MarkSheet.objects.filter(school_class=world.school_class, subject__code="FR").delete()
    ClassPlacement.objects.filter(enrolment_id=b).update(school_class=other.school_class)
    recompute_class(world.school_class)

    # Then TCS-1 has MATH of its one pupil, and no FR statistics
    assert marks(world, 1) == {(0, "MATH"): D("10.00")}
    assert set(statistics(world, 1)) == {"MATH"}
    assert not SubjectResult.objects.filter(enrolment_id=b).exists()
    assert averages(world, 1) == {0: (D("10.00"), 1, 1)}


def test_a_class_takes_over_the_results_its_pupils_had_in_another(cast):
    world = class_world(cast, pupils=1)
    [pupil] = ids(world)
    fill_sheet(sheet_for(world, "MATH", 1), {pupil: (10, 10, None)})
    recompute_class(world.school_class)
    other = _world(cast.school_a1, "TCLSH", "TCLSH-1", 1)

    # When the pupil moves to TCLSH-1 (no sheet there yet) and that class is recomputed
    ClassPlacement.objects.filter(enrolment_id=pupil).update(school_class=other.school_class)
    recompute_class(other.school_class)

    # Then the results are in TCLSH-1 only: no subject result, averages without a mark
    assert not SubjectResult.objects.filter(enrolment_id=pupil).exists()
    assert set(
        PeriodResult.objects.filter(enrolment_id=pupil).values_list("school_class", "average")
    ) == {(other.school_class.pk, None)}


def test_a_class_without_rule_gets_no_results(cast):
    world = class_world(cast, pupils=1)
    [pupil] = ids(world)
    fill_sheet(sheet_for(world, "MATH", 1), {pupil: (10, 10, None)})
    recompute_class(world.school_class)
    assert SubjectResult.objects.filter(school_class=world.school_class).exists()

    AssessmentRule.objects.filter(level=world.school_class.level).delete()
    recompute_class(world.school_class)

    assert snapshot(world.school_class) == {"subjects": {}, "periods": {}, "statistics": {}}


def test_recomputing_leaves_the_other_schools_class_untouched(cast):
    # Given both schools' classes computed
    world = class_world(cast, pupils=2)
    other = other_world(cast, pupils=2)
    for w in (world, other):
        fill_sheet(sheet_for(w, "MATH", 1), dict.fromkeys(ids(w), (10, 12, 14)))
    recompute_class(world.school_class)
    recompute_class(other.school_class)
    before = snapshot(other.school_class)
    rows = set(SubjectResult.objects.filter(school_class=other.school_class).values_list("pk"))

    # When this class's marks change and it is recomputed, then its whole school
    fill_sheet(sheet_for(world, "MATH", 1), dict.fromkeys(ids(world), (20, 20, 20)))
    recompute_class(world.school_class)
    recompute_establishment(world.establishment, world.school_class.school_year)

    # Then the other school's results are the same rows with the same values
    assert marks(world, 1)[(0, "MATH")] == D("20.00")
    assert snapshot(other.school_class) == before
    assert (
        set(SubjectResult.objects.filter(school_class=other.school_class).values_list("pk")) == rows
    )


def test_recompute_establishment_and_all_equal_recompute_class_per_class(cast):
    # Given two classes of school_a1 with marks in both semesters
    first = class_world(cast, pupils=3)
    second = _world(cast.school_a1, "TCLSH", "TCLSH-1", 3)
    for w, base in ((first, 8), (second, 11)):
        for semester in (1, 2):
            for offset, code in enumerate(("MATH", "FR")):
                fill_sheet(
                    sheet_for(w, code, semester),
                    {
                        e: (base + n + offset, base + semester, "ABS" if n == 1 else 12)
                        for n, e in enumerate(ids(w))
                    },
                )
    year = first.school_class.school_year

    # When computed per class, by establishment and for the country
    recompute_class(first.school_class)
    recompute_class(second.school_class)
    per_class = snapshot(first.school_class, second.school_class)
    SubjectResult.objects.all().delete()
    PeriodResult.objects.all().delete()
    SubjectStatistics.objects.all().delete()
    recompute_establishment(cast.school_a1, year)
    by_school = snapshot(first.school_class, second.school_class)
    recompute_all(year, semester=2)
    by_country = snapshot(first.school_class, second.school_class)

    # Then all three are the same
    assert per_class == by_school == by_country
    assert len(per_class["subjects"]) == 2 * 3 * 2 * 3  # classes × pupils × subjects × periods
    assert len(per_class["periods"]) == 2 * 3 * 3


def test_recomputing_again_writes_only_what_changed(cast):
    world = class_world(cast, pupils=3)
    a, b, c = ids(world)
    sheet = sheet_for(world, "MATH", 1)
    fill_sheet(sheet, {a: (10, 10, None), b: (12, 12, None), c: (14, 14, None)})
    recompute_class(world.school_class, semester=1)
    assert recompute_class(world.school_class, semester=1).rows == 0

    # When one mark changes: a's 10 → 16 puts them first
    fill_sheet(sheet, {a: (16, 16, None)})
    done = recompute_class(world.school_class, semester=1)

    # Then a's S1 and year marks, the three pupils' S1 averages or ranks (a: 10 → 16, rank
    # 3 → 1; b: rank 2 → 3; c: rank 1 → 2; no annual average without S2: unchanged), and the
    # S1 and year statistics of MATH are written, nothing else
    assert (done.subject_results, done.period_results, done.statistics) == (2, 3, 2)
    assert averages(world, 1) == {
        0: (D("16.00"), 1, 3),
        1: (D("12.00"), 3, 3),
        2: (D("14.00"), 2, 3),
    }


def test_a_class_is_recomputed_in_the_same_number_of_queries_whatever_its_size(cast):
    small = class_world(cast, pupils=2)
    large = _world(cast.school_a1, "TCLSH", "TCLSH-1", 12)
    for w in (small, large):
        fill_sheet(sheet_for(w, "MATH", 1), dict.fromkeys(ids(w), (10, 12, 14)))

    counts = []
    for w in (small, large):
        with CaptureQueriesContext(connection) as queries:
            recompute_class(w.school_class)
        counts.append(len(queries))

    # the rule, then 12 statements (+ on PostgreSQL: SET jit, the class's lock), whatever the
    # size (+ the savepoint of the test's transaction)
    assert counts[0] == counts[1] <= 17


def test_a_semester_is_1_or_2(cast):
    world = class_world(cast, pupils=1)
    with pytest.raises(ValueError, match="semester"):
        recompute_class(world.school_class, semester=3)
