"""Reads of class councils and orientation: a school's councils per period, a council's rows,
the orientation levels and the next level's streams, capacities and places taken, the wishes of
a class. Set-based and bounded: a page runs a fixed number of queries whatever the class size.

The objects passed in were fetched through ``access.py``; nothing here widens a scope.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery

from massar.curriculum.models import Level, Stream
from massar.schooling.models import ClassPlacement, SchoolClass
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Enrolment
from massar.territory.models import Establishment, SchoolYear

from .models import (
    ClassCouncil,
    CouncilDecision,
    OrientationWindow,
    OrientationWish,
    Period,
    PeriodResult,
    StreamCapacity,
)
from .models.windows import OrientationPhase

# --- orientation levels and the next level --------------------------------------------------


def orientation_level_ids(school_year: SchoolYear) -> set[int]:
    """The levels whose pupils are oriented this year: those with an orientation window."""
    return set(
        OrientationWindow.objects.filter(school_year=school_year).values_list("level_id", flat=True)
    )


def is_orientation_level(school_year: SchoolYear, level: Level) -> bool:
    return OrientationWindow.objects.filter(school_year=school_year, level=level).exists()


def orientation_windows(school_year: SchoolYear, level: Level) -> dict[int, OrientationWindow]:
    """Phase → window of ``level`` in ``school_year`` (one query)."""
    return {
        window.phase: window
        for window in OrientationWindow.objects.filter(school_year=school_year, level=level)
    }


def next_level(level: Level) -> Level | None:
    """The level after ``level`` (``order`` runs across cycles); ``None`` after 2BAC."""
    return (
        Level.objects.select_related("cycle")
        .filter(order__gt=level.order)
        .order_by("order")
        .first()
    )


def next_levels(levels: list[Level]) -> dict[int, Level | None]:
    """Level id → its next level, for several levels at once (one query)."""
    if not levels:
        return {}
    later = list(
        Level.objects.select_related("cycle")
        .filter(order__gt=min(level.order for level in levels))
        .order_by("order")
    )
    found = {}
    for level in levels:
        found[level.pk] = next((item for item in later if item.order > level.order), None)
    return found


def streams_of(level: Level | None) -> list[Stream]:
    """The active streams of ``level``, in code order."""
    if level is None:
        return []
    return list(Stream.objects.filter(level=level, is_active=True).order_by("code"))


def capacities(*, establishment: Establishment, school_year: SchoolYear) -> dict[int, int]:
    """Stream id → places the establishment offers its oriented pupils (one query)."""
    return dict(
        StreamCapacity.objects.filter(
            establishment=establishment, school_year=school_year
        ).values_list("stream_id", "places")
    )


def places_taken(
    *,
    establishment: Establishment,
    school_year: SchoolYear,
    exclude_council: ClassCouncil | None = None,
) -> dict[int, int]:
    """Stream id → pupils the establishment's year councils have given that stream (one
    query), leaving out ``exclude_council``'s rows when given."""
    rows = CouncilDecision.objects.filter(
        council__establishment=establishment,
        council__school_year=school_year,
        council__period=Period.YEAR,
        next_stream__isnull=False,
    )
    if exclude_council is not None:
        rows = rows.exclude(council=exclude_council)
    return dict(
        rows.values("next_stream_id")
        .annotate(count=Count("id"))
        .values_list("next_stream_id", "count")
    )


# --- a school's councils ----------------------------------------------------------------------


@dataclass
class ClassCouncilRow:
    school_class: SchoolClass
    pupils: int
    council: ClassCouncil | None


def school_councils(
    *, establishment: Establishment, school_year: SchoolYear, period: int
) -> list[ClassCouncilRow]:
    """Every class of the school in the year, with its council of ``period`` (or none) and its
    pupil count (two queries)."""
    pupils = Count(
        "placements",
        filter=Q(placements__enrolment__status__in=ACTIVE_ENROLMENT_STATUSES),
        distinct=True,
    )
    classes = list(
        SchoolClass.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("level", "stream")
        .annotate(pupil_count=pupils)
        .order_by("level__order", "stream__code", "number", "name")
    )
    councils = {
        council.school_class_id: council
        for council in ClassCouncil.objects.filter(
            establishment=establishment, school_year=school_year, period=period
        ).select_related("validated_by")
    }
    return [
        ClassCouncilRow(school_class=c, pupils=c.pupil_count, council=councils.get(c.pk))
        for c in classes
    ]


def classes_without_council(*, establishment: Establishment, school_year: SchoolYear, period: int):
    """The classes of the school in the year that have no council of ``period`` yet."""
    return (
        SchoolClass.objects.filter(establishment=establishment, school_year=school_year)
        .exclude(councils__period=period)
        .select_related("level", "stream")
        .order_by("level__order", "stream__code", "number", "name")
    )


# --- one council ------------------------------------------------------------------------------


def active_pupils(school_class: SchoolClass) -> list[tuple[int, int]]:
    """``(enrolment_id, student_id)`` of the pupils placed in the class with an active
    enrolment (one query)."""
    return list(
        ClassPlacement.objects.filter(
            school_class=school_class,
            enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
            enrolment__student__merged_into__isnull=True,
        )
        .order_by("enrolment_id")
        .values_list("enrolment_id", "enrolment__student_id")
    )


def averages_of(enrolment_ids, period: int) -> dict[int, tuple[Decimal | None, int | None]]:
    """Enrolment id → (average, rank) computed for ``period`` (one query)."""
    return {
        enrolment_id: (average, rank)
        for enrolment_id, average, rank in PeriodResult.objects.filter(
            enrolment_id__in=list(enrolment_ids), period=period
        ).values_list("enrolment_id", "average", "rank")
    }


def council_rows(council: ClassCouncil) -> list[CouncilDecision]:
    """The council's rows in class-list order, with the pupil, the next stream and the rank of
    the period (``row.rank``) in one query."""
    rank = PeriodResult.objects.filter(
        enrolment_id=OuterRef("enrolment_id"), period=council.period
    ).values("rank")[:1]
    return list(
        council.decisions.select_related("enrolment__student", "next_stream")
        .annotate(rank=Subquery(rank))
        .order_by(
            "enrolment__student__last_name_ar",
            "enrolment__student__first_name_ar",
            "enrolment__student__code_massar",
        )
    )


def council_row(council: ClassCouncil, code: str) -> CouncilDecision | None:
    """The row of the pupil with code Massar ``code`` in the council (one query)."""
    rank = PeriodResult.objects.filter(
        enrolment_id=OuterRef("enrolment_id"), period=council.period
    ).values("rank")[:1]
    return (
        council.decisions.select_related("enrolment__student", "next_stream")
        .annotate(rank=Subquery(rank))
        .filter(enrolment__student__code_massar=(code or "").strip().upper())
        .first()
    )


@dataclass(frozen=True)
class StreamPlaces:
    stream: Stream
    places: int | None  # None: no capacity set
    taken: int  # by every year council of the school

    @property
    def remaining(self) -> int | None:
        return None if self.places is None else max(self.places - self.taken, 0)


@dataclass
class CouncilContext:
    """What the council screen needs besides its rows."""

    is_year: bool
    orientation: bool  # the class's level is an orientation level
    next_level: Level | None
    streams: list[StreamPlaces] = field(default_factory=list)


def council_context(council: ClassCouncil) -> CouncilContext:
    """Orientation facts of a council: whether next streams are chosen, and the next level's
    streams with places and places taken (at most four queries)."""
    is_year = council.period == Period.YEAR
    level = council.school_class.level
    orientation = is_year and is_orientation_level(council.school_year, level)
    if not orientation:
        return CouncilContext(is_year=is_year, orientation=False, next_level=None)
    following = next_level(level)
    streams = streams_of(following)
    places = capacities(establishment=council.establishment, school_year=council.school_year)
    taken = places_taken(establishment=council.establishment, school_year=council.school_year)
    return CouncilContext(
        is_year=True,
        orientation=True,
        next_level=following,
        streams=[
            StreamPlaces(stream=s, places=places.get(s.pk), taken=taken.get(s.pk, 0))
            for s in streams
        ],
    )


# --- orientation: a pupil's wishes, a class's summary, a school's capacities -----------------


def wishes_of(enrolment: Enrolment) -> dict[int, list[OrientationWish]]:
    """Phase → the pupil's wishes in order (one query)."""
    found: dict[int, list[OrientationWish]] = {phase: [] for phase in OrientationPhase.values}
    for wish in OrientationWish.objects.filter(enrolment=enrolment).select_related("stream"):
        found.setdefault(wish.phase, []).append(wish)
    for wishes in found.values():
        wishes.sort(key=lambda wish: wish.rank)
    return found


def final_wishes(enrolment_ids) -> dict[int, list[int]]:
    """Enrolment id → stream ids of the final wishes in order (one query)."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = (
        OrientationWish.objects.filter(
            enrolment_id__in=list(enrolment_ids), phase=OrientationPhase.FINAL
        )
        .order_by("enrolment_id", "rank")
        .values_list("enrolment_id", "stream_id")
    )
    for enrolment_id, stream_id in rows:
        found[enrolment_id].append(stream_id)
    return dict(found)


@dataclass
class WishPupil:
    enrolment: Enrolment
    annual: Decimal | None
    second: Decimal | None
    first_wishes: list[Stream]
    final_wishes: list[Stream]
    decision: CouncilDecision | None


@dataclass
class StreamDemand:
    stream: Stream
    places: int | None
    taken: int  # by the school's year councils
    first_choice: int  # pupils of the class whose first final wish it is
    wished: int  # pupils of the class who wish it at any rank (final wishes)
    assigned_here: int  # pupils of the class the council gives it


@dataclass
class ClassOrientation:
    school_class: SchoolClass
    next_level: Level | None
    council: ClassCouncil | None
    pupils: list[WishPupil]
    streams: list[StreamDemand]

    @property
    def without_final_wishes(self) -> int:
        return sum(1 for pupil in self.pupils if not pupil.final_wishes)


def class_orientation(school_class: SchoolClass) -> ClassOrientation:
    """Wishes against capacities for one class: each pupil's wishes (both phases), averages,
    the year council's decision and next stream; per stream of the next level, places, places
    taken, first choices and wishes in the class. A fixed number of queries."""
    year = school_class.school_year
    following = next_level(school_class.level)
    streams = streams_of(following)
    by_id = {s.pk: s for s in streams}
    enrolments = list(
        Enrolment.objects.filter(
            placement__school_class=school_class,
            status__in=ACTIVE_ENROLMENT_STATUSES,
            student__merged_into__isnull=True,
        )
        .select_related("student")
        .order_by("student__last_name_ar", "student__first_name_ar", "student__code_massar")
    )
    ids = [e.pk for e in enrolments]
    results: dict[tuple[int, int], Decimal | None] = {
        (enrolment_id, period): average
        for enrolment_id, period, average in PeriodResult.objects.filter(
            enrolment_id__in=ids, period__in=[Period.SECOND, Period.YEAR]
        ).values_list("enrolment_id", "period", "average")
    }
    wishes: dict[tuple[int, int], list[Stream]] = defaultdict(list)
    for enrolment_id, phase, stream_id in (
        OrientationWish.objects.filter(enrolment_id__in=ids)
        .order_by("enrolment_id", "phase", "rank")
        .values_list("enrolment_id", "phase", "stream_id")
    ):
        stream = by_id.get(stream_id)
        if stream is not None:
            wishes[(enrolment_id, phase)].append(stream)
    council = (
        ClassCouncil.objects.filter(school_class=school_class, period=Period.YEAR)
        .select_related("validated_by")
        .first()
    )
    decisions = (
        {
            row.enrolment_id: row
            for row in CouncilDecision.objects.filter(council=council).select_related("next_stream")
        }
        if council is not None
        else {}
    )
    pupils = [
        WishPupil(
            enrolment=e,
            annual=results.get((e.pk, Period.YEAR)),
            second=results.get((e.pk, Period.SECOND)),
            first_wishes=wishes.get((e.pk, OrientationPhase.FIRST), []),
            final_wishes=wishes.get((e.pk, OrientationPhase.FINAL), []),
            decision=decisions.get(e.pk),
        )
        for e in enrolments
    ]
    places = capacities(establishment=school_class.establishment, school_year=year)
    taken = places_taken(establishment=school_class.establishment, school_year=year)
    first = Counter(p.final_wishes[0].pk for p in pupils if p.final_wishes)
    wished = Counter(s.pk for p in pupils for s in p.final_wishes)
    here = Counter(
        row.next_stream_id for row in decisions.values() if row.next_stream_id is not None
    )
    demand = [
        StreamDemand(
            stream=s,
            places=places.get(s.pk),
            taken=taken.get(s.pk, 0),
            first_choice=first.get(s.pk, 0),
            wished=wished.get(s.pk, 0),
            assigned_here=here.get(s.pk, 0),
        )
        for s in streams
    ]
    return ClassOrientation(
        school_class=school_class,
        next_level=following,
        council=council,
        pupils=pupils,
        streams=demand,
    )


@dataclass
class OrientationClass:
    school_class: SchoolClass
    pupils: int
    with_first: int
    with_final: int
    council: ClassCouncil | None


def orientation_classes(
    *, establishment: Establishment, school_year: SchoolYear
) -> list[OrientationClass]:
    """The school's classes of orientation levels, with how many pupils gave wishes in each
    phase and their year council (three queries)."""
    levels = orientation_level_ids(school_year)
    active = Q(placements__enrolment__status__in=ACTIVE_ENROLMENT_STATUSES)

    def wished(phase):
        return Count(
            "placements__enrolment",
            filter=active & Q(placements__enrolment__orientation_wishes__phase=phase),
            distinct=True,
        )

    classes = list(
        SchoolClass.objects.filter(
            establishment=establishment, school_year=school_year, level_id__in=sorted(levels)
        )
        .select_related("level", "stream")
        .annotate(
            pupil_count=Count("placements", filter=active, distinct=True),
            first_count=wished(OrientationPhase.FIRST),
            final_count=wished(OrientationPhase.FINAL),
        )
        .order_by("level__order", "stream__code", "number", "name")
    )
    councils = {
        c.school_class_id: c
        for c in ClassCouncil.objects.filter(
            establishment=establishment, school_year=school_year, period=Period.YEAR
        )
    }
    return [
        OrientationClass(
            school_class=c,
            pupils=c.pupil_count,
            with_first=c.first_count,
            with_final=c.final_count,
            council=councils.get(c.pk),
        )
        for c in classes
    ]


@dataclass
class CapacityRow:
    level: Level  # the orientation level
    stream: Stream  # a stream of the next level
    places: int | None
    taken: int
    first_choice: int  # pupils of the school whose first final wish it is


def capacity_rows(*, establishment: Establishment, school_year: SchoolYear) -> list[CapacityRow]:
    """For each orientation level the school teaches, the next level's streams with the places
    set, the places its year councils gave and the first final wishes of its pupils (a fixed
    number of queries)."""
    taught = set(establishment.cycles.values_list("cycle", flat=True))
    levels = list(
        Level.objects.filter(
            pk__in=sorted(orientation_level_ids(school_year)), cycle__code__in=sorted(taught)
        )
        .select_related("cycle")
        .order_by("order")
    )
    following = next_levels(levels)
    next_ids = [level.pk for level in following.values() if level is not None]
    streams: dict[int, list[Stream]] = defaultdict(list)
    for stream in Stream.objects.filter(level_id__in=next_ids, is_active=True).order_by("code"):
        streams[stream.level_id].append(stream)
    places = capacities(establishment=establishment, school_year=school_year)
    taken = places_taken(establishment=establishment, school_year=school_year)
    first = dict(
        OrientationWish.objects.filter(
            phase=OrientationPhase.FINAL,
            rank=1,
            enrolment__establishment=establishment,
            enrolment__school_year=school_year,
            enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .values("stream_id")
        .annotate(count=Count("id"))
        .values_list("stream_id", "count")
    )
    rows = []
    for level in levels:
        after = following.get(level.pk)
        for stream in streams.get(after.pk, []) if after else []:
            rows.append(
                CapacityRow(
                    level=level,
                    stream=stream,
                    places=places.get(stream.pk),
                    taken=taken.get(stream.pk, 0),
                    first_choice=first.get(stream.pk, 0),
                )
            )
    return rows
