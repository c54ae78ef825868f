"""Reads of territory data, always from an actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from massar.core.choices import Area, CycleCode, Sector
from massar.core.scoping import Scope

from .models import Academy, Directorate, Establishment, SchoolYear


def establishment_detail_queryset() -> QuerySet[Establishment]:
    return Establishment.objects.select_related(
        "academy", "directorate", "commune", "central_school"
    ).prefetch_related("cycles", "satellites")


@dataclass(frozen=True)
class EstablishmentFilters:
    """Validated filters of the establishment directory (the edges parse and validate them)."""

    q: str = ""
    academy: str = ""
    directorate: str = ""
    cycle: str = ""
    area: str = ""
    sector: str = ""

    def __post_init__(self):
        for value, choices in (
            (self.cycle, CycleCode.values),
            (self.area, Area.values),
            (self.sector, Sector.values),
        ):
            if value and value not in choices:
                raise ValueError(value)


def establishment_list(*, scope: Scope, filters: EstablishmentFilters) -> QuerySet[Establishment]:
    """Establishments the actor may read, filtered, in code order, cycles prefetched."""
    queryset = scope.filter_establishments(
        Establishment.objects.select_related("academy", "directorate", "commune")
    )
    if filters.q:
        term = filters.q.strip()
        queryset = queryset.filter(
            Q(code__istartswith=term) | Q(name_ar__icontains=term) | Q(name_fr__icontains=term)
        )
    if filters.academy:
        queryset = queryset.filter(academy__code=filters.academy)
    if filters.directorate:
        queryset = queryset.filter(directorate__code=filters.directorate)
    if filters.cycle:
        queryset = queryset.filter(cycles__cycle=filters.cycle)
    if filters.area:
        queryset = queryset.filter(area=filters.area)
    if filters.sector:
        queryset = queryset.filter(sector=filters.sector)
    return queryset.prefetch_related("cycles").order_by("code")


def academies_in_scope(*, scope: Scope) -> QuerySet[Academy]:
    return scope.filter_academies(Academy.objects.all()).order_by("code")


def directorates_in_scope(*, scope: Scope) -> QuerySet[Directorate]:
    return scope.filter_directorates(Directorate.objects.select_related("academy")).order_by("code")


def _count_of(model, *, key: str, **conditions) -> Coalesce:
    """Correlated ``COUNT(*)`` of ``model`` rows whose ``key`` is the outer row (no fan-out)."""
    rows = (
        model.objects.filter(**{key: OuterRef("pk")}, **conditions)
        .order_by()
        .values(key)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def academies_with_counts(*, scope: Scope) -> QuerySet[Academy]:
    """Academies in scope with their numbers of directorates and establishments (one query)."""
    return academies_in_scope(scope=scope).annotate(
        directorate_count=_count_of(Directorate, key="academy"),
        establishment_count=_count_of(Establishment, key="academy"),
    )


def directorates_with_counts(*, scope: Scope) -> QuerySet[Directorate]:
    """Directorates in scope with establishment counts by sector and area (one query)."""
    return directorates_in_scope(scope=scope).annotate(
        establishment_count=_count_of(Establishment, key="directorate"),
        public_count=_count_of(Establishment, key="directorate", sector=Sector.PUBLIC),
        private_count=_count_of(Establishment, key="directorate", sector=Sector.PRIVATE),
        rural_count=_count_of(Establishment, key="directorate", area=Area.RURAL),
    )


def directorates_overseen_with_counts(*, scope: Scope) -> QuerySet[Directorate]:
    """Directorates an academy or directorate officer oversees, with their counts (one query).

    Only the directorates of the officer's academies and their own directorates: a directorate
    that is merely visible through an establishment role is not "overseen".
    """
    if not (scope.academy_ids or scope.directorate_ids):
        return Directorate.objects.none()
    return directorates_with_counts(scope=scope).filter(
        Q(academy_id__in=sorted(scope.academy_ids)) | Q(id__in=sorted(scope.directorate_ids))
    )


def establishments_overseen(*, scope: Scope) -> QuerySet[Establishment]:
    """Establishments of the directorates a directorate officer oversees, in code order."""
    if not scope.directorate_ids:
        return Establishment.objects.none()
    return establishment_list(scope=scope, filters=EstablishmentFilters()).filter(
        directorate_id__in=sorted(scope.directorate_ids)
    )


def establishments_assigned(*, scope: Scope) -> QuerySet[Establishment]:
    """Establishments the actor works or studies in (with the satellites a director runs)."""
    if not scope.establishment_ids:
        return Establishment.objects.none()
    return establishment_list(scope=scope, filters=EstablishmentFilters()).filter(
        id__in=sorted(scope.establishment_ids)
    )


def current_school_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first()


def school_years_before(year: SchoolYear) -> QuerySet[SchoolYear]:
    """The school years that started before ``year``, latest first."""
    return SchoolYear.objects.filter(starts_on__lt=year.starts_on).order_by("-starts_on")
