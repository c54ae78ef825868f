"""Who reads and writes staff files and teaching assignments, and scoped lookups of what user
input names (a staff member, a class, an establishment, a directorate).

- The staff file (names, CIN, payroll number) is read through the administrative roles:
  national, academy and directorate officers, the director and staff of an establishment the
  staff member serves. The director and staff of the **main** establishment change it.
- Teaching assignments of a class are made by the director and staff of the class's school.
- A teacher reads the colleagues of their school without personal data (API), and the classes
  they teach with the class lists (their own space).

Missing and forbidden are the same ``NotFound``.
"""

from __future__ import annotations

import uuid

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from massar.accounts.models import Role
from massar.accounts.scope import scope_for
from massar.core.errors import NotFound
from massar.core.scoping import Scope
from massar.curriculum.models import Subject
from massar.schooling.models import SchoolClass
from massar.students.access import can_write_at, require_write_at  # noqa: F401 - the one rule, re-exported
from massar.territory.models import Directorate, Establishment, SchoolYear

from .models import StaffMember, TeachingAssignment

#: Roles that read staff files (with CIN and payroll number) in their scope.
READ_ROLES = frozenset(
    {
        Role.NATIONAL_ADMIN,
        Role.ACADEMY_OFFICER,
        Role.DIRECTORATE_OFFICER,
        Role.DIRECTOR,
        Role.STAFF,
    }
)
#: Roles that write staff files and teaching assignments at their establishment.
WRITE_ROLES = frozenset({Role.DIRECTOR, Role.STAFF})
#: Roles that see the figures of a whole directorate (shortages added up).
OFFICER_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.ACADEMY_OFFICER, Role.DIRECTORATE_OFFICER})
#: Roles that see colleagues (names, subjects; never personal data).
COLLEAGUE_ROLES = frozenset({Role.TEACHER})


def read_scope(actor) -> Scope:
    return scope_for(actor, roles=READ_ROLES)


def write_scope(actor) -> Scope:
    return scope_for(actor, roles=WRITE_ROLES)


def colleague_scope(actor) -> Scope:
    return scope_for(actor, roles=COLLEAGUE_ROLES)


def _establishment_ids(scope: Scope):
    """The ids of the establishments of ``scope``, as a subquery (no round trip)."""
    return scope.filter_establishments(Establishment.objects.all()).values("id")


def serving_q(scope: Scope) -> Q:
    """Staff members whose main establishment, or one they also serve, is in ``scope``."""
    if scope.is_empty:
        return Q(pk__in=[])
    if scope.national:
        return Q()
    schools = _establishment_ids(scope)
    visiting = StaffMember.other_establishments.through.objects.filter(
        establishment_id__in=schools
    ).values("staffmember_id")
    return Q(main_establishment_id__in=schools) | Q(pk__in=visiting)


def staff_in_scope(scope: Scope) -> QuerySet[StaffMember]:
    """Staff files ``scope`` may read (no duplicates: the condition uses subqueries)."""
    if scope.is_empty:
        return StaffMember.objects.none()
    return StaffMember.objects.filter(serving_q(scope))


def staff_visible_to(actor) -> QuerySet[StaffMember]:
    """Staff files ``actor`` reads as an administrator, or as a colleague (a teacher of the
    same establishment), with ``show_personal``: whether they see the CIN and payroll number."""
    admin, colleague = read_scope(actor), colleague_scope(actor)
    if admin.is_empty and colleague.is_empty:
        return StaffMember.objects.none()
    condition = Q(pk__in=[])
    for scope in (admin, colleague):
        if scope.national:
            condition = Q()
            break
        if not scope.is_empty:
            condition |= serving_q(scope)
    if admin.national:
        personal = Value(True)
    elif admin.is_empty:
        personal = Value(False)
    else:
        personal = Case(
            When(serving_q(admin), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    return StaffMember.objects.filter(condition).annotate(show_personal=personal)


def is_officer(actor) -> bool:
    return not scope_for(actor, roles=OFFICER_ROLES).is_empty


def writable_establishments(actor) -> list[Establishment]:
    """The establishments where ``actor`` writes staff files, by code."""
    scope = write_scope(actor)
    if scope.is_empty:
        return []
    return list(scope.filter_establishments(Establishment.objects.all()).order_by("code"))


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error


def access_staff_by_public_id(*, actor, public_id, for_write: bool = False) -> StaffMember:
    """A staff file ``actor`` may read (or, ``for_write``, change); ``NotFound`` otherwise."""
    key = _uuid(public_id)
    queryset = StaffMember.objects.select_related("main_establishment", "user")
    if for_write:
        scope = write_scope(actor)
        found = (
            queryset.filter(
                public_id=key,
                main_establishment__in=scope.filter_establishments(Establishment.objects.all()),
            ).first()
            if not scope.is_empty
            else None
        )
    else:
        found = (
            staff_in_scope(read_scope(actor))
            .select_related("main_establishment", "user")
            .filter(public_id=key)
            .first()
        )
    if found is None:
        raise NotFound()
    return found


def access_colleague_by_public_id(*, actor, public_id) -> StaffMember:
    """A staff file ``actor`` reads as an administrator or as a colleague (``show_personal``
    says whether they see its CIN and payroll number); ``NotFound`` otherwise."""
    key = _uuid(public_id)
    found = staff_visible_to(actor).filter(public_id=key).first()
    if found is None:
        raise NotFound()
    return found


def _establishment_in(scope: Scope, code: str) -> Establishment:
    code = (code or "").strip().upper()
    found = (
        scope.filter_establishments(Establishment.objects.select_related("directorate"))
        .filter(code=code)
        .first()
        if code and not scope.is_empty
        else None
    )
    if found is None:
        raise NotFound()
    return found


def access_establishment_for_read(*, actor, code: str) -> Establishment:
    return _establishment_in(read_scope(actor), code)


def access_establishment_for_write(*, actor, code: str) -> Establishment:
    return _establishment_in(write_scope(actor), code)


def access_class_by_public_id(*, actor, public_id, for_write: bool = False) -> SchoolClass:
    """A class whose assignments ``actor`` reads (or, ``for_write``, makes); ``NotFound``."""
    key = _uuid(public_id)
    scope = write_scope(actor) if for_write else read_scope(actor)
    found = (
        scope.filter_tenant(
            SchoolClass.objects.select_related(
                "establishment", "school_year", "level__cycle", "stream"
            )
        )
        .filter(public_id=key)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def officer_directorates(actor) -> QuerySet[Directorate]:
    """Directorates whose figures ``actor`` sees added up: all for national administrators,
    those of their academy for an academy officer, their own for a directorate officer."""
    scope = scope_for(actor, roles=OFFICER_ROLES)
    if scope.is_empty:
        return Directorate.objects.none()
    if scope.national:
        return Directorate.objects.all()
    return Directorate.objects.filter(
        Q(academy_id__in=sorted(scope.academy_ids)) | Q(id__in=sorted(scope.directorate_ids))
    )


def access_directorate_by_code(*, actor, code: str) -> Directorate:
    code = (code or "").strip()
    found = officer_directorates(actor).select_related("academy").filter(code=code).first()
    if not code or found is None:
        raise NotFound()
    return found


def teacher_of(actor) -> StaffMember | None:
    """The active staff file linked to ``actor``'s account, if any (and if they hold a role)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if scope_for(actor).is_empty:
        return None
    return StaffMember.objects.filter(user=actor, is_active=True).first()


def access_class_for_teacher(*, actor, public_id, school_year: SchoolYear) -> SchoolClass:
    """A class ``actor`` teaches in ``school_year``; any other class is ``NotFound``."""
    key = _uuid(public_id)
    teacher = teacher_of(actor)
    if teacher is None:
        raise NotFound()
    taught = TeachingAssignment.objects.filter(teacher=teacher, school_year=school_year).values(
        "school_class_id"
    )
    found = (
        SchoolClass.objects.select_related("establishment", "level", "stream")
        .filter(public_id=key, pk__in=taught)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_subject_by_code(code: str) -> Subject:
    """A subject (national reference data); ``NotFound`` for an unknown code."""
    code = (code or "").strip().upper()
    found = Subject.objects.filter(code=code).first() if code else None
    if found is None:
        raise NotFound()
    return found
