"""Reference data of the territory: the 12 academies and 82 provincial directorates.

Loaded by a data migration from ``data/directorates.csv`` (provinces and prefectures of the 2015
regional division, in French and Arabic). Academy codes follow the official numbering of the
regions (01 Tanger-Tétouan-Al Hoceïma … 12 Dakhla-Oued Ed-Dahab); a directorate's code is its
academy's code followed by its rank in the file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "directorates.csv"


@dataclass(frozen=True)
class AcademyRow:
    code: str
    name_fr: str
    name_ar: str


@dataclass(frozen=True)
class DirectorateRow:
    code: str
    academy_code: str
    name_fr: str
    name_ar: str


def read_reference() -> tuple[list[AcademyRow], list[DirectorateRow]]:
    academies: dict[str, AcademyRow] = {}
    directorates: list[DirectorateRow] = []
    rank: dict[str, int] = {}
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name_fr = row["academy_fr"].strip()
            if name_fr not in academies:
                academies[name_fr] = AcademyRow(
                    code=f"{len(academies) + 1:02d}", name_fr=name_fr, name_ar=row["academy_ar"]
                )
            academy = academies[name_fr]
            rank[academy.code] = rank.get(academy.code, 0) + 1
            directorates.append(
                DirectorateRow(
                    code=f"{academy.code}{rank[academy.code]:02d}",
                    academy_code=academy.code,
                    name_fr=row["directorate_fr"].strip(),
                    name_ar=row["directorate_ar"].strip(),
                )
            )
    return list(academies.values()), directorates
