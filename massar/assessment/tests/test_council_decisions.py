"""The rules' proposal of a year decision: pass at the threshold, repeat below it, end of
schooling at the repetition limit counted in the same cycle only, nothing without an average."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massar.assessment.decisions import proposals_for_class, propose, repetitions_in_cycle
from massar.assessment.models import CouncilDecision
from massar.assessment.tests.builders import class_world
from massar.assessment.tests.test_council_builders import (
    dec,
    open_year_council,
    past_enrolment,
    set_results,
)
from massar.curriculum.models import AssessmentRule
from massar.students.models import YearDecision

TEN = Decimal("10")


def test_an_average_exactly_at_the_threshold_passes():
    assert propose(average=dec("10.00"), threshold=TEN, repetitions=0, max_repetitions=1) == (
        YearDecision.PASS
    )


def test_an_average_just_below_the_threshold_repeats():
    assert propose(average=dec("9.99"), threshold=TEN, repetitions=0, max_repetitions=1) == (
        YearDecision.REPEAT
    )


def test_a_pupil_who_already_repeated_the_allowed_times_ends_schooling():
    assert propose(average=dec("9.99"), threshold=TEN, repetitions=1, max_repetitions=1) == (
        YearDecision.EXCLUDED
    )
    assert propose(average=dec("9.99"), threshold=TEN, repetitions=1, max_repetitions=2) == (
        YearDecision.REPEAT
    )


def test_a_passing_pupil_is_never_excluded_whatever_their_repetitions():
    assert propose(average=dec("15"), threshold=TEN, repetitions=3, max_repetitions=1) == (
        YearDecision.PASS
    )


def test_no_average_no_proposal():
    assert propose(average=None, threshold=TEN, repetitions=5, max_repetitions=1) == ""


averages = st.decimals(min_value=0, max_value=20, places=2, allow_nan=False)


@given(
    average=averages,
    threshold=st.decimals(min_value=0, max_value=20, places=2, allow_nan=False),
    repetitions=st.integers(min_value=0, max_value=4),
    max_repetitions=st.integers(min_value=0, max_value=3),
)
def test_the_proposal_follows_the_threshold_then_the_repetition_limit(
    average, threshold, repetitions, max_repetitions
):
    decision = propose(
        average=average,
        threshold=threshold,
        repetitions=repetitions,
        max_repetitions=max_repetitions,
    )
    if average >= threshold:
        assert decision == YearDecision.PASS
    elif repetitions >= max_repetitions:
        assert decision == YearDecision.EXCLUDED
    else:
        assert decision == YearDecision.REPEAT


@given(average=averages, extra=st.decimals(min_value=0, max_value=5, places=2))
def test_a_higher_average_never_gets_a_worse_proposal(average, extra):
    order = {YearDecision.EXCLUDED: 0, YearDecision.REPEAT: 1, YearDecision.PASS: 2}
    low = propose(average=average, threshold=TEN, repetitions=1, max_repetitions=1)
    high = propose(
        average=min(average + extra, Decimal(20)), threshold=TEN, repetitions=1, max_repetitions=1
    )
    assert order[high] >= order[low]


# --- a class --------------------------------------------------------------------------------


@pytest.fixture
def world(cast):
    """TCS-1 (school_a1, cycle upper secondary) with six pupils and a history of repeats:
    pupil 2 repeated TC in 2024/2025 (same cycle), pupil 3 repeated 2AC in 2022/2023 (the
    collège: another cycle), pupil 5 is repeating TC this year."""
    world = class_world(cast, pupils=6)
    pupils = world.enrolments
    past_enrolment(pupils[2], "TC", 2024, repeating=True)
    past_enrolment(pupils[2], "3AC", 2023, repeating=False)
    past_enrolment(pupils[3], "2AC", 2022, repeating=True)
    pupils[5].is_repeating = True
    pupils[5].save(update_fields=["is_repeating"])
    set_results(
        world,
        3,
        {
            pupils[0]: "10.00",
            pupils[1]: "9.99",
            pupils[2]: "9.50",
            pupils[3]: "8.00",
            pupils[4]: None,
            pupils[5]: "7.25",
        },
    )
    return world


def test_repetitions_are_counted_in_the_class_cycle_only(world):
    pupils = world.enrolments
    cycle = world.school_class.level.cycle_id
    counted = repetitions_in_cycle(student_ids=[e.student_id for e in pupils], cycle_id=cycle)
    assert counted == {pupils[2].student_id: 1, pupils[5].student_id: 1}


def test_a_class_gets_its_proposals_in_two_queries(world, django_assert_num_queries):
    pupils = world.enrolments
    world.school_class.level  # noqa: B018 - loaded by the access layer in real use
    world.school_class.level.cycle  # noqa: B018
    averages = {
        e.pk: dec(v) for e, v in zip(pupils, ["10", "9.99", "9.5", "8", None, "7.25"], strict=True)
    }
    with django_assert_num_queries(2):  # the rule, the repetitions
        proposals = proposals_for_class(
            world.school_class, pupils=[(e.pk, e.student_id) for e in pupils], averages=averages
        )
    assert [proposals[e.pk].decision for e in pupils] == [
        YearDecision.PASS,
        YearDecision.REPEAT,
        YearDecision.EXCLUDED,
        YearDecision.REPEAT,
        "",
        YearDecision.EXCLUDED,
    ]


def test_opening_the_year_council_records_each_proposal_as_the_first_decision(cast, world):
    council = open_year_council(cast, world)
    rows = {
        row.enrolment_id: (row.average, row.proposed, row.decision)
        for row in CouncilDecision.objects.filter(council=council)
    }
    pupils = world.enrolments
    assert rows == {
        pupils[0].pk: (dec("10.00"), "pass", "pass"),
        pupils[1].pk: (dec("9.99"), "repeat", "repeat"),
        pupils[2].pk: (dec("9.50"), "excluded", "excluded"),
        pupils[3].pk: (dec("8.00"), "repeat", "repeat"),
        pupils[4].pk: (None, "", ""),
        pupils[5].pk: (dec("7.25"), "excluded", "excluded"),
    }


def test_a_rule_allowing_two_repetitions_lets_a_pupil_repeat_again(cast, world):
    rule = AssessmentRule.objects.get(
        school_year=world.school_class.school_year, level=world.school_class.level, stream=None
    )
    rule.max_repetitions_in_cycle = 2
    rule.save()
    council = open_year_council(cast, world)
    proposed = dict(
        CouncilDecision.objects.filter(council=council).values_list("enrolment_id", "proposed")
    )
    assert proposed[world.enrolments[2].pk] == "repeat"
    assert proposed[world.enrolments[5].pk] == "repeat"


def test_a_threshold_of_the_rule_is_used_as_set(cast, world):
    rule = AssessmentRule.objects.get(
        school_year=world.school_class.school_year, level=world.school_class.level, stream=None
    )
    rule.pass_threshold = Decimal("9.99")
    rule.save()
    council = open_year_council(cast, world)
    proposed = dict(
        CouncilDecision.objects.filter(council=council).values_list("enrolment_id", "proposed")
    )
    assert proposed[world.enrolments[1].pk] == "pass"
