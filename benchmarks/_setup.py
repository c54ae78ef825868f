"""Shared start of the student benchmarks: Django on a dedicated benchmark database, wiped.

``DATABASE_URL`` must name a PostgreSQL database whose name contains "bench" (it is wiped);
without it, ``sqlite_name`` (when given) is a file in var/, rebuilt each run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(*, sqlite_name: str | None) -> bool:
    """Set Django up on a clean benchmark database; ``False`` when PostgreSQL is required."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massar.settings")
    os.environ.setdefault("MASSAR_ALLOW_INSECURE_KEY", "1")
    if "DATABASE_URL" not in os.environ:
        if sqlite_name is None:
            return False
        bench_db = ROOT / "var" / sqlite_name
        bench_db.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{bench_db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        # A clean slate for repeatable figures, on a dedicated benchmark database only.
        if "bench" not in connection.settings_dict["NAME"]:
            raise SystemExit("Use a database whose name contains 'bench': it is wiped.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    elif sqlite_name is None:
        return False
    call_command("migrate", verbosity=0)
    return True


def count_from_env(name: str, default: int) -> int:
    return int(os.environ.get(name, default))
