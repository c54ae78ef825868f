"""Teaching assignments through the services: hours from the curriculum, qualification,
serving the school, quota (load across establishments), duplicates, and the grid's row save."""

from decimal import Decimal

import pytest

from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.staff import access, loads, services
from massar.staff.models import StaffKind, TeachingAssignment
from massar.staff.tests.conftest import subjects, tcs_class
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def subject(code):
    return subjects(code)[0]


def assign(cast, klass, teacher, code="MATH", actor=None, **kwargs):
    return services.teaching_assignment_create(
        actor=actor or cast.director_a1,
        school_class=klass,
        subject=subject(code),
        teacher=teacher,
        **kwargs,
    )


def test_the_hours_default_to_the_curriculum(cast, klass, math_teacher):
    assignment = assign(cast, klass, math_teacher)
    assert assignment.weekly_hours == Decimal("5")
    assert assignment.establishment == cast.school_a1
    assert assignment.school_year == klass.school_year
    assert assignment.history.get().history_user == cast.director_a1


def test_the_hours_may_be_edited_within_the_range(cast, klass, math_teacher):
    assert assign(cast, klass, math_teacher, weekly_hours=Decimal("4.5")).weekly_hours == Decimal(
        "4.5"
    )


@pytest.mark.parametrize("hours", ["0.4", "20.5", "2.25", "0", "-1", "NaN"])
def test_hours_out_of_range_are_refused(cast, klass, math_teacher, hours):
    with pytest.raises(ValidationFailed) as refused:
        assign(cast, klass, math_teacher, weekly_hours=Decimal(hours))
    assert refused.value.code == "hours_out_of_range"
    assert refused.value.details[0]["loc"] == ["weekly_hours"]
    assert not TeachingAssignment.objects.exists()


def test_an_unqualified_teacher_is_refused_unless_forced(cast, klass, math_teacher):
    with pytest.raises(ValidationFailed) as refused:
        assign(cast, klass, math_teacher, "SVT")
    assert refused.value.code == "not_qualified"
    assert refused.value.status == 409
    assert "Bennani" in str(refused.value.message) or "بناني" in str(refused.value.message)
    assert not TeachingAssignment.objects.exists()
    assert assign(cast, klass, math_teacher, "SVT", force=True).weekly_hours == Decimal("3")


def test_a_teacher_who_does_not_serve_the_school_is_refused_even_forced(cast, klass):
    elsewhere = StaffMemberFactory(main_establishment=cast.school_a2, subjects=subjects("MATH"))
    with pytest.raises(ValidationFailed) as refused:
        assign(cast, klass, elsewhere, force=True)
    assert refused.value.code == "not_serving"
    assert not TeachingAssignment.objects.exists()


def test_a_visiting_teacher_serves_the_school(cast, klass):
    neighbour = EstablishmentFactory(code="11580N", commune=cast.school_a1.commune)
    visiting = StaffMemberFactory(main_establishment=neighbour, subjects=subjects("MATH"))
    visiting.other_establishments.set([cast.school_a1])
    assert assign(cast, klass, visiting).teacher == visiting


@pytest.mark.parametrize("change", [{"is_active": False}, {"kind": StaffKind.ADMINISTRATIVE}])
def test_only_active_teachers_are_assigned(cast, klass, change):
    member = StaffMemberFactory(main_establishment=cast.school_a1, subjects=subjects("MATH"))
    for name, value in change.items():
        setattr(member, name, value)
    member.save()
    with pytest.raises(ValidationFailed) as refused:
        assign(cast, klass, member, force=True)
    assert refused.value.code == "not_a_teacher"


def test_a_second_teacher_for_the_same_subject_is_refused(cast, klass, math_teacher):
    assign(cast, klass, math_teacher)
    other = StaffMemberFactory(main_establishment=cast.school_a1, subjects=subjects("MATH"))
    with pytest.raises(ValidationFailed) as refused:
        assign(cast, klass, other)
    assert refused.value.code == "assignment_exists"
    assert TeachingAssignment.objects.get().teacher == math_teacher


def test_a_subject_without_hours_in_the_class_curriculum_is_refused(cast, klass, math_teacher):
    math_teacher.subjects.add(subject("SI"))  # SI is taught in TCT, not in TCS
    for code in ("SI", "COND"):
        with pytest.raises(ValidationFailed) as refused:
            assign(cast, klass, math_teacher, code, force=True)
        assert refused.value.code == "not_in_curriculum"


def test_over_quota_is_refused_unless_forced_and_counts_every_school(cast, math_teacher):
    """21 h of quota: 5 + 4 in TCS-1, 5 + 4 in TCS-2 = 18 h; TCS-3 MATH (5 h) would make 23 h.
    The teacher also serves a neighbour school where they teach 2 h: 20 h, then 25 h."""
    neighbour = EstablishmentFactory(code="11580N", commune=cast.school_a1.commune)
    math_teacher.other_establishments.set([neighbour])
    classes = [tcs_class(cast.school_a1, number) for number in (1, 2, 3)]
    for klass in classes[:2]:
        assign(cast, klass, math_teacher, "MATH")
        assign(cast, klass, math_teacher, "PC")
    there = tcs_class(neighbour, 1)
    TeachingAssignmentFactory(
        school_class=there, subject=subject("MATH"), teacher=math_teacher, weekly_hours=2
    )
    year = classes[0].school_year
    assert loads.teacher_load(math_teacher, year) == Decimal("20")
    with pytest.raises(ValidationFailed) as refused:
        assign(cast, classes[2], math_teacher, "MATH")
    assert refused.value.code == "over_quota"
    assert "25" in str(refused.value.message)
    assert "21" in str(refused.value.message)
    assert loads.teacher_load(math_teacher, year) == Decimal("20")
    assign(cast, classes[2], math_teacher, "MATH", weekly_hours=Decimal("1"))  # exactly 21 h
    with pytest.raises(ValidationFailed):
        assign(cast, classes[2], math_teacher, "PC", weekly_hours=Decimal("0.5"))
    assign(cast, classes[2], math_teacher, "PC", force=True)
    assert loads.teacher_load(math_teacher, year) == Decimal("25")


def test_a_quota_override_applies(cast, klass, math_teacher):
    math_teacher.weekly_quota_override = Decimal("4")
    math_teacher.save()
    with pytest.raises(ValidationFailed) as refused:
        assign(cast, klass, math_teacher, "MATH")
    assert refused.value.code == "over_quota"
    assign(cast, klass, math_teacher, "PC")


def test_a_class_of_another_school_is_not_found_and_refused(cast, math_teacher):
    other = tcs_class(cast.school_a2)
    with pytest.raises(NotFound):
        access.access_class_by_public_id(
            actor=cast.director_a1, public_id=other.public_id, for_write=True
        )
    with pytest.raises(PermissionDenied):
        assign(cast, other, math_teacher)
    assert not TeachingAssignment.objects.exists()


@pytest.mark.parametrize("member", ["directorate_officer_a1", "teacher_a1", "national_admin"])
def test_only_the_school_writes_assignments(cast, klass, math_teacher, member):
    with pytest.raises(PermissionDenied):
        assign(cast, klass, math_teacher, actor=getattr(cast, member))


def test_the_grid_row_creates_changes_and_removes(cast, klass, math_teacher):
    other = StaffMemberFactory(main_establishment=cast.school_a1, subjects=subjects("MATH"))
    math = subject("MATH")

    def save(teacher, **kwargs):
        return services.teaching_assignment_save(
            actor=cast.staff_a1, school_class=klass, subject=math, teacher=teacher, **kwargs
        )

    first = save(math_teacher, weekly_hours=Decimal("4"))
    assert (first.teacher, first.weekly_hours) == (math_teacher, Decimal("4"))
    second = save(other)  # another teacher keeps the hours
    assert second.pk == first.pk
    assert (second.teacher, second.weekly_hours) == (other, Decimal("4"))
    assert save(other, weekly_hours=Decimal("6")).weekly_hours == Decimal("6")
    assert save(None) is None
    assert not TeachingAssignment.objects.exists()
    history = TeachingAssignment.history.filter(id=first.pk).order_by("history_date")
    assert [record.history_type for record in history] == ["+", "~", "~", "-"]
    assert {record.history_user for record in history} == {cast.staff_a1}


def test_changing_the_hours_does_not_count_the_old_hours_twice(cast, klass, math_teacher):
    math_teacher.weekly_quota_override = Decimal("5")
    math_teacher.save()
    assignment = assign(cast, klass, math_teacher, "MATH")  # 5 h of 5
    updated = services.teaching_assignment_update(
        actor=cast.director_a1,
        assignment=assignment,
        teacher=math_teacher,
        weekly_hours=Decimal("4.5"),
    )
    assert updated.weekly_hours == Decimal("4.5")
