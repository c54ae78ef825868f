"""Benchmark: a run of the timetable generator through the database (load, solve, write).

    python benchmarks/timetable_generation_run.py
    MASSAR_BENCH_CLASSES=20 MASSAR_BENCH_SECONDS=10 python benchmarks/timetable_generation_run.py

A synthetic lycée (default 40 classes of tronc commun, 28 periods a week each, in 11 subjects;
a teacher per 18-20 periods; classrooms, laboratories, computer rooms and sports grounds enough
for the load; Monday to Saturday, 8 periods, Saturday afternoon free) is written set-based on a
benchmark database (SQLite file in var/, or PostgreSQL by ``DATABASE_URL``, wiped). Then a full
run and a repair run (after a teacher becomes unavailable for a day she teaches) go through
``generator_run_execute`` as the worker does. Prints the queries and time of loading the
problem, the time of the whole run, and the queries and time of writing the sessions.
The solver's own figures are in ``benchmarks/timetable_generator.py``.
"""

from __future__ import annotations

import math
import sys
import time
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import count_from_env, start

SUBJECTS = [  # code, weekly hours
    ("MATH", 4),
    ("FR", 4),
    ("AR", 4),
    ("EN", 3),
    ("PC", 3),
    ("SVT", 2),
    ("HG", 2),
    ("PHILO", 2),
    ("ISL", 1),
    ("PE", 2),
    ("INFO", 1),
]
TEACHER_LOAD = 18


def build(classes: int):
    from django.db import transaction

    from massar.core.choices import CycleCode
    from massar.curriculum.models import Stream, Subject
    from massar.schooling.models import Room, RoomType, SchoolClass
    from massar.staff.models import StaffKind, StaffMember, StaffStatus, TeachingAssignment
    from massar.territory.models import Commune, Directorate, Establishment, SchoolYear
    from massar.timetable.models import (
        FreeHalfDay,
        HalfDay,
        Period,
        SubjectTimetableRule,
        WeeklyGrid,
    )

    year = SchoolYear.objects.get(is_current=True)
    directorate = Directorate.objects.order_by("code").first()
    with transaction.atomic():
        commune = Commune.objects.create(
            code="BENCH-TT", name_fr="Bench", name_ar="بنش", directorate=directorate
        )
        school = Establishment.objects.create(
            code="99001B",
            name_fr="Lycée Benchmark",
            name_ar="ثانوية القياس",
            commune=commune,
            academy_id=directorate.academy_id,
            directorate=directorate,
        )
        grid = WeeklyGrid.objects.create(
            establishment=school, school_year=year, weekdays="123456", class_max_periods_per_day=6
        )
        hours = [8, 9, 10, 11, 14, 15, 16, 17]
        Period.objects.bulk_create(
            Period(
                grid=grid,
                number=n,
                starts_at=clock(h),
                ends_at=clock(h + 1),
                half=HalfDay.MORNING if h < 12 else HalfDay.AFTERNOON,
            )
            for n, h in enumerate(hours, start=1)
        )
        FreeHalfDay.objects.create(grid=grid, weekday=6, half=HalfDay.AFTERNOON)
        slots = 6 * 8 - 4
        rules = dict(SubjectTimetableRule.objects.values_list("subject__code", "room_type"))
        load_by_type: dict[str, int] = {}
        for code, weekly in SUBJECTS:
            kind = rules.get(code, RoomType.CLASSROOM)
            load_by_type[kind] = load_by_type.get(kind, 0) + weekly * classes
        rooms = []
        for kind, load in load_by_type.items():
            for index in range(math.ceil(load / slots * 1.25) + 1):
                rooms.append(
                    Room(
                        establishment=school,
                        code=f"{kind[:3].upper()}{index + 1}",
                        room_type=kind,
                        capacity=45,
                    )
                )
        Room.objects.bulk_create(rooms)
        stream = Stream.objects.filter(level__code="TC").order_by("-is_general", "code").first()
        school_classes = SchoolClass.objects.bulk_create(
            SchoolClass(
                establishment=school,
                school_year=year,
                level=stream.level,
                stream=stream,
                number=n,
                name=f"TC-{n}",
                capacity=40,
            )
            for n in range(1, classes + 1)
        )
        subjects = Subject.objects.in_bulk([code for code, _ in SUBJECTS], field_name="code")
        teachers_needed = {
            code: math.ceil(weekly * classes / TEACHER_LOAD) for code, weekly in SUBJECTS
        }
        staff = []
        for code, count in teachers_needed.items():
            for index in range(count):
                number = len(staff)
                staff.append(
                    StaffMember(
                        first_name_ar="أستاذ",
                        last_name_ar=f"{code} {index + 1}",
                        first_name_fr="Prof",
                        last_name_fr=f"{code} {index + 1}",
                        cin=f"BT{number:06d}",
                        payroll_number=f"{9000000 + number}",
                        kind=StaffKind.TEACHER,
                        status=StaffStatus.CIVIL_SERVANT,
                        cycle=CycleCode.UPPER_SECONDARY,
                        main_establishment=school,
                    )
                )
        staff = StaffMember.objects.bulk_create(staff)
        by_subject: dict[str, list] = {}
        for member in staff:
            by_subject.setdefault(member.last_name_fr.split()[0], []).append(member)
        assignments = []
        for index, school_class in enumerate(school_classes):
            for code, weekly in SUBJECTS:
                pool = by_subject[code]
                per_teacher = math.ceil(classes / len(pool))
                assignments.append(
                    TeachingAssignment(
                        establishment=school,
                        school_year=year,
                        school_class=school_class,
                        subject=subjects[code],
                        teacher=pool[index // per_teacher],
                        weekly_hours=Decimal(weekly),
                    )
                )
        TeachingAssignment.objects.bulk_create(assignments)
    return school, year, staff


def main() -> None:
    if not start(sqlite_name="bench_timetable_generation.sqlite3"):
        raise SystemExit("No database for the benchmark.")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from massar.accounts.models import Role, User
    from massar.accounts.services import role_assign
    from massar.timetable import generation
    from massar.timetable.loading import load_problem
    from massar.timetable.models import GeneratorRun, RunMode, Session, TeacherAvailability

    classes = count_from_env("MASSAR_BENCH_CLASSES", 40)
    seconds = count_from_env("MASSAR_BENCH_SECONDS", 30)
    began = time.perf_counter()
    school, year, staff = build(classes)
    director = User.objects.create_user(username="bench-director", password="x")
    role_assign(user=director, role=Role.DIRECTOR, establishment=school)
    print(
        f"school: {classes} classes, {len(staff)} teachers, built in "
        f"{time.perf_counter() - began:.1f} s ({connection.vendor})"
    )

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        loaded = load_problem(establishment=school, school_year=year)
        elapsed = time.perf_counter() - began
    print(
        f"load: {len(loaded.problem.lessons)} lessons, {len(loaded.problem.rooms)} rooms, "
        f"{len(queries)} queries, {elapsed * 1000:.0f} ms"
    )

    real_write = generation._write_solution
    written = {}

    def timed_write(run, loaded, solution):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            result = real_write(run, loaded, solution)
            written.update(queries=len(queries), seconds=time.perf_counter() - began)
        return result

    generation._write_solution = timed_write
    for mode in (RunMode.FULL, RunMode.REPAIR):
        if mode == RunMode.REPAIR:  # a teacher is away for a whole day where she teaches
            day = Session.objects.filter(teacher=staff[0]).values_list("weekday", flat=True)[0]
            TeacherAvailability.objects.bulk_create(
                TeacherAvailability(teacher=staff[0], school_year=year, weekday=day, period=p)
                for p in range(1, 9)
            )
        run = GeneratorRun.objects.create(
            establishment=school,
            school_year=year,
            mode=mode,
            time_limit_seconds=seconds,
            requested_by=director,
        )
        written.clear()
        began = time.perf_counter()
        status = generation.generator_run_execute(run_id=run.pk)
        elapsed = time.perf_counter() - began
        run.refresh_from_db()
        print(
            f"{mode} run: {status} in {elapsed:.1f} s (limit {seconds} s), "
            f"{run.sessions_placed} sessions placed, {run.sessions_moved} moved, "
            f"objective {run.objective}"
        )
        if written:
            print(
                f"  write: {written['queries']} queries, {written['seconds'] * 1000:.0f} ms; "
                f"{Session.objects.filter(establishment=school).count()} sessions, "
                f"{Session.history.count()} history rows in all"
            )


if __name__ == "__main__":
    main()
