"""Benchmark: the automatic placement of a level and the school map of a directorate.

    python benchmarks/schooling_placement.py          # SQLite file in var/, rebuilt each run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/massar_bench \
        python benchmarks/schooling_placement.py
    MASSAR_BENCH_LEVEL_PUPILS=900 MASSAR_BENCH_SCHOOLS=80 python benchmarks/schooling_placement.py

Builds (not timed) a lycée with ``MASSAR_BENCH_LEVEL_PUPILS`` (default 600) registered pupils of
the tronc commun (sciences) and ``MASSAR_BENCH_CLASSES`` (default 15) classes of 40, then times:

1. ``level_auto_place``: the whole level placed (balanced, bulk writes with history, the
   enrolments' class labels in one update), each run in a transaction rolled back;
2. ``directorate_school_map``: the map of a directorate of ``MASSAR_BENCH_SCHOOLS`` (default 40)
   establishments with ~60 pupils per level, their rooms and expected intake.

Prints medians and query counts; asserts nothing about time.
"""

from __future__ import annotations

import itertools
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import count_from_env, start

start(sqlite_name="bench-schooling.sqlite3")

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.synthetic_pupils import FIRST_NAMES, family_names  # noqa: E402
from massar.accounts.models import Role  # noqa: E402
from massar.accounts.services import role_assign, user_create  # noqa: E402
from massar.core.choices import Area, CycleCode, Sector  # noqa: E402
from massar.curriculum.models import Level, Stream  # noqa: E402
from massar.schooling.models import ExpectedIntake, Room, SchoolClass  # noqa: E402
from massar.schooling.placements import level_auto_place  # noqa: E402
from massar.schooling.school_map import directorate_school_map  # noqa: E402
from massar.students.duplicates import set_name_keys  # noqa: E402
from massar.students.models import Enrolment, EnrolmentStatus, Student  # noqa: E402
from massar.territory.models import (  # noqa: E402
    Commune,
    Directorate,
    Establishment,
    EstablishmentCycle,
    SchoolYear,
)

CYCLES = [
    [CycleCode.PRIMARY],
    [CycleCode.LOWER_SECONDARY],
    [CycleCode.UPPER_SECONDARY],
    [CycleCode.LOWER_SECONDARY, CycleCode.UPPER_SECONDARY],
]


CODES = itertools.count(1)


class Rollback(Exception):
    pass


def schools(count: int, directorate: Directorate) -> list[Establishment]:
    commune = Commune.objects.create(
        code="BENCH-1",
        directorate=directorate,
        area=Area.URBAN,
        name_fr="Commune du banc",
        name_ar="جماعة",
    )
    built = Establishment.objects.bulk_create(
        [
            Establishment(
                code=f"{90000 + number:05d}B",
                name_fr=f"Établissement {number}",
                name_ar=f"مؤسسة {number}",
                academy_id=directorate.academy_id,
                directorate=directorate,
                commune=commune,
                sector=Sector.PUBLIC,
                area=Area.URBAN,
            )
            for number in range(count)
        ]
    )
    EstablishmentCycle.objects.bulk_create(
        [
            EstablishmentCycle(establishment=school, cycle=cycle)
            for index, school in enumerate(built)
            for cycle in CYCLES[index % len(CYCLES)]
        ]
    )
    return list(Establishment.objects.filter(pk__in=[s.pk for s in built]).order_by("code"))


def pupils(rng, plan: list[tuple[Establishment, Level, Stream, int]], year: SchoolYear):
    """Files and enrolments in bulk: ``plan`` is (school, level, stream, count) rows."""
    families = family_names()
    students, rows = [], []
    for school, level, stream, count in plan:
        for _ in range(count):
            number = next(CODES)
            first_ar, first_fr, sex = rng.choice(FIRST_NAMES)
            last_ar, last_fr = rng.choice(families)
            student = Student(
                code_massar=f"B{number:09d}",
                establishment=school,
                first_name_ar=first_ar,
                last_name_ar=last_ar,
                first_name_fr=first_fr,
                last_name_fr=last_fr,
                sex=sex,
                birth_date=date(2009, 1, 1) + timedelta(days=rng.randint(0, 900)),
            )
            set_name_keys(student)
            students.append(student)
            rows.append((school, level, stream))
    Student.objects.bulk_create(students, batch_size=2000)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                student=student,
                school_year=year,
                establishment=school,
                level=level,
                stream=stream,
                status=EnrolmentStatus.REGISTERED,
                is_repeating=rng.random() < 0.12,
                decision=rng.choice(["", "", "", "pass", "repeat", "excluded"]),
                class_label=f"X-{rng.randint(1, 12)}",
                entered_on=year.starts_on,
            )
            for student, (school, level, stream) in zip(students, rows, strict=True)
        ],
        batch_size=2000,
    )


def median_ms(function, repeat: int = 7) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start_time = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start_time) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    rng = random.Random(5)
    level_pupils = count_from_env("MASSAR_BENCH_LEVEL_PUPILS", 600)
    class_count = count_from_env("MASSAR_BENCH_CLASSES", 15)
    school_count = count_from_env("MASSAR_BENCH_SCHOOLS", 40)
    year = SchoolYear.objects.get(is_current=True)
    directorate = Directorate.objects.get(code="0401")
    built = schools(school_count + 1, directorate)
    lycee, others = built[0], built[1:]
    EstablishmentCycle.objects.get_or_create(establishment=lycee, cycle=CycleCode.UPPER_SECONDARY)
    tc, tcs = Level.objects.get(code="TC"), Stream.objects.get(code="TCS")
    director = user_create(username="bench-director", password=None)
    role_assign(user=director, role=Role.DIRECTOR, establishment=lycee)

    # 1. One level placed
    pupils(rng, [(lycee, tc, tcs, level_pupils)], year)
    SchoolClass.objects.bulk_create(
        [
            SchoolClass(
                establishment=lycee,
                school_year=year,
                level=tc,
                stream=tcs,
                number=number,
                name=f"TCS-{number}",
                capacity=40,
            )
            for number in range(1, class_count + 1)
        ]
    )

    def place():
        try:
            with transaction.atomic():
                result = level_auto_place(
                    actor=director, establishment=lycee, school_year=year, level=tc
                )
                assert result.placed == level_pupils, result
                raise Rollback
        except Rollback:
            pass

    with CaptureQueriesContext(connection) as captured:
        place()
    median, worst = median_ms(place)
    print(f"database: {connection.vendor}")
    print(
        f"auto-placement of {level_pupils} pupils into {class_count} classes: "
        f"median {median:.0f} ms, max {worst:.0f} ms, {len(captured)} queries "
        f"(= {level_pupils / median * 1000:,.0f} pupils/s)"
    )

    # 2. The directorate's school map
    levels_of = {}
    for level in Level.objects.select_related("cycle"):
        levels_of.setdefault(level.cycle.code, []).append(level)
    streams = {}
    for stream in Stream.objects.filter(is_active=True).order_by("code"):
        streams.setdefault(stream.level_id, stream)
    plan, rooms, intakes = [], [], []
    for school in others:
        for cycle in school.cycle_codes:
            for level in levels_of[cycle]:
                plan.append((school, level, streams[level.pk], rng.randint(30, 90)))
                intakes.append(
                    ExpectedIntake(
                        establishment=school,
                        school_year=year,
                        level=level,
                        new_pupils=rng.randint(0, 60),
                    )
                )
        rooms.extend(
            Room(establishment=school, code=f"S{n:02d}", capacity=40)
            for n in range(rng.randint(6, 20))
        )
    pupils(rng, plan, year)
    Room.objects.bulk_create(rooms, batch_size=2000)
    ExpectedIntake.objects.bulk_create(intakes, batch_size=2000)
    enrolled = Enrolment.objects.filter(establishment__in=others).count()

    def school_map():
        return directorate_school_map(
            directorate=directorate,
            establishments=Establishment.objects.all(),
            school_year=year,
        )

    with CaptureQueriesContext(connection) as captured:
        result = school_map()
    median, worst = median_ms(school_map)
    print(
        f"directorate school map of {len(result.schools)} establishments "
        f"({enrolled:,} enrolments): median {median:.1f} ms, max {worst:.1f} ms, "
        f"{len(captured)} queries; {result.expected:,} pupils expected, "
        f"{result.classes_needed} classes needed, {result.classrooms_missing} classrooms missing"
    )


if __name__ == "__main__":
    main()
