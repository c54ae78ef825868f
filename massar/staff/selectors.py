"""Reads of staff files and teaching assignments, always from a scope or an accessed object:
the staff list, a file, a class's assignment grid, the classes of a school, and a teacher's own
classes with their class lists. Loads and quotas are in ``loads``, a file's history in
``history``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from massar.core.i18n import is_arabic
from massar.core.scoping import Scope
from massar.curriculum.models import Subject, SubjectAllocation
from massar.schooling.models import ClassPlacement, SchoolClass
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Enrolment
from massar.territory.models import Establishment, SchoolYear
from massar.territory.selectors import current_school_year

from .access import staff_in_scope
from .loads import serving_teachers, with_load
from .models import StaffKind, StaffMember, StaffStatus, TeachingAssignment

current_year = current_school_year


# --- Staff list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffFilters:
    """Validated filters of the staff list (the edges parse and validate them)."""

    q: str = ""
    establishment: str = ""  # code of an establishment they serve
    kind: str = ""
    status: str = ""
    subject: str = ""  # subject code
    active: str = ""  # "", "yes", "no"

    def __post_init__(self):
        if self.kind and self.kind not in StaffKind.values:
            raise ValueError(self.kind)
        if self.status and self.status not in StaffStatus.values:
            raise ValueError(self.status)
        if self.active not in ("", "yes", "no"):
            raise ValueError(self.active)


def staff_list(
    *,
    scope: Scope,
    filters: StaffFilters,
    school_year: SchoolYear | None = None,
    base: QuerySet[StaffMember] | None = None,
) -> QuerySet[StaffMember]:
    """Staff files in ``scope`` (or ``base``, already scoped) matching the filters, by name,
    with load and quota."""
    queryset = staff_in_scope(scope) if base is None else base
    term = filters.q.strip()
    for word in term.split():
        queryset = queryset.filter(
            Q(first_name_ar__icontains=word)
            | Q(last_name_ar__icontains=word)
            | Q(first_name_fr__icontains=word)
            | Q(last_name_fr__icontains=word)
        )
    if filters.establishment:
        code = filters.establishment.strip().upper()
        visiting = StaffMember.other_establishments.through.objects.filter(
            establishment__code=code
        ).values("staffmember_id")
        queryset = queryset.filter(Q(main_establishment__code=code) | Q(pk__in=visiting))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.subject:
        teaching = StaffMember.subjects.through.objects.filter(
            subject__code=filters.subject.strip().upper()
        ).values("staffmember_id")
        queryset = queryset.filter(pk__in=teaching)
    if filters.active:
        queryset = queryset.filter(is_active=filters.active == "yes")
    year = school_year or current_year()
    return (
        with_load(queryset, year)
        .select_related("main_establishment")
        .prefetch_related(
            Prefetch("subjects", queryset=Subject.objects.order_by("code")),
            Prefetch("other_establishments", queryset=Establishment.objects.order_by("code")),
        )
        .order_by("last_name_fr", "first_name_fr", "pk")
    )


def staff_detail(
    staff: StaffMember,
    school_year: SchoolYear | None = None,
    base: QuerySet[StaffMember] | None = None,
) -> StaffMember:
    """The file with its establishments, subjects, account, load and quota (three queries)."""
    year = school_year or current_year()
    queryset = StaffMember.objects.all() if base is None else base
    return (
        with_load(queryset.filter(pk=staff.pk), year)
        .select_related("main_establishment__directorate", "user")
        .prefetch_related(
            Prefetch("subjects", queryset=Subject.objects.order_by("code")),
            Prefetch("other_establishments", queryset=Establishment.objects.order_by("code")),
        )
        .get()
    )


def assignments_of(staff: StaffMember, school_year: SchoolYear) -> QuerySet[TeachingAssignment]:
    """A teacher's assignments of the year, in every establishment (one query)."""
    return (
        TeachingAssignment.objects.filter(teacher=staff, school_year=school_year)
        .select_related("school_class", "subject", "establishment")
        .order_by("establishment__code", "school_class__name", "subject__code")
    )


# --- Assignment grid of a class -------------------------------------------------------------


@dataclass
class GridRow:
    """A subject of a class's curriculum and its assignment, if any. ``chosen_teacher`` and
    ``chosen_hours`` keep what was typed when a save was refused."""

    subject: Subject
    planned_hours: Decimal
    assignment: TeachingAssignment | None
    chosen_teacher: str | None = None
    chosen_hours: str | None = None

    @property
    def selected(self) -> str:
        if self.chosen_teacher is not None:
            return self.chosen_teacher
        return str(self.assignment.teacher.public_id) if self.assignment else ""

    @property
    def hours(self) -> Decimal:
        return self.assignment.weekly_hours if self.assignment else self.planned_hours


def class_grid(school_class: SchoolClass) -> list[GridRow]:
    """The subjects the curriculum gives the class's stream (hours > 0), each with its
    assignment (two queries)."""
    allocations = (
        SubjectAllocation.objects.filter(
            school_year_id=school_class.school_year_id,
            stream_id=school_class.stream_id,
            weekly_hours__gt=0,
            subject__is_conduct=False,
        )
        .select_related("subject")
        .order_by("subject__code")
    )
    assigned = {
        assignment.subject_id: assignment
        for assignment in TeachingAssignment.objects.filter(
            school_class=school_class
        ).select_related("teacher")
    }
    return [
        GridRow(
            subject=allocation.subject,
            planned_hours=allocation.weekly_hours,
            assignment=assigned.get(allocation.subject_id),
        )
        for allocation in allocations
    ]


def grid_row(school_class: SchoolClass, subject: Subject) -> GridRow | None:
    """One row of ``class_grid`` (two queries)."""
    allocation = (
        SubjectAllocation.objects.filter(
            school_year_id=school_class.school_year_id,
            stream_id=school_class.stream_id,
            subject=subject,
            weekly_hours__gt=0,
            subject__is_conduct=False,
        )
        .select_related("subject")
        .first()
    )
    if allocation is None:
        return None
    assignment = (
        TeachingAssignment.objects.filter(school_class=school_class, subject=subject)
        .select_related("teacher")
        .first()
    )
    return GridRow(
        subject=allocation.subject, planned_hours=allocation.weekly_hours, assignment=assignment
    )


def grid_teachers(*, establishment: Establishment, school_year: SchoolYear) -> list[StaffMember]:
    """Teachers who may be chosen in a class's grid, with load, quota and the ids of the
    subjects they can teach (two queries)."""
    teachers = list(
        with_load(serving_teachers(establishment), school_year)
        .prefetch_related(Prefetch("subjects", queryset=Subject.objects.only("id")))
        .order_by("last_name_fr", "first_name_fr", "pk")
    )
    for teacher in teachers:
        teacher.subject_ids = {subject.pk for subject in teacher.subjects.all()}
    return teachers


def school_classes(
    *, establishment: Establishment, school_year: SchoolYear
) -> QuerySet[SchoolClass]:
    """The classes of the year with their numbers of subjects and of assigned subjects."""
    planned = (
        SubjectAllocation.objects.filter(
            school_year_id=OuterRef("school_year_id"),
            stream_id=OuterRef("stream_id"),
            weekly_hours__gt=0,
            subject__is_conduct=False,
        )
        .order_by()
        .values("stream_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assigned = (
        TeachingAssignment.objects.filter(school_class=OuterRef("pk"))
        .order_by()
        .values("school_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        SchoolClass.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("level", "stream")
        .annotate(
            subject_count=Coalesce(Subquery(planned, output_field=IntegerField()), 0),
            assigned_count=Coalesce(Subquery(assigned, output_field=IntegerField()), 0),
        )
        .order_by("level__order", "stream__code", "language_option", "number")
    )


# --- Assignments list (API) -----------------------------------------------------------------


def assignments_visible(
    *, actor, scope: Scope, school_year: SchoolYear | None = None
) -> QuerySet[TeachingAssignment]:
    """Assignments ``scope`` reads (administrative roles), and the actor's own as a teacher."""
    condition = Q(teacher__user_id=actor.pk) if actor.is_authenticated else Q(pk__in=[])
    if not scope.is_empty:
        condition |= scope.establishment_q(prefix="establishment__")
    queryset = TeachingAssignment.objects.filter(condition)
    if school_year is not None:
        queryset = queryset.filter(school_year=school_year)
    return queryset.select_related(
        "establishment", "school_year", "school_class", "subject", "teacher"
    ).order_by("establishment__code", "school_class__name", "subject__code", "pk")


# --- A teacher's own classes ----------------------------------------------------------------


def teacher_classes(teacher: StaffMember, school_year: SchoolYear) -> QuerySet[TeachingAssignment]:
    """The teacher's assignments of the year with the number of pupils of each class."""
    pupils = (
        ClassPlacement.objects.filter(
            school_class=OuterRef("school_class"),
            enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .order_by()
        .values("school_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        assignments_of(teacher, school_year)
        .select_related("school_class__level", "school_class__stream")
        .annotate(pupil_count=Coalesce(Subquery(pupils, output_field=IntegerField()), 0))
    )


def class_pupils(school_class: SchoolClass) -> QuerySet[Enrolment]:
    """The pupils placed in the class (active enrolments), by name (one query)."""
    order = (
        ("student__last_name_ar", "student__first_name_ar")
        if is_arabic()
        else ("student__last_name_fr", "student__first_name_fr")
    )
    return (
        Enrolment.objects.filter(
            placement__school_class=school_class, status__in=ACTIVE_ENROLMENT_STATUSES
        )
        .select_related("student")
        .only(
            "id",
            "student__code_massar",
            "student__first_name_ar",
            "student__last_name_ar",
            "student__first_name_fr",
            "student__last_name_fr",
            "student__sex",
        )
        .order_by(*order, "student__code_massar")
    )
