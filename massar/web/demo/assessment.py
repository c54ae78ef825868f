"""The demo lycée's assessment, built as its teachers and director would: a test calendar,
every mark of the first semester entered and validated, the first-semester class councils held,
the semester's results published, and the second semester under way (its first tests marked).

Everything goes through the assessment services: marks are saved by each sheet's teacher, the
director validates, holds the councils and publishes. Dates are those of 2025/2026, passed to
the services as "today". Deterministic and idempotent: nothing is done when the lycée already
has mark sheets this year.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from massar.accounts.models import User
from massar.assessment.computation import recompute_establishment
from massar.assessment.models import EntryWindow, MarkSheet, PeriodResult, Semester
from massar.assessment.services_calendar import test_schedule
from massar.assessment.services_councils import (
    council_decision_save,
    council_open,
    council_validate,
)
from massar.assessment.services_marks import RowChange, marks_save, sheet_open, sheet_validate
from massar.assessment.services_publication import results_publish
from massar.schooling.models import ClassPlacement, SchoolClass
from massar.staff.models import TeachingAssignment
from massar.students.models import ACTIVE_ENROLMENT_STATUSES
from massar.territory.models import Establishment, Holiday, SchoolYear

SEED = 2028
# When each test of a semester is sat: (week offset from the semester's start, weekday 0-5).
S1_START = date(2025, 9, 15)
S2_START = date(2026, 2, 2)
S1_ENTRY_DAY = date(2026, 1, 20)
S2_ENTRY_DAY = date(2026, 3, 20)
COUNCIL_DAY = date(2026, 1, 29)
APPRECIATIONS = [  # (from mark, appreciation) — what teachers usually write
    (Decimal("16"), "عمل ممتاز، استمر"),
    (Decimal("14"), "Très bon travail"),
    (Decimal("12"), "عمل جيد"),
    (Decimal("10"), "Résultats moyens, peut mieux faire"),
    (Decimal("8"), "نتائج غير كافية، عليك بمضاعفة الجهد"),
    (Decimal("0"), "Travail insuffisant"),
]


def seed_demo_assessment(*, school_code: str, year: SchoolYear) -> Counter:
    created: Counter = Counter()
    school = Establishment.objects.get(code=school_code)
    if MarkSheet.objects.filter(establishment=school, school_year=year).exists():
        return created
    director = (
        User.objects.filter(
            role_assignments__role="director", role_assignments__establishment=school
        )
        .order_by("pk")
        .first()
    )
    if director is None:
        return created
    classes = list(
        SchoolClass.objects.filter(establishment=school, school_year=year)
        .select_related("establishment", "school_year", "level", "stream")
        .order_by("level__order", "name")
    )
    if not classes:
        return created
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    _open_second_semester_entry(school, year, director)
    ability = _abilities(classes, rng)
    assignments = list(
        TeachingAssignment.objects.filter(establishment=school, school_year=year)
        .select_related("teacher__user", "subject", "school_class")
        .order_by("school_class__name", "subject__code")
    )
    _calendar(director, assignments, created)
    for assignment in assignments:
        _marks(director, assignment, Semester.FIRST, ability, rng, created, tests=2)
        _marks(director, assignment, Semester.SECOND, ability, rng, created, tests=1)
    recompute_establishment(school, year)
    for school_class in classes:
        _council(director, school_class, created)
    results_publish(actor=director, establishment=school, school_year=year, period=1)
    created["results published (semester 1)"] += 1
    return created


def _open_second_semester_entry(school, year, director) -> None:
    """The second semester stays open for entry around the day the demo is loaded, so that the
    demo teacher can enter marks (the national window of 2025/2026 is in the past)."""
    today = timezone.localdate()
    EntryWindow.objects.update_or_create(
        school_year=year,
        semester=Semester.SECOND,
        establishment=school,
        defaults={
            "opens_on": min(S2_START, today - timedelta(days=7)),
            "closes_on": max(date(2026, 6, 27), today + timedelta(days=90)),
            "updated_by": director,
        },
    )


def _abilities(classes, rng: random.Random) -> dict[int, float]:
    """A level per pupil (mean mark out of 20), so that each pupil's marks hang together."""
    placements = ClassPlacement.objects.filter(
        school_class__in=classes, enrolment__status__in=ACTIVE_ENROLMENT_STATUSES
    ).values_list("enrolment_id", flat=True)
    return {enrolment_id: min(18.5, max(5.0, rng.gauss(11.5, 2.8))) for enrolment_id in placements}


def _school_day(day: date, holidays: list[tuple[date, date]]) -> date:
    """``day``, or the next day that is neither a Sunday nor in a holiday or break."""
    while day.isoweekday() == 7 or any(start <= day <= end for start, end in holidays):
        day += timedelta(days=1)
    return day


def _calendar(director, assignments, created: Counter) -> None:
    """Two tests per subject in the first semester and one in the second, spread over the
    weeks (school days only)."""
    year = assignments[0].school_year if assignments else None
    holidays = list(Holiday.objects.filter(school_year=year).values_list("starts_on", "ends_on"))
    per_class: Counter = Counter()
    for assignment in assignments:
        if assignment.subject.is_conduct:
            continue
        index = per_class[assignment.school_class_id]
        per_class[assignment.school_class_id] += 1
        for semester, start, numbers in (
            (Semester.FIRST, S1_START, (1, 2)),
            (Semester.SECOND, S2_START, (1,)),
        ):
            for number in numbers:
                week = 4 + index // 3 + (number - 1) * 7
                day = _school_day(start + timedelta(weeks=week, days=index % 3 * 2), holidays)
                test_schedule(
                    actor=assignment.teacher.user or director,
                    school_class=assignment.school_class,
                    subject=assignment.subject,
                    semester=semester,
                    number=number,
                    scheduled_on=day,
                    force=True,
                    today=start,
                )
                created["tests scheduled"] += 1


def _mark(ability: float, rng: random.Random) -> Decimal:
    value = min(20.0, max(0.0, rng.gauss(ability, 2.5)))
    return (Decimal(str(round(value * 4) / 4))).quantize(Decimal("0.01"))


def _marks(director, assignment, semester, ability, rng, created: Counter, *, tests: int) -> None:
    actor = assignment.teacher.user or director
    sheet = sheet_open(
        actor=actor,
        school_class=assignment.school_class,
        subject=assignment.subject,
        semester=semester,
    )
    changes = []
    for row in sheet.rows.order_by("enrolment_id"):
        level = ability.get(row.enrolment_id, 11.0)
        cells: dict[str, object] = {}
        for number in range(1, tests + 1):
            cells[f"test_{number}"] = "ABS" if rng.random() < 0.03 else _mark(level, rng)
        appreciation = None
        if semester == Semester.FIRST:
            cells["activities"] = _mark(level + 1, rng)
            appreciation = next(text for floor, text in APPRECIATIONS if Decimal(level) >= floor)
        changes.append(
            RowChange(
                enrolment_id=row.enrolment_id,
                version=row.version,
                cells=cells,
                appreciation=appreciation,
            )
        )
    day = S1_ENTRY_DAY if semester == Semester.FIRST else S2_ENTRY_DAY
    marks_save(actor=actor, sheet=sheet, changes=changes, on=day)
    created[f"marks entered (semester {semester})"] += len(changes) * (tests + (semester == 1))
    if semester == Semester.FIRST:
        sheet_validate(actor=director, sheet=sheet)
        created["mark sheets validated"] += 1


def _council(director, school_class, created: Counter) -> None:
    """The class's first-semester council: a mention for the best and the weakest."""
    council = council_open(
        actor=director,
        school_class=school_class,
        period=1,
        held_on=COUNCIL_DAY,
        members="\n".join(
            [
                "مدير المؤسسة — Directeur",
                "الحارس العام — Surveillant général",
                "أساتذة القسم — Professeurs de la classe",
                "ممثل جمعية الآباء — Représentant des parents",
            ]
        ),
        minutes="Conseil de classe du premier semestre. مجلس القسم للدورة الأولى.",
    )
    averages = dict(
        PeriodResult.objects.filter(school_class=school_class, period=1).values_list(
            "enrolment_id", "average"
        )
    )
    for row in council.decisions.all():
        average = averages.get(row.enrolment_id)
        if average is None:
            continue
        mention = (
            "congratulations"
            if average >= 16
            else "honour_roll"
            if average >= 14
            else "encouragement"
            if average >= 12
            else "warning"
            if average < 8
            else ""
        )
        if mention:
            council_decision_save(actor=director, council=council, row=row, appreciation=mention)
    council_validate(actor=director, council=council)
    created["class councils held (semester 1)"] += 1
