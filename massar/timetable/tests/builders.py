"""A small school for the timetable tests: the usual week, rooms, two classes, teachers with
accounts, assignments, and a pupil and parent linked to their accounts (built on the cast)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from massar.curriculum.models import Subject
from massar.schooling.models import ClassPlacement, Room, RoomType, SchoolClass
from massar.schooling.tests.factories import RoomFactory, SchoolClassFactory, current_year
from massar.staff.models import StaffMember, TeachingAssignment
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.students.models import Student
from massar.students.tests.factories import register
from massar.territory.models import Establishment, SchoolYear
from massar.timetable.models import Session
from massar.timetable.services import SessionPlace, grid_set_usual_week, session_create


@dataclass
class School:
    establishment: Establishment
    year: SchoolYear
    classroom: Room  # S01, 40 places
    lab: Room  # LAB1, science laboratory, 30 places
    class_a: SchoolClass  # TC-1
    class_b: SchoolClass  # TC-2
    teacher: StaffMember  # Souad Bennani, the cast's teacher_a1 account
    colleague: StaffMember  # another teacher, no account
    math_a: TeachingAssignment  # class A, MATH, 4 h, teacher
    pc_a: TeachingAssignment  # class A, PC (science laboratory), 2 h, colleague
    french_b: TeachingAssignment  # class B, FR, 2 h, colleague
    math_b: TeachingAssignment  # class B, MATH, 3 h, teacher

    def place(self, actor, assignment, weekday, period, length=1, room=None) -> Session:
        return session_create(
            actor=actor,
            assignment=assignment,
            place=SessionPlace(weekday=weekday, period=period, length=length, room=room),
        )


def subject(code: str) -> Subject:
    return Subject.objects.get(code=code)


def build_school(cast, *, with_grid: bool = True) -> School:
    """School A1 of the cast, set up by its director."""
    establishment = cast.school_a1
    year = current_year()
    if with_grid:
        grid_set_usual_week(actor=cast.director_a1, establishment=establishment, school_year=year)
    classroom = RoomFactory(establishment=establishment, code="S01", capacity=40)
    lab = RoomFactory(
        establishment=establishment, code="LAB1", room_type=RoomType.SCIENCE_LAB, capacity=30
    )
    class_a = SchoolClassFactory(establishment=establishment, number=1, name="TC-1", capacity=30)
    class_b = SchoolClassFactory(establishment=establishment, number=2, name="TC-2", capacity=30)
    teacher = StaffMemberFactory(
        main_establishment=establishment,
        user=cast.teacher_a1,
        first_name_fr="Souad",
        last_name_fr="Bennani",
        first_name_ar="سعاد",
        last_name_ar="بناني",
    )
    colleague = StaffMemberFactory(
        main_establishment=establishment,
        first_name_fr="Karim",
        last_name_fr="Tazi",
        first_name_ar="كريم",
        last_name_ar="التازي",
    )
    return School(
        establishment=establishment,
        year=year,
        classroom=classroom,
        lab=lab,
        class_a=class_a,
        class_b=class_b,
        teacher=teacher,
        colleague=colleague,
        math_a=TeachingAssignmentFactory(
            school_class=class_a, subject=subject("MATH"), teacher=teacher, weekly_hours=4
        ),
        pc_a=TeachingAssignmentFactory(
            school_class=class_a, subject=subject("PC"), teacher=colleague, weekly_hours=2
        ),
        french_b=TeachingAssignmentFactory(
            school_class=class_b, subject=subject("FR"), teacher=colleague, weekly_hours=2
        ),
        math_b=TeachingAssignmentFactory(
            school_class=class_b, subject=subject("MATH"), teacher=teacher, weekly_hours=3
        ),
    )


def link_pupil_and_parent(cast, school: School) -> Student:
    """A pupil of class A, whose account is the cast's student_a1 and whose father's is
    parent_a1."""
    pupil = register(cast.director_a1, school.establishment, class_label="TC-1")
    Student.objects.filter(pk=pupil.pk).update(user=cast.student_a1)
    pupil.guardians.update(user=cast.parent_a1)
    ClassPlacement.objects.create(enrolment=pupil.enrolments.get(), school_class=school.class_a)
    return pupil


def hours(value) -> Decimal:
    return Decimal(str(value))
