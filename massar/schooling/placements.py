"""Placing pupils in classes: by hand (one pupil, or a list) and automatically for a whole level.

Writes are set-based: new placements with ``bulk_create_with_history``, moves with
``bulk_update_with_history`` (each move is a history row: who, when, from which class), and the
enrolments' denormalised ``class_label`` in one ``UPDATE … CASE``. Everything is checked before
anything is written (pupils of the school and year, the classes' levels and streams, capacities);
a failure writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from massar.core.errors import ValidationFailed
from massar.curriculum.models import Level, Stream
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Enrolment, EnrolmentStatus
from massar.territory.models import Establishment, SchoolYear
from massar.territory.selectors import school_years_before

from .access import require_write_at
from .distribution import ClassSeats, NotEnoughSeats, Pupil, distribute
from .models import ClassPlacement, SchoolClass
from .services import invalid

MAX_CODES = 200


@dataclass(frozen=True)
class PlacementResult:
    placed: int  # pupils who had no class
    moved: int  # pupils moved from another class
    unchanged: int  # pupils already in the class they were given

    @property
    def written(self) -> int:
        return self.placed + self.moved


def accepts(school_class: SchoolClass, *, level_id: int, stream_id: int, other_level_ids) -> bool:
    """A class takes pupils of its level and stream, and of any other level of a multi-grade
    class (those levels have one stream each)."""
    if level_id == school_class.level_id:
        return stream_id == school_class.stream_id
    return level_id in other_level_ids


def _write(*, actor, moves: dict[int, SchoolClass], existing: dict[int, ClassPlacement]) -> tuple:
    """Place enrolment ``e`` in ``moves[e]``; ``existing`` are the current placements."""
    now = timezone.now()
    created, updated = [], []
    for enrolment_id, school_class in moves.items():
        placement = existing.get(enrolment_id)
        if placement is None:
            created.append(
                ClassPlacement(
                    enrolment_id=enrolment_id,
                    school_class=school_class,
                    placed_by=actor,
                    placed_at=now,
                )
            )
        elif placement.school_class_id != school_class.pk:
            placement.school_class = school_class
            placement.placed_by = actor
            placement.placed_at = now
            updated.append(placement)
    if created:
        bulk_create_with_history(created, ClassPlacement, batch_size=500, default_user=actor)
    if updated:
        bulk_update_with_history(
            updated,
            ClassPlacement,
            ["school_class", "placed_by", "placed_at"],
            batch_size=500,
            default_user=actor,
            default_date=now,
        )
    written = [p.enrolment_id for p in (*created, *updated)]
    if written:
        by_name: dict[str, list[int]] = {}
        for enrolment_id in written:
            by_name.setdefault(moves[enrolment_id].name, []).append(enrolment_id)
        # The class name is denormalised on the enrolment (lists, exports, the pupil's path).
        Enrolment.objects.filter(pk__in=written).update(
            class_label=Case(
                *[When(pk__in=ids, then=Value(name)) for name, ids in by_name.items()],
                default=Value(""),
            )
        )
    return len(created), len(updated), len(moves) - len(created) - len(updated)


def _normalised_codes(codes: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for code in codes:
        value = (code or "").strip().upper()
        if value:
            seen.setdefault(value, None)
    if not seen:
        raise invalid(_("Choose at least one pupil."), "no_pupil", "codes")
    if len(seen) > MAX_CODES:
        raise invalid(
            _("Place at most %(max)s pupils at once.") % {"max": MAX_CODES}, "too_many", "codes"
        )
    return list(seen)


@transaction.atomic
def pupils_place(*, actor, school_class: SchoolClass, codes: Sequence[str]) -> PlacementResult:
    """Put the pupils with these codes Massar in ``school_class`` (placing or moving them).

    Each must have an active enrolment at the class's establishment for its year, in a level and
    stream the class takes; the class must hold them all. Otherwise nothing is written.
    """
    require_write_at(actor, school_class.establishment)
    wanted = _normalised_codes(codes)
    enrolments = list(
        Enrolment.objects.filter(
            student__code_massar__in=wanted,
            establishment_id=school_class.establishment_id,
            school_year_id=school_class.school_year_id,
            status__in=ACTIVE_ENROLMENT_STATUSES,
        ).select_related("student", "level", "stream")
    )
    found = {e.student.code_massar for e in enrolments}
    missing = [code for code in wanted if code not in found]
    if missing:
        message = _(
            "Not enrolled at %(school)s for %(year)s: %(codes)s. Only pupils of the school "
            "and year can be placed in its classes."
        ) % {
            "school": school_class.establishment.name,
            "year": school_class.school_year.label,
            "codes": ", ".join(missing),
        }
        raise ValidationFailed(
            message,
            code="pupil_not_of_school",
            details=[{"loc": ["codes", code], "msg": message} for code in missing],
        )
    others = set(school_class.other_levels.values_list("pk", flat=True))
    for enrolment in enrolments:
        if not accepts(
            school_class,
            level_id=enrolment.level_id,
            stream_id=enrolment.stream_id,
            other_level_ids=others,
        ):
            raise invalid(
                _(
                    "%(pupil)s (%(code)s) is enrolled in %(level)s, %(stream)s: the class "
                    "%(class)s does not take this level and stream."
                )
                % {
                    "pupil": enrolment.student.full_name,
                    "code": enrolment.student.code_massar,
                    "level": enrolment.level.name,
                    "stream": enrolment.stream.name,
                    "class": school_class.name,
                },
                "wrong_level",
                "codes",
            )
    # Lock the class row: two people filling the last seats at once cannot both succeed.
    list(SchoolClass.objects.select_for_update().filter(pk=school_class.pk).values_list("pk"))
    existing = {
        p.enrolment_id: p
        for p in ClassPlacement.objects.filter(enrolment_id__in=[e.pk for e in enrolments])
    }
    arriving = [
        e
        for e in enrolments
        if existing.get(e.pk) is None or existing[e.pk].school_class_id != school_class.pk
    ]
    present = ClassPlacement.objects.filter(
        school_class=school_class, enrolment__status__in=ACTIVE_ENROLMENT_STATUSES
    ).count()
    if present + len(arriving) > school_class.capacity:
        raise invalid(
            _(
                "The class %(class)s takes %(capacity)s pupils and has %(present)s: "
                "%(arriving)s more would be over its capacity."
            )
            % {
                "class": school_class.name,
                "capacity": school_class.capacity,
                "present": present,
                "arriving": len(arriving),
            },
            "class_full",
            "codes",
        )
    placed, moved, unchanged = _write(
        actor=actor, moves={e.pk: school_class for e in enrolments}, existing=existing
    )
    return PlacementResult(placed=placed, moved=moved, unchanged=unchanged)


@dataclass(frozen=True)
class AutoPlacementResult(PlacementResult):
    classes: tuple[tuple[str, int], ...] = ()  # (class name, pupils after) in class order


def _previous_classes(student_ids: list[int], school_year: SchoolYear) -> dict[int, str]:
    """Each pupil's class of the previous school year ("" when unknown), one query."""
    previous = school_years_before(school_year).first()
    if previous is None or not student_ids:
        return {}
    labels: dict[int, str] = {}
    rows = (
        Enrolment.objects.filter(school_year=previous, student_id__in=student_ids)
        .exclude(class_label="")
        .values_list("student_id", "establishment_id", "class_label")
    )
    for student_id, establishment_id, label in rows:
        labels[student_id] = f"{establishment_id}:{label.strip().upper()}"
    return labels


@transaction.atomic
def level_auto_place(
    *,
    actor,
    establishment: Establishment,
    school_year: SchoolYear,
    level: Level,
    include_placed: bool = False,
) -> AutoPlacementResult:
    """Spread the level's registered pupils over its classes (see ``distribution``).

    By default only pupils without a class are placed, next to those already placed; with
    ``include_placed`` every registered pupil of the level is redistributed. Each pupil goes to
    a class of their stream (or a multi-grade class holding their level), within capacity,
    balanced by sex, repeaters, previous class and age. Not enough seats: nothing is written.
    """
    require_write_at(actor, establishment)
    multigrade = SchoolClass.other_levels.through.objects.filter(level=level)
    classes = list(
        SchoolClass.objects.select_for_update(of=("self",))
        .filter(establishment=establishment, school_year=school_year)
        .filter(Q(level=level) | Q(pk__in=multigrade.values("schoolclass_id")))
        .order_by("stream__code", "language_option", "number")
    )
    if not classes:
        raise invalid(
            _("There is no class of %(level)s for %(year)s: create the classes first.")
            % {"level": level.name, "year": school_year.label},
            "no_class",
            "level",
        )
    other_levels: dict[int, set[int]] = {c.pk: set() for c in classes}
    for class_id, level_id in SchoolClass.other_levels.through.objects.filter(
        schoolclass_id__in=list(other_levels)
    ).values_list("schoolclass_id", "level_id"):
        other_levels[class_id].add(level_id)

    candidates = Enrolment.objects.filter(
        establishment=establishment,
        school_year=school_year,
        level=level,
        status=EnrolmentStatus.REGISTERED,
    )
    if not include_placed:
        candidates = candidates.filter(placement__isnull=True)
    pupils = list(
        candidates.values_list(
            "pk",
            "student_id",
            "stream_id",
            "is_repeating",
            "student__sex",
            "student__birth_date",
        )
    )
    moving = {row[0] for row in pupils}
    staying_rows = list(
        ClassPlacement.objects.filter(
            school_class_id__in=list(other_levels),
            enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .exclude(enrolment_id__in=moving)
        .values_list(
            "school_class_id",
            "enrolment__student_id",
            "enrolment__is_repeating",
            "enrolment__student__sex",
            "enrolment__student__birth_date",
        )
    )
    previous = _previous_classes(
        [row[1] for row in pupils] + [row[1] for row in staying_rows], school_year
    )
    seats = {c.pk: ClassSeats(key=c.pk, capacity=c.capacity) for c in classes}
    for class_id, student_id, repeating, sex, born in staying_rows:
        seats[class_id].staying.append(
            Pupil(-student_id, sex, born, repeating, previous.get(student_id, ""))
        )
    to_place, eligible = [], {}
    for enrolment_id, student_id, stream_id, repeating, sex, born in pupils:
        to_place.append(Pupil(enrolment_id, sex, born, repeating, previous.get(student_id, "")))
        eligible[enrolment_id] = frozenset(
            c.pk
            for c in classes
            if accepts(
                c, level_id=level.pk, stream_id=stream_id, other_level_ids=other_levels[c.pk]
            )
        )
    by_id = {c.pk: c for c in classes}
    orphans = {stream_id for (_e, _s, stream_id, *_rest) in pupils} - {
        c.stream_id for c in classes if c.level_id == level.pk
    }
    if orphans and any(not keys for keys in eligible.values()):
        streams = ", ".join(stream.name for stream in Stream.objects.filter(pk__in=orphans))
        raise invalid(
            _(
                "Some pupils of %(level)s are in a stream that has no class this year "
                "(%(streams)s): create its classes first; no pupil was placed."
            )
            % {"level": level.name, "streams": streams},
            "no_class_for_stream",
            "level",
        )
    try:
        decided = distribute(to_place, [seats[c.pk] for c in classes], eligible)
    except NotEnoughSeats as error:
        message = _(
            "%(count)s pupils do not fit in %(classes)s: %(free)s places are left. Create "
            "more classes or raise their capacity; no pupil was placed."
        ) % {
            "count": error.pupils,
            "classes": ", ".join(by_id[key].name for key in error.class_keys),
            "free": error.free_seats,
        }
        raise invalid(message, "not_enough_seats", "level") from error
    existing = {
        p.enrolment_id: p for p in ClassPlacement.objects.filter(enrolment_id__in=list(moving))
    }
    placed, moved, unchanged = _write(
        actor=actor,
        moves={enrolment_id: by_id[class_id] for enrolment_id, class_id in decided.items()},
        existing=existing,
    )
    after = {c.pk: len(seats[c.pk].staying) for c in classes}
    for class_id in decided.values():
        after[class_id] += 1
    return AutoPlacementResult(
        placed=placed,
        moved=moved,
        unchanged=unchanged,
        classes=tuple((c.name, after[c.pk]) for c in classes),
    )
