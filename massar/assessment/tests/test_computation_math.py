"""The reference arithmetic of marks (``marks_math``), without a database: hand cases and
invariants."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massar.assessment import marks_math
from massar.assessment.marks_math import (
    ABSENT,
    DOWN,
    EXCLUDE,
    HALF_EVEN,
    HALF_UP,
    ZERO,
    Rule,
    average,
    ranks,
    round_value,
    statistics,
    subject_mark,
)
from massar.assessment.rules import round_mark

D = Decimal
RULE = Rule()  # weight 0.25, absent left out, 2 decimals, half up

roundings = st.sampled_from([HALF_UP, HALF_EVEN, DOWN])
rules = st.builds(
    Rule,
    activities_weight=st.integers(0, 100).map(lambda n: Decimal(n).scaleb(-2)),
    absence_policy=st.sampled_from([EXCLUDE, ZERO]),
    decimals=st.integers(0, 3),
    rounding=roundings,
)


def mark(scale: int = 20):
    return st.integers(0, scale * 100).map(lambda n: Decimal(n).scaleb(-2))


def cell(scale: int = 20):
    return st.one_of(st.none(), st.just(ABSENT), mark(scale))


@settings(max_examples=300)
@given(value=st.integers(0, 2_000_000).map(lambda n: Decimal(n).scaleb(-5)), rule=rules)
def test_rounding_equals_the_rules_rounding_of_a_decimal(value, rule):
    assert round_value(value, rule) == round_mark(value, rule)


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (HALF_UP, ["12.35", "12.36", "0"]),
        (HALF_EVEN, ["12.34", "12.36", "0"]),
        (DOWN, ["12.34", "12.35", "0"]),
    ],
)
def test_rounding_at_a_half(rounding, expected):
    rule = Rule(rounding=rounding)
    # 12.345, 12.355 and 1/3 × 0 + … : exact fractions, so the half is really a half
    values = [Fraction(12345, 1000), Fraction(12355, 1000), Fraction(0)]
    assert [round_value(v, rule) for v in values] == [D(e).quantize(D("0.01")) for e in expected]


def test_subject_mark_hand_cases():
    # 0.75 × (12 + 14) / 2 + 0.25 × 16 = 13.75
    assert subject_mark([D(12), D(14)], D(16), RULE, test_count=2) == D("13.75")
    # ABS left out: 0.75 × 12 + 0.25 × 16 = 13.00; counted 0: 0.75 × 6 + 4 = 8.50
    assert subject_mark([ABSENT, D(12)], D(16), RULE, test_count=2) == D("13.00")
    zero = Rule(absence_policy=ZERO)
    assert subject_mark([ABSENT, D(12)], D(16), zero, test_count=2) == D("8.50")
    # activities ABS: left out (mean of tests) or 0 (0.75 × 13)
    assert subject_mark([D(12), D(14)], ABSENT, RULE, test_count=2) == D("13.00")
    assert subject_mark([D(12), D(14)], ABSENT, zero, test_count=2) == D("9.75")
    # empty cells; tests beyond the sheet; activities alone; nothing
    assert subject_mark([None, D(12)], None, RULE, test_count=2) == D("12.00")
    assert subject_mark([D(12), D(14), D(20)], None, RULE, test_count=2) == D("13.00")
    assert subject_mark([None, None], D(15), RULE, test_count=2) == D("15.00")
    assert subject_mark([ABSENT, None], None, RULE, test_count=2) is None
    # 0.75 × 37.05 / 3 + 0.25 × 12.33 = 12.345 exactly → 12.35 half up, 12.34 half to even
    tests = [D("12.34"), D("12.35"), D("12.36")]
    assert subject_mark(tests, D("12.33"), RULE, test_count=3) == D("12.35")
    even = Rule(rounding=HALF_EVEN)
    assert subject_mark(tests, D("12.33"), even, test_count=3) == D("12.34")


def test_averages_ranks_and_statistics_hand_cases():
    # (13.75 × 4 + 10.13 × 4 + 17.5 × 1) / 9 = 12.5577… → 12.56; coefficient 0 and no mark out
    pairs = [(D("13.75"), D(4)), (D("10.13"), D(4)), (D("17.5"), D(1)), (D(20), D(0)), (None, D(3))]
    assert average(pairs, RULE) == D("12.56")
    assert average([(None, D(4))], RULE) is None
    # (11.94 + 15) / 2 = 13.47; one semester only: none
    assert marks_math.annual_average(D("11.94"), D(15), RULE) == D("13.47")
    assert marks_math.annual_average(D("11.94"), None, RULE) is None
    assert marks_math.year_mark(D("13.75"), D(15), RULE) == D("14.38")
    assert marks_math.year_mark(None, D("10.13"), RULE) == D("10.13")
    assert ranks({"a": D(15), "b": D(15), "c": D(12), "d": None, "e": D(9)}) == {
        "a": 1,
        "b": 1,
        "c": 3,
        "d": None,
        "e": 4,
    }
    assert statistics([D(15), D(15), D(12), None, D(9)], RULE) == marks_math.Statistics(
        D(15), D("12.75"), D(9), 4
    )


@settings(max_examples=300)
@given(
    scale=st.sampled_from([10, 20]),
    rule=rules,
    data=st.data(),
)
def test_marks_and_averages_stay_within_the_scale(scale, rule, data):
    subjects = data.draw(
        st.lists(
            st.tuples(
                st.lists(cell(scale), min_size=4, max_size=4),
                cell(scale),
                st.integers(1, 4),
                st.integers(0, 2000).map(lambda n: Decimal(n).scaleb(-2)),
            ),
            min_size=1,
            max_size=8,
        )
    )
    marks = [
        (subject_mark(tests, activities, rule, test_count=count), coefficient)
        for tests, activities, count, coefficient in subjects
    ]
    for value, _coefficient in marks:
        assert value is None or 0 <= value <= scale
    result = average(marks, rule)
    assert result is None or 0 <= result <= scale


@settings(max_examples=300)
@given(
    rule=rules,
    marks=st.lists(
        st.tuples(mark(), st.integers(1, 2000).map(lambda n: D(n).scaleb(-2))),
        min_size=2,
        max_size=8,
    ),
    which=st.integers(0, 7),
    more=st.integers(1, 1000).map(lambda n: D(n).scaleb(-2)),
)
def test_raising_a_coefficient_moves_the_average_toward_that_mark(rule, marks, which, more):
    which %= len(marks)
    marks = [(round_value(value, rule), coefficient) for value, coefficient in marks]
    before = average(marks, rule)
    raised = list(marks)
    raised[which] = (marks[which][0], marks[which][1] + more)
    after = average(raised, rule)
    target = marks[which][0]
    # never farther from the subject's mark (and on the same side, rounding being monotone)
    assert abs(after - target) <= abs(before - target)
    assert (after - before) * (target - before) >= 0


@given(averages=st.dictionaries(st.integers(0, 50), st.one_of(st.none(), mark()), max_size=12))
def test_a_rank_is_one_more_than_the_pupils_above(averages):
    found = ranks(averages)
    for key, value in averages.items():
        above = sum(
            1
            for other in averages.values()
            if other is not None and value is not None and other > value
        )
        assert found[key] == (None if value is None else above + 1)
