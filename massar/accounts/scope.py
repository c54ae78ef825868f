"""The one scoping primitive: what an actor may read, from their active role assignments.

Every read in every app starts from ``scope_for(actor)``; every object fetched from user input goes
through an ``access_*`` function that applies it. The rules are here and nowhere else:

- national administrator: the whole country;
- academy officer: the establishments of their academy;
- directorate officer: the establishments of their directorate;
- director and staff: their establishment and its satellite schools, which the central school
  runs;
- teacher, parent, student: their establishment (later apps narrow teachers to their classes,
  parents to their children and students to themselves);
- anyone else (no active assignment, inactive or anonymous user): nothing.
"""

from __future__ import annotations

from django.utils import timezone

from massar.core.scoping import NO_SCOPE, Scope
from massar.territory.models import Establishment

from .models import Role, RoleAssignment

_CACHE_ATTRIBUTE = "_massar_scope"
_ASSIGNMENTS = "assignments"


def active_assignments(user):
    today = timezone.localdate()
    return (
        RoleAssignment.objects.filter(user=user, starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .select_related("academy", "directorate", "establishment")
    )


def scope_for(actor, *, roles: frozenset[str] | None = None) -> Scope:
    """The scope of ``actor``; cached on the user object for the length of a request.

    ``roles`` narrows it to the assignments of those roles: the student files, for instance, are
    read through the administrative roles only, never through a teacher's or a parent's role at
    the same school.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return NO_SCOPE
    cache = getattr(actor, _CACHE_ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(actor, _CACHE_ATTRIBUTE, cache)
    key = roles if roles is None else frozenset(roles)
    if key in cache:
        return cache[key]
    if _ASSIGNMENTS not in cache:  # one query per request, whatever the roles asked for
        cache[_ASSIGNMENTS] = [
            (a.role, a.academy_id, a.directorate_id, a.establishment_id)
            for a in active_assignments(actor).only(
                "role", "academy_id", "directorate_id", "establishment_id"
            )
        ]
    national = False
    academies: set[int] = set()
    directorates: set[int] = set()
    establishments: set[int] = set()
    roles: set[str] = set()
    running: set[int] = set()  # establishments run by the actor (director, staff)
    for role, academy_id, directorate_id, establishment_id in cache[_ASSIGNMENTS]:
        if key is not None and role not in key:
            continue
        roles.add(role)
        if role == Role.NATIONAL_ADMIN:
            national = True
        elif academy_id:
            academies.add(academy_id)
        elif directorate_id:
            directorates.add(directorate_id)
        elif establishment_id:
            establishments.add(establishment_id)
            if role in (Role.DIRECTOR, Role.STAFF):
                running.add(establishment_id)
    if running:
        satellites_key = ("satellites", frozenset(running))
        if satellites_key not in cache:
            cache[satellites_key] = set(
                Establishment.objects.filter(central_school_id__in=running).values_list(
                    "id", flat=True
                )
            )
        establishments.update(cache[satellites_key])
    scope = Scope(
        user_id=actor.pk,
        national=national,
        academy_ids=frozenset(academies),
        directorate_ids=frozenset(directorates),
        establishment_ids=frozenset(establishments),
        roles=frozenset(roles),
    )
    cache[key] = scope
    return scope


def forget_scope(actor) -> None:
    """Drop the cached scope (after the actor's assignments changed)."""
    if hasattr(actor, _CACHE_ATTRIBUTE):
        delattr(actor, _CACHE_ATTRIBUTE)


def is_national_admin(actor) -> bool:
    return scope_for(actor).national
