"""Weekly service quotas of teachers per cycle for 2025/2026, loaded by a data migration.

Defaults [likely]: 30 h in preschool and primary, 24 h in collège, 21 h in lycée. They are data
per school year that a national administrator edits.

Also called after a transactional test flushed the database (see ``massar/conftest.py``).
"""

from __future__ import annotations

from decimal import Decimal

YEAR = "2025-2026"
WEEKLY_HOURS = {
    "preschool": Decimal("30"),
    "primary": Decimal("30"),
    "lower_secondary": Decimal("24"),
    "upper_secondary": Decimal("21"),
}


def load(apps, schema_editor=None) -> None:
    SchoolYear = apps.get_model("territory", "SchoolYear")
    ServiceQuota = apps.get_model("staff", "ServiceQuota")
    year = SchoolYear.objects.filter(code=YEAR).first()
    if year is None:
        return
    for cycle, hours in WEEKLY_HOURS.items():
        ServiceQuota.objects.get_or_create(
            school_year=year, cycle=cycle, defaults={"weekly_hours": hours}
        )
