"""The 2025/2026 curriculum loaded by the data migration, and the reads over it."""

from decimal import Decimal

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError

from massar.curriculum.data import y2025
from massar.curriculum.models import (
    AssessmentRule,
    ExamRule,
    Level,
    MentionBand,
    Stream,
    Subject,
    SubjectAllocation,
)
from massar.curriculum.reference import load_curriculum
from massar.curriculum.selectors import (
    allocations_for,
    assessment_rule_for,
    levels_with_streams,
    mention_for,
)
from massar.territory.models import SchoolYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return SchoolYear.objects.get(code="2025-2026")


def test_levels_run_from_preschool_to_the_baccalaureate_in_order():
    assert list(Level.objects.values_list("code", flat=True)) == [
        "PS1", "PS2", "1AP", "2AP", "3AP", "4AP", "5AP", "6AP",
        "1AC", "2AC", "3AC", "TC", "1BAC", "2BAC",
    ]  # fmt: skip


def test_every_level_has_a_stream_and_every_stream_has_subjects(year):
    for level in levels_with_streams():
        assert level.streams.all(), level.code
    for stream in Stream.objects.all():
        assert allocations_for(school_year=year, stream=stream).exists(), stream.code


def test_tronc_commun_has_its_four_streams():
    assert set(Stream.objects.filter(level__code="TC").values_list("code", flat=True)) == {
        "TCS", "TCLSH", "TCT", "TCO",
    }  # fmt: skip


def test_second_bac_has_the_streams_of_the_domain_reference():
    assert Stream.objects.filter(level__code="2BAC").count() == 14


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        ("2BAC-PC", {"MATH": 7, "PC": 7, "SVT": 5, "EN": 2, "PHILO": 2}),
        ("2BAC-SVT", {"MATH": 7, "PC": 5, "SVT": 7, "EN": 2, "PHILO": 2}),
        ("2BAC-SMA", {"MATH": 9, "PC": 7, "SVT": 3}),
    ],
)
def test_bac_coefficients_are_those_of_the_domain_reference(year, stream, expected):
    allocations = allocations_for(school_year=year, stream=Stream.objects.get(code=stream))
    coefficients = {a.subject.code: a.coefficient for a in allocations}
    for subject, coefficient in expected.items():
        assert coefficients[subject] == Decimal(coefficient)


def test_college_has_the_conduct_pseudo_subject_with_coefficient_one(year):
    allocation = SubjectAllocation.objects.get(
        school_year=year, stream__code="3AC-G", subject__is_conduct=True
    )
    assert allocation.subject.code == "COND"
    assert allocation.coefficient == Decimal(1)


def test_weekly_hours_are_plausible(year):
    for stream in Stream.objects.all():
        hours = sum(a.weekly_hours for a in allocations_for(school_year=year, stream=stream))
        assert Decimal(15) <= hours <= Decimal(40), (stream.code, hours)


def test_assessment_rules_follow_the_cycle(year):
    primary = assessment_rule_for(school_year=year, level=Level.objects.get(code="4AP"))
    secondary = assessment_rule_for(school_year=year, level=Level.objects.get(code="2BAC"))
    assert (primary.scale, primary.pass_threshold) == (10, Decimal(5))
    assert (secondary.scale, secondary.pass_threshold) == (20, Decimal(10))
    assert secondary.activities_weight == Decimal("0.25")
    for rule in AssessmentRule.objects.all():
        rule.full_clean()


@pytest.mark.parametrize(
    ("average", "mention"),
    [("9.99", None), ("10", "passable"), ("11.99", "passable"), ("12", "assez_bien"),
     ("15.5", "bien"), ("16.5", "tres_bien"), ("20", "tres_bien")],
)  # fmt: skip
def test_mentions(year, average, mention):
    band = mention_for(school_year=year, average=Decimal(average))
    assert (band.code if band else None) == mention


def test_exam_rule_has_the_bac_formula(year):
    rule = ExamRule.objects.get(school_year=year)
    assert (rule.bac_continuous_weight, rule.bac_regional_weight, rule.bac_national_weight) == (
        Decimal("0.25"), Decimal("0.25"), Decimal("0.50"),
    )  # fmt: skip
    assert rule.bac_resit_min_average == Decimal(7)
    rule.full_clean()


def test_exam_weights_that_do_not_add_up_to_one_are_refused(year):
    rule = ExamRule.objects.get(school_year=year)
    rule.bac_national_weight = Decimal("0.60")
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "bac_national_weight" in error.value.message_dict


def test_loading_again_changes_nothing(year):
    models = (Level, Stream, Subject, SubjectAllocation, AssessmentRule, MentionBand, ExamRule)
    before = [m.objects.count() for m in models]
    load_curriculum(global_apps, y2025)
    assert [m.objects.count() for m in models] == before


def test_an_edited_value_is_kept_by_a_new_load(year):
    allocation = SubjectAllocation.objects.get(
        school_year=year, stream__code="2BAC-PC", subject__code="PC"
    )
    allocation.coefficient = Decimal(8)
    allocation.save(update_fields=["coefficient"])
    load_curriculum(global_apps, y2025)
    allocation.refresh_from_db()
    assert allocation.coefficient == Decimal(8)
