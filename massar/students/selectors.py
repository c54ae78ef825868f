"""Reads of student files, always from the actor's records scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from massar.core.names import latin_name_key
from massar.core.scoping import Scope
from massar.territory.models import SchoolYear

from .access import students_in_scope
from .codes import is_valid_code
from .duplicates import search_text
from .models import ACTIVE_ENROLMENT_STATUSES, Enrolment, EnrolmentStatus, Student


@dataclass(frozen=True)
class StudentFilters:
    """Validated filters of the student search (the edges parse and validate them)."""

    q: str = ""
    establishment: str = ""  # establishment code
    level: str = ""  # level code
    sex: str = ""
    status: str = ""  # enrolment status in the current year; "" = any

    def __post_init__(self):
        if self.sex and self.sex not in ("M", "F"):
            raise ValueError(self.sex)
        if self.status and self.status not in EnrolmentStatus.values:
            raise ValueError(self.status)


def student_list(
    *, scope: Scope, filters: StudentFilters, school_year: SchoolYear | None = None
) -> QuerySet[Student]:
    """Files in scope matching the filters, by name, with the current-year enrolment attached.

    ``q`` is a code Massar (or its beginning) or a part of the name in either script; Arabic
    spelling variants and Latin accents are folded, as in the stored search text.
    """
    queryset = students_in_scope(scope).select_related("establishment")
    term = filters.q.strip()
    if term:
        upper = term.upper()
        if is_valid_code(upper):
            queryset = queryset.filter(code_massar=upper)
        elif upper[:1].isascii() and upper[:1].isalpha() and upper[1:].isdigit() and len(upper) > 1:
            queryset = queryset.filter(code_massar__startswith=upper)
        else:
            words = term.split()
            if not any(search_text(word) for word in words):
                return queryset.none()
            for word in words:
                folded = search_text(word)
                if not folded:
                    continue
                condition = Q(search_name__contains=folded)
                skeleton = latin_name_key(word)
                if len(skeleton) >= 3:  # Idrisi finds Idrissi, Yusuf finds Youssef
                    condition |= Q(name_key_latin__contains=skeleton)
                queryset = queryset.filter(condition)
    if filters.establishment:
        queryset = queryset.filter(establishment__code=filters.establishment.upper())
    if filters.sex:
        queryset = queryset.filter(sex=filters.sex)
    year = school_year or SchoolYear.objects.filter(is_current=True).first()
    current = Enrolment.objects.filter(school_year=year).select_related(
        "school_year", "establishment", "level", "stream"
    )
    if filters.level or filters.status:
        enrolled = Enrolment.objects.filter(school_year=year)
        if filters.level:
            enrolled = enrolled.filter(level__code=filters.level)
        if filters.status:
            enrolled = enrolled.filter(status=filters.status)
        else:
            enrolled = enrolled.filter(status__in=ACTIVE_ENROLMENT_STATUSES)
        queryset = queryset.filter(Q(pk__in=enrolled.values("student_id")))
    return queryset.prefetch_related(
        Prefetch("enrolments", queryset=current, to_attr="current_enrolments")
    ).order_by("last_name_fr", "first_name_fr", "code_massar")


def student_path(student: Student) -> QuerySet[Enrolment]:
    """Every year of a pupil's schooling, oldest first: year, school, level, class, outcome."""
    return (
        Enrolment.objects.filter(student=student)
        .select_related("school_year", "establishment", "level", "stream")
        .order_by("school_year__starts_on", "entered_on", "pk")
    )


def current_enrolment(student: Student, school_year: SchoolYear | None = None) -> Enrolment | None:
    year = school_year or SchoolYear.objects.filter(is_current=True).first()
    return (
        Enrolment.objects.filter(
            student=student, school_year=year, status__in=ACTIVE_ENROLMENT_STATUSES
        )
        .select_related("school_year", "establishment", "level", "stream")
        .first()
    )


def student_detail_queryset() -> QuerySet[Student]:
    return Student.objects.select_related("establishment", "civil_record_commune").prefetch_related(
        "guardians", "documents"
    )
