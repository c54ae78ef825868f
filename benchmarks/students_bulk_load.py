"""Benchmark: the national bulk load of pupils by COPY (``massar.students.bulk.copy_pupils``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/massar_bench make bench
    MASSAR_BENCH_PUPILS=200000 DATABASE_URL=… python benchmarks/students_bulk_load.py

PostgreSQL only (skipped otherwise). Builds the country's schools, makes ``MASSAR_BENCH_PUPILS``
(default 1,000,000) synthetic pupils in memory (not timed), then times:

1. the load, one transaction, committed: files with name keys and search text, enrolments of the
   year and one history row for each, by binary COPY straight into the four tables; with
   ``rebuild_indexes`` (default; ``MASSAR_BENCH_REBUILD_INDEXES=0`` maintains them row by row) the
   secondary indexes, unique constraints and foreign keys dropped first and rebuilt after the
   rows, in the transaction — every constraint is checked before the commit;
2. with ``MASSAR_BENCH_DEFER_SEARCH_INDEXES=1`` (``defer_search_indexes``), the two trigram
   indexes of name search are left out of step 1 and built after the commit by
   ``rebuild_search_indexes()`` (``CREATE INDEX CONCURRENTLY``: the data is usable sooner, but
   the end-to-end time is longer than building them in step 1, the default).

Prints the phases of step 1 (rows = Python building the rows while the server stores them;
rebuild = indexes and constraints), the rate of step 1 alone and the rate end to end (1 + 2).
Target: at least 100,000 pupils/s. Prints figures; asserts only the row counts.
"""

from __future__ import annotations

import os
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
from massar.students.bulk import copy_pupils, rebuild_search_indexes
from massar.students.models import Enrolment, Student
from massar.territory.models import SchoolYear

REBUILD = os.environ.get("MASSAR_BENCH_REBUILD_INDEXES", "1") == "1"
DEFER_SEARCH = REBUILD and os.environ.get("MASSAR_BENCH_DEFER_SEARCH_INDEXES", "0") == "1"


def main() -> None:
    count = count_from_env("MASSAR_BENCH_PUPILS", 1_000_000)
    built = build_country(establishments_per_directorate=20)
    year = SchoolYear.objects.get(is_current=True)
    start_time = time.perf_counter()
    batch = list(pupils(count))
    made = time.perf_counter() - start_time
    print(
        f"database: {connection.vendor}; {built['establishments']} schools; {os.cpu_count()} cores"
    )
    print(f"made {count:,} synthetic pupils in memory in {made:.1f} s (not timed below)")

    timings: dict[str, float] = {}
    start_time = time.perf_counter()
    with transaction.atomic():
        loaded = copy_pupils(
            batch,
            school_year=year,
            rebuild_indexes=REBUILD,
            defer_search_indexes=DEFER_SEARCH,
            timings=timings,
        )
    load_seconds = time.perf_counter() - start_time
    start_time = time.perf_counter()
    built_indexes = rebuild_search_indexes() if DEFER_SEARCH else []
    search_seconds = time.perf_counter() - start_time
    assert loaded == count == Student.objects.count() == Enrolment.objects.count()
    history = Student.history.count() + Enrolment.history.count()
    assert history == 2 * count
    indexes = (
        "rebuilt after the rows, trigram search indexes after the commit"
        if DEFER_SEARCH
        else "all rebuilt after the rows"
        if REBUILD
        else "maintained row by row"
    )
    print(f"indexes: {indexes}")
    print(
        "  in the load: "
        + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in timings.items())
        + f", commit {load_seconds - sum(timings.values()):.1f} s"
    )
    print(
        f"load (committed, every constraint checked): {loaded:,} pupils + {loaded:,} "
        f"enrolments + {history:,} history rows in {load_seconds:.1f} s = "
        f"{loaded / load_seconds:,.0f} pupils/s"
    )
    if DEFER_SEARCH:
        print(
            f"then name-search indexes ({', '.join(built_indexes)}, CONCURRENTLY) in "
            f"{search_seconds:.1f} s"
        )
    total = load_seconds + search_seconds
    print(f"end to end: {total:.1f} s = {loaded / total:,.0f} pupils/s (target ≥ 100,000)")


if __name__ == "__main__":
    main()
