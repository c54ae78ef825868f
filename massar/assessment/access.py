"""Who reads and writes marks, calendars, councils and results, and scoped lookups of what user
input names. Every assessment view and endpoint fetches its objects through these functions.

- Officers (national, academy, directorate) read the assessment of the schools of their scope.
- The director and staff of a school read everything of the school and enter marks on open
  sheets; only the **director** validates and locks sheets, approves change requests, validates
  councils and publishes results.
- A teacher enters the marks and schedules the tests of the class × subject pairs they are
  assigned this year (``TeachingAssignment``), and reads those classes' calendars.
- A pupil (``Student.user``) and a parent (``Guardian.user``) read the *published* results and
  the test calendar of the pupil's current class, and give orientation wishes; nothing else.
- Anyone else, the other school's director included: nothing. Missing and forbidden are the same
  ``NotFound``.
"""

from __future__ import annotations

import re
import uuid

from django.db.models import Q, QuerySet

from massar.accounts.models import Role
from massar.accounts.scope import scope_for
from massar.core.errors import NotFound
from massar.core.scoping import Scope
from massar.curriculum.models import Subject
from massar.schooling.models import SchoolClass
from massar.staff.access import teacher_of
from massar.staff.models import StaffMember, TeachingAssignment
from massar.students.access import can_write_at  # noqa: F401 - the one rule, re-exported
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Enrolment, Student
from massar.territory.models import Establishment

from .models import ClassCouncil, MarkSheet

READ_ROLES = frozenset(
    {
        Role.NATIONAL_ADMIN,
        Role.ACADEMY_OFFICER,
        Role.DIRECTORATE_OFFICER,
        Role.DIRECTOR,
        Role.STAFF,
    }
)
SCHOOL_ROLES = frozenset({Role.DIRECTOR, Role.STAFF})
DIRECTOR_ROLES = frozenset({Role.DIRECTOR})


def read_scope(actor) -> Scope:
    return scope_for(actor, roles=READ_ROLES)


def school_scope(actor) -> Scope:
    return scope_for(actor, roles=SCHOOL_ROLES)


def director_scope(actor) -> Scope:
    return scope_for(actor, roles=DIRECTOR_ROLES)


def is_director_of(actor, establishment: Establishment) -> bool:
    """Whether ``actor`` directs ``establishment`` (or its central school): no query once the
    request's scope is loaded."""
    return director_scope(actor).covers(establishment)


def is_school_of(actor, establishment: Establishment) -> bool:
    """Whether ``actor`` is the director or staff of ``establishment``."""
    return school_scope(actor).covers(establishment)


def reads_school(actor, establishment: Establishment) -> bool:
    return read_scope(actor).covers(establishment)


_CODE = re.compile(r"^[A-Z0-9_-]{1,20}$")


def _code(value) -> str:
    """A code from user input (establishment, subject, code Massar), upper-cased; ``""`` when
    it cannot be one (a NUL byte or odd characters would otherwise reach the database)."""
    code = str(value or "").strip().upper()
    return code if _CODE.match(code) else ""


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error


def _has_role(actor, role: str) -> bool:
    return not scope_for(actor, roles=frozenset({role})).is_empty


# --- establishments ---------------------------------------------------------------------------


def _establishment_in(scope: Scope, code: str) -> Establishment:
    code = _code(code)
    found = (
        scope.filter_establishments(Establishment.objects.all()).filter(code=code).first()
        if code and not scope.is_empty
        else None
    )
    if found is None:
        raise NotFound()
    return found


def access_establishment(*, actor, code: str, write: bool = False) -> Establishment:
    """A school whose assessment ``actor`` reads (officers, director, staff) or, with
    ``write``, runs (director, staff)."""
    return _establishment_in(school_scope(actor) if write else read_scope(actor), code)


def access_establishment_as_director(*, actor, code: str) -> Establishment:
    return _establishment_in(director_scope(actor), code)


# --- teachers ---------------------------------------------------------------------------------


def own_teacher(actor) -> StaffMember | None:
    """The teacher's own staff file, when ``actor`` holds an active teacher role."""
    if not _has_role(actor, Role.TEACHER):
        return None
    return teacher_of(actor)


def taught_assignments(actor) -> QuerySet[TeachingAssignment]:
    """The current year's assignments of ``actor`` as a teacher (empty for anyone else)."""
    teacher = own_teacher(actor)
    if teacher is None:
        return TeachingAssignment.objects.none()
    return TeachingAssignment.objects.filter(teacher=teacher, school_year__is_current=True)


def teaches(actor, school_class: SchoolClass, subject: Subject | None = None) -> bool:
    """Whether ``actor`` teaches ``school_class`` (in ``subject`` when given) this year."""
    assignments = taught_assignments(actor).filter(school_class=school_class)
    if subject is not None:
        assignments = assignments.filter(subject=subject)
    return assignments.exists()


# --- classes and subjects ---------------------------------------------------------------------

_CLASSES = SchoolClass.objects.select_related("establishment", "school_year", "level", "stream")


def access_class(*, actor, public_id, write: bool = False) -> SchoolClass:
    """A class of a school ``actor`` reads (officers, director, staff) or, with ``write``, runs;
    for reading, also a class ``actor`` teaches this year."""
    key = _uuid(public_id)
    scope = school_scope(actor) if write else read_scope(actor)
    found = scope.filter_tenant(_CLASSES).filter(public_id=key).first()
    if found is None and not write:
        found = _CLASSES.filter(
            public_id=key, pk__in=taught_assignments(actor).values("school_class_id")
        ).first()
    if found is None:
        raise NotFound()
    return found


def access_subject(code: str) -> Subject:
    code = _code(code)
    found = Subject.objects.filter(code=code).first() if code else None
    if found is None:
        raise NotFound()
    return found


def access_class_subject(
    *, actor, class_public_id, subject_code: str, write: bool = False
) -> tuple[SchoolClass, Subject]:
    """A class and one of its subjects whose marks ``actor`` reads or (``write``) enters: the
    teacher assigned to that pair this year, or the school's director and staff; officers read.
    A subject the class is not assigned is ``NotFound`` as well."""
    key = _uuid(class_public_id)
    subject = access_subject(subject_code)
    scope = school_scope(actor) if write else read_scope(actor)
    school_class = scope.filter_tenant(_CLASSES).filter(public_id=key).first()
    if school_class is None:
        school_class = _CLASSES.filter(
            public_id=key,
            pk__in=taught_assignments(actor).filter(subject=subject).values("school_class_id"),
        ).first()
    if school_class is None:
        raise NotFound()
    if not TeachingAssignment.objects.filter(school_class=school_class, subject=subject).exists():
        raise NotFound()
    return school_class, subject


def access_sheet(*, actor, public_id, write: bool = False) -> MarkSheet:
    """A mark sheet ``actor`` reads or (``write``) edits: its class × subject's teacher, the
    school's director and staff; officers read."""
    key = _uuid(public_id)
    sheets = MarkSheet.objects.select_related(
        "establishment",
        "school_year",
        "school_class__level",
        "school_class__stream",
        "subject",
        "teacher",
    )
    scope = school_scope(actor) if write else read_scope(actor)
    found = scope.filter_tenant(sheets).filter(public_id=key).first()
    if found is None:
        taught = taught_assignments(actor)
        found = sheets.filter(
            public_id=key,
            school_class_id__in=taught.values("school_class_id"),
        ).first()
        if (
            found is not None
            and not taught.filter(
                school_class_id=found.school_class_id, subject_id=found.subject_id
            ).exists()
        ):
            found = None
    if found is None:
        raise NotFound()
    return found


def access_council(*, actor, public_id, write: bool = False) -> ClassCouncil:
    """A class council ``actor`` reads (officers, director, staff, the class's teachers) or
    (``write``) prepares (director, staff)."""
    key = _uuid(public_id)
    councils = ClassCouncil.objects.select_related(
        "establishment", "school_year", "school_class__level", "school_class__stream"
    )
    scope = school_scope(actor) if write else read_scope(actor)
    found = scope.filter_tenant(councils).filter(public_id=key).first()
    if found is None and not write:
        found = councils.filter(
            public_id=key, school_class_id__in=taught_assignments(actor).values("school_class_id")
        ).first()
    if found is None:
        raise NotFound()
    return found


# --- pupils and parents -----------------------------------------------------------------------


def family_condition(actor) -> Q:
    """Enrolments whose pupil is ``actor`` (pupil account) or ``actor``'s child (parent
    account), as one condition; nothing for anyone else."""
    condition = Q(pk__in=[])
    if not getattr(actor, "is_authenticated", False):
        return condition
    if _has_role(actor, Role.STUDENT):
        condition |= Q(student__user=actor)
    if _has_role(actor, Role.PARENT):
        condition |= Q(student__guardians__user=actor)
    return condition


def family_enrolments(actor) -> QuerySet[Enrolment]:
    """The current year's active enrolments of ``actor`` (pupil) or of their children (parent),
    with the pupil, school, level and stream."""
    return (
        Enrolment.objects.filter(
            family_condition(actor),
            status__in=ACTIVE_ENROLMENT_STATUSES,
            school_year__is_current=True,
            student__merged_into__isnull=True,
        )
        .select_related("student", "establishment", "school_year", "level", "stream")
        .order_by("student__first_name_fr", "student__code_massar")
        .distinct()
    )


def family_students(actor) -> QuerySet[Student]:
    """Every pupil ``actor`` may read the results of as pupil or parent (any year)."""
    condition = Q(pk__in=[])
    if _has_role(actor, Role.STUDENT):
        condition |= Q(user=actor)
    if _has_role(actor, Role.PARENT):
        condition |= Q(guardians__user=actor)
    return Student.objects.filter(condition, merged_into__isnull=True).distinct()


def access_family_student(*, actor, code: str) -> Student:
    """A pupil, by code Massar, whose published results ``actor`` reads as the pupil or a
    parent. Another pupil's code — even of the same class — is ``NotFound``."""
    code = _code(code)
    found = family_students(actor).filter(code_massar=code).first() if code else None
    if found is None:
        raise NotFound()
    return found


def access_student_results(*, actor, code: str) -> Student:
    """A pupil whose published results ``actor`` reads: their own or their child's, or one
    enrolled this year at a school ``actor`` reads (officers, director, staff)."""
    code = _code(code)
    if not code:
        raise NotFound()
    found = family_students(actor).filter(code_massar=code).first()
    if found is None:
        scope = read_scope(actor)
        if not scope.is_empty:
            found = Student.objects.filter(
                code_massar=code,
                merged_into__isnull=True,
                pk__in=scope.filter_tenant(
                    Enrolment.objects.filter(school_year__is_current=True)
                ).values("student_id"),
            ).first()
    if found is None:
        raise NotFound()
    return found
