"""Placing pupils in classes: by hand (placing, moving, with the history of moves) and for a
whole level automatically (balanced, within capacity, set-based); every refusal writes nothing."""

from collections import Counter
from datetime import date

import pytest

from massar.core.errors import PermissionDenied, ValidationFailed
from massar.schooling import placements, selectors
from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import (
    SchoolClassFactory,
    current_year,
    enrol_pupils,
    general_stream,
    level,
)
from massar.students.models import Enrolment, EnrolmentStatus
from massar.territory.models import SchoolYear

pytestmark = pytest.mark.django_db


def tcs_class(cast, number, capacity=40, school=None):
    from massar.curriculum.models import Stream

    return SchoolClassFactory(
        establishment=school or cast.school_a1,
        stream=Stream.objects.get(code="TCS"),
        number=number,
        capacity=capacity,
    )


def codes(enrolments):
    return [e.student.code_massar for e in enrolments]


def labels():
    return dict(Enrolment.objects.values_list("student__code_massar", "class_label"))


# --- By hand -----------------------------------------------------------------------------------


def test_a_pupil_is_placed_and_the_class_label_follows(cast):
    first = tcs_class(cast, 1)
    pupil = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")[0]
    result = placements.pupils_place(
        actor=cast.staff_a1, school_class=first, codes=[pupil.student.code_massar.lower()]
    )
    assert (result.placed, result.moved, result.unchanged) == (1, 0, 0)
    placement = ClassPlacement.objects.get()
    assert (placement.school_class, placement.placed_by) == (first, cast.staff_a1)
    assert placement.history.count() == 1
    assert labels() == {pupil.student.code_massar: "TCS-1"}


def test_a_move_is_kept_in_the_history_and_shown_on_the_class(cast):
    first, second = tcs_class(cast, 1), tcs_class(cast, 2)
    pupil = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")[0]
    code = pupil.student.code_massar
    placements.pupils_place(actor=cast.staff_a1, school_class=first, codes=[code])
    result = placements.pupils_place(actor=cast.director_a1, school_class=second, codes=[code])
    assert (result.placed, result.moved) == (0, 1)
    placement = ClassPlacement.objects.get()
    assert [h.school_class_id for h in placement.history.order_by("history_date")] == [
        first.pk,
        second.pk,
    ]
    assert labels() == {code: "TCS-2"}
    (row,) = selectors.class_pupils(second)
    assert row.move.from_class == "TCS-1"
    assert row.move.by == cast.director_a1
    assert row.move.at.date() == date.today()
    assert selectors.class_pupils(first) == []

    again = placements.pupils_place(actor=cast.director_a1, school_class=second, codes=[code])
    assert (again.placed, again.moved, again.unchanged) == (0, 0, 1)
    assert placement.history.count() == 2


def test_a_class_over_capacity_refuses_and_writes_nothing(cast):
    small = tcs_class(cast, 1, capacity=2)
    pupils = enrol_pupils(cast.school_a1, "TC", 3, stream_code="TCS")
    placements.pupils_place(actor=cast.staff_a1, school_class=small, codes=codes(pupils[:1]))
    with pytest.raises(ValidationFailed) as error:
        placements.pupils_place(actor=cast.staff_a1, school_class=small, codes=codes(pupils))
    assert error.value.code == "class_full"
    assert all(part in str(error.value.message) for part in ("TCS-1", "2", "1"))
    assert ClassPlacement.objects.count() == 1
    assert sorted(labels().values()) == ["", "", "TCS-1"]


def test_a_pupil_of_another_school_or_year_is_refused(cast):
    here = tcs_class(cast, 1)
    mine = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")
    elsewhere = enrol_pupils(cast.school_a2, "1AC", 1)
    last_year = SchoolYear.objects.create(
        code="2024-2025", starts_on=date(2024, 9, 9), ends_on=date(2025, 6, 30)
    )
    old = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS", school_year=last_year)
    with pytest.raises(ValidationFailed) as error:
        placements.pupils_place(
            actor=cast.staff_a1,
            school_class=here,
            codes=[*codes(mine + elsewhere + old), "Z999999999"],
        )
    assert error.value.code == "pupil_not_of_school"
    wrong = [detail["loc"][1] for detail in error.value.details]
    assert wrong == [*codes(elsewhere), *codes(old), "Z999999999"]
    assert not ClassPlacement.objects.exists()


def test_a_pupil_of_another_stream_is_refused(cast):
    here = tcs_class(cast, 1)
    letters = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCLSH")
    with pytest.raises(ValidationFailed) as error:
        placements.pupils_place(actor=cast.staff_a1, school_class=here, codes=codes(letters))
    assert error.value.code == "wrong_level"
    assert "TCS-1" in str(error.value.message)
    assert not ClassPlacement.objects.exists()


def test_a_pupil_who_left_is_not_placed(cast):
    here = tcs_class(cast, 1)
    pupil = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")[0]
    Enrolment.objects.filter(pk=pupil.pk).update(status=EnrolmentStatus.TRANSFERRED_OUT)
    with pytest.raises(ValidationFailed):
        placements.pupils_place(actor=cast.staff_a1, school_class=here, codes=codes([pupil]))


def test_a_multi_grade_class_takes_pupils_of_each_of_its_levels(cast):
    school = cast.school_b1
    mixed = SchoolClassFactory(
        establishment=school, stream=general_stream("1AP"), number=1, name="1AP/2AP-1"
    )
    mixed.other_levels.set([level("2AP")])
    pupils = enrol_pupils(school, "1AP", 2) + enrol_pupils(school, "2AP", 2)
    third = enrol_pupils(school, "3AP", 1)
    result = placements.pupils_place(
        actor=cast.director_b1, school_class=mixed, codes=codes(pupils)
    )
    assert result.placed == 4
    with pytest.raises(ValidationFailed):
        placements.pupils_place(actor=cast.director_b1, school_class=mixed, codes=codes(third))
    assert set(labels().values()) == {"1AP/2AP-1", ""}


@pytest.mark.parametrize("member", ["directorate_officer_a1", "teacher_a1", "director_a2"])
def test_only_the_school_places_its_pupils(cast, member):
    here = tcs_class(cast, 1)
    pupil = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")
    with pytest.raises(PermissionDenied):
        placements.pupils_place(actor=getattr(cast, member), school_class=here, codes=codes(pupil))
    assert not ClassPlacement.objects.exists()


# --- A whole level -----------------------------------------------------------------------------


def auto(cast, include_placed=False, actor=None):
    return placements.level_auto_place(
        actor=actor or cast.director_a1,
        establishment=cast.school_a1,
        school_year=current_year(),
        level=level("TC"),
        include_placed=include_placed,
    )


def composition(classes):
    """Per class: size, girls, boys and repeaters."""
    rows = {}
    for school_class in classes:
        pupils = [row.enrolment for row in selectors.class_pupils(school_class)]
        rows[school_class.name] = {
            "size": len(pupils),
            "F": sum(1 for e in pupils if e.student.sex == "F"),
            "M": sum(1 for e in pupils if e.student.sex == "M"),
            "repeating": sum(1 for e in pupils if e.is_repeating),
        }
    return rows


def spread(rows, key):
    values = [row[key] for row in rows.values()]
    return max(values) - min(values)


def test_a_level_is_spread_over_its_classes_evenly(cast, django_assert_max_num_queries):
    classes = [tcs_class(cast, n, capacity=35) for n in (1, 2, 3)]
    # 31 girls and 30 boys; 9 repeaters
    enrol_pupils(cast.school_a1, "TC", 61, stream_code="TCS", sexes="FM", repeating=9)
    with django_assert_max_num_queries(20):  # set-based: the same whatever the number of pupils
        result = auto(cast)
    assert (result.placed, result.moved, result.unchanged) == (61, 0, 0)
    assert result.classes == (("TCS-1", 21), ("TCS-2", 20), ("TCS-3", 20))
    rows = composition(classes)
    assert spread(rows, "size") <= 1
    assert spread(rows, "F") <= 1
    assert spread(rows, "M") <= 1
    assert spread(rows, "repeating") <= 1
    assert sum(row["repeating"] for row in rows.values()) == 9
    assert ClassPlacement.history.count() == 61
    assert Counter(labels().values()) == {"TCS-1": 21, "TCS-2": 20, "TCS-3": 20}


def test_pupils_of_the_same_previous_class_are_spread(cast):
    last_year = SchoolYear.objects.create(
        code="2024-2025", starts_on=date(2024, 9, 9), ends_on=date(2025, 6, 30)
    )
    classes = [tcs_class(cast, n) for n in (1, 2)]
    pupils = enrol_pupils(cast.school_a1, "TC", 12, stream_code="TCS", sexes="F")
    previous = ["3APIC-1"] * 6 + ["3APIC-2"] * 6
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                student_id=pupil.student_id,
                school_year=last_year,
                establishment=cast.school_a1,
                level=level("3AC"),
                stream=general_stream("3AC"),
                status=EnrolmentStatus.GRADUATED,
                class_label=label,
                entered_on=last_year.starts_on,
            )
            for pupil, label in zip(pupils, previous, strict=True)
        ]
    )
    auto(cast)
    by_previous = Counter(
        (
            label,
            Enrolment.objects.get(student_id=p.student_id, school_year=current_year()).class_label,
        )
        for p, label in zip(pupils, previous, strict=True)
    )
    assert by_previous == {
        ("3APIC-1", "TCS-1"): 3,
        ("3APIC-1", "TCS-2"): 3,
        ("3APIC-2", "TCS-1"): 3,
        ("3APIC-2", "TCS-2"): 3,
    }
    assert [c.name for c in classes] == ["TCS-1", "TCS-2"]


def test_each_stream_goes_to_its_own_classes(cast):
    from massar.curriculum.models import Stream

    science = tcs_class(cast, 1)
    letters = SchoolClassFactory(
        establishment=cast.school_a1, stream=Stream.objects.get(code="TCLSH"), number=1
    )
    enrol_pupils(cast.school_a1, "TC", 5, stream_code="TCS")
    enrol_pupils(cast.school_a1, "TC", 4, stream_code="TCLSH")
    result = auto(cast)
    assert result.placed == 9
    assert Counter(labels().values()) == {science.name: 5, letters.name: 4}


def test_too_many_pupils_for_the_seats_writes_nothing(cast):
    tcs_class(cast, 1, capacity=10)
    tcs_class(cast, 2, capacity=10)
    enrol_pupils(cast.school_a1, "TC", 21, stream_code="TCS")
    with pytest.raises(ValidationFailed) as error:
        auto(cast)
    assert error.value.code == "not_enough_seats"
    message = str(error.value.message)
    assert all(part in message for part in ("21", "TCS-1", "TCS-2", "20"))
    assert not ClassPlacement.objects.exists()
    assert set(labels().values()) == {""}


def test_a_stream_without_a_class_writes_nothing(cast):
    tcs_class(cast, 1)
    enrol_pupils(cast.school_a1, "TC", 3, stream_code="TCS")
    enrol_pupils(cast.school_a1, "TC", 2, stream_code="TCT")
    with pytest.raises(ValidationFailed) as error:
        auto(cast)
    assert error.value.code == "no_class_for_stream"
    assert not ClassPlacement.objects.exists()


def test_a_level_without_classes_is_refused(cast):
    enrol_pupils(cast.school_a1, "TC", 3, stream_code="TCS")
    with pytest.raises(ValidationFailed) as error:
        auto(cast)
    assert error.value.code == "no_class"


def test_only_unplaced_pupils_move_unless_asked(cast):
    first, second = tcs_class(cast, 1), tcs_class(cast, 2)
    pupils = enrol_pupils(cast.school_a1, "TC", 10, stream_code="TCS")
    placements.pupils_place(actor=cast.staff_a1, school_class=first, codes=codes(pupils[:6]))
    result = auto(cast)
    assert (result.placed, result.moved) == (4, 0)
    assert result.classes == (("TCS-1", 6), ("TCS-2", 4))
    assert Counter(labels().values()) == {"TCS-1": 6, "TCS-2": 4}

    everyone = auto(cast, include_placed=True)
    assert everyone.placed == 0
    assert everyone.moved + everyone.unchanged == 10
    assert everyone.classes == (("TCS-1", 5), ("TCS-2", 5))
    assert Counter(labels().values()) == {"TCS-1": 5, "TCS-2": 5}
    shown = [row for c in (first, second) for row in selectors.class_pupils(c) if row.move]
    assert len(shown) == everyone.moved > 0


def test_the_level_placement_is_for_the_school_only(cast):
    tcs_class(cast, 1)
    enrol_pupils(cast.school_a1, "TC", 2, stream_code="TCS")
    with pytest.raises(PermissionDenied):
        auto(cast, actor=cast.academy_officer_a)
    assert not ClassPlacement.objects.exists()
