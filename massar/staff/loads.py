"""Teachers' weekly quotas and loads: the quota of a teacher for a year (their override or the
cycle's), the hours they teach in every establishment, and the load table of a school.

The load of a teacher shared between schools adds up every establishment: the quota is theirs,
not a school's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format

from massar.curriculum.models import Subject, SubjectAllocation
from massar.schooling.models import SchoolClass
from massar.territory.models import Establishment, SchoolYear

from .models import ServiceQuota, StaffKind, StaffMember, TeachingAssignment

HOURS = DecimalField(max_digits=6, decimal_places=1)
TENTH = Decimal("0.1")


def hours_text(value: Decimal | None) -> str:
    """Hours for a message: ``21``, ``1,5`` (the active language's decimal separator)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(int(value))
    return number_format(value.quantize(TENTH), 1)


def effective_quota(teacher: StaffMember, school_year: SchoolYear) -> Decimal | None:
    """The weekly quota of ``teacher``: their override, or the quota of their cycle."""
    if teacher.weekly_quota_override is not None:
        return teacher.weekly_quota_override
    if not teacher.cycle:
        return None
    return (
        ServiceQuota.objects.filter(school_year=school_year, cycle=teacher.cycle)
        .values_list("weekly_hours", flat=True)
        .first()
    )


def teacher_load(
    teacher: StaffMember, school_year: SchoolYear, *, excluding: TeachingAssignment | None = None
) -> Decimal:
    """Weekly hours of ``teacher``'s assignments in the year, in every establishment."""
    assignments = TeachingAssignment.objects.filter(teacher=teacher, school_year=school_year)
    if excluding is not None and excluding.pk:
        assignments = assignments.exclude(pk=excluding.pk)
    total = assignments.aggregate(total=Sum("weekly_hours"))["total"]
    return Decimal(total or 0).quantize(TENTH)


def curriculum_hours(school_class: SchoolClass, subject: Subject) -> Decimal | None:
    """Weekly hours of ``subject`` in the curriculum of the class's stream and year."""
    return (
        SubjectAllocation.objects.filter(
            school_year_id=school_class.school_year_id,
            stream_id=school_class.stream_id,
            subject=subject,
        )
        .values_list("weekly_hours", flat=True)
        .first()
    )


def with_load(queryset: QuerySet[StaffMember], school_year: SchoolYear) -> QuerySet[StaffMember]:
    """Annotate ``quota`` (the override, or the cycle's quota of the year) and ``load`` (the
    weekly hours of the year's assignments, in every establishment): two subqueries."""
    quota = ServiceQuota.objects.filter(school_year=school_year, cycle=OuterRef("cycle")).values(
        "weekly_hours"
    )[:1]
    load = (
        TeachingAssignment.objects.filter(teacher=OuterRef("pk"), school_year=school_year)
        .order_by()
        .values("teacher")
        .annotate(total=Sum("weekly_hours"))
        .values("total")
    )
    return queryset.annotate(
        quota=Coalesce(
            "weekly_quota_override", Subquery(quota, output_field=HOURS), output_field=HOURS
        ),
        load=Coalesce(Subquery(load, output_field=HOURS), Value(Decimal("0")), output_field=HOURS),
    )


OVER, FULL, UNDER, NO_QUOTA = "over", "full", "under", "no_quota"


def load_state(load: Decimal | None, quota: Decimal | None) -> str:
    if quota is None:
        return NO_QUOTA
    load = Decimal(load or 0)
    if load > quota:
        return OVER
    if load < quota:
        return UNDER
    return FULL


@dataclass(frozen=True)
class LoadRow:
    """A teacher's weekly hours of the year against their quota."""

    teacher: StaffMember
    load: Decimal
    quota: Decimal | None
    state: str

    @property
    def difference(self) -> Decimal | None:
        """Hours over (positive) or under (negative) the quota."""
        return None if self.quota is None else self.load - self.quota

    @property
    def gap(self) -> Decimal | None:
        difference = self.difference
        return None if difference is None else abs(difference)


def serving_teachers(establishment: Establishment) -> QuerySet[StaffMember]:
    """Active teachers whose main establishment is ``establishment`` or who also serve it."""
    visiting = StaffMember.other_establishments.through.objects.filter(
        establishment_id=establishment.pk
    ).values("staffmember_id")
    return StaffMember.objects.filter(
        Q(main_establishment_id=establishment.pk) | Q(pk__in=visiting),
        kind=StaffKind.TEACHER,
        is_active=True,
    )


def establishment_loads(*, establishment: Establishment, school_year: SchoolYear) -> list[LoadRow]:
    """Every teacher serving ``establishment``: load and quota, over-used first (one query)."""
    teachers = with_load(
        serving_teachers(establishment).select_related("main_establishment"), school_year
    ).order_by("last_name_fr", "first_name_fr", "pk")
    rows = [
        LoadRow(
            teacher=teacher,
            load=Decimal(teacher.load),
            quota=teacher.quota,
            state=load_state(teacher.load, teacher.quota),
        )
        for teacher in teachers
    ]
    order = {OVER: 0, UNDER: 1, NO_QUOTA: 2, FULL: 3}
    return sorted(rows, key=lambda row: order[row.state])
