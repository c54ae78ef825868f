"""Writes of a school's organisation: classes of a year, and the new pupils it expects next year
(school map). Buildings and rooms are in ``rooms``, placing pupils in classes in ``placements``.

Every function takes the acting user, checks that they organise the establishment, validates
everything first and writes in one transaction: all or nothing. A bad input raises
``ValidationFailed`` with a translated message (and the field in ``details``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massar.core.choices import CycleCode
from massar.core.errors import ValidationFailed
from massar.core.validation import full_clean_or_refuse as full_clean
from massar.curriculum.models import Level, Stream
from massar.students.models import ACTIVE_ENROLMENT_STATUSES
from massar.students.services import Placement, check_placement
from massar.territory.models import Establishment, SchoolYear

from .access import require_write_at
from .models import ExpectedIntake, LanguageOption, Room, SchoolClass
from .naming import class_base_name, class_name

CLASS_CAPACITY = (1, 80)
MAX_CLASSES_AT_ONCE = 30
MAX_INTAKE = 5000


def invalid(message: str, code: str, field_name: str | None = None) -> ValidationFailed:
    details = [{"loc": [field_name] if field_name else [], "msg": str(message)}]
    return ValidationFailed(message, code=code, details=details)


# --- Classes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassData:
    """A class to create. ``number`` ``None`` takes the next free number of the stream."""

    stream: Stream
    capacity: int
    number: int | None = None
    language_option: str = LanguageOption.NONE
    home_room: Room | None = None
    other_levels: tuple[Level, ...] = field(default_factory=tuple)


def _check_capacity(capacity) -> None:
    low, high = CLASS_CAPACITY
    if not isinstance(capacity, int) or not low <= capacity <= high:
        raise invalid(
            _("A class takes between %(min)s and %(max)s pupils.") % {"min": low, "max": high},
            "class_capacity",
            "capacity",
        )


def _check_home_room(establishment: Establishment, room: Room | None, capacity: int) -> None:
    if room is None:
        return
    if room.establishment_id != establishment.pk:
        raise invalid(
            _("The home room must be a room of this school."), "room_elsewhere", "home_room"
        )
    if not room.is_active:
        raise invalid(
            _("The room %(room)s is not in use.") % {"room": room.code}, "room_unused", "home_room"
        )
    if capacity > room.capacity:
        raise invalid(
            _(
                "The room %(room)s holds %(room_capacity)s pupils: a class of %(capacity)s "
                "cannot have it as its home room."
            )
            % {"room": room.code, "room_capacity": room.capacity, "capacity": capacity},
            "room_too_small",
            "home_room",
        )


def _check_other_levels(level: Level, others: Iterable[Level]) -> tuple[Level, ...]:
    others = tuple(sorted({item.pk: item for item in others}.values(), key=lambda x: x.order))
    if not others:
        return others
    for item in (level, *others):
        if item.cycle.code != CycleCode.PRIMARY:
            raise invalid(
                _("Only primary classes can be multi-grade: %(level)s is not a primary level.")
                % {"level": item.name},
                "multigrade_not_primary",
                "other_levels",
            )
    if any(item.pk == level.pk for item in others):
        raise invalid(
            _("The other levels of a multi-grade class must differ from its own level."),
            "multigrade_same_level",
            "other_levels",
        )
    if others[0].order < level.order:
        raise invalid(
            _(
                "A multi-grade class is filed under its lowest level: choose %(level)s as the "
                "class's level and the others as its other levels."
            )
            % {"level": others[0].name},
            "multigrade_not_lowest",
            "other_levels",
        )
    return others


def _check_stream(establishment: Establishment, school_year: SchoolYear, stream: Stream) -> None:
    if not stream.is_active:
        raise invalid(
            _("The stream %(stream)s is no longer open.") % {"stream": stream.name},
            "stream_closed",
            "stream",
        )
    check_placement(
        Placement(
            school_year=school_year,
            establishment=establishment,
            level=stream.level,
            stream=stream,
        )
    )


def _taken(establishment: Establishment, school_year: SchoolYear):
    """Names and (stream, option, number) triples already used in the year (one query)."""
    rows = SchoolClass.objects.filter(establishment=establishment, school_year=school_year)
    names: set[str] = set()
    numbers: set[tuple[int, str, int]] = set()
    for name, stream_id, option, number in rows.values_list(
        "name", "stream_id", "language_option", "number"
    ):
        names.add(name.upper())
        numbers.add((stream_id, option, number))
    return names, numbers


def _free_numbers(
    *, base: str, stream: Stream, option: str, names: set[str], numbers: set, count: int
) -> list[int]:
    found = []
    for number in range(1, 100):
        if (stream.pk, option, number) in numbers or class_name(base, number).upper() in names:
            continue
        found.append(number)
        if len(found) == count:
            return found
    raise invalid(_("A stream has at most 99 classes a year."), "too_many_classes", "number")


def _save_classes(classes: list[SchoolClass]) -> list[SchoolClass]:
    try:
        with transaction.atomic():
            return SchoolClass.objects.bulk_create(classes)
    except IntegrityError as error:  # a concurrent creation took the name or number
        raise invalid(
            _("A class with this name already exists this year: choose another number."),
            "class_name_taken",
            "number",
        ) from error


@transaction.atomic
def class_create(
    *, actor, establishment: Establishment, school_year: SchoolYear, data: ClassData
) -> SchoolClass:
    """A class of the year for a stream, named by the usual convention (see ``naming``).

    A multi-grade class (``other_levels``, primary only) is filed under its lowest level.
    The home room must be a room of the school in use, holding at least ``capacity`` pupils.
    """
    require_write_at(actor, establishment)
    stream = data.stream
    level = Level.objects.select_related("cycle").get(pk=stream.level_id)
    _check_stream(establishment, school_year, stream)
    if data.language_option not in LanguageOption.values:
        raise invalid(_("Choose a language option."), "language_option", "language_option")
    _check_capacity(data.capacity)
    others = _check_other_levels(
        level,
        Level.objects.select_related("cycle").filter(pk__in=[x.pk for x in data.other_levels]),
    )
    _check_home_room(establishment, data.home_room, data.capacity)
    base = class_base_name(
        stream=stream, level=level, language_option=data.language_option, other_levels=others
    )
    names, numbers = _taken(establishment, school_year)
    if data.number is None:
        number = _free_numbers(
            base=base,
            stream=stream,
            option=data.language_option,
            names=names,
            numbers=numbers,
            count=1,
        )[0]
    else:
        number = data.number
        if not isinstance(number, int) or not 1 <= number <= 99:
            raise invalid(_("A class number is between 1 and 99."), "class_number", "number")
        name = class_name(base, number)
        if name.upper() in names or (stream.pk, data.language_option, number) in numbers:
            raise invalid(
                _("The class %(name)s already exists in %(year)s: choose another number.")
                % {"name": name, "year": school_year.label},
                "class_name_taken",
                "number",
            )
    school_class = SchoolClass(
        establishment=establishment,
        school_year=school_year,
        level=level,
        stream=stream,
        number=number,
        name=class_name(base, number),
        capacity=data.capacity,
        language_option=data.language_option,
        home_room=data.home_room,
    )
    full_clean(school_class, exclude=["establishment", "school_year", "level", "stream"])
    (school_class,) = _save_classes([school_class])
    if others:
        school_class.other_levels.set(others)
    return school_class


@transaction.atomic
def classes_create_many(
    *,
    actor,
    establishment: Establishment,
    school_year: SchoolYear,
    stream: Stream,
    count: int,
    capacity: int,
    language_option: str = LanguageOption.NONE,
) -> list[SchoolClass]:
    """``count`` classes of a stream at once (``TCS-1`` … ``TCS-n``, after the existing ones),
    in one insert."""
    require_write_at(actor, establishment)
    level = Level.objects.select_related("cycle").get(pk=stream.level_id)
    _check_stream(establishment, school_year, stream)
    if language_option not in LanguageOption.values:
        raise invalid(_("Choose a language option."), "language_option", "language_option")
    _check_capacity(capacity)
    if not isinstance(count, int) or not 1 <= count <= MAX_CLASSES_AT_ONCE:
        raise invalid(
            _("Create between 1 and %(max)s classes at once.") % {"max": MAX_CLASSES_AT_ONCE},
            "class_count",
            "count",
        )
    base = class_base_name(stream=stream, level=level, language_option=language_option)
    names, numbers = _taken(establishment, school_year)
    free = _free_numbers(
        base=base, stream=stream, option=language_option, names=names, numbers=numbers, count=count
    )
    return _save_classes(
        [
            SchoolClass(
                establishment=establishment,
                school_year=school_year,
                level=level,
                stream=stream,
                number=number,
                name=class_name(base, number),
                capacity=capacity,
                language_option=language_option,
            )
            for number in free
        ]
    )


def active_pupil_count(school_class: SchoolClass) -> int:
    return school_class.placements.filter(enrolment__status__in=ACTIVE_ENROLMENT_STATUSES).count()


@transaction.atomic
def class_update(
    *, actor, school_class: SchoolClass, capacity: int, home_room: Room | None
) -> SchoolClass:
    """Change a class's capacity and home room (its name, level and stream stay)."""
    require_write_at(actor, school_class.establishment)
    _check_capacity(capacity)
    pupils = active_pupil_count(school_class)
    if capacity < pupils:
        raise invalid(
            _("The class has %(count)s pupils: its capacity cannot be lower.") % {"count": pupils},
            "class_capacity_below_pupils",
            "capacity",
        )
    _check_home_room(school_class.establishment, home_room, capacity)
    school_class.capacity = capacity
    school_class.home_room = home_room
    full_clean(school_class, exclude=["establishment", "school_year", "level", "stream"])
    school_class.save(update_fields=["capacity", "home_room", "updated_at"])
    return school_class


# --- School map: expected new pupils -----------------------------------------------------------


@transaction.atomic
def expected_intakes_set(
    *,
    actor,
    establishment: Establishment,
    school_year: SchoolYear,
    intakes: Mapping[Level, int],
) -> int:
    """The new pupils the establishment expects next year, per level, recorded under
    ``school_year`` (the year the planning is made in). Levels must be taught by the school;
    each figure is 0–5000. Returns the number of rows written (created or changed)."""
    require_write_at(actor, establishment)
    taught = set(establishment.cycles.values_list("cycle", flat=True))
    levels = {
        level.pk: level
        for level in Level.objects.select_related("cycle").filter(pk__in=[x.pk for x in intakes])
    }
    for given, value in intakes.items():
        level = levels[given.pk]
        if level.cycle.code not in taught:
            raise invalid(
                _("%(school)s does not teach %(level)s.")
                % {"school": establishment.name, "level": level.name},
                "level_not_taught",
                level.code,
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INTAKE:
            raise invalid(
                _("The expected new pupils in %(level)s must be a number from 0 to %(max)s.")
                % {"level": level.name, "max": MAX_INTAKE},
                "intake_range",
                level.code,
            )
    existing = {
        row.level_id: row
        for row in ExpectedIntake.objects.select_for_update().filter(
            establishment=establishment, school_year=school_year
        )
    }
    now = timezone.now()
    changed, created = [], []
    for given, value in intakes.items():
        row = existing.get(given.pk)
        if row is None:
            created.append(
                ExpectedIntake(
                    establishment=establishment,
                    school_year=school_year,
                    level_id=given.pk,
                    new_pupils=value,
                )
            )
        elif row.new_pupils != value:
            row.new_pupils = value
            row.updated_at = now
            changed.append(row)
    ExpectedIntake.objects.bulk_create(created)
    ExpectedIntake.objects.bulk_update(changed, ["new_pupils", "updated_at"])
    return len(created) + len(changed)
