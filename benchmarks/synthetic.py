"""Synthetic data at national scale, written set-based (bulk inserts in one transaction).

``build_country(establishments_per_directorate=150, satellites_per_central=1)`` gives, with the
defaults, ~12,300 schools and as many satellites over the 82 real directorates: the size of the
Moroccan public school network. Later issues add pupils, teachers and marks here.
"""

from __future__ import annotations

import random

from django.db import transaction

from massar.core.choices import Area, CycleCode, Sector
from massar.territory.models import Commune, Directorate, Establishment, EstablishmentCycle

CYCLE_MIXES = [
    [CycleCode.PRIMARY],
    [CycleCode.PRESCHOOL, CycleCode.PRIMARY],
    [CycleCode.LOWER_SECONDARY],
    [CycleCode.UPPER_SECONDARY],
    [CycleCode.LOWER_SECONDARY, CycleCode.UPPER_SECONDARY],
]


@transaction.atomic
def build_country(
    *, establishments_per_directorate: int = 150, satellites_per_central: int = 1, seed: int = 7
) -> dict[str, int]:
    rng = random.Random(seed)
    directorates = list(Directorate.objects.select_related("academy").order_by("code"))
    communes = []
    for directorate in directorates:
        for index in range(10):
            communes.append(
                Commune(
                    code=f"SYN{directorate.code}{index:02d}",
                    directorate=directorate,
                    area=Area.RURAL if index < 6 else Area.URBAN,
                    name_fr=f"Commune {directorate.name_fr} {index}",
                    name_ar=f"جماعة {directorate.name_ar} {index}",
                )
            )
    Commune.objects.bulk_create(communes, batch_size=2000)
    communes_by_directorate: dict[int, list[Commune]] = {}
    for commune in Commune.objects.filter(code__startswith="SYN"):
        communes_by_directorate.setdefault(commune.directorate_id, []).append(commune)

    number = 0
    centrals: list[Establishment] = []
    for directorate in directorates:
        for _ in range(establishments_per_directorate):
            number += 1
            commune = rng.choice(communes_by_directorate[directorate.id])
            centrals.append(
                Establishment(
                    code=f"{number:05d}A",
                    name_fr=f"Établissement {number}",
                    name_ar=f"مؤسسة {number}",
                    academy_id=directorate.academy_id,
                    directorate_id=directorate.id,
                    commune=commune,
                    sector=Sector.PRIVATE if rng.random() < 0.1 else Sector.PUBLIC,
                    area=commune.area,
                )
            )
    Establishment.objects.bulk_create(centrals, batch_size=2000)
    centrals = list(Establishment.objects.filter(code__endswith="A").order_by("code"))
    satellites = []
    for central in centrals:
        if central.area != Area.RURAL:
            continue
        for index in range(satellites_per_central):
            number += 1
            satellites.append(
                Establishment(
                    code=f"{number:05d}S",
                    name_fr=f"Satellite {central.code}-{index}",
                    name_ar=f"فرعية {central.code}-{index}",
                    academy_id=central.academy_id,
                    directorate_id=central.directorate_id,
                    commune_id=central.commune_id,
                    sector=Sector.PUBLIC,
                    area=Area.RURAL,
                    central_school=central,
                )
            )
    Establishment.objects.bulk_create(satellites, batch_size=2000)
    cycles = [
        EstablishmentCycle(establishment_id=pk, cycle=cycle)
        for pk in Establishment.objects.filter(code__regex=r"^[0-9]{5}[AS]$").values_list(
            "pk", flat=True
        )
        for cycle in rng.choice(CYCLE_MIXES)
    ]
    EstablishmentCycle.objects.bulk_create(cycles, batch_size=5000)
    return {
        "communes": len(communes),
        "establishments": len(centrals),
        "satellites": len(satellites),
        "cycles": len(cycles),
    }
