"""Reads of a school's organisation: rooms, classes of a year, the pupils of a class with their
moves, the pupils still without a class. Lists start from the actor's scope; single objects come
from ``access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from massar.core.scoping import Scope
from massar.curriculum.models import Level
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Enrolment, EnrolmentStatus
from massar.territory.models import Establishment, SchoolYear

from .models import Building, ClassPlacement, ExpectedIntake, Room, SchoolClass


def _pupil_count():
    """Correlated count of a class's pupils with an active enrolment (no fan-out)."""
    rows = (
        ClassPlacement.objects.filter(
            school_class=OuterRef("pk"), enrolment__status__in=ACTIVE_ENROLMENT_STATUSES
        )
        .order_by()
        .values("school_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def with_pupil_counts(queryset: QuerySet[SchoolClass]) -> QuerySet[SchoolClass]:
    return queryset.annotate(pupil_count=_pupil_count())


# --- Rooms and buildings -----------------------------------------------------------------------


def rooms_of(*, establishment: Establishment, room_type: str = "") -> QuerySet[Room]:
    """Rooms of an establishment (already accessed), by code, with their building."""
    rooms = Room.objects.filter(establishment=establishment).select_related("building")
    if room_type:
        rooms = rooms.filter(room_type=room_type)
    return rooms.order_by("code")


def buildings_of(*, establishment: Establishment) -> QuerySet[Building]:
    return (
        Building.objects.filter(establishment=establishment)
        .annotate(room_count=Count("rooms"))
        .order_by("code")
    )


@dataclass(frozen=True)
class RoomFilters:
    establishment: str = ""
    room_type: str = ""
    active: bool | None = None


def room_list(*, scope: Scope, filters: RoomFilters) -> QuerySet[Room]:
    rooms = scope.filter_tenant(Room.objects.select_related("establishment", "building"))
    if filters.establishment:
        rooms = rooms.filter(establishment__code=filters.establishment.strip().upper())
    if filters.room_type:
        rooms = rooms.filter(room_type=filters.room_type)
    if filters.active is not None:
        rooms = rooms.filter(is_active=filters.active)
    return rooms.order_by("establishment__code", "code")


# --- Classes -----------------------------------------------------------------------------------


def classes_of(*, establishment: Establishment, school_year: SchoolYear) -> QuerySet[SchoolClass]:
    """The classes of an establishment's year with their pupil counts (two queries)."""
    return with_pupil_counts(
        SchoolClass.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("level", "stream", "home_room")
        .prefetch_related(Prefetch("other_levels", queryset=Level.objects.order_by("order")))
        .order_by("level__order", "stream__code", "language_option", "number")
    )


def class_with_count(pk: int) -> SchoolClass:
    """A class already accessed (or just written), with its pupil count and other levels."""
    return with_pupil_counts(
        SchoolClass.objects.select_related(
            "establishment", "school_year", "level", "stream", "home_room"
        ).prefetch_related(Prefetch("other_levels", queryset=Level.objects.order_by("order")))
    ).get(pk=pk)


@dataclass(frozen=True)
class LevelClasses:
    level: Level
    classes: list[SchoolClass]
    unplaced: int

    @property
    def pupils(self) -> int:
        return sum(c.pupil_count for c in self.classes)

    @property
    def capacity(self) -> int:
        return sum(c.capacity for c in self.classes)


def unplaced_counts(*, establishment: Establishment, school_year: SchoolYear) -> dict[int, int]:
    """Registered pupils without a class, per level id (one query)."""
    return dict(
        Enrolment.objects.filter(
            establishment=establishment,
            school_year=school_year,
            status=EnrolmentStatus.REGISTERED,
            placement__isnull=True,
        )
        .values("level_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("level_id", "n")
    )


def classes_by_level(
    *, establishment: Establishment, school_year: SchoolYear
) -> list[LevelClasses]:
    """The year's classes grouped by level, with the level's pupils still without a class.

    Levels with classes or with unplaced pupils are listed, in level order (four queries).
    """
    classes = list(classes_of(establishment=establishment, school_year=school_year))
    unplaced = unplaced_counts(establishment=establishment, school_year=school_year)
    grouped: dict[int, list[SchoolClass]] = {}
    for school_class in classes:
        grouped.setdefault(school_class.level_id, []).append(school_class)
    level_ids = set(grouped) | set(unplaced)
    levels = Level.objects.filter(pk__in=level_ids).order_by("order") if level_ids else []
    return [
        LevelClasses(
            level=level, classes=grouped.get(level.pk, []), unplaced=unplaced.get(level.pk, 0)
        )
        for level in levels
    ]


@dataclass(frozen=True)
class ClassFilters:
    establishment: str = ""
    school_year: str = ""
    level: str = ""


def class_list(*, scope: Scope, filters: ClassFilters) -> QuerySet[SchoolClass]:
    """Classes in scope, filtered, with pupil counts; the current year unless one is given."""
    classes = scope.filter_tenant(
        SchoolClass.objects.select_related(
            "establishment", "school_year", "level", "stream", "home_room"
        ).prefetch_related(Prefetch("other_levels", queryset=Level.objects.order_by("order")))
    )
    if filters.school_year:
        classes = classes.filter(school_year__code=filters.school_year)
    else:
        classes = classes.filter(school_year__is_current=True)
    if filters.establishment:
        classes = classes.filter(establishment__code=filters.establishment.strip().upper())
    if filters.level:
        level = filters.level.strip().upper()
        classes = classes.filter(Q(level__code=level) | Q(other_levels__code=level)).distinct()
    return with_pupil_counts(classes).order_by(
        "establishment__code", "level__order", "stream__code", "language_option", "number"
    )


# --- The pupils of a class ---------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """The pupil's last move into this class: from which class, when, by whom."""

    from_class: str
    at: datetime
    by: object  # the user, or None


@dataclass(frozen=True)
class ClassPupil:
    enrolment: Enrolment
    placement: ClassPlacement
    move: Move | None

    @property
    def student(self):
        return self.enrolment.student


def class_pupils(school_class: SchoolClass) -> list[ClassPupil]:
    """The class's pupils (active enrolments), by name, each with the move that brought them
    here when they came from another class (three queries)."""
    placements = list(
        ClassPlacement.objects.filter(
            school_class=school_class, enrolment__status__in=ACTIVE_ENROLMENT_STATUSES
        )
        .select_related("enrolment__student", "enrolment__level")
        .order_by(
            "enrolment__student__last_name_fr",
            "enrolment__student__first_name_fr",
            "enrolment__student__code_massar",
        )
    )
    moves = _last_moves([p.pk for p in placements], school_class)
    return [
        ClassPupil(enrolment=p.enrolment, placement=p, move=moves.get(p.pk)) for p in placements
    ]


def _last_moves(placement_ids: list[int], school_class: SchoolClass) -> dict[int, Move]:
    if not placement_ids:
        return {}
    records = (
        ClassPlacement.history.filter(id__in=placement_ids)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "school_class_id", "history_date", "history_user_id")
    )
    previous: dict[int, int] = {}
    arrivals: dict[int, tuple[int, datetime, int | None]] = {}
    for placement_id, class_id, at, user_id in records:
        before = previous.get(placement_id)
        if before is not None and before != class_id and class_id == school_class.pk:
            arrivals[placement_id] = (before, at, user_id)
        previous[placement_id] = class_id
    if not arrivals:
        return {}
    from django.contrib.auth import get_user_model

    names = dict(
        SchoolClass.objects.filter(pk__in={a[0] for a in arrivals.values()}).values_list(
            "pk", "name"
        )
    )
    users = get_user_model().objects.in_bulk({a[2] for a in arrivals.values() if a[2]})
    return {
        placement_id: Move(from_class=names.get(before, "?"), at=at, by=users.get(user_id))
        for placement_id, (before, at, user_id) in arrivals.items()
    }


def unplaced_pupils_for(school_class: SchoolClass, *, limit: int = 500) -> list[Enrolment]:
    """Registered pupils without a class whom ``school_class`` takes, by name (one query)."""
    others = [level.pk for level in school_class.other_levels.all()]
    condition = Q(level_id=school_class.level_id, stream_id=school_class.stream_id)
    if others:
        condition |= Q(level_id__in=others)
    return list(
        Enrolment.objects.filter(
            condition,
            establishment_id=school_class.establishment_id,
            school_year_id=school_class.school_year_id,
            status=EnrolmentStatus.REGISTERED,
            placement__isnull=True,
        )
        .select_related("student", "level")
        .order_by("student__last_name_fr", "student__first_name_fr", "student__code_massar")[:limit]
    )


def sibling_classes(school_class: SchoolClass) -> list[SchoolClass]:
    """Other classes of the year a pupil of ``school_class`` may move to: same level and stream,
    or a multi-grade class sharing a level (the service checks each pupil)."""
    levels = [school_class.level_id, *(level.pk for level in school_class.other_levels.all())]
    multigrade = SchoolClass.other_levels.through.objects.filter(level_id__in=levels)
    same = Q(level_id=school_class.level_id, stream_id=school_class.stream_id)
    if len(levels) > 1:
        same = Q(level_id__in=levels)
    return list(
        with_pupil_counts(
            SchoolClass.objects.filter(
                establishment_id=school_class.establishment_id,
                school_year_id=school_class.school_year_id,
            )
            .filter(same | Q(pk__in=multigrade.values("schoolclass_id")))
            .exclude(pk=school_class.pk)
        ).order_by("level__order", "stream__code", "language_option", "number")
    )


def school_years_with_classes(establishment: Establishment) -> QuerySet[SchoolYear]:
    years = SchoolClass.objects.filter(establishment=establishment).values("school_year_id")
    return SchoolYear.objects.filter(Q(pk__in=years) | Q(is_current=True)).order_by("-starts_on")


def establishments_for_index(*, scope: Scope, q: str = "") -> QuerySet[Establishment]:
    schools = scope.filter_establishments(Establishment.objects.select_related("directorate"))
    term = (q or "").strip()
    if term:
        schools = schools.filter(
            Q(code__istartswith=term) | Q(name_fr__icontains=term) | Q(name_ar__icontains=term)
        )
    return schools.order_by("code")


def expected_intakes_of(*, establishment: Establishment, school_year: SchoolYear) -> dict[int, int]:
    """New pupils expected next year per level id, as recorded under ``school_year``."""
    return dict(
        ExpectedIntake.objects.filter(
            establishment=establishment, school_year=school_year
        ).values_list("level_id", "new_pupils")
    )
