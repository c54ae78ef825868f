"""Reads of the mark-entry pages: a teacher's sheets, a school's sheets per semester (the
director's validation board), a sheet's rows in the order of the page, the entry windows of
several schools at once, and change requests. Each function runs a fixed number of queries,
whatever the number of classes or pupils.

A sheet is listed with three counts computed in SQL: its current pupils (active enrolments still
placed in the class), its empty cells (neither a mark nor "absent", in the sheet's columns only)
and its change requests waiting for the director.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import add

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from massar.core.i18n import is_arabic
from massar.curriculum.models import Subject
from massar.schooling.models import ClassPlacement, SchoolClass
from massar.staff.models import StaffMember, TeachingAssignment
from massar.students.models import ACTIVE_ENROLMENT_STATUSES
from massar.territory.models import Establishment, SchoolYear

from . import access
from .models import (
    ChangeRequest,
    ChangeRequestStatus,
    EntryWindow,
    MarkRow,
    MarkSheet,
    Semester,
    SheetStatus,
)

TEST_FIELDS = ("test_1", "test_2", "test_3", "test_4")
DECIDED_SHOWN = 50  # decided change requests listed under the pending ones


def sheet_columns(test_count: int) -> tuple[str, ...]:
    """The mark columns of a sheet with ``test_count`` tests, in the order of the page."""
    return (*TEST_FIELDS[:test_count], "activities")


# --- entry windows ----------------------------------------------------------------------------


def entry_windows(
    school_year: SchoolYear, establishment_ids
) -> dict[tuple[int, int], EntryWindow | None]:
    """(establishment id, semester) → the window that applies: the school's own, else the
    national one (one query for any number of schools)."""
    ids = sorted(set(establishment_ids))
    found = list(
        EntryWindow.objects.filter(school_year=school_year).filter(
            Q(establishment_id__in=ids) | Q(establishment__isnull=True)
        )
    )
    national = {w.semester: w for w in found if w.establishment_id is None}
    own = {(w.establishment_id, w.semester): w for w in found if w.establishment_id is not None}
    return {
        (school, semester): own.get((school, semester)) or national.get(semester)
        for school in ids
        for semester in Semester.values
    }


def window_is_open(window: EntryWindow | None, day: date | None = None) -> bool:
    day = day or timezone.localdate()
    return window is not None and window.opens_on <= day <= window.closes_on


# --- sheets with their counts -----------------------------------------------------------------


def _current_rows():
    """Rows of the outer sheet whose pupil is still active and placed in the sheet's class."""
    return MarkRow.objects.filter(
        sheet=OuterRef("pk"),
        enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        enrolment__placement__school_class=OuterRef("school_class"),
    ).order_by()


def _empty_cells_of_row():
    """1 for each cell of the row's sheet that has neither a mark nor "absent"."""
    terms = [
        Case(
            When(
                Q(**{f"test_{n}__isnull": True, f"absent_{n}": False, "sheet__test_count__gte": n}),
                then=1,
            ),
            default=0,
            output_field=IntegerField(),
        )
        for n in range(1, 5)
    ]
    terms.append(
        Case(
            When(activities__isnull=True, activities_absent=False, then=1),
            default=0,
            output_field=IntegerField(),
        )
    )
    return reduce(add, terms)


def with_counts(sheets: QuerySet[MarkSheet]) -> QuerySet[MarkSheet]:
    """``sheets`` annotated with ``pupil_count``, ``empty_count`` and ``pending_count``."""
    rows = _current_rows().values("sheet")
    pending = (
        ChangeRequest.objects.filter(row__sheet=OuterRef("pk"), status=ChangeRequestStatus.PENDING)
        .order_by()
        .values("row__sheet")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return sheets.annotate(
        pupil_count=Coalesce(
            Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
        ),
        empty_count=Coalesce(
            Subquery(
                rows.annotate(n=Sum(_empty_cells_of_row())).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        pending_count=Coalesce(Subquery(pending, output_field=IntegerField()), 0),
    )


@dataclass(frozen=True)
class SheetLine:
    """One class × subject × semester of a list page, started (``sheet``) or not."""

    school_class: SchoolClass
    subject: Subject
    semester: int
    teacher: StaffMember | None
    sheet: MarkSheet | None
    window: EntryWindow | None

    @property
    def status(self) -> str:
        if self.sheet is None:
            return "not_started"
        return self.sheet.status

    @property
    def is_validated(self) -> bool:
        return self.sheet is not None and self.sheet.status == SheetStatus.VALIDATED

    @property
    def entry_open(self) -> bool:
        return window_is_open(self.window)


def _sheets_by_pair(sheets: QuerySet[MarkSheet]) -> dict[tuple[int, int, int], MarkSheet]:
    return {(s.school_class_id, s.subject_id, s.semester): s for s in with_counts(sheets)}


def teacher_sheet_lines(actor, school_year: SchoolYear) -> dict[int, list[SheetLine]]:
    """Semester → the class × subject pairs ``actor`` teaches in ``school_year`` (three queries
    after the teacher's file)."""
    assignments = list(
        access.taught_assignments(actor)
        .filter(school_year=school_year)
        .select_related("school_class__establishment", "school_class__level", "subject", "teacher")
        .order_by("school_class__level__order", "school_class__name", "subject__code")
    )
    if not assignments:
        return {semester: [] for semester in Semester.values}
    sheets = _sheets_by_pair(
        MarkSheet.objects.filter(
            school_year=school_year,
            school_class_id__in={a.school_class_id for a in assignments},
        )
    )
    windows = entry_windows(school_year, {a.school_class.establishment_id for a in assignments})
    return {
        semester: [
            SheetLine(
                school_class=a.school_class,
                subject=a.subject,
                semester=semester,
                teacher=a.teacher,
                sheet=sheets.get((a.school_class_id, a.subject_id, semester)),
                window=windows[(a.school_class.establishment_id, semester)],
            )
            for a in assignments
        ]
        for semester in Semester.values
    }


@dataclass(frozen=True)
class ClassSheets:
    school_class: SchoolClass
    lines: list[SheetLine]

    @property
    def empty_count(self) -> int:
        return sum(line.sheet.empty_count for line in self.lines if line.sheet is not None)

    @property
    def validated_count(self) -> int:
        return sum(1 for line in self.lines if line.is_validated)


def school_sheet_lines(
    establishment: Establishment, school_year: SchoolYear, semester: int
) -> list[ClassSheets]:
    """The school's class × subject pairs of ``semester``, class by class (three queries)."""
    assignments = list(
        TeachingAssignment.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("school_class__level", "subject", "teacher")
        .order_by("school_class__level__order", "school_class__name", "subject__code", "pk")
    )
    sheets = _sheets_by_pair(
        MarkSheet.objects.filter(
            establishment=establishment, school_year=school_year, semester=semester
        )
    )
    window = entry_windows(school_year, [establishment.pk])[(establishment.pk, semester)]
    classes: dict[int, ClassSheets] = {}
    seen: set[tuple[int, int]] = set()
    for a in assignments:
        if (a.school_class_id, a.subject_id) in seen:
            continue  # one sheet per class × subject, whoever else shares the teaching
        seen.add((a.school_class_id, a.subject_id))
        group = classes.setdefault(a.school_class_id, ClassSheets(a.school_class, []))
        group.lines.append(
            SheetLine(
                school_class=a.school_class,
                subject=a.subject,
                semester=semester,
                teacher=a.teacher,
                sheet=sheets.get((a.school_class_id, a.subject_id, semester)),
                window=window,
            )
        )
    return list(classes.values())


def sheet_counts(sheet: MarkSheet) -> MarkSheet:
    """The sheet again with its three counts (one query)."""
    return with_counts(MarkSheet.objects.filter(pk=sheet.pk)).get()


# --- a sheet's rows ---------------------------------------------------------------------------


def _name_order() -> tuple[str, ...]:
    if is_arabic():
        return ("enrolment__student__last_name_ar", "enrolment__student__first_name_ar")
    return ("enrolment__student__last_name_fr", "enrolment__student__first_name_fr")


def sheet_rows(sheet: MarkSheet, *, codes=None) -> list[MarkRow]:
    """The rows of the sheet's current pupils, by name in the active language's script, then
    code Massar (the order the page numbers them); only those of ``codes`` when given. One
    query."""
    rows = MarkRow.objects.filter(
        sheet=sheet,
        enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        enrolment__placement__school_class_id=sheet.school_class_id,
    )
    if codes is not None:
        rows = rows.filter(enrolment__student__code_massar__in=sorted(set(codes)))
    return list(
        rows.select_related("enrolment__student")
        .only(
            *(f.name for f in MarkRow._meta.concrete_fields if f.name != "updated_by"),
            "enrolment__id",
            "enrolment__student__id",
            "enrolment__student__code_massar",
            "enrolment__student__first_name_ar",
            "enrolment__student__last_name_ar",
            "enrolment__student__first_name_fr",
            "enrolment__student__last_name_fr",
        )
        .order_by(*_name_order(), "enrolment__student__code_massar")
    )


def pupils_without_row(sheet: MarkSheet) -> int:
    """Pupils placed in the class since the sheet was opened (they need ``sheet_open``)."""
    return (
        ClassPlacement.objects.filter(
            school_class_id=sheet.school_class_id,
            enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .exclude(enrolment_id__in=MarkRow.objects.filter(sheet=sheet).values("enrolment_id"))
        .count()
    )


def pending_corrections(sheet: MarkSheet) -> dict[tuple[int, str], ChangeRequest]:
    """(enrolment id, field) → the correction of that mark waiting for the director."""
    return {
        (request.row.enrolment_id, request.field): request
        for request in ChangeRequest.objects.filter(
            row__sheet=sheet, status=ChangeRequestStatus.PENDING
        ).select_related("row")
    }


def last_saved(sheet: MarkSheet):
    """When a row of the sheet was last saved."""
    return MarkRow.objects.filter(sheet=sheet).aggregate(latest=Max("updated_at"))["latest"]


# --- change requests --------------------------------------------------------------------------

_REQUESTS = ChangeRequest.objects.select_related(
    "row__enrolment__student",
    "row__sheet__school_class",
    "row__sheet__subject",
    "requested_by",
    "decided_by",
)


def school_change_requests(establishment: Establishment) -> tuple[list, list]:
    """The school's change requests: every pending one (oldest first), and the latest decided
    ones (two queries)."""
    pending = list(
        _REQUESTS.filter(establishment=establishment, status=ChangeRequestStatus.PENDING).order_by(
            "requested_at", "pk"
        )
    )
    decided = list(
        _REQUESTS.filter(establishment=establishment)
        .exclude(status=ChangeRequestStatus.PENDING)
        .order_by("-decided_at", "-pk")[:DECIDED_SHOWN]
    )
    return pending, decided


def change_request_of_sheet(sheet: MarkSheet, public_id) -> ChangeRequest | None:
    """A change request of ``sheet`` (already fetched through ``access``) by its public id."""
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except (TypeError, ValueError, AttributeError):
        return None
    return _REQUESTS.filter(row__sheet=sheet, public_id=key).first()


def schools_run_by(actor) -> list[Establishment]:
    """The schools whose mark sheets ``actor`` follows as director or staff."""
    scope = access.school_scope(actor)
    if scope.is_empty:
        return []
    return list(scope.filter_establishments(Establishment.objects.all()).order_by("code"))
