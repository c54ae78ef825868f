"""Who may read and change student files, and scoped lookups of files named in user input.

Student files are personal data of minors (law 09-08): they are read through the administrative
roles only — national, academy and directorate officers, the director and staff of the school
that holds the file. A teacher, parent or pupil of the same school does not see them here (their
own spaces narrow further). Missing and forbidden are the same ``NotFound``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from massar.accounts.models import Role
from massar.accounts.scope import scope_for
from massar.core.errors import NotFound, PermissionDenied
from massar.core.scoping import Scope
from massar.territory.models import Establishment

from .models import FileRead, Guardian, Student, StudentDocument

RECORDS_ROLES = frozenset(
    {
        Role.NATIONAL_ADMIN,
        Role.ACADEMY_OFFICER,
        Role.DIRECTORATE_OFFICER,
        Role.DIRECTOR,
        Role.STAFF,
    }
)
#: Roles that register, import, transfer and certify pupils of their establishment.
SCHOOL_WRITE_ROLES = frozenset({Role.DIRECTOR, Role.STAFF})
#: Roles that may create a file that looks like an existing child, with a reason.
DUPLICATE_CONFIRM_ROLES = frozenset(
    {Role.DIRECTOR, Role.DIRECTORATE_OFFICER, Role.ACADEMY_OFFICER, Role.NATIONAL_ADMIN}
)
#: Roles that merge confirmed duplicates.
MERGE_ROLES = frozenset({Role.DIRECTORATE_OFFICER, Role.NATIONAL_ADMIN})


def records_scope(actor) -> Scope:
    """The part of the country whose student files ``actor`` may read."""
    return scope_for(actor, roles=RECORDS_ROLES)


def school_write_scope(actor) -> Scope:
    return scope_for(actor, roles=SCHOOL_WRITE_ROLES)


def can_write_at(actor, establishment: Establishment) -> bool:
    """Whether ``actor`` is the director or staff of ``establishment`` (or of its central
    school). Every app's services ask this before organising a school."""
    return school_write_scope(actor).covers(establishment)


def require_write_at(actor, establishment: Establishment) -> None:
    if not can_write_at(actor, establishment):
        raise PermissionDenied(_("Only the director and staff of the school can do this."))


def can_confirm_duplicates(actor, establishment: Establishment) -> bool:
    scope = scope_for(actor, roles=DUPLICATE_CONFIRM_ROLES)
    return (
        not scope.is_empty
        and scope.filter_establishments(Establishment.objects.filter(pk=establishment.pk)).exists()
    )


def can_merge(actor) -> bool:
    return not scope_for(actor, roles=MERGE_ROLES).is_empty


def students_in_scope(scope: Scope):
    """Files the scope may read (merged duplicates excluded).

    Outside the national scope the establishments are resolved first (one small query) and the
    files filtered by their ``establishment_id``: the planner then combines that index with the
    name index once, instead of joining establishments and searching names once per school.
    """
    files = Student.objects.filter(merged_into__isnull=True)
    if scope.national or scope.is_empty:
        return scope.filter_tenant(files)
    schools = scope.filter_establishments(Establishment.objects.all()).values_list("id", flat=True)
    return files.filter(establishment_id__in=sorted(schools))


def access_student_by_code(*, actor, code: str, log_read: bool = False) -> Student:
    """The file with code Massar ``code`` if ``actor`` may read it; ``NotFound`` otherwise.

    The code of a merged duplicate resolves to the surviving file. ``log_read`` records the read
    (pages and API reads of one file do; lists do not).
    """
    code = (code or "").strip().upper()
    student = (
        Student.objects.filter(code_massar=code).only("id", "merged_into_id").first()
        if code
        else None
    )
    if student is not None and student.merged_into_id:
        student_id = student.merged_into_id
    elif student is not None:
        student_id = student.pk
    else:
        raise NotFound()
    found = (
        students_in_scope(records_scope(actor))
        .select_related("establishment", "establishment__directorate", "civil_record_commune")
        .filter(pk=student_id)
        .first()
    )
    if found is None:
        raise NotFound()
    if log_read:
        FileRead.objects.create(student=found, user=actor)
    return found


def _establishment_in(scope: Scope, code: str) -> Establishment:
    code = (code or "").strip().upper()
    found = scope.filter_establishments(Establishment.objects.all()).filter(code=code).first()
    if not code or found is None:
        raise NotFound()
    return found


def access_establishment_for_write(*, actor, code: str) -> Establishment:
    """An establishment where ``actor`` registers pupils; ``NotFound`` for any other."""
    return _establishment_in(school_write_scope(actor), code)


def access_establishment_for_records(*, actor, code: str) -> Establishment:
    """An establishment whose files ``actor`` may read; ``NotFound`` for any other."""
    return _establishment_in(records_scope(actor), code)


def writable_establishments(actor) -> list[Establishment]:
    """The establishments where ``actor`` registers pupils, with their cycles, by code."""
    scope = school_write_scope(actor)
    if scope.is_empty:
        return []
    return list(
        scope.filter_establishments(Establishment.objects.prefetch_related("cycles")).order_by(
            "code"
        )
    )


def can_read_file(actor, student_id: int) -> bool:
    return students_in_scope(records_scope(actor)).filter(pk=student_id).exists()


def access_guardian(*, student: Student, guardian_id: int) -> Guardian:
    """A guardian of ``student`` (already accessed); ``NotFound`` for any other id."""
    guardian = Guardian.objects.filter(student=student, pk=guardian_id).first()
    if guardian is None:
        raise NotFound()
    return guardian


def access_document(*, student: Student, document_id: int) -> StudentDocument:
    """A document of ``student`` (already accessed) that has a file; ``NotFound`` otherwise."""
    document = StudentDocument.objects.filter(student=student, pk=document_id).first()
    if document is None or not document.file:
        raise NotFound()
    return document


def access_photo(*, student: Student) -> StudentDocument:
    """The document holding ``student``'s photo; ``NotFound`` when there is none."""
    document = (
        StudentDocument.objects.filter(student=student, file=student.photo.name).first()
        if student.photo
        else None
    )
    if document is None:
        raise NotFound()
    return document
