"""Synthetic pupils for the student benchmarks: names in both scripts, birth dates that fit the
level, one enrolment of the current year, spread over the establishments of ``build_country``.

Deterministic (seeded). Names are drawn from common Moroccan first and family names, so that a
search by name meets the skew of real data (many Mohamed, few Zineb).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from massar.curriculum.models import Level, Stream
from massar.students.bulk import BulkPupil
from massar.students.reference import AGES
from massar.territory.models import Establishment

FIRST_NAMES = [
    ("محمد", "Mohamed", "M"),
    ("أحمد", "Ahmed", "M"),
    ("يوسف", "Youssef", "M"),
    ("عمر", "Omar", "M"),
    ("ياسين", "Yassine", "M"),
    ("حمزة", "Hamza", "M"),
    ("أيوب", "Ayoub", "M"),
    ("مهدي", "Mehdi", "M"),
    ("إدريس", "Driss", "M"),
    ("عبد الله", "Abdellah", "M"),
    ("إلياس", "Ilyas", "M"),
    ("سعد", "Saad", "M"),
    ("أنس", "Anas", "M"),
    ("زكرياء", "Zakaria", "M"),
    ("بلال", "Bilal", "M"),
    ("رضا", "Reda", "M"),
    ("نبيل", "Nabil", "M"),
    ("كريم", "Karim", "M"),
    ("فاطمة", "Fatima", "F"),
    ("خديجة", "Khadija", "F"),
    ("مريم", "Meryem", "F"),
    ("سلمى", "Salma", "F"),
    ("ليلى", "Leila", "F"),
    ("زينب", "Zineb", "F"),
    ("هاجر", "Hajar", "F"),
    ("إيمان", "Imane", "F"),
    ("سارة", "Sara", "F"),
    ("نور", "Nour", "F"),
    ("آية", "Aya", "F"),
    ("هبة", "Hiba", "F"),
    ("غيثة", "Ghita", "F"),
    ("كوثر", "Kawtar", "F"),
    ("أسماء", "Asmae", "F"),
    ("حنان", "Hanane", "F"),
    ("وئام", "Wiam", "F"),
    ("شيماء", "Chaimae", "F"),
]
LAST_NAMES = [
    ("العلوي", "Alaoui"),
    ("بناني", "Bennani"),
    ("الإدريسي", "Idrissi"),
    ("التازي", "Tazi"),
    ("الفاسي", "Fassi"),
    ("برادة", "Berrada"),
    ("الشرايبي", "Chraibi"),
    ("الزياني", "Ziani"),
    ("العمراني", "Amrani"),
    ("الوزاني", "Ouazzani"),
    ("السلاوي", "Slaoui"),
    ("القادري", "Kadiri"),
    ("المنصوري", "Mansouri"),
    ("الحسني", "Hassani"),
    ("الكتاني", "Kettani"),
    ("بنجلون", "Benjelloun"),
    ("الصقلي", "Sqalli"),
    ("الرحماني", "Rahmani"),
    ("الغزاوي", "Ghazaoui"),
    ("بوزيدي", "Bouzidi"),
    ("الخطيب", "Khatib"),
    ("الناصري", "Nasiri"),
    ("الشاوي", "Chaoui"),
    ("المرابط", "Mrabet"),
    ("أمزيان", "Amzian"),
    ("أوحمو", "Ouhammou"),
    ("أيت علي", "Ait Ali"),
    ("الريفي", "Rifi"),
    ("الدكالي", "Doukkali"),
    ("السوسي", "Soussi"),
    ("البقالي", "Bakkali"),
    ("الطاهري", "Tahiri"),
    ("الحجوجي", "Hajjouji"),
    ("المريني", "Marini"),
    ("الجراري", "Jerrari"),
    ("اليعقوبي", "Yacoubi"),
    ("الكبير", "El Kabir"),
    ("الصغير", "Sghir"),
    ("بنسعيد", "Bensaid"),
    ("بنعلي", "Benali"),
]
# Family names are also built from a word and a tribe so that the country has many of them.
TRIBES = [
    ("الأطلسي", "Atlassi"),
    ("الزموري", "Zemmouri"),
    ("الحاحي", "Hahi"),
    ("الدرعي", "Draoui"),
    ("الرحالي", "Rahali"),
    ("الشياظمي", "Chiadmi"),
    ("الزعري", "Zaari"),
    ("العبدي", "Abdi"),
    ("المسفيوي", "Msfioui"),
    ("التدلاوي", "Tadlaoui"),
    ("الملالي", "Mellali"),
    ("الغماري", "Ghomari"),
    ("الجبلي", "Jebli"),
    ("الوجدي", "Oujdi"),
    ("الفيلالي", "Filali"),
    ("الكلاوي", "Glaoui"),
    ("السجلماسي", "Sijilmassi"),
    ("الصحراوي", "Sahraoui"),
    ("التطواني", "Tetouani"),
    ("المكناسي", "Meknassi"),
    ("الرباطي", "Rbati"),
    ("الطنجاوي", "Tanjaoui"),
    ("البيضاوي", "Bidaoui"),
    ("المراكشي", "Marrakchi"),
    ("الأكاديري", "Agadiri"),
]
CUTOFF = date(2025, 12, 31)


def family_names() -> list[tuple[str, str]]:
    names = list(LAST_NAMES)
    for base_ar, base_fr in LAST_NAMES[:20]:
        for tribe_ar, tribe_fr in TRIBES:
            names.append((f"{base_ar} {tribe_ar}", f"{base_fr} {tribe_fr}"))
    return names


def placements() -> list[tuple[int, int, int, str, tuple[int, int]]]:
    """(school id, level id, stream id, class prefix, ages) per school, level and stream."""
    levels: dict[str, list[Level]] = {}
    for level in Level.objects.select_related("cycle").order_by("order"):
        levels.setdefault(level.cycle.code, []).append(level)
    streams: dict[int, list[Stream]] = {}
    for stream in Stream.objects.filter(is_active=True).order_by("code"):
        streams.setdefault(stream.level_id, []).append(stream)
    result = []
    for establishment in Establishment.objects.prefetch_related("cycles").order_by("code"):
        for cycle in establishment.cycle_codes:
            for level in levels.get(cycle, []):
                for stream in streams.get(level.pk, [])[:2]:
                    result.append(
                        (
                            establishment.pk,
                            level.pk,
                            stream.pk,
                            stream.abbreviation,
                            AGES[level.code],
                        )
                    )
    return result


def pupils(count: int, *, seed: int = 11, letter: str = "S") -> Iterator[BulkPupil]:
    rng = random.Random(seed)
    families = family_names()
    slots = placements()
    for number in range(1, count + 1):
        first_ar, first_fr, sex = rng.choice(FIRST_NAMES)
        last_ar, last_fr = rng.choice(families)
        establishment_id, level_id, stream_id, abbreviation, (low, high) = rng.choice(slots)
        age = rng.randint(low, min(high, low + 3))
        born = CUTOFF - timedelta(days=365 * age + rng.randint(0, 364))
        yield BulkPupil(
            code_massar=f"{letter}{number:09d}",
            establishment_id=establishment_id,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            first_name_fr=first_fr,
            last_name_fr=last_fr,
            sex=sex,
            birth_date=born,
            level_id=level_id,
            stream_id=stream_id,
            class_label=f"{abbreviation}-{rng.randint(1, 6)}",
        )
