"""Benchmark: conflict checks of timetables placed by hand.

    python benchmarks/timetable_conflicts.py
    MASSAR_BENCH_CLASSES=80 python benchmarks/timetable_conflicts.py

A synthetic lycée (default 40 classes, 28 one-period sessions a week each, 11 subjects, a teacher
per 18 periods, Monday to Saturday, 8 periods, Saturday afternoon free) is written set-based on a
benchmark database (SQLite file in var/, or PostgreSQL by ``DATABASE_URL``, wiped). Sessions are
laid out class by class without looking at teachers, so the school has clashes to report.
Prints the queries and time of one session's check (what a page does on each change) and of the
whole establishment's conflict report.
"""

from __future__ import annotations

import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import count_from_env, start

SUBJECTS = [
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
    from massar.schooling.models import Room, SchoolClass
    from massar.staff.models import StaffMember, StaffStatus, TeachingAssignment
    from massar.territory.models import Commune, Directorate, Establishment, SchoolYear
    from massar.timetable.models import FreeHalfDay, Period, Session, WeeklyGrid
    from massar.timetable.weekgrid import USUAL_SECONDARY_WEEK

    year = SchoolYear.objects.get(is_current=True)
    directorate = Directorate.objects.order_by("code").first()
    stream = Stream.objects.filter(level__code="TC").order_by("-is_general", "code").first()
    subjects = {s.code: s for s in Subject.objects.filter(code__in=[c for c, _h in SUBJECTS])}
    with transaction.atomic():
        commune = Commune.objects.create(
            code="BENCH-TC", name_fr="Bench", name_ar="بنش", directorate=directorate
        )
        school = Establishment.objects.create(
            code="99002B",
            name_fr="Lycée Conflits",
            name_ar="ثانوية التعارضات",
            commune=commune,
            academy_id=directorate.academy_id,
            directorate=directorate,
        )
        grid = WeeklyGrid.objects.create(establishment=school, school_year=year)
        Period.objects.bulk_create(
            Period(
                grid=grid, number=p.number, starts_at=p.starts_at, ends_at=p.ends_at, half=p.half
            )
            for p in USUAL_SECONDARY_WEEK.periods
        )
        FreeHalfDay.objects.create(grid=grid, weekday=6, half="pm")
        rooms = Room.objects.bulk_create(
            Room(establishment=school, code=f"S{n:02d}", capacity=40) for n in range(classes)
        )
        school_classes = SchoolClass.objects.bulk_create(
            SchoolClass(
                establishment=school,
                school_year=year,
                level=stream.level,
                stream=stream,
                number=n + 1,
                name=f"TC-{n + 1}",
                capacity=38,
            )
            for n in range(classes)
        )
        teachers = []
        assignments = []
        for code, hours in SUBJECTS:
            per_teacher = max(1, TEACHER_LOAD // hours)
            for index, school_class in enumerate(school_classes):
                if index % per_teacher == 0:
                    teachers.append(
                        StaffMember(
                            first_name_ar="أستاذ",
                            last_name_ar=f"{code}{len(teachers)}",
                            first_name_fr="Prof",
                            last_name_fr=f"{code}{len(teachers)}",
                            cin=f"BT{len(teachers):06d}",
                            payroll_number=f"{9000000 + len(teachers)}",
                            status=StaffStatus.CIVIL_SERVANT,
                            cycle=CycleCode.UPPER_SECONDARY,
                            main_establishment=school,
                        )
                    )
                assignments.append(
                    TeachingAssignment(
                        establishment=school,
                        school_year=year,
                        school_class=school_class,
                        subject=subjects[code],
                        teacher=teachers[-1],
                        weekly_hours=Decimal(hours),
                    )
                )
        StaffMember.objects.bulk_create(teachers)
        for assignment in assignments:
            assignment.teacher_id = assignment.teacher.pk
        TeachingAssignment.objects.bulk_create(assignments)
        slots = USUAL_SECONDARY_WEEK.open_slots()
        sessions = []
        by_class: dict[int, list] = {}
        for assignment in assignments:
            by_class.setdefault(assignment.school_class_id, []).append(assignment)
        for position, school_class in enumerate(school_classes):
            taught = [a for a in by_class[school_class.pk] for _ in range(int(a.weekly_hours))]
            for index, assignment in enumerate(taught):
                # Shifted by class so that most teachers are free, but not all.
                weekday, period = slots[(index + position * 3) % len(slots)]
                sessions.append(
                    Session(
                        establishment=school,
                        school_year=year,
                        assignment=assignment,
                        school_class=school_class,
                        teacher_id=assignment.teacher_id,
                        room=rooms[position],
                        weekday=weekday,
                        period=period,
                    )
                )
        Session.objects.bulk_create(sessions, batch_size=2000)
    return school, year, assignments, len(sessions)


def main() -> None:
    if not start(sqlite_name="bench_timetable_conflicts.sqlite3"):
        raise SystemExit("no database")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from massar.timetable import conflicts
    from massar.timetable.models import Session
    from massar.timetable.weekgrid import USUAL_SECONDARY_WEEK

    classes = count_from_env("MASSAR_BENCH_CLASSES", 40)
    started = time.perf_counter()
    school, year, assignments, placed = build(classes)
    print(
        f"{connection.vendor}: {classes} classes, {placed} sessions written in "
        f"{time.perf_counter() - started:.2f} s"
    )

    timings = []
    for assignment in assignments[:50]:
        assignment = (
            type(assignment)
            .objects.select_related("establishment", "school_class", "teacher", "subject")
            .get(pk=assignment.pk)
        )
        draft = Session(
            establishment=assignment.establishment,
            school_year=year,
            assignment=assignment,
            school_class=assignment.school_class,
            teacher=assignment.teacher,
            weekday=2,
            period=3,
        )
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            conflicts.check_session(draft, shape=USUAL_SECONDARY_WEEK)
            timings.append(time.perf_counter() - began)
    print(
        f"one session's check: {len(queries.captured_queries)} queries, "
        f"median {statistics.median(timings) * 1000:.1f} ms over {len(timings)} checks"
    )

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        found = conflicts.school_conflicts(
            establishment_id=school.pk, school_year_id=year.pk, shape=USUAL_SECONDARY_WEEK
        )
        elapsed = time.perf_counter() - began
    hard = sum(1 for c in found if c.hard)
    print(
        f"school report: {len(queries.captured_queries)} queries, {elapsed * 1000:.0f} ms, "
        f"{hard} conflicts ({placed} sessions)"
    )


if __name__ == "__main__":
    main()
