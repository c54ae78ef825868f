"""Who may run the timetable generator and read its runs, and scoped lookups of runs.

The rules are the timetable's own (``access.py``): the director and staff of a school run the
generator for it (and for its satellite schools, which the central school runs); they and the
officers above the school (directorate, academy, national) read its runs. Teachers, parents and
pupils do not: a run is the school's administrative work. Missing and forbidden are the same
``NotFound``.
"""

from __future__ import annotations

from uuid import UUID

from massar.core.errors import NotFound
from massar.core.scoping import Scope

from .access import can_write_at, read_scope
from .models import GeneratorRun

#: Whether ``actor`` may run the generator for ``establishment`` (director, staff).
can_generate_at = can_write_at


def runs_in_scope(scope: Scope):
    """Generator runs the scope may read, newest first."""
    return scope.filter_tenant(GeneratorRun.objects.all()).order_by("-created_at", "-id")


def runs_visible_to(actor):
    return runs_in_scope(read_scope(actor)).select_related(
        "establishment", "school_year", "requested_by"
    )


def access_run_by_public_id(*, actor, public_id) -> GeneratorRun:
    """One run ``actor`` may read; ``NotFound`` for a missing one and for another school's."""
    try:
        key = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except (TypeError, ValueError) as error:
        raise NotFound() from error
    found = runs_visible_to(actor).filter(public_id=key).first()
    if found is None:
        raise NotFound()
    return found
