"""Benchmark: a school's 1,000-pupil file imported through ``students_import``.

    make bench                                   # SQLite file in var/, rebuilt each run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/massar_bench make bench
    MASSAR_BENCH_IMPORT_ROWS=300 python benchmarks/students_import.py

Builds the country's schools, a lycée and its director, then imports an .xlsx and a CSV file of
``MASSAR_BENCH_IMPORT_ROWS`` (default 1,000) new pupils: read, every row validated, codes handed
out, files, enrolments and history written. The first import of each format is committed; the
repeats run in a transaction that is rolled back. Target: under 1 s for 1,000 rows. Prints
figures; asserts nothing about time.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import count_from_env, start

start(sqlite_name="bench-students-import.sqlite3")

import xlsxwriter  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from benchmarks.synthetic import build_country  # noqa: E402
from benchmarks.synthetic_pupils import FIRST_NAMES, family_names  # noqa: E402
from massar.accounts.models import Role  # noqa: E402
from massar.accounts.services import role_assign, user_create  # noqa: E402
from massar.core.choices import CycleCode  # noqa: E402
from massar.students.spreadsheets import students_import  # noqa: E402
from massar.territory.models import Establishment, SchoolYear  # noqa: E402

HEADERS = ["Code Massar", "Nom (arabe)", "Prénom (arabe)", "Nom", "Prénom"]
HEADERS += ["Date de naissance", "Sexe", "Niveau", "Classe", "Filière"]
LEVELS = [("TC", "TCS", "TCS"), ("TC", "TCLSH", "TCLSH"), ("1BAC", "1BAC-SM", "SM")]


class Rollback(Exception):
    pass


def rows(count: int, variant: int) -> list[list]:
    """One birth date per row, and a family name per variant: no two children look alike."""
    families = family_names()
    result = []
    for index in range(count):
        first_ar, first_fr, sex = FIRST_NAMES[index % len(FIRST_NAMES)]
        last_ar, last_fr = families[(index * 7 + variant) % len(families)]
        level, stream, prefix = LEVELS[index % len(LEVELS)]
        born = date(2008, 1, 1) + timedelta(days=index % 1400)
        identity = [last_ar, first_ar, last_fr, first_fr, born.strftime("%d-%m-%Y"), sex]
        result.append(["", *identity, level, f"{prefix}-{index % 6 + 1}", stream])
    return result


def xlsx(data: list[list]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for number, row in enumerate(data, start=1):
        sheet.write_row(number, 0, row)
    workbook.close()
    return SimpleUploadedFile("pupils.xlsx", buffer.getvalue())


def csv_file(data: list[list]) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(data)
    return SimpleUploadedFile("pupils.csv", text.getvalue().encode("utf-8-sig"))


def main() -> None:
    count = count_from_env("MASSAR_BENCH_IMPORT_ROWS", 1000)
    build_country(establishments_per_directorate=20)
    school = Establishment.objects.filter(cycles__cycle=CycleCode.UPPER_SECONDARY).first()
    director = user_create(username="bench-director", password=None)
    role_assign(user=director, role=Role.DIRECTOR, establishment=school)
    year = SchoolYear.objects.get(is_current=True)
    print(f"database: {connection.vendor}; {count} rows per file; school {school.code}")

    def run(upload) -> float:
        start_time = time.perf_counter()
        result = students_import(
            actor=director, establishment=school, upload=upload, school_year=year
        )
        seconds = time.perf_counter() - start_time
        assert result.created == count, result
        return seconds

    for label, build, variant in (("xlsx", xlsx, 0), ("csv", csv_file, 1)):
        data = rows(count, variant)
        start_time = time.perf_counter()
        with transaction.atomic():
            first = run(build(data))
        committed = time.perf_counter() - start_time
        repeats = []
        for repeat in range(5):
            upload = build(rows(count, 2 + repeat))
            try:
                with transaction.atomic():
                    repeats.append(run(upload))
                    raise Rollback
            except Rollback:
                pass
        median = statistics.median(repeats)
        print(
            f"{label:<5} first {first * 1000:6.0f} ms (with commit {committed * 1000:.0f} ms)"
            f"   repeats: median {median * 1000:.0f} ms, max {max(repeats) * 1000:.0f} ms"
            f"   = {count / median:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()
