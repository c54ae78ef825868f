"""The content of report cards: a hand-checked card, the year's card, the order of pupils, and a
fixed number of queries whatever the size of the school."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massar.assessment.models import (
    ClassCouncil,
    CouncilDecision,
    CouncilStatus,
    MarkRow,
    PeriodResult,
    SubjectResult,
    SubjectStatistics,
)
from massar.assessment.reportcards.content import build_contents, coefficient_text, mark_text
from massar.curriculum.models import Stream
from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import SchoolClassFactory, enrol_pupils

from .builders import class_world, fill_sheet, sheet_for

pytestmark = pytest.mark.django_db

TCS_SUBJECTS = ["AR", "FR", "EN", "ISL", "PHILO", "PE", "HG", "MATH", "PC", "SVT", "INFO"]


def subject_result(world, enrolment, code, period, mark):
    return SubjectResult.objects.create(
        establishment=world.establishment,
        school_year=world.school_class.school_year,
        school_class=world.school_class,
        enrolment=enrolment,
        subject=world.subjects[code],
        period=period,
        mark=None if mark is None else Decimal(mark),
        coefficient=world.coefficient(code),
    )


def period_result(world, enrolment, period, average, rank, ranked):
    return PeriodResult.objects.create(
        establishment=world.establishment,
        school_year=world.school_class.school_year,
        school_class=world.school_class,
        enrolment=enrolment,
        period=period,
        average=None if average is None else Decimal(average),
        rank=rank,
        ranked_pupils=ranked,
    )


def statistics(world, code, period, high, mean, low, pupils=2):
    return SubjectStatistics.objects.create(
        establishment=world.establishment,
        school_class=world.school_class,
        subject=world.subjects[code],
        period=period,
        maximum=Decimal(high),
        mean=Decimal(mean),
        minimum=Decimal(low),
        pupils=pupils,
    )


def council(world, period, rows, *, status=CouncilStatus.VALIDATED):
    found = ClassCouncil.objects.create(
        establishment=world.establishment,
        school_year=world.school_class.school_year,
        school_class=world.school_class,
        period=period,
        held_on=date(2026, 1, 28),
        status=status,
    )
    for enrolment, values in rows.items():
        CouncilDecision.objects.create(council=found, enrolment=enrolment, **values)
    return found


@pytest.fixture
def world(cast):
    """TCS-1 with three pupils; semester 1: mathematics (2 tests) and French (3 tests)."""
    world = class_world(cast, pupils=3)
    first, second, _third = world.enrolments
    math = sheet_for(world, "MATH", 1, test_count=2)
    fill_sheet(math, {first.pk: (12, 14, 16), second.pk: ("ABS", 10, 12.5)})
    MarkRow.objects.filter(sheet=math, enrolment=first).update(appreciation="Très bon travail")
    french = sheet_for(world, "FR", 1, test_count=3)
    fill_sheet(french, {first.pk: (10, 11, 9.5, "ABS")})
    subject_result(world, first, "MATH", 1, "13.75")
    subject_result(world, first, "FR", 1, "10.17")
    subject_result(world, second, "MATH", 1, "11.13")
    period_result(world, first, 1, "11.96", 1, 2)
    period_result(world, second, 1, "11.13", 2, 2)
    period_result(world, _third, 1, None, None, 2)
    statistics(world, "MATH", 1, "13.75", "12.44", "11.13")
    council(
        world,
        1,
        {first: {"appreciation": "honour_roll", "remark": "Bon semestre"}},
    )
    return world


def card_of(cards, enrolment):
    (found,) = [card for card in cards if card.enrolment_id == enrolment.pk]
    return found


def test_a_semester_card_says_what_the_marks_and_results_say(world, cast):
    first = world.enrolments[0]
    student = first.student
    year = world.school_class.school_year
    cards = build_contents(establishment=cast.school_a1, school_year=year, period=1)

    card = card_of(cards, first)
    assert (card.student_id, card.school_class_id) == (student.pk, world.school_class.pk)
    assert (card.average, card.rank, card.decision) == (Decimal("11.96"), 1, "")
    content = card.content
    assert {key: content[key] for key in content if key != "subjects"} == {
        "version": 1,
        "period": 1,
        "school_year": {"code": year.code, "label": year.label},
        "establishment": {
            "code": "11565V",
            "name": {"ar": "ثانوية مولاي يوسف", "fr": "Lycée Moulay Youssef"},
            "commune": {"ar": "الرباط أكدال", "fr": "Rabat-Agdal"},
        },
        "academy": {
            "code": "04",
            "name": {"ar": cast.academy_a.name_ar, "fr": cast.academy_a.name_fr},
        },
        "directorate": {
            "code": "0401",
            "name": {"ar": cast.directorate_a1.name_ar, "fr": cast.directorate_a1.name_fr},
        },
        "pupil": {
            "code_massar": student.code_massar,
            "first_name": {"ar": student.first_name_ar, "fr": student.first_name_fr},
            "last_name": {"ar": "الاختبار", "fr": "Test"},
            "sex": student.sex,
            "birth_date": student.birth_date.isoformat(),
        },
        "class": {"name": "TCS-1"},
        "level": {"code": "TC", "name": {"ar": "الجذع المشترك", "fr": "Tronc commun"}},
        "stream": {
            "code": "TCS",
            "name": {"ar": "الجذع المشترك العلمي", "fr": "Tronc commun sciences"},
            "is_general": False,
        },
        "scale": {"out_of": 20, "pass_mark": "10.00"},
        "test_columns": 3,
        "average": "11.96",
        "rank": 1,
        "ranked_pupils": 2,
        "council": {"mention": "honour_roll", "remark": "Bon semestre"},
        "decision": "",
        "next_stream": None,
    }
    assert [line["code"] for line in content["subjects"]] == TCS_SUBJECTS
    lines = {line["code"]: line for line in content["subjects"]}
    teacher = world.teacher
    assert lines["MATH"] == {
        "code": "MATH",
        "name": {"ar": "الرياضيات", "fr": "Mathématiques"},
        "is_conduct": False,
        "coefficient": "4",
        "tests": ["12.00", "14.00", ""],
        "activities": "16.00",
        "mark": "13.75",
        "class_max": "13.75",
        "class_mean": "12.44",
        "class_min": "11.13",
        "teacher": {
            "ar": f"{teacher.first_name_ar} {teacher.last_name_ar}",
            "fr": "Karim Tazi",
        },
        "appreciation": "Très bon travail",
    }
    assert (lines["FR"]["tests"], lines["FR"]["activities"], lines["FR"]["mark"]) == (
        ["10.00", "11.00", "9.50"],
        "absent",
        "10.17",
    )
    assert lines["FR"]["coefficient"] == "4"
    assert lines["EN"] | {"name": None, "teacher": None} == {
        "code": "EN",
        "name": None,
        "is_conduct": False,
        "coefficient": "2",
        "tests": ["", "", ""],
        "activities": "",
        "mark": "",
        "class_max": "",
        "class_mean": "",
        "class_min": "",
        "teacher": None,
        "appreciation": "",
    }


def test_an_absent_test_is_not_a_zero_and_a_pupil_without_marks_has_an_empty_card(world, cast):
    _first, second, third = world.enrolments
    year = world.school_class.school_year
    cards = build_contents(establishment=cast.school_a1, school_year=year, period=1)

    math = {line["code"]: line for line in card_of(cards, second).content["subjects"]}["MATH"]
    assert (math["tests"], math["activities"], math["mark"]) == (
        ["absent", "10.00", ""],
        "12.50",
        "11.13",
    )
    empty = card_of(cards, third)
    assert (empty.average, empty.rank, empty.content["average"], empty.content["council"]) == (
        None,
        None,
        "",
        None,
    )


def test_cards_follow_the_classes_then_the_names(world, cast):
    year = world.school_class.school_year
    cards = build_contents(establishment=cast.school_a1, school_year=year, period=1)
    expected = sorted(
        world.enrolments,
        key=lambda e: (e.student.last_name_fr, e.student.first_name_fr.casefold()),
    )
    assert [card.enrolment_id for card in cards] == [e.pk for e in expected]


def test_the_year_card_has_both_semesters_the_decision_and_the_next_stream(world, cast):
    first = world.enrolments[0]
    year = world.school_class.school_year
    subject_result(world, first, "MATH", 2, "15.25")
    subject_result(world, first, "MATH", 3, "14.50")
    period_result(world, first, 2, "12.04", 1, 3)
    period_result(world, first, 3, "12.00", 1, 3)
    statistics(world, "MATH", 3, "14.50", "12.00", "9.50")
    sheet = sheet_for(world, "MATH", 2)
    MarkRow.objects.filter(sheet=sheet, enrolment=first).update(appreciation="Progrès nets")
    next_stream = Stream.objects.get(code="1BAC-SEX")
    council(
        world,
        3,
        {
            first: {
                "decision": "pass",
                "proposed": "pass",
                "appreciation": "encouragement",
                "next_stream": next_stream,
            }
        },
    )
    cards = build_contents(establishment=cast.school_a1, school_year=year, period=3)

    card = card_of(cards, first)
    assert (card.average, card.rank, card.decision) == (Decimal("12.00"), 1, "pass")
    content = card.content
    assert content["period"] == 3
    assert content["test_columns"] == 0
    assert content["semester_averages"] == {"1": "11.96", "2": "12.04"}
    assert content["council"] == {"mention": "encouragement", "remark": ""}
    assert content["decision"] == "pass"
    assert content["next_stream"] == {
        "code": "1BAC-SEX",
        "name": {"ar": next_stream.name_ar, "fr": next_stream.name_fr},
    }
    math = {line["code"]: line for line in content["subjects"]}["MATH"]
    assert {key: math[key] for key in ("tests", "activities", "semesters", "mark")} == {
        "tests": [],
        "activities": "",
        "semesters": {"1": "13.75", "2": "15.25"},
        "mark": "14.50",
    }
    assert (math["class_max"], math["class_mean"], math["class_min"]) == ("14.50", "12.00", "9.50")
    assert math["appreciation"] == "Progrès nets"


def test_a_draft_council_says_nothing_on_the_card(world, cast):
    first = world.enrolments[0]
    council(world, 2, {first: {"remark": "Brouillon"}}, status=CouncilStatus.DRAFT)
    period_result(world, first, 2, "12.00", 1, 3)
    year = world.school_class.school_year
    cards = build_contents(establishment=cast.school_a1, school_year=year, period=2)
    assert card_of(cards, first).content["council"] is None


def test_a_class_or_the_whole_school_in_a_fixed_number_of_queries(
    world, cast, django_assert_num_queries
):
    year = world.school_class.school_year
    with django_assert_num_queries(11):
        small = build_contents(establishment=cast.school_a1, school_year=year, period=1)
    # Three more classes of 20 pupils: the same number of queries.
    stream = Stream.objects.get(code="TCS")
    for number in (2, 3, 4):
        other = SchoolClassFactory(
            establishment=cast.school_a1, stream=stream, number=number, name=f"TCS-{number}"
        )
        pupils = enrol_pupils(cast.school_a1, "TC", 20, stream_code="TCS")
        ClassPlacement.objects.bulk_create(
            [ClassPlacement(enrolment=e, school_class=other) for e in pupils]
        )
    with django_assert_num_queries(11):
        large = build_contents(establishment=cast.school_a1, school_year=year, period=1)
    assert (len(small), len(large)) == (3, 63)
    with django_assert_num_queries(11):
        one = build_contents(
            establishment=cast.school_a1,
            school_year=year,
            period=1,
            school_class=world.school_class,
        )
    assert len(one) == 3


def test_pupils_who_left_have_no_card(world, cast):
    first = world.enrolments[0]
    first.status = "left"
    first.save(update_fields=["status"])
    year = world.school_class.school_year
    cards = build_contents(establishment=cast.school_a1, school_year=year, period=1)
    assert first.pk not in [card.enrolment_id for card in cards]
    assert len(cards) == 2


@given(st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False))
def test_a_mark_reads_back_exactly_with_two_decimals(value):
    text = mark_text(value)
    assert Decimal(text) == value
    assert len(text.split(".")[1]) == 2


@given(st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False))
def test_a_coefficient_loses_only_useless_zeros(value):
    text = coefficient_text(value)
    assert Decimal(text) == value
    assert not text.endswith(".")
    assert "." not in text or not text.endswith("0")
