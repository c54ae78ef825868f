"""Demo online pre-registrations: the next school year's window is open, and a few parents have
sent requests that the schools have to review.

The window of the demo's next year (2026/2027) is kept open around the day the demo is loaded,
so that a visitor can try the parents' pages; real windows are set by national administrators.
Requests go through the parents' service, as if sent from the public pages; the contacts of
the demo parents count as verified.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from massar.accounts.models import ContactChannel, ContactVerification, User
from massar.accounts.services import user_create
from massar.curriculum.models import Level
from massar.students.models import LevelAgeRule, PreRegistration, RegistrationCalendar
from massar.students.preregistration import (
    PreRegistrationData,
    preregistration_request_document,
    preregistration_submit,
)
from massar.territory.models import Establishment, SchoolYear

from .data import PASSWORD

NEXT_YEAR = ("2026-2027", date(2026, 9, 7), date(2027, 6, 30))
#: A one-page PDF standing for a scanned birth certificate.
BIRTH_CERTIFICATE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# parent username, names (ar, fr), language, school, level, child (ar first, fr first, sex, birth)
REQUESTS = [
    (
        "0661000101",
        ("سعيد", "Said"),
        ("الناصري", "Naciri"),
        "ar",
        "11567X",
        "1AP",
        ("ياسين", "Yassine", "M", date(2020, 3, 12)),
    ),
    (
        "0661000102",
        ("نادية", "Nadia"),
        ("التازي", "Tazi"),
        "fr",
        "11567X",
        "1AP",
        ("لينة", "Lina", "F", date(2020, 7, 2)),
    ),
    (
        "0661000103",
        ("رشيد", "Rachid"),
        ("أمزيان", "Amziane"),
        "ar",
        "11567X",
        "PS2",
        ("آدم", "Adam", "M", date(2021, 5, 20)),
    ),
    (
        "0661000104",
        ("حنان", "Hanane"),
        ("الريفي", "Rifi"),
        "ar",
        "12103D",
        "1AP",
        ("هبة", "Hiba", "F", date(2020, 1, 30)),
    ),
    (
        "0661000105",
        ("خالد", "Khalid"),
        ("بوزيدي", "Bouzidi"),
        "fr",
        "12103D",
        "PS1",
        ("عمر", "Omar", "M", date(2022, 4, 8)),
    ),
]


def _open_next_year(today: date) -> SchoolYear:
    current = SchoolYear.objects.get(is_current=True)
    year, _created = SchoolYear.objects.get_or_create(
        code=NEXT_YEAR[0], defaults={"starts_on": NEXT_YEAR[1], "ends_on": NEXT_YEAR[2]}
    )
    window = {
        "preregistration_opens_on": today - timedelta(days=7),
        "preregistration_closes_on": today + timedelta(days=60),
        "review_closes_on": today + timedelta(days=75),
        "age_cutoff_date": date(NEXT_YEAR[1].year, 12, 31),
    }
    calendar = RegistrationCalendar.objects.filter(school_year=year).first()
    if calendar is None:
        RegistrationCalendar.objects.create(school_year=year, **window)
    elif not calendar.preregistration_opens_on <= today <= calendar.preregistration_closes_on:
        for name, value in window.items():
            setattr(calendar, name, value)
        calendar.save()
    for rule in LevelAgeRule.objects.filter(school_year=current).select_related("level"):
        LevelAgeRule.objects.get_or_create(
            school_year=year,
            level=rule.level,
            defaults={"min_age": rule.min_age, "max_age": rule.max_age},
        )
    return year


def seed_demo_preregistrations() -> Counter:
    created: Counter = Counter()
    today = timezone.localdate()
    year = _open_next_year(today)
    if PreRegistration.objects.filter(school_year=year).exists():
        return created
    levels = {level.code: level for level in Level.objects.select_related("cycle")}
    schools = {s.code: s for s in Establishment.objects.filter(code__in=["11567X", "12103D"])}
    for index, (username, first, last, language, school, level, child) in enumerate(REQUESTS):
        parent = User.objects.filter(username=username).first()
        if parent is None:
            parent = user_create(
                username=username,
                password=PASSWORD,
                first_name=first[1],
                last_name=last[1],
                first_name_ar=first[0],
                last_name_ar=last[0],
                preferred_language=language,
            )
            ContactVerification.objects.create(
                user=parent,
                channel=ContactChannel.PHONE,
                destination=username,
                code_digest="demo",
                expires_at=timezone.now(),
                verified_at=timezone.now(),
            )
            created["parent accounts"] += 1
        child_ar, child_fr, sex, born = child
        request = preregistration_submit(
            parent=parent,
            data=PreRegistrationData(
                first_name_ar=child_ar,
                last_name_ar=last[0],
                first_name_fr=child_fr,
                last_name_fr=last[1],
                sex=sex,
                birth_date=born,
                birth_place_ar=schools[school].commune.name_ar,
                birth_place_fr=schools[school].commune.name_fr,
                guardian_relationship="father" if index % 2 == 0 else "mother",
                guardian_first_name_ar=first[0],
                guardian_last_name_ar=last[0],
                guardian_first_name_fr=first[1],
                guardian_last_name_fr=last[1],
                guardian_cin=f"A{700100 + index}",
                guardian_phone=username,
            ),
            level=levels[level],
            establishment=schools[school],
            birth_certificate=ContentFile(BIRTH_CERTIFICATE, name="acte-de-naissance.pdf"),
        )
        created["pre-registrations"] += 1
        reviewer = _director_of(schools[school])
        if index == 2 and reviewer is not None:
            # A request the school sent back: the certificate is unreadable.
            preregistration_request_document(
                actor=reviewer,
                request=request,
                note="نسخة عقد الازدياد غير واضحة، المرجو إرسال نسخة أوضح.",
            )
    return created


def _director_of(school: Establishment) -> User | None:
    return User.objects.filter(
        role_assignments__role="director", role_assignments__establishment=school
    ).first()
