"""Who reads and who organises a school, and scoped lookups of schooling objects named in input.

The organisation of a school (rooms, classes, placements, the school map) is management data:
the director and staff of the school (and of its satellites, which the scope adds) read and write
it; national, academy and directorate officers read their part of the country. A teacher, a
parent, a pupil or an outsider finds nothing here (a teacher's own classes are shown by the staff
app). Missing and forbidden are the same ``NotFound``.
"""

from __future__ import annotations

import uuid

from massar.accounts.models import Role
from massar.accounts.scope import scope_for
from massar.core.errors import NotFound
from massar.core.scoping import Scope
from massar.students.access import can_write_at, require_write_at  # noqa: F401 - the one rule, re-exported
from massar.territory.models import Directorate, Establishment, SchoolYear

from .models import Building, Room, SchoolClass

READ_ROLES = frozenset(
    {
        Role.NATIONAL_ADMIN,
        Role.ACADEMY_OFFICER,
        Role.DIRECTORATE_OFFICER,
        Role.DIRECTOR,
        Role.STAFF,
    }
)
#: Roles that organise their establishment: rooms, classes, placements, expected intake.
WRITE_ROLES = frozenset({Role.DIRECTOR, Role.STAFF})
#: Roles that see the school map of a whole directorate.
OVERSIGHT_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.ACADEMY_OFFICER, Role.DIRECTORATE_OFFICER})


def read_scope(actor) -> Scope:
    """The part of the country whose school organisation ``actor`` may read."""
    return scope_for(actor, roles=READ_ROLES)


def write_scope(actor) -> Scope:
    return scope_for(actor, roles=WRITE_ROLES)


def _scope(actor, *, write: bool) -> Scope:
    return write_scope(actor) if write else read_scope(actor)


def establishments_in(scope: Scope):
    return scope.filter_establishments(Establishment.objects.all())


def access_establishment_by_code(*, actor, code: str, write: bool = False) -> Establishment:
    """The establishment ``code`` if ``actor`` may read it (or organise it, with ``write``)."""
    code = (code or "").strip().upper()
    scope = _scope(actor, write=write)
    found = (
        establishments_in(scope).select_related("directorate").filter(code=code).first()
        if code and not scope.is_empty
        else None
    )
    if found is None:
        raise NotFound()
    return found


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError) as error:
        raise NotFound() from error


def access_class_by_public_id(*, actor, public_id, write: bool = False) -> SchoolClass:
    """A class the actor may read (or organise, with ``write``); ``NotFound`` otherwise."""
    scope = _scope(actor, write=write)
    found = (
        scope.filter_tenant(SchoolClass.objects.all())
        .select_related("establishment", "school_year", "level__cycle", "stream", "home_room")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_room_by_public_id(*, actor, public_id, write: bool = False) -> Room:
    scope = _scope(actor, write=write)
    found = (
        scope.filter_tenant(Room.objects.all())
        .select_related("establishment", "building")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_building_by_public_id(*, actor, public_id, write: bool = False) -> Building:
    scope = _scope(actor, write=write)
    found = (
        scope.filter_tenant(Building.objects.all())
        .select_related("establishment")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_school_year_by_code(code: str | None, *, default: SchoolYear | None) -> SchoolYear:
    """A school year named in input (reference data, not scoped); ``default`` when not given."""
    code = (code or "").strip()
    if not code:
        if default is None:
            raise NotFound()
        return default
    found = SchoolYear.objects.filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def directorates_overseen(actor):
    """Directorates whose school map ``actor`` sees: all (national), their academy's, their own."""
    scope = scope_for(actor, roles=OVERSIGHT_ROLES)
    if scope.is_empty:
        return Directorate.objects.none()
    if scope.national:
        return Directorate.objects.all()
    return scope.filter_directorates(Directorate.objects.all())


def access_directorate_by_code(*, actor, code: str) -> Directorate:
    """A directorate whose school map ``actor`` oversees; ``NotFound`` for anyone else."""
    code = (code or "").strip()
    found = (
        directorates_overseen(actor).select_related("academy").filter(code=code).first()
        if code
        else None
    )
    if found is None:
        raise NotFound()
    return found
