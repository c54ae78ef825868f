"""A class world for assessment tests, on top of the shared cast.

``class_world(cast)`` builds, in school_a1 (the lycée of Rabat), a TCS class of the current year
with ``pupils`` placed pupils and every TCS subject assigned to a teacher; the cast's
``teacher_a1`` teaches it MATH and FR. The first pupil's account is ``student_a1`` and their
father's is ``parent_a1``. ``other_world(cast)`` builds the same, smaller, in school_a2 (the
collège of Salé, 3AC): the other school every access test must be refused.

``open_entry(...)`` opens the establishment's mark-entry window around today (the national
window of 2025/2026 is in the past); ``fill_sheet(...)`` writes a sheet's marks directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from massar.assessment.models import EntryWindow, MarkRow, MarkSheet
from massar.curriculum.models import Stream, Subject, SubjectAllocation
from massar.schooling.models import ClassPlacement, SchoolClass
from massar.schooling.tests.factories import SchoolClassFactory, enrol_pupils
from massar.staff.models import StaffMember, TeachingAssignment
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.students.models import Enrolment, Guardian, Relationship


@dataclass
class ClassWorld:
    school_class: SchoolClass
    enrolments: list[Enrolment]
    teacher: StaffMember  # teaches MATH and FR; their login is the cast's teacher_a1 (world a)
    others: dict[str, StaffMember] = field(default_factory=dict)  # subject code → teacher
    subjects: dict[str, Subject] = field(default_factory=dict)  # every subject of the stream

    @property
    def establishment(self):
        return self.school_class.establishment

    def coefficient(self, code: str) -> Decimal:
        return SubjectAllocation.objects.get(
            school_year=self.school_class.school_year,
            stream=self.school_class.stream,
            subject__code=code,
        ).coefficient


def _world(establishment, stream_code: str, name: str, pupils: int, *, teacher_user=None):
    stream = Stream.objects.get(code=stream_code)
    school_class = SchoolClassFactory(
        establishment=establishment, stream=stream, number=1, name=name
    )
    enrolments = enrol_pupils(
        establishment, stream.level.code, pupils, stream_code=stream_code, sexes="FM"
    )
    ClassPlacement.objects.bulk_create(
        [ClassPlacement(enrolment=e, school_class=school_class) for e in enrolments]
    )
    allocations = SubjectAllocation.objects.filter(
        school_year=school_class.school_year, stream=stream
    ).select_related("subject")
    subjects = {a.subject.code: a.subject for a in allocations}
    teacher = StaffMemberFactory(
        main_establishment=establishment,
        user=teacher_user,
        first_name_fr="Karim",
        last_name_fr="Tazi",
    )
    others: dict[str, StaffMember] = {}
    for code, subject in subjects.items():
        if subject.is_conduct:
            continue
        if code in ("MATH", "FR"):
            owner = teacher
        else:
            owner = StaffMemberFactory(main_establishment=establishment)
            others[code] = owner
        TeachingAssignmentFactory(school_class=school_class, subject=subject, teacher=owner)
    return ClassWorld(school_class, enrolments, teacher, others, subjects)


def class_world(cast, *, pupils: int = 6) -> ClassWorld:
    """TCS-1 of school_a1 with ``pupils`` pupils; see the module docstring."""
    world = _world(cast.school_a1, "TCS", "TCS-1", pupils, teacher_user=cast.teacher_a1)
    first = world.enrolments[0].student
    first.user = cast.student_a1
    first.save(update_fields=["user"])
    Guardian.objects.create(
        student=first,
        relationship=Relationship.FATHER,
        first_name_fr="Ahmed",
        last_name_fr="Test",
        user=cast.parent_a1,
        is_contact=True,
    )
    return world


def other_world(cast, *, pupils: int = 3) -> ClassWorld:
    """3AC-1 of school_a2 (the other school)."""
    stream = Stream.objects.filter(level__code="3AC").order_by("-is_general", "code").first()
    return _world(cast.school_a2, stream.code, "3AC-1", pupils)


def open_entry(establishment, school_year, *semesters: int) -> None:
    """Open the establishment's entry window around today for ``semesters`` (default both)."""
    today = timezone.localdate()
    for semester in semesters or (1, 2):
        EntryWindow.objects.update_or_create(
            school_year=school_year,
            semester=semester,
            establishment=establishment,
            defaults={
                "opens_on": today - timedelta(days=30),
                "closes_on": today + timedelta(days=30),
            },
        )


def sheet_for(world: ClassWorld, code: str, semester: int = 1, *, test_count: int = 2) -> MarkSheet:
    """The class's sheet of subject ``code`` with an empty row per pupil (written directly)."""
    school_class = world.school_class
    assignment = TeachingAssignment.objects.filter(
        school_class=school_class, subject__code=code
    ).first()
    sheet, _created = MarkSheet.objects.get_or_create(
        school_class=school_class,
        subject=world.subjects[code],
        semester=semester,
        defaults={
            "establishment": school_class.establishment,
            "school_year": school_class.school_year,
            "teacher": assignment.teacher if assignment else None,
            "test_count": test_count,
        },
    )
    MarkRow.objects.bulk_create(
        [MarkRow(sheet=sheet, enrolment=e) for e in world.enrolments], ignore_conflicts=True
    )
    return sheet


def fill_sheet(sheet: MarkSheet, marks: dict[int, tuple]) -> None:
    """Write marks directly: ``{enrolment_id: (test_1, test_2, …, activities)}``; a value
    ``"ABS"`` marks the pupil absent, ``None`` leaves it empty."""
    rows = {row.enrolment_id: row for row in sheet.rows.all()}
    for enrolment_id, values in marks.items():
        row = rows[enrolment_id]
        *tests, activities = values
        for number, value in enumerate(tests, start=1):
            absent = value == "ABS"
            setattr(row, f"test_{number}", None if absent or value is None else Decimal(str(value)))
            setattr(row, f"absent_{number}", absent)
        row.activities_absent = activities == "ABS"
        row.activities = None if activities in (None, "ABS") else Decimal(str(activities))
        row.save()
