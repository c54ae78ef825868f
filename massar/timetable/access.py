"""Who sees which timetable, who changes it, and scoped lookups of what user input names.

- Director and staff of a school: every timetable of the school (and of its satellite schools);
  they set up the grid, the teachers' availability and the sessions.
- National, academy and directorate officers: read the timetables of the schools of their scope.
- A teacher (their ``StaffMember`` through ``user``, with an active teacher role): their own
  timetable, in every establishment they teach at, and the timetables of the classes they teach.
- A pupil (``Student.user``, with an active pupil role): the timetable of the class of their
  current enrolment.
- A parent (``Guardian.user``, with an active parent role): the class timetables of their children.
- Anyone else, the other school's director included: nothing. Missing and forbidden are the same
  ``NotFound``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db.models import Q

from massar.accounts.models import Role
from massar.accounts.scope import scope_for
from massar.core.errors import NotFound
from massar.core.scoping import Scope
from massar.schooling.models import Room, SchoolClass
from massar.staff.models import StaffMember, TeachingAssignment
from massar.students.access import can_write_at, require_write_at  # noqa: F401 - the one rule, re-exported
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Student
from massar.territory.models import Establishment

from .models import Session

#: Roles that read every timetable of the establishments of their scope.
READ_ROLES = frozenset(
    {
        Role.NATIONAL_ADMIN,
        Role.ACADEMY_OFFICER,
        Role.DIRECTORATE_OFFICER,
        Role.DIRECTOR,
        Role.STAFF,
    }
)
#: Roles that set up the grid, availabilities and sessions of their establishment.
WRITE_ROLES = frozenset({Role.DIRECTOR, Role.STAFF})


def read_scope(actor) -> Scope:
    return scope_for(actor, roles=READ_ROLES)


def write_scope(actor) -> Scope:
    return scope_for(actor, roles=WRITE_ROLES)


def covers(scope: Scope, establishment: Establishment) -> bool:
    """Whether ``scope`` reaches ``establishment`` (no query: the scope holds the ids)."""
    return scope.covers(establishment)


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error


def _has_role(actor, role: str) -> bool:
    return not scope_for(actor, roles=frozenset({role})).is_empty


# --- establishments ---------------------------------------------------------------------------


def _establishment_in(scope: Scope, code: str) -> Establishment:
    code = (code or "").strip().upper()
    found = (
        scope.filter_establishments(Establishment.objects.all()).filter(code=code).first()
        if code and not scope.is_empty
        else None
    )
    if found is None:
        raise NotFound()
    return found


def access_establishment_for_read(*, actor, code: str) -> Establishment:
    """An establishment whose timetables ``actor`` reads (administrative roles)."""
    return _establishment_in(read_scope(actor), code)


def access_establishment_for_write(*, actor, code: str) -> Establishment:
    """An establishment whose timetable ``actor`` sets up (director, staff)."""
    return _establishment_in(write_scope(actor), code)


# --- the people behind an account -------------------------------------------------------------


def own_staff_member(actor) -> StaffMember | None:
    """The teacher's own file, when ``actor`` holds an active teacher role and has one."""
    if not _has_role(actor, Role.TEACHER):
        return None
    return StaffMember.objects.filter(user=actor, is_active=True).first()


def _current_placements() -> Q:
    return Q(
        placements__enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        placements__enrolment__school_year__is_current=True,
    )


def own_class_condition(actor) -> Q:
    """Classes a pupil, a parent or a teacher account may read, as one condition (or nothing)."""
    condition = Q(pk__in=[])
    if not getattr(actor, "is_authenticated", False):
        return condition
    if _has_role(actor, Role.TEACHER):
        condition |= Q(
            pk__in=TeachingAssignment.objects.filter(
                teacher__user=actor, teacher__is_active=True, school_year__is_current=True
            ).values("school_class_id")
        )
    if _has_role(actor, Role.STUDENT):
        condition |= Q(_current_placements(), placements__enrolment__student__user=actor)
    if _has_role(actor, Role.PARENT):
        condition |= Q(_current_placements(), placements__enrolment__student__guardians__user=actor)
    return condition


@dataclass
class ChildClass:
    """A pupil (the actor, or a parent's child) and the class of their current enrolment."""

    student: Student
    school_class: SchoolClass


@dataclass
class MyTimetables:
    """What an account's "my timetable" leads to."""

    teacher: StaffMember | None = None
    children: list[ChildClass] = field(default_factory=list)
    schools: list[Establishment] = field(default_factory=list)  # director, staff
    reads_schools: bool = False  # officers: any school of their scope, by code
    personal: bool = False  # holds a teacher, pupil or parent role (even with nothing yet)

    @property
    def is_empty(self) -> bool:
        return not (
            self.teacher or self.children or self.schools or self.reads_schools or self.personal
        )


def my_timetables(actor) -> MyTimetables:
    mine = MyTimetables(teacher=own_staff_member(actor))
    pupil_roles = [r for r in (Role.STUDENT, Role.PARENT) if _has_role(actor, r)]
    mine.personal = bool(pupil_roles) or _has_role(actor, Role.TEACHER)
    if pupil_roles:
        condition = Q(pk__in=[])
        if Role.STUDENT in pupil_roles:
            condition |= Q(enrolment__student__user=actor)
        if Role.PARENT in pupil_roles:
            condition |= Q(enrolment__student__guardians__user=actor)
        from massar.schooling.models import ClassPlacement

        placements = (
            ClassPlacement.objects.filter(
                condition,
                enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
                enrolment__school_year__is_current=True,
            )
            .select_related("enrolment__student", "school_class__establishment")
            .order_by("enrolment__student__first_name_fr")
            .distinct()
        )
        mine.children = [ChildClass(p.enrolment.student, p.school_class) for p in placements]
    writing = write_scope(actor)
    if not writing.is_empty:
        mine.schools = list(
            writing.filter_establishments(Establishment.objects.all()).order_by("code")
        )
    reading = read_scope(actor)
    mine.reads_schools = bool(reading.national or reading.academy_ids or reading.directorate_ids)
    return mine


# --- timetables -------------------------------------------------------------------------------


def access_class_timetable(*, actor, public_id) -> SchoolClass:
    """A class whose timetable ``actor`` reads: of a school in their administrative scope, or one
    they teach, attend, or whose pupil is their child."""
    public_id = _uuid(public_id)
    classes = SchoolClass.objects.select_related("establishment", "school_year", "level")
    scope = read_scope(actor)
    found = scope.filter_tenant(classes).filter(public_id=public_id).first()
    if found is None:
        found = classes.filter(own_class_condition(actor), public_id=public_id).first()
    if found is None:
        raise NotFound()
    return found


def access_class_for_write(*, actor, public_id) -> SchoolClass:
    """A class whose sessions ``actor`` edits (director, staff of its school)."""
    public_id = _uuid(public_id)
    found = (
        write_scope(actor)
        .filter_tenant(SchoolClass.objects.select_related("establishment", "school_year"))
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _serving(schools) -> Q:
    return (
        Q(main_establishment__in=schools)
        | Q(other_establishments__in=schools)
        | Q(assignments__establishment__in=schools)
    )


def access_teacher_timetable(*, actor, public_id) -> StaffMember:
    """A teacher whose timetable ``actor`` reads: one serving a school of their administrative
    scope, or themself."""
    public_id = _uuid(public_id)
    own = own_staff_member(actor)
    if own is not None and own.public_id == public_id:
        return own
    scope = read_scope(actor)
    if scope.is_empty:
        raise NotFound()
    schools = scope.filter_establishments(Establishment.objects.all()).values("pk")
    found = (
        StaffMember.objects.filter(_serving(schools), public_id=public_id)
        .select_related("main_establishment")
        .distinct()
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_teacher_for_availability(
    *, actor, establishment: Establishment, public_id
) -> StaffMember:
    """A teacher serving ``establishment``, whose availability ``actor`` (its director or staff)
    sets."""
    public_id = _uuid(public_id)
    if not can_write_at(actor, establishment):
        raise NotFound()
    found = (
        StaffMember.objects.filter(_serving([establishment.pk]), public_id=public_id)
        .distinct()
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_room_timetable(*, actor, public_id) -> Room:
    """A room of a school in ``actor``'s administrative scope."""
    public_id = _uuid(public_id)
    found = (
        read_scope(actor)
        .filter_tenant(Room.objects.select_related("establishment"))
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_session_for_write(*, actor, public_id) -> Session:
    """A session ``actor`` may move or remove (director, staff of its school)."""
    public_id = _uuid(public_id)
    found = (
        write_scope(actor)
        .filter_tenant(Session.objects.select_related("establishment", "assignment__subject"))
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_assignment_for_write(*, actor, public_id) -> TeachingAssignment | None:
    """A teaching assignment of a school ``actor`` runs; ``None`` for any other (the callers
    word the refusal: it names an input field)."""
    try:
        public_id = _uuid(public_id)
    except NotFound:
        return None
    return (
        write_scope(actor)
        .filter_tenant(
            TeachingAssignment.objects.select_related(
                "establishment", "school_class", "teacher", "subject"
            )
        )
        .filter(public_id=public_id)
        .first()
    )


def room_of(*, establishment: Establishment, public_id) -> Room | None:
    """A room of ``establishment`` by its public id; ``None`` for any other."""
    try:
        public_id = _uuid(public_id)
    except NotFound:
        return None
    return Room.objects.filter(establishment=establishment, public_id=public_id).first()


def reads_school_of(actor, establishment: Establishment) -> bool:
    """Whether ``actor`` reads every timetable of ``establishment`` (administrative roles)."""
    return covers(read_scope(actor), establishment)
