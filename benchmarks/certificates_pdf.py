"""Benchmark: certificates issued and rendered as PDF (Typst, packaged Arabic fonts).

    python benchmarks/certificates_pdf.py             # SQLite file in var/, rebuilt each run
    MASSAR_BENCH_CERTIFICATES=100 python benchmarks/certificates_pdf.py

Builds a lycée, its director and a pupil, issues ``MASSAR_BENCH_CERTIFICATES`` (default 50)
certificates of each kind, then renders each one as PDF, one after the other in one process (a
web worker's situation). Prints issues/s and certificates/s; asserts only that every PDF is one.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import count_from_env, start

start(sqlite_name="bench-certificates.sqlite3")

from datetime import date  # noqa: E402

from django.db import connection  # noqa: E402

from benchmarks.synthetic import build_country  # noqa: E402
from massar.accounts.models import Role  # noqa: E402
from massar.accounts.services import role_assign, user_create  # noqa: E402
from massar.core.choices import CycleCode  # noqa: E402
from massar.curriculum.models import Level, Stream  # noqa: E402
from massar.students.certificates.pdf import certificate_pdf  # noqa: E402
from massar.students.certificates.services import certificate_issue  # noqa: E402
from massar.students.models import Enrolment, EnrolmentStatus  # noqa: E402
from massar.students.services import (  # noqa: E402
    GuardianData,
    Placement,
    StudentData,
    student_register,
)
from massar.territory.models import Establishment, SchoolYear  # noqa: E402


def pupil(director, school, *, first_ar: str, first_fr: str):
    level = Level.objects.get(code="TC")
    return student_register(
        actor=director,
        data=StudentData(
            first_name_ar=first_ar,
            last_name_ar="الإدريسي",
            first_name_fr=first_fr,
            last_name_fr="El Idrissi",
            sex="F",
            birth_date=date(2009, 5, 2),
            birth_place_ar="سلا",
            birth_place_fr="Salé",
            guardians=[GuardianData(relationship="mother", first_name_fr="Fatima", cin="AB1")],
        ),
        placement=Placement(
            school_year=SchoolYear.objects.get(is_current=True),
            establishment=school,
            level=level,
            stream=Stream.objects.filter(level=level).order_by("-is_general", "code").first(),
            class_label="TCS-2",
        ),
    )


def main() -> None:
    count = count_from_env("MASSAR_BENCH_CERTIFICATES", 50)
    build_country(establishments_per_directorate=2)
    school = Establishment.objects.filter(cycles__cycle=CycleCode.UPPER_SECONDARY).first()
    director = user_create(username="bench-director", password=None)
    role_assign(user=director, role=Role.DIRECTOR, establishment=school)
    enrolled = pupil(director, school, first_ar="سلمى", first_fr="Salma")
    left = pupil(director, school, first_ar="آمنة", first_fr="Amina")
    Enrolment.objects.filter(student=left).update(status=EnrolmentStatus.LEFT)
    print(f"database: {connection.vendor}; {count} certificates of each kind; school {school.code}")

    certificate_pdf(certificate_issue(actor=director, student=enrolled, kind="school"))  # warm-up
    for kind, student in (
        ("school", enrolled),
        ("leaving", left),
        ("registration_receipt", enrolled),
    ):
        start_time = time.perf_counter()
        issued = [
            certificate_issue(actor=director, student=student, kind=kind) for _ in range(count)
        ]
        issuing = time.perf_counter() - start_time
        timings = []
        size = 0
        for certificate in issued:
            start_time = time.perf_counter()
            pdf = certificate_pdf(certificate, base_url="https://massar.example.ma")
            timings.append(time.perf_counter() - start_time)
            assert pdf.startswith(b"%PDF-")
            size += len(pdf)
        total = sum(timings)
        print(
            f"{kind:<21} issue {count / issuing:7.1f}/s   "
            f"PDF median {statistics.median(timings) * 1000:5.0f} ms, "
            f"max {max(timings) * 1000:5.0f} ms = {count / total:5.1f} certificates/s   "
            f"({size / count / 1024:.0f} KiB each)"
        )


if __name__ == "__main__":
    main()
