"""Benchmark: publishing a lycée's results and printing its report cards (Typst, Arabic fonts).

    python benchmarks/assessment_report_cards.py             # SQLite file in var/, rebuilt
    MASSAR_BENCH_CLASSES=20 MASSAR_BENCH_PUPILS=30 python benchmarks/assessment_report_cards.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/massar_bench \
        python benchmarks/assessment_report_cards.py         # PostgreSQL (wiped: "bench")

Builds, set-based, a lycée of ``MASSAR_BENCH_CLASSES`` (default 40) TCS classes of
``MASSAR_BENCH_PUPILS`` (default 38) pupils with common Moroccan names, a teacher per subject
and four classes, and semester 1's validated mark sheets (11 subjects, 2 tests and the
activities, about 2% of tests missed, an appreciation on a third of the rows). Then it times:

1. publishing semester 1 (``results_publish``: recomputation, every card built set-based,
   written in bulk);
2. printing the whole school's cards as one PDF (the background task's body), with one thread
   and with ``PRINT_WORKERS`` threads, each in a fresh process: cards per second (target: at
   least 250/s on 2 cores) and per CPU-second (what one core gives, whatever the load);
3. one card on demand, as the page and the API serve it (read the snapshot, lay it out):
   median and maximum of ``MASSAR_BENCH_ON_DEMAND`` (default 50) cards (target: under 100 ms).

Prints the figures; asserts only that the outputs are PDFs with a page per pupil.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: Set in the child process that prints one batch ("<publication id>:<threads>"): each printing
#: runs in a fresh process, so that Typst's memoised layouts of an earlier printing (kept for
#: the life of a process) do not flatter the figure.
CHILD = os.environ.get("MASSAR_BENCH_PRINT", "")

from benchmarks._setup import count_from_env, start  # noqa: E402

if CHILD:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massar.settings")
    os.environ.setdefault("MASSAR_ALLOW_INSECURE_KEY", "1")
    django.setup()
else:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="massar-bench-report-cards-")
    start(sqlite_name="bench-report-cards.sqlite3")

from django.db import connection, transaction  # noqa: E402

from benchmarks.synthetic import build_country  # noqa: E402
from benchmarks.synthetic_pupils import FIRST_NAMES, family_names  # noqa: E402
from massar.accounts.models import Role  # noqa: E402
from massar.accounts.services import role_assign, user_create  # noqa: E402
from massar.assessment.models import (  # noqa: E402
    MarkRow,
    MarkSheet,
    Publication,
    PublishedReport,
    ReportCardBatch,
    SheetStatus,
)
from massar.assessment.reportcards import batch as batch_module  # noqa: E402
from massar.assessment.reportcards.pdf import report_card_pdf  # noqa: E402
from massar.assessment.services_publication import results_publish  # noqa: E402
from massar.core.choices import CycleCode  # noqa: E402
from massar.curriculum.models import Stream, SubjectAllocation  # noqa: E402
from massar.schooling.models import ClassPlacement, SchoolClass  # noqa: E402
from massar.staff.models import StaffKind, StaffMember, StaffStatus  # noqa: E402
from massar.students.models import Enrolment, EnrolmentStatus, Student  # noqa: E402
from massar.territory.models import Establishment, SchoolYear  # noqa: E402

APPRECIATIONS = [
    "عمل جيد",
    "نتائج مشجعة، واصل",
    "يمكن تحقيق أفضل",
    "Bon travail",
    "Peut mieux faire",
    "مجهود محمود",
    "Ensemble satisfaisant, poursuivre les efforts",
]


def mark(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(0, 2000)) / 100


@transaction.atomic
def build_school(school: Establishment, year: SchoolYear, classes: int, size: int) -> int:
    rng = random.Random(5)
    stream = Stream.objects.get(code="TCS")
    subjects = [
        allocation.subject
        for allocation in SubjectAllocation.objects.filter(school_year=year, stream=stream)
        .select_related("subject")
        .order_by("pk")
    ]
    school_classes = SchoolClass.objects.bulk_create(
        [
            SchoolClass(
                establishment=school,
                school_year=year,
                level=stream.level,
                stream=stream,
                number=number,
                name=f"TCS-{number}",
                capacity=40,
            )
            for number in range(1, classes + 1)
        ]
    )
    families = family_names()
    students = []
    for number in range(1, classes * size + 1):
        first_ar, first_fr, sex = rng.choice(FIRST_NAMES)
        last_ar, last_fr = rng.choice(families)
        students.append(
            Student(
                code_massar=f"R{number:09d}",
                establishment=school,
                first_name_ar=first_ar,
                last_name_ar=last_ar,
                first_name_fr=first_fr,
                last_name_fr=last_fr,
                sex=sex,
                birth_date=year.starts_on.replace(year=year.starts_on.year - 15),
            )
        )
    Student.objects.bulk_create(students, batch_size=2000)
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                student=student,
                school_year=year,
                establishment=school,
                level=stream.level,
                stream=stream,
                status=EnrolmentStatus.REGISTERED,
                entered_on=year.starts_on,
            )
            for student in students
        ],
        batch_size=2000,
    )
    ClassPlacement.objects.bulk_create(
        [
            ClassPlacement(enrolment=enrolment, school_class=school_classes[index // size])
            for index, enrolment in enumerate(enrolments)
        ],
        batch_size=2000,
    )
    teachers = StaffMember.objects.bulk_create(
        [
            StaffMember(
                first_name_ar=rng.choice(FIRST_NAMES)[0],
                last_name_ar=rng.choice(families)[0],
                first_name_fr=f"Prof{number}",
                last_name_fr="Bench",
                cin=f"BK{number:06d}",
                payroll_number=f"{9000000 + number}",
                kind=StaffKind.TEACHER,
                status=StaffStatus.CIVIL_SERVANT,
                cycle=CycleCode.UPPER_SECONDARY,
                main_establishment=school,
            )
            for number in range(len(subjects) * ((classes + 3) // 4))
        ]
    )
    sheets = MarkSheet.objects.bulk_create(
        [
            MarkSheet(
                establishment=school,
                school_year=year,
                school_class=school_class,
                subject=subject,
                semester=1,
                teacher=teachers[(index // 4) * len(subjects) + position],
                test_count=2,
                status=SheetStatus.VALIDATED,
            )
            for index, school_class in enumerate(school_classes)
            for position, subject in enumerate(subjects)
        ]
    )
    rows = []
    for sheet in sheets:
        first = (sheet.school_class.number - 1) * size
        for enrolment in enrolments[first : first + size]:
            absent = rng.random() < 0.02
            rows.append(
                MarkRow(
                    sheet=sheet,
                    enrolment=enrolment,
                    test_1=None if absent else mark(rng),
                    absent_1=absent,
                    test_2=mark(rng),
                    activities=mark(rng),
                    appreciation=rng.choice(APPRECIATIONS) if rng.random() < 0.33 else "",
                )
            )
    MarkRow.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def pages(pdf: bytes) -> int:
    return pdf.count(b"/Type/Page/") + pdf.count(b"/Type/Page>")


def print_batch(publication_id: int, workers: int) -> tuple[float, float, int, int]:
    """Print the publication's cards with ``workers`` threads (in this process)."""
    batch_module.PRINT_WORKERS = workers
    publication = Publication.objects.get(pk=publication_id)
    batch = ReportCardBatch.objects.create(
        establishment=publication.establishment, publication=publication
    )
    started, cpu = time.perf_counter(), time.process_time()
    status = batch_module.batch_execute(batch_id=batch.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    batch.refresh_from_db()
    assert status == "done", (status, batch.error)
    size = batch.file.size
    with batch.file.open("rb") as handle:
        assert pages(handle.read()) == batch.total
    return seconds, cpu, batch.total, size


def main() -> None:
    classes = count_from_env("MASSAR_BENCH_CLASSES", 40)
    size = count_from_env("MASSAR_BENCH_PUPILS", 38)
    on_demand = count_from_env("MASSAR_BENCH_ON_DEMAND", 50)
    build_country(establishments_per_directorate=1, satellites_per_central=0)
    school = Establishment.objects.filter(cycles__cycle=CycleCode.UPPER_SECONDARY).first()
    year = SchoolYear.objects.get(is_current=True)
    director = user_create(username="bench-director", password=None)
    role_assign(user=director, role=Role.DIRECTOR, establishment=school)
    started = time.perf_counter()
    marks = build_school(school, year, classes, size)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.2f} (figures are for an otherwise idle machine only when low)")
    print(
        f"database: {connection.vendor}; school {school.code}: {classes} classes × {size} "
        f"pupils = {classes * size} pupils, {marks} mark rows (built in "
        f"{time.perf_counter() - started:.1f} s); {os.cpu_count()} cores"
    )

    started = time.perf_counter()
    publication = results_publish(actor=director, establishment=school, school_year=year, period=1)
    seconds = time.perf_counter() - started
    print(
        f"publish semester 1   {seconds:6.2f} s for {publication.pupils} report cards "
        f"(recompute + build + write) = {publication.pupils / seconds:6.0f} cards/s"
    )

    for workers in sorted({1, batch_module.PRINT_WORKERS}):
        child = subprocess.run(
            [sys.executable, __file__],
            env={**os.environ, "MASSAR_BENCH_PRINT": f"{publication.pk}:{workers}"},
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, cpu, total, size_bytes = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"batch, {workers} thread{'s' if workers > 1 else ' '}    {seconds:6.2f} s for "
            f"{total} cards = {total / seconds:6.0f} cards/s "
            f"({total / cpu:4.0f} per CPU-second)   "
            f"({size_bytes / 1024 / 1024:.1f} MiB, {size_bytes / total / 1024:.0f} KiB a card)"
        )

    # A web process: the first card also loads the fonts; then cards of other pupils.
    ids = list(PublishedReport.objects.filter(publication=publication).values_list("pk", flat=True))
    rng = random.Random(3)
    timings = []
    for pk in rng.sample(ids, min(on_demand + 1, len(ids))):
        started = time.perf_counter()
        report = PublishedReport.objects.select_related("publication").get(pk=pk)
        pdf = report_card_pdf(report)
        timings.append(time.perf_counter() - started)
        assert pdf.startswith(b"%PDF-")
    first, timings = timings[0], timings[1:]
    print(
        f"one card on demand   first {first * 1000:5.1f} ms (fonts loaded), then median "
        f"{statistics.median(timings) * 1000:5.1f} ms, "
        f"p95 {sorted(timings)[max(0, int(len(timings) * 0.95) - 1)] * 1000:5.1f} ms, "
        f"max {max(timings) * 1000:5.1f} ms ({len(pdf) / 1024:.0f} KiB, tagged PDF)"
    )


if __name__ == "__main__":
    if CHILD:
        publication_id, workers = (int(part) for part in CHILD.split(":"))
        print(json.dumps(print_batch(publication_id, workers)))
    else:
        try:
            main()
        finally:
            shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)
