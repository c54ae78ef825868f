"""The demo lycée's school year, built as its director would: rooms, classes with their pupils,
teachers and their assignments, the weekly grid, and a timetable from the generator.

Everything goes through the apps' services with the demo director as the actor. Deterministic
and idempotent: nothing is done when the lycée already has classes this year.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from decimal import Decimal

from massar.accounts.models import User
from massar.curriculum.models import Level, Stream, Subject, SubjectAllocation
from massar.schooling.models import RoomType, SchoolClass
from massar.schooling.placements import level_auto_place
from massar.schooling.rooms import RoomData, room_create
from massar.schooling.services import classes_create_many
from massar.staff.models import StaffMember, StaffStatus
from massar.staff.services import StaffData, staff_member_link_account, teaching_assignment_create
from massar.staff.services import staff_member_create as staff_create
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Enrolment
from massar.territory.models import Establishment, SchoolYear
from massar.timetable.generation import generator_run_execute, generator_run_request
from massar.timetable.models import AvailabilityKind, RunMode
from massar.timetable.services import availability_set, grid_set_usual_week

from .students import BOYS, FAMILIES, GIRLS

SEED = 2027
CLASS_CAPACITY = 40
# code, name, type, capacity
ROOMS = [
    *[(f"S{number:02d}", "", RoomType.CLASSROOM, 40) for number in range(1, 15)],
    ("LAB1", "Laboratoire de physique", RoomType.SCIENCE_LAB, 40),
    ("LAB2", "Laboratoire de SVT", RoomType.SCIENCE_LAB, 40),
    ("INFO1", "Salle informatique", RoomType.COMPUTER_ROOM, 40),
    ("ATEL1", "Atelier", RoomType.WORKSHOP, 40),
    ("TERRAIN", "Terrain de sport", RoomType.SPORTS_GROUND, 120),
    ("BIB", "Bibliothèque", RoomType.LIBRARY, 60),
]
# A teacher's hours are filled up to this share of the cycle's quota: some room to breathe.
QUOTA_HOURS = Decimal("21")
# The demo ``teacher`` login teaches this subject.
DEMO_TEACHER_SUBJECT = "MATH"
GENERATOR_SECONDS = 8


def seed_demo_organisation(*, school_code: str, year: SchoolYear) -> Counter:
    created: Counter = Counter()
    school = Establishment.objects.get(code=school_code)
    if SchoolClass.objects.filter(establishment=school, school_year=year).exists():
        return created
    director = (
        User.objects.filter(
            role_assignments__role="director", role_assignments__establishment=school
        )
        .order_by("pk")
        .first()
    )
    if director is None:
        return created
    for code, name, room_type, capacity in ROOMS:
        room_create(
            actor=director,
            establishment=school,
            data=RoomData(code=code, name=name, room_type=room_type, capacity=capacity),
        )
        created["rooms"] += 1

    classes = _classes(director, school, year, created)
    _teachers_and_assignments(director, school, year, classes, created)
    grid_set_usual_week(actor=director, establishment=school, school_year=year)
    created["weekly grids"] += 1
    _availabilities(director, school, year, created)
    run = generator_run_request(
        actor=director,
        establishment=school,
        mode=RunMode.FULL,
        time_limit=GENERATOR_SECONDS,
        school_year=year,
    )
    status = generator_run_execute(run_id=run.pk)
    created[f"generator runs ({status})"] += 1
    return created


def _classes(director, school, year, created: Counter) -> list[SchoolClass]:
    """As many classes per stream as its pupils need, then each level placed automatically."""
    counts = Counter(
        Enrolment.objects.filter(
            establishment=school, school_year=year, status__in=ACTIVE_ENROLMENT_STATUSES
        ).values_list("stream_id", flat=True)
    )
    streams = Stream.objects.filter(pk__in=counts).select_related("level").order_by("code")
    for stream in streams:
        made = classes_create_many(
            actor=director,
            establishment=school,
            school_year=year,
            stream=stream,
            count=math.ceil(counts[stream.pk] / CLASS_CAPACITY),
            capacity=CLASS_CAPACITY,
        )
        created["classes"] += len(made)
    for level in Level.objects.filter(pk__in={stream.level_id for stream in streams}):
        result = level_auto_place(
            actor=director, establishment=school, school_year=year, level=level
        )
        created["pupils placed in classes"] += result.placed
    return list(
        SchoolClass.objects.filter(establishment=school, school_year=year)
        .select_related("stream")
        .order_by("level__order", "name")
    )


def _teachers_and_assignments(director, school, year, classes, created: Counter) -> None:
    """Per subject, as few teachers as the hours need (up to 21 h each), assigned in turn."""
    hours = {
        (allocation.stream_id, allocation.subject_id): allocation.weekly_hours
        for allocation in SubjectAllocation.objects.filter(
            school_year=year, stream__in={c.stream_id for c in classes}, weekly_hours__gt=0
        )
    }
    work: dict[int, list[tuple[SchoolClass, Decimal]]] = defaultdict(list)
    for school_class in classes:
        for (stream_id, subject_id), weekly in hours.items():
            if stream_id == school_class.stream_id:
                work[subject_id].append((school_class, weekly))
    subjects = {s.pk: s for s in Subject.objects.filter(pk__in=work).order_by("code")}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    demo_teacher = User.objects.filter(username="teacher").first()
    number = 0
    for subject in sorted(subjects.values(), key=lambda s: s.code):
        loads: list[tuple[StaffMember, Decimal]] = []
        for school_class, weekly in work[subject.pk]:
            if not loads or loads[-1][1] + weekly > QUOTA_HOURS:
                number += 1
                link = (
                    demo_teacher is not None
                    and subject.code == DEMO_TEACHER_SUBJECT
                    and not StaffMember.objects.filter(user=demo_teacher).exists()
                )
                teacher = _teacher(
                    director, school, subject, number, rng, person=demo_teacher if link else None
                )
                if link:  # the demo login existed before its staff file
                    teacher = staff_member_link_account(
                        actor=director, staff_member=teacher, user=demo_teacher
                    )
                loads.append((teacher, Decimal("0")))
                created["teachers"] += 1
            teacher, load = loads[-1]
            teaching_assignment_create(
                actor=director, school_class=school_class, subject=subject, teacher=teacher
            )
            loads[-1] = (teacher, load + weekly)
            created["teaching assignments"] += 1


def _teacher(director, school, subject, number: int, rng: random.Random, person=None):
    first_ar, first_fr = rng.choice(GIRLS if number % 2 else BOYS)
    last_ar, last_fr = rng.choice(FAMILIES)
    if person is not None:
        first_ar, last_ar = person.first_name_ar, person.last_name_ar
        first_fr, last_fr = person.first_name, person.last_name
    status = StaffStatus.ACADEMY_CONTRACT if number % 3 == 0 else StaffStatus.CIVIL_SERVANT
    created = staff_create(
        actor=director,
        main_establishment=school,
        data=StaffData(
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            first_name_fr=first_fr,
            last_name_fr=last_fr,
            cin=f"A{700000 + number:06d}",
            payroll_number=f"{1200000 + number}",
            status=status,
            grade="Professeur de l'enseignement secondaire qualifiant",
            cycle="upper_secondary",
            subject_codes=(subject.code,),
        ),
    )
    return created.staff_member


def _availabilities(director, school, year, created: Counter) -> None:
    """A few teachers cannot teach on some mornings, and one would rather not start early."""
    teachers = list(
        StaffMember.objects.filter(main_establishment=school).order_by("payroll_number")[:6]
    )
    for index, teacher in enumerate(teachers):
        weekday = 1 + index % 5
        kind = AvailabilityKind.AVOID if index % 2 else AvailabilityKind.UNAVAILABLE
        for period in (1, 2):
            availability_set(
                actor=director,
                establishment=school,
                school_year=year,
                teacher=teacher,
                weekday=weekday,
                period=period,
                kind=kind,
            )
            created["teacher availabilities"] += 1
