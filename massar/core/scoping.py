"""The scope of an actor, as data, and how it filters querysets.

``Scope`` says which part of the country an actor may read: the whole nation, some academies,
some directorates or some establishments. It is computed in one place
(``massar.accounts.scope.scope_for``) and only *applied* here, so that apps below ``accounts`` in
the layering (``territory``, ``curriculum``) can filter their rows without importing it.

Every filter answers "nothing" for an empty scope: an outsider sees no row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    """What an actor may read. Built by ``scope_for``; never built from user input."""

    user_id: int | None = None
    national: bool = False
    academy_ids: frozenset[int] = field(default_factory=frozenset)
    directorate_ids: frozenset[int] = field(default_factory=frozenset)
    establishment_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (
            self.national or self.academy_ids or self.directorate_ids or self.establishment_ids
        )

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def covers(self, establishment) -> bool:
        """Whether the scope reaches ``establishment`` (no query: the scope holds the ids and
        the establishment its academy and directorate)."""
        return (
            self.national
            or establishment.pk in self.establishment_ids
            or establishment.academy_id in self.academy_ids
            or establishment.directorate_id in self.directorate_ids
        )

    def establishment_q(self, prefix: str = "") -> Q:
        """Condition on an establishment reached through ``prefix`` (e.g. ``"establishment__"``).

        ``prefix=""`` filters ``Establishment`` itself. The establishment's ``academy_id`` and
        ``directorate_id`` columns are denormalised for this, so no join is needed.
        """
        if self.national:
            return Q()
        if self.is_empty:
            return Q(pk__in=[])
        id_field = f"{prefix}id" if prefix else "id"
        condition = Q(pk__in=[])
        if self.academy_ids:
            condition |= Q(**{f"{prefix}academy_id__in": sorted(self.academy_ids)})
        if self.directorate_ids:
            condition |= Q(**{f"{prefix}directorate_id__in": sorted(self.directorate_ids)})
        if self.establishment_ids:
            condition |= Q(**{f"{id_field}__in": sorted(self.establishment_ids)})
        return condition

    def filter_establishments(self, queryset: QuerySet) -> QuerySet:
        if self.is_empty:
            return queryset.none()
        return queryset.filter(self.establishment_q())

    def filter_tenant(self, queryset: QuerySet, *, via: str = "establishment") -> QuerySet:
        """Rows of a tenant-owned model, through its ``establishment`` foreign key."""
        if self.is_empty:
            return queryset.none()
        if self.national:
            return queryset
        return queryset.filter(self.establishment_q(prefix=f"{via}__"))

    def filter_directorates(self, queryset: QuerySet) -> QuerySet:
        """Directorates the actor may see: all of their academy, or their own."""
        if self.national:
            return queryset
        condition = Q(pk__in=[])
        if self.academy_ids:
            condition |= Q(academy_id__in=sorted(self.academy_ids))
        if self.directorate_ids:
            condition |= Q(id__in=sorted(self.directorate_ids))
        if self.establishment_ids:
            condition |= Q(establishments__id__in=sorted(self.establishment_ids))
        return queryset.filter(condition).distinct()

    def filter_academies(self, queryset: QuerySet) -> QuerySet:
        if self.national:
            return queryset
        condition = Q(pk__in=[])
        if self.academy_ids:
            condition |= Q(id__in=sorted(self.academy_ids))
        if self.directorate_ids:
            condition |= Q(directorates__id__in=sorted(self.directorate_ids))
        if self.establishment_ids:
            condition |= Q(establishments__id__in=sorted(self.establishment_ids))
        return queryset.filter(condition).distinct()


NO_SCOPE = Scope()
