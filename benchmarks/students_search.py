"""Benchmark: search by name among a million pupils with ``selectors.student_list``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/massar_bench make bench
    MASSAR_BENCH_PUPILS=200000 DATABASE_URL=… python benchmarks/students_search.py

PostgreSQL only (skipped otherwise): the "name contains" search relies on the trigram index of
migration 0003. Loads ``MASSAR_BENCH_PUPILS`` (default 1,000,000) synthetic pupils by COPY, then
runs ``MASSAR_BENCH_SEARCHES`` (default 200) searches — a family name, a first and family name,
a part of a name, in Arabic and Latin script — as the list page does (the matches counted up to
``SEARCH_COUNT_CAP``, then the first page of 25 with the year's enrolments), for a national
administrator and for a directorate officer. Prints p50 and p95 per actor (target p95 < 50 ms);
asserts nothing. The synthetic country concentrates family names far more than the real one
(a few percent of all pupils share some of them), so broad searches hit the cap often.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import count_from_env, start

if not start(sqlite_name=None):
    print("students_search: skipped, the trigram search needs PostgreSQL (DATABASE_URL=…bench…)")
    raise SystemExit(0)

from django.db import connection, transaction

from benchmarks.synthetic import build_country
from benchmarks.synthetic_pupils import FIRST_NAMES, family_names, pupils
from massar.accounts.models import Role
from massar.accounts.scope import scope_for
from massar.accounts.services import role_assign, user_create
from massar.core.paging import capped_count
from massar.students.access import records_scope
from massar.students.bulk import copy_pupils
from massar.students.selectors import SEARCH_COUNT_CAP, StudentFilters, student_list
from massar.territory.models import Directorate, SchoolYear

KINDS = ["family name (Latin)", "first + family (Latin)", "family name (Arabic)"]
KINDS += ["first + family (Arabic)", "part of a family name"]


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def queries(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    families = family_names()
    made = []
    for index in range(count):
        first_ar, first_fr, _sex = rng.choice(FIRST_NAMES)
        last_ar, last_fr = rng.choice(families)
        made.append(
            [
                last_fr,
                f"{first_fr} {last_fr}",
                last_ar,
                f"{first_ar} {last_ar}",
                last_fr[: max(4, len(last_fr) // 2)].lower(),
            ][index % 5]
        )
    return made


def main() -> None:
    count = count_from_env("MASSAR_BENCH_PUPILS", 1_000_000)
    searches = count_from_env("MASSAR_BENCH_SEARCHES", 200)
    build_country(establishments_per_directorate=20)
    year = SchoolYear.objects.get(is_current=True)
    start_time = time.perf_counter()
    with transaction.atomic():
        copy_pupils(pupils(count), school_year=year, rebuild_indexes=True)
    print(
        f"database: {connection.vendor}; loaded {count:,} pupils in "
        f"{time.perf_counter() - start_time:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    admin = user_create(username="bench-admin", password=None)
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    officer = user_create(username="bench-dp", password=None)
    role_assign(
        user=officer,
        role=Role.DIRECTORATE_OFFICER,
        directorate=Directorate.objects.get(code="0401"),
    )
    terms = queries(searches)
    print(
        f"{'actor':<12}{'visible':>11}{'searches':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'mean hits':>11}"
    )
    for name, user in (("national", admin), ("directorate", officer)):
        scope = records_scope(user)
        scope_for(user)
        visible = student_list(scope=scope, filters=StudentFilters()).count()
        samples, hits = [], []
        for term in terms:
            started = time.perf_counter()
            queryset = student_list(scope=scope, filters=StudentFilters(q=term), school_year=year)
            found, _capped = capped_count(queryset, SEARCH_COUNT_CAP)  # as the page counts
            list(queryset[:25])
            samples.append((time.perf_counter() - started) * 1000)
            hits.append(found)
        print(
            f"{name:<12}{visible:>11,}{len(samples):>10}{statistics.median(samples):>9.1f}"
            f"{p95(samples):>9.1f}{max(samples):>9.1f}{statistics.mean(hits):>11,.0f}"
        )
        for kind, label in enumerate(KINDS):
            part = samples[kind::5]
            print(
                f"  {label:<24}{'':>7}{len(part):>10}{statistics.median(part):>9.1f}"
                f"{p95(part):>9.1f}{max(part):>9.1f}{statistics.mean(hits[kind::5]):>11,.0f}"
            )


if __name__ == "__main__":
    main()
