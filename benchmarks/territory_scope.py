"""Benchmark: scoped reads of the territory at national scale.

    make bench            # SQLite file in var/bench.sqlite3, rebuilt each run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/massar_bench make bench

Builds ~12,300 schools and their satellites over the 82 directorates, then prints, per role, the
time of the directory's first page (count + 25 rows), of the home-page counts, and of the API list,
as medians over repeated runs. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massar.settings")
os.environ.setdefault("MASSAR_ALLOW_INSECURE_KEY", "1")
if "DATABASE_URL" not in os.environ:
    bench_db = ROOT / "var" / "bench.sqlite3"
    bench_db.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{bench_db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.synthetic import build_country  # noqa: E402
from massar.accounts.models import Role  # noqa: E402
from massar.accounts.scope import scope_for  # noqa: E402
from massar.accounts.services import role_assign, user_create  # noqa: E402
from massar.territory.models import Academy, Directorate, Establishment  # noqa: E402
from massar.territory.selectors import (  # noqa: E402
    EstablishmentFilters,
    academies_with_counts,
    directorates_with_counts,
    establishment_list,
)


def median_ms(function, repeat: int = 15) -> float:
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    if connection.vendor == "postgresql":
        # A clean slate for repeatable figures, on a dedicated benchmark database only.
        if "bench" not in connection.settings_dict["NAME"]:
            raise SystemExit("Use a database whose name contains 'bench': it is wiped.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    built = build_country()
    seconds = time.perf_counter() - start
    total = built["establishments"] + built["satellites"]
    print(f"database: {connection.vendor}")
    print(
        f"built {built['establishments']} schools + {built['satellites']} satellites "
        f"({built['cycles']} cycle rows) in {seconds:.1f} s = {total / seconds:,.0f} schools/s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    academy = Academy.objects.get(code="04")
    directorate = Directorate.objects.get(code="0401")
    school = Establishment.objects.filter(directorate=directorate).order_by("code").first()
    actors = {}
    for username, role, target in (
        ("bench-admin", Role.NATIONAL_ADMIN, {}),
        ("bench-aref", Role.ACADEMY_OFFICER, {"academy": academy}),
        ("bench-dp", Role.DIRECTORATE_OFFICER, {"directorate": directorate}),
        ("bench-director", Role.DIRECTOR, {"establishment": school}),
    ):
        user = user_create(username=username, password=None)
        role_assign(user=user, role=role, **target)
        actors[username] = user

    print(
        f"{'actor':<16}{'visible':>9}{'directory p1 ms':>17}{'search ms':>11}"
        f"{'academies+counts ms':>21}{'directorates+counts ms':>24}"
    )
    for name, user in actors.items():
        scope = scope_for(user)
        everything = EstablishmentFilters()
        search = EstablishmentFilters(q="Établissement 12", cycle="primary")

        def first_page(filters=everything, scope=scope):
            queryset = establishment_list(scope=scope, filters=filters)
            queryset.count()
            list(queryset[:25])

        def academies(scope=scope):
            list(academies_with_counts(scope=scope))

        def directorates(scope=scope):
            list(directorates_with_counts(scope=scope))

        visible = establishment_list(scope=scope, filters=everything).count()
        print(
            f"{name:<16}{visible:>9,}{median_ms(first_page):>17.1f}"
            f"{median_ms(lambda s=search: first_page(s)):>11.1f}"
            f"{median_ms(academies):>21.1f}{median_ms(directorates):>24.1f}"
        )


if __name__ == "__main__":
    main()
