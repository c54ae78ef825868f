"""Benchmark: the national bulk load of pupils by COPY (``massar.students.bulk.copy_pupils``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/massar_bench make bench
    MASSAR_BENCH_PUPILS=200000 DATABASE_URL=… python benchmarks/students_bulk_load.py

PostgreSQL only (skipped otherwise). Builds the country's schools, makes ``MASSAR_BENCH_PUPILS``
(default 1,000,000) synthetic pupils in memory, then times their load — files with name keys and
search text, enrolments of the year, one history row for each — committed, indexes (trigram
included) maintained. Target: at least 100,000 pupils/s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import count_from_env, start

if not start(sqlite_name=None):
    print("students_bulk_load: skipped, COPY needs PostgreSQL (DATABASE_URL=…bench…)")
    raise SystemExit(0)

from django.db import connection, transaction

from benchmarks.synthetic import build_country
from benchmarks.synthetic_pupils import pupils
from massar.students.bulk import copy_pupils
from massar.students.models import Enrolment, Student
from massar.territory.models import SchoolYear


def main() -> None:
    count = count_from_env("MASSAR_BENCH_PUPILS", 1_000_000)
    built = build_country(establishments_per_directorate=20)
    year = SchoolYear.objects.get(is_current=True)
    start_time = time.perf_counter()
    batch = list(pupils(count))
    made = time.perf_counter() - start_time
    print(f"database: {connection.vendor}; {built['establishments']} schools")
    print(f"made {count:,} synthetic pupils in memory in {made:.1f} s (not timed below)")

    start_time = time.perf_counter()
    with transaction.atomic():
        loaded = copy_pupils(batch, school_year=year)
    seconds = time.perf_counter() - start_time
    assert loaded == count == Student.objects.count() == Enrolment.objects.count()
    history = Student.history.count() + Enrolment.history.count()
    print(
        f"loaded {loaded:,} pupils (+ {loaded:,} enrolments, {history:,} history rows) "
        f"in {seconds:.1f} s = {loaded / seconds:,.0f} pupils/s (target ≥ 100,000)"
    )


if __name__ == "__main__":
    main()
