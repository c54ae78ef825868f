"""A small school ready for the generator (used by the generation, printing and browser tests).

Monday to Friday, periods 1-4 in the morning (08:00-12:00) and 5-6 in the afternoon
(14:00-16:00), Wednesday afternoon free: 28 open periods a week. Two classrooms and a science
laboratory; two classes of tronc commun, each taught mathematics 4 h (Mme Alaoui), French 3 h
(M. Tazi) and physics-chemistry 2 h in the laboratory (Mme Idrissi): five lessons a class
(2+2, 2+1 and 2 periods), ten in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from massar.curriculum.models import Subject
from massar.schooling.models import Room, RoomType, SchoolClass
from massar.schooling.tests.factories import RoomFactory, SchoolClassFactory, current_year
from massar.staff.models import StaffMember, TeachingAssignment
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.territory.models import Establishment, SchoolYear
from massar.timetable.models import FreeHalfDay, HalfDay, Period, WeeklyGrid

HOURS = [(8, HalfDay.MORNING), (9, HalfDay.MORNING), (10, HalfDay.MORNING), (11, HalfDay.MORNING)]
HOURS += [(14, HalfDay.AFTERNOON), (15, HalfDay.AFTERNOON)]


@dataclass
class SmallSchool:
    establishment: Establishment
    school_year: SchoolYear
    grid: WeeklyGrid
    classes: list[SchoolClass]
    rooms: dict[str, Room]
    math: StaffMember
    french: StaffMember
    physics: StaffMember
    assignments: list[TeachingAssignment]

    def assignment(self, school_class: SchoolClass, code: str) -> TeachingAssignment:
        return next(
            a
            for a in self.assignments
            if a.school_class_id == school_class.pk and a.subject.code == code
        )


def make_grid(establishment: Establishment, *, hours=HOURS, weekdays="12345") -> WeeklyGrid:
    grid = WeeklyGrid.objects.create(
        establishment=establishment,
        school_year=current_year(),
        weekdays=weekdays,
        class_max_periods_per_day=6,
    )
    Period.objects.bulk_create(
        Period(grid=grid, number=n, starts_at=time(h, 0), ends_at=time(h + 1, 0), half=half)
        for n, (h, half) in enumerate(hours, start=1)
    )
    FreeHalfDay.objects.create(grid=grid, weekday=3, half=HalfDay.AFTERNOON)
    return grid


def teacher(establishment, first_fr, last_fr, first_ar, last_ar, **extra) -> StaffMember:
    return StaffMemberFactory(
        main_establishment=establishment,
        first_name_fr=first_fr,
        last_name_fr=last_fr,
        first_name_ar=first_ar,
        last_name_ar=last_ar,
        **extra,
    )


def small_school(establishment: Establishment, *, with_grid: bool = True) -> SmallSchool:
    grid = make_grid(establishment) if with_grid else None
    rooms = {
        "S1": RoomFactory(establishment=establishment, code="S1"),
        "S2": RoomFactory(establishment=establishment, code="S2"),
        "LAB1": RoomFactory(
            establishment=establishment, code="LAB1", room_type=RoomType.SCIENCE_LAB, capacity=30
        ),
    }
    classes = [
        SchoolClassFactory(establishment=establishment, number=1, name="TCS-1"),
        SchoolClassFactory(establishment=establishment, number=2, name="TCS-2"),
    ]
    math = teacher(establishment, "Samira", "Alaoui", "سميرة", "العلوي")
    french = teacher(establishment, "Karim", "Tazi", "كريم", "التازي")
    physics = teacher(establishment, "Nadia", "Idrissi", "نادية", "الإدريسي")
    subjects = {s.code: s for s in Subject.objects.filter(code__in=["MATH", "FR", "PC"])}
    assignments = [
        TeachingAssignmentFactory(
            school_class=school_class,
            subject=subjects[code],
            teacher=person,
            weekly_hours=Decimal(hours),
        )
        for school_class in classes
        for code, person, hours in (("MATH", math, 4), ("FR", french, 3), ("PC", physics, 2))
    ]
    return SmallSchool(
        establishment=establishment,
        school_year=current_year(),
        grid=grid,
        classes=classes,
        rooms=rooms,
        math=math,
        french=french,
        physics=physics,
        assignments=assignments,
    )
