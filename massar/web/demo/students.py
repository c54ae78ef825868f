"""Demo pupils: about 2,000 files with guardians across the demo establishments, with last
year's enrolment for those who were already there, so that pupil paths have two years.

Deterministic (a fixed random seed) and loaded once: if the demo establishments already have
pupils, nothing is added. Written with the bulk path (codes allocated in one block, rows created
in batches), as a national load would be.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from massar.curriculum.models import Level, Stream
from massar.students.codes import allocate_codes
from massar.students.duplicates import set_name_keys
from massar.students.models import Enrolment, EnrolmentKind, Guardian, Student
from massar.territory.models import Establishment, SchoolYear

from .data import SCHOOLS

SEED = 2025
PREVIOUS_YEAR = ("2024-2025", date(2024, 9, 9), date(2025, 6, 30))

BOYS = [
    ("محمد", "Mohamed"),
    ("يوسف", "Youssef"),
    ("أمين", "Amine"),
    ("آدم", "Adam"),
    ("إلياس", "Ilyas"),
    ("حمزة", "Hamza"),
    ("عمر", "Omar"),
    ("أيوب", "Ayoub"),
    ("زكرياء", "Zakaria"),
    ("أنس", "Anas"),
    ("ياسين", "Yassine"),
    ("مهدي", "Mehdi"),
    ("إسماعيل", "Ismail"),
    ("عبد الله", "Abdellah"),
    ("سفيان", "Soufiane"),
    ("بلال", "Bilal"),
    ("رضا", "Reda"),
    ("نوفل", "Nawfal"),
    ("طه", "Taha"),
    ("وليد", "Walid"),
]
GIRLS = [
    ("فاطمة الزهراء", "Fatima Zahra"),
    ("مريم", "Meryem"),
    ("سلمى", "Salma"),
    ("هبة", "Hiba"),
    ("آية", "Aya"),
    ("خديجة", "Khadija"),
    ("إيمان", "Imane"),
    ("نسرين", "Nisrine"),
    ("وئام", "Wiam"),
    ("سارة", "Sara"),
    ("غيثة", "Ghita"),
    ("ياسمين", "Yasmine"),
    ("دعاء", "Doae"),
    ("هاجر", "Hajar"),
    ("زينب", "Zineb"),
    ("أسماء", "Asmae"),
    ("كوثر", "Kaoutar"),
    ("لينة", "Lina"),
    ("رانية", "Rania"),
    ("شيماء", "Chaimae"),
]
FAMILIES = [
    ("العلوي", "Alaoui"),
    ("بناني", "Bennani"),
    ("الإدريسي", "Idrissi"),
    ("التازي", "Tazi"),
    ("الفاسي", "Fassi"),
    ("برادة", "Berrada"),
    ("الشرقاوي", "Cherkaoui"),
    ("الزياني", "Ziani"),
    ("المنصوري", "Mansouri"),
    ("الحسني", "Hassani"),
    ("الوزاني", "Ouazzani"),
    ("بنجلون", "Benjelloun"),
    ("السباعي", "Sbai"),
    ("العمراني", "Amrani"),
    ("الرحماني", "Rahmani"),
    ("القادري", "Kadiri"),
    ("الخطيب", "El Khatib"),
    ("بوزيدي", "Bouzidi"),
    ("الغزاوي", "Ghazaoui"),
    ("الناصري", "Naciri"),
    ("اليوسفي", "Youssfi"),
    ("الصقلي", "Sekkali"),
    ("أوشن", "Ouchen"),
    ("أمزيان", "Amziane"),
    ("الريفي", "Rifi"),
    ("بن علي", "Benali"),
    ("الجراري", "Jirari"),
    ("المرابط", "Mrabet"),
    ("الكتاني", "Kettani"),
    ("الدكالي", "Doukkali"),
]
FATHERS = [
    ("أحمد", "Ahmed"),
    ("عبد الرحيم", "Abderrahim"),
    ("مصطفى", "Mustapha"),
    ("خالد", "Khalid"),
    ("رشيد", "Rachid"),
    ("سعيد", "Said"),
    ("عبد الإله", "Abdelilah"),
    ("نور الدين", "Noureddine"),
    ("حسن", "Hassan"),
    ("إدريس", "Driss"),
]
MOTHERS = [
    ("نادية", "Nadia"),
    ("لطيفة", "Latifa"),
    ("سعاد", "Souad"),
    ("حنان", "Hanane"),
    ("نعيمة", "Naima"),
    ("رشيدة", "Rachida"),
    ("مليكة", "Malika"),
    ("سميرة", "Samira"),
    ("زهرة", "Zahra"),
    ("فتيحة", "Fatiha"),
]
PROFESSIONS = [
    ("أستاذ", "Enseignant"),
    ("تاجر", "Commerçant"),
    ("فلاح", "Agriculteur"),
    ("موظف", "Fonctionnaire"),
    ("سائق", "Chauffeur"),
    ("مهندس", "Ingénieur"),
    ("ربة بيت", "Femme au foyer"),
    ("ممرضة", "Infirmière"),
]
CIN_LETTERS = {"0401": "A", "0402": "AE", "0404": "G", "0201": "F", "0205": "FB"}
OPERATORS = ["iam", "orange", "inwi"]

#: Pupils per level: the demo lycée is large, rural and satellite schools are small.
PUPILS_PER_LEVEL = {"11565V": 110, "satellite": 6, "rural": 12, "default": 20}
#: Class label prefixes, as schools name them.
CLASS_PREFIX = {"1AC": "1APIC", "2AC": "2APIC", "3AC": "3APIC"}


def _pupils_per_level(school: Establishment) -> int:
    if school.code in PUPILS_PER_LEVEL:
        return PUPILS_PER_LEVEL[school.code]
    if school.central_school_id:
        return PUPILS_PER_LEVEL["satellite"]
    if school.area == "rural":
        return PUPILS_PER_LEVEL["rural"]
    return PUPILS_PER_LEVEL["default"]


def _class_label(stream: Stream, number: int) -> str:
    level = stream.level.code
    if stream.is_general:
        return f"{CLASS_PREFIX.get(level, level)}-{number}"
    if level == "TC":
        return f"{stream.abbreviation}-{number}"
    return f"{level} {stream.abbreviation}-{number}"


def _birth_date(rng: random.Random, level: Level, year: SchoolYear) -> date:
    """A birth date that fits the level: 6 years old in 1AP, one more per level."""
    age = level.order + 3  # PS1 (order 1) → 4, 1AP (order 3) → 6, 2BAC (order 14) → 17
    if rng.random() < 0.08:
        age += 1  # some pupils repeated a year
    born = date(year.starts_on.year - age, 1, 1)
    return born + timedelta(days=rng.randrange(365))


def seed_demo_students(*, year: SchoolYear) -> Counter:
    created: Counter = Counter()
    codes = [row.code for row in SCHOOLS]
    schools = list(
        Establishment.objects.filter(code__in=codes)
        .select_related("commune", "directorate")
        .prefetch_related("cycles")
        .order_by("code")
    )
    if Student.objects.filter(establishment__in=schools).exists():
        return created
    previous, new = SchoolYear.objects.get_or_create(
        code=PREVIOUS_YEAR[0],
        defaults={"starts_on": PREVIOUS_YEAR[1], "ends_on": PREVIOUS_YEAR[2]},
    )
    created["school years"] += new
    levels = list(Level.objects.select_related("cycle").order_by("order"))
    streams_by_level: dict[int, list[Stream]] = {}
    for stream in Stream.objects.filter(is_active=True).select_related("level").order_by("code"):
        streams_by_level.setdefault(stream.level_id, []).append(stream)
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret

    plans = []  # (school, level, stream, class number)
    for school in schools:
        cycles = {c.cycle for c in school.cycles.all()}
        per_level = _pupils_per_level(school)
        for level in levels:
            if level.cycle.code not in cycles:
                continue
            streams = streams_by_level[level.pk][:4]
            for index in range(per_level):
                stream = streams[index % len(streams)]
                plans.append((school, level, stream, 1 + (index // len(streams)) // 30))

    new_codes = allocate_codes(len(plans))
    students, enrolments, guardians = [], [], []
    for number, ((school, level, stream, class_number), code) in enumerate(
        zip(plans, new_codes, strict=True)
    ):
        girl = rng.random() < 0.49
        first_ar, first_fr = rng.choice(GIRLS if girl else BOYS)
        last_ar, last_fr = rng.choice(FAMILIES)
        place_ar, place_fr = school.commune.name_ar, school.commune.name_fr
        student = Student(
            code_massar=code,
            establishment=school,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            first_name_fr=first_fr,
            last_name_fr=last_fr,
            sex="F" if girl else "M",
            birth_date=_birth_date(rng, level, year),
            birth_place_ar=place_ar,
            birth_place_fr=place_fr,
            civil_record_number=f"{rng.randrange(100, 2000)}/{rng.randrange(2008, 2022)}",
            address=school.address or school.commune.name_fr,
        )
        set_name_keys(student)
        students.append(student)
        letters = CIN_LETTERS.get(school.directorate.code, "A")
        for relationship, names in (("father", FATHERS), ("mother", MOTHERS)):
            given_ar, given_fr = rng.choice(names)
            profession_ar, profession_fr = rng.choice(PROFESSIONS)
            guardians.append(
                (
                    number,
                    Guardian(
                        relationship=relationship,
                        first_name_ar=given_ar,
                        last_name_ar=last_ar,
                        first_name_fr=given_fr,
                        last_name_fr=last_fr,
                        cin=f"{letters}{100000 + number * 2 + (relationship == 'mother')}",
                        phone=f"06{rng.randrange(10_000_000, 99_999_999)}",
                        phone_operator=rng.choice(OPERATORS),
                        profession=profession_fr if rng.random() < 0.5 else profession_ar,
                        preferred_language="fr" if rng.random() < 0.3 else "ar",
                        is_contact=relationship == "father",
                    ),
                )
            )
        enrolments.append((number, school, level, stream, class_number))

    Student.objects.bulk_create(students, batch_size=500)
    created["pupils"] += len(students)
    for number, guardian in guardians:
        guardian.student = students[number]
    Guardian.objects.bulk_create([g for _n, g in guardians], batch_size=1000)
    created["guardians"] += len(guardians)

    rows = []
    by_level_order = {level.order: level for level in levels}
    for number, school, level, stream, class_number in enrolments:
        student = students[number]
        class_label = _class_label(stream, class_number)
        first_of_cycle = level.order == min(
            lv.order for lv in levels if lv.cycle_id == level.cycle_id
        )
        repeating = rng.random() < 0.06
        continuing = not first_of_cycle or repeating
        if continuing:
            before = level if repeating else by_level_order[level.order - 1]
            before_stream = stream if repeating else streams_by_level[before.pk][0]
            before_first = before.order == min(
                lv.order for lv in levels if lv.cycle_id == before.cycle_id
            )
            average = (
                Decimal(rng.randrange(550, 995)) / 100
                if repeating
                else Decimal(rng.randrange(1000, 1850)) / 100
            )
            rows.append(
                Enrolment(
                    student=student,
                    school_year=previous,
                    establishment=school,
                    level=before,
                    stream=before_stream,
                    class_label=_class_label(before_stream, class_number),
                    status="registered",
                    kind=EnrolmentKind.NEW if before_first else EnrolmentKind.CONTINUING,
                    entered_on=previous.starts_on,
                    decision="repeat" if repeating else "pass",
                    annual_average=average,
                )
            )
        rows.append(
            Enrolment(
                student=student,
                school_year=year,
                establishment=school,
                level=level,
                stream=stream,
                class_label=class_label,
                status="registered",
                kind=EnrolmentKind.CONTINUING if continuing else EnrolmentKind.NEW,
                is_repeating=repeating,
                entered_on=year.starts_on,
            )
        )
    Enrolment.objects.bulk_create(rows, batch_size=1000)
    created["enrolments"] += len(rows)
    return created
